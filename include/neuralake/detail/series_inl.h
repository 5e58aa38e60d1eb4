// Template definitions for data_frame.h.
#pragma once

#include <type_traits>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

namespace detail {
[[noreturn]] void throw_bad_series_access(const Series& s, size_t row, const char* wanted);
}

template <class T>
std::optional<T> Series::at(size_t row) const {
  if (row >= size()) detail::throw_bad_series_access(*this, row, "a row in range");
  if (is_null(row)) return std::nullopt;
  if constexpr (std::is_same_v<T, bool>) {
    if (auto* v = std::get_if<std::vector<int64_t>>(&cdata())) return (*v)[row] != 0;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    if (auto* v = std::get_if<std::vector<int64_t>>(&cdata())) return static_cast<T>((*v)[row]);
  } else if constexpr (std::is_integral_v<T>) {
    if (auto* v = std::get_if<std::vector<uint64_t>>(&cdata())) return static_cast<T>((*v)[row]);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (auto* v = std::get_if<std::vector<double>>(&cdata())) return static_cast<T>((*v)[row]);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (auto* v = std::get_if<StringColumn>(&cdata())) return std::string((*v)[row]);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    if (auto* v = std::get_if<StringColumn>(&cdata())) return (*v)[row];
  } else if constexpr (std::is_same_v<T, Value>) {
    return get(row);
  }
  detail::throw_bad_series_access(*this, row, typeid(T).name());
}

}  // namespace neuralake
#pragma GCC visibility pop
