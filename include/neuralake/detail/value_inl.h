// Template definitions for value.h.
#pragma once

#include <typeinfo>

#include "neuralake/error.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

namespace detail {
[[noreturn]] void throw_bad_value_access(const Value& v, const char* wanted);
}

template <class T>
const T& Value::as() const {
  if (const T* p = std::get_if<T>(&v_)) return *p;
  detail::throw_bad_value_access(*this, typeid(T).name());
}

}  // namespace neuralake
#pragma GCC visibility pop
