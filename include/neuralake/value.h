// One cell's value, engine-independent: what filters compare against and what
// DataFrame cells read back as.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

struct Date { int32_t days = 0; bool operator==(const Date&) const = default; };          // since 1970-01-01
struct Time { int64_t micros = 0; bool operator==(const Time&) const = default; };        // since midnight
struct Timestamp {                                                                        // since the epoch
  int64_t micros = 0;
  bool operator==(const Timestamp&) const = default;
};
struct Decimal {                                                                          // unscaled / 10^scale
  __int128 unscaled = 0;
  int scale = 0;
  bool operator==(const Decimal&) const = default;
};
struct Interval {
  int32_t months = 0, days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
};
struct Bytes { std::string data; bool operator==(const Bytes&) const = default; };

class Value;
using ValueList = std::vector<Value>;
using ValueStruct = std::vector<std::pair<std::string, Value>>;

// A nullable value. A default-constructed Value is null.
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Date, Time,
                               Timestamp, Decimal, Interval, Bytes, ValueList, ValueStruct>;

  Value() = default;
  Value(bool v) : v_(v) {}
  Value(int v) : v_(int64_t{v}) {}
  Value(long v) : v_(int64_t{v}) {}
  Value(long long v) : v_(int64_t{v}) {}
  Value(unsigned v) : v_(uint64_t{v}) {}
  Value(unsigned long v) : v_(uint64_t{v}) {}
  Value(unsigned long long v) : v_(uint64_t{v}) {}
  Value(double v) : v_(v) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(std::string_view v) : v_(std::string(v)) {}
  Value(Date v) : v_(v) {}
  Value(Time v) : v_(v) {}
  Value(Timestamp v) : v_(v) {}
  Value(Decimal v) : v_(v) {}
  Value(Interval v) : v_(v) {}
  Value(Bytes v) : v_(std::move(v)) {}
  Value(ValueList v) : v_(std::move(v)) {}
  Value(ValueStruct v) : v_(std::move(v)) {}

  static Value null() { return Value(); }
  // A list value; Value({1, 2}) would be ambiguous, so lists are spelled out.
  static Value list(ValueList items) { return Value(std::move(items)); }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  template <class T> bool is() const { return std::holds_alternative<T>(v_); }
  // The stored alternative; throws InvalidArgument if it holds another type.
  template <class T> const T& as() const;
  const Storage& storage() const { return v_; }

  // A readable rendering, e.g. 42, 'text', 2024-01-02, [1, 2], null.
  // Strings are quoted so that the message names the value unambiguously.
  std::string to_string() const;

  bool operator==(const Value& other) const { return v_ == other.v_; }

 private:
  Storage v_;
};

// Parses "YYYY-MM-DD"; throws InvalidArgument naming the text otherwise.
Date parse_date(std::string_view text);
// Parses "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH:MM]" into UTC microseconds.
Timestamp parse_timestamp(std::string_view text);
std::string format_date(Date d);
std::string format_timestamp(Timestamp t);

}  // namespace neuralake
#pragma GCC visibility pop

#include "neuralake/detail/value_inl.h"
