// Series: one typed column, stored by physical kind, with values checked
// against the column's type as they come in.
#include <cxxabi.h>

#include <cstdlib>
#include <limits>
#include <memory>

#include "neuralake/data_frame.h"
#include "neuralake/error.h"

namespace neuralake {

namespace {

// Which Storage alternative a type lives in (see the comment on Series).
enum class Kind { Int, UInt, Float, Str, Val };

Kind kind_of(const DataType& t) {
  switch (t.id()) {
    case TypeId::Null:  // holds only nulls; int64 keeps a default-constructed Series consistent
    case TypeId::Boolean:
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64:
    case TypeId::Date: case TypeId::Time: case TypeId::Timestamp: case TypeId::TimestampTz:
      return Kind::Int;
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64:
      return Kind::UInt;
    case TypeId::Float32: case TypeId::Float64:
      return Kind::Float;
    case TypeId::String: case TypeId::Binary:
      return Kind::Str;
    default:  // Int128 does not fit int64; decimals, intervals, nested and engine types
      return Kind::Val;
  }
}

Series::Storage empty_storage(const DataType& t) {
  switch (kind_of(t)) {
    case Kind::Int: return std::vector<int64_t>{};
    case Kind::UInt: return std::vector<uint64_t>{};
    case Kind::Float: return std::vector<double>{};
    case Kind::Str: return StringColumn{};
    case Kind::Val: return std::vector<Value>{};
  }
  return std::vector<Value>{};
}

// How many of the type's time unit make one microsecond, as a multiplier or a divisor.
int64_t units_per_second(TimeUnit u) {
  switch (u) {
    case TimeUnit::Seconds: return 1;
    case TimeUnit::Milliseconds: return 1000;
    case TimeUnit::Microseconds: return 1000000;
    case TimeUnit::Nanoseconds: return 1000000000;
  }
  return 1000000;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Why a value does not fit; empty when it does. Sets `out` to the normalized value.
using Why = std::string;

Why int_in_range(const Value& v, __int128 lo, __int128 hi, __int128& out) {
  if (v.is<int64_t>()) out = v.as<int64_t>();
  else if (v.is<uint64_t>()) out = v.as<uint64_t>();
  else return "not an integer";
  if (out < lo || out > hi) return "out of range";
  return {};
}

__int128 pow10(int n) {
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

Why normalize(const Value& v, const DataType& t, Value& out);

Why normalize_decimal(const Value& v, const DataType& t, Value& out) {
  Decimal d;
  if (v.is<Decimal>()) {
    d = v.as<Decimal>();
  } else if (v.is<int64_t>()) {
    d = Decimal{v.as<int64_t>(), 0};
  } else if (v.is<uint64_t>()) {
    d = Decimal{static_cast<__int128>(v.as<uint64_t>()), 0};
  } else {
    return "not a decimal or an integer";
  }
  if (d.scale < t.scale()) {
    d.unscaled *= pow10(t.scale() - d.scale);
  } else if (d.scale > t.scale()) {
    __int128 div = pow10(d.scale - t.scale());
    if (d.unscaled % div != 0) return "has more than " + std::to_string(t.scale()) + " decimal places";
    d.unscaled /= div;
  }
  d.scale = t.scale();
  __int128 limit = pow10(t.precision());
  if (d.unscaled >= limit || d.unscaled <= -limit) return "has more than " + std::to_string(t.precision()) + " digits";
  out = Value(d);
  return {};
}

Why normalize(const Value& v, const DataType& t, Value& out) {
  if (v.is_null()) {
    out = Value();
    return {};
  }
  __int128 i = 0;
  switch (t.id()) {
    case TypeId::Null:
      return "a null column holds only nulls";
    case TypeId::Boolean:
      if (!v.is<bool>()) return "not a boolean";
      out = v;
      return {};
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64: {
      int bits = t.id() == TypeId::Int8 ? 8 : t.id() == TypeId::Int16 ? 16 : t.id() == TypeId::Int32 ? 32 : 64;
      __int128 hi = (__int128{1} << (bits - 1)) - 1;
      if (auto why = int_in_range(v, -hi - 1, hi, i); !why.empty()) return why;
      out = Value(static_cast<int64_t>(i));
      return {};
    }
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64: {
      int bits = t.id() == TypeId::UInt8 ? 8 : t.id() == TypeId::UInt16 ? 16 : t.id() == TypeId::UInt32 ? 32 : 64;
      __int128 hi = (__int128{1} << bits) - 1;
      if (auto why = int_in_range(v, 0, hi, i); !why.empty()) return why;
      out = Value(static_cast<uint64_t>(i));
      return {};
    }
    case TypeId::Int128:
      if (v.is<int64_t>() || v.is<uint64_t>()) {
        out = v;
        return {};
      }
      if (v.is<Decimal>() && v.as<Decimal>().scale == 0) {
        out = v;
        return {};
      }
      return "not an integer";
    case TypeId::Float32: case TypeId::Float64: {
      double d;
      if (v.is<double>()) d = v.as<double>();
      else if (v.is<int64_t>()) d = static_cast<double>(v.as<int64_t>());
      else if (v.is<uint64_t>()) d = static_cast<double>(v.as<uint64_t>());
      else return "not a number";
      // An f32 column keeps what a float can hold, so reads and printing agree with it.
      if (t.id() == TypeId::Float32) d = static_cast<double>(static_cast<float>(d));
      out = Value(d);
      return {};
    }
    case TypeId::String:
      if (!v.is<std::string>()) return "not a string";
      out = v;
      return {};
    case TypeId::Binary:
      if (v.is<Bytes>()) out = v;
      else if (v.is<std::string>()) out = Value(Bytes{v.as<std::string>()});
      else return "not binary data";
      return {};
    case TypeId::Date:
      if (!v.is<Date>()) return "not a date";
      out = v;
      return {};
    case TypeId::Time:
      if (!v.is<Time>()) return "not a time of day";
      if (v.as<Time>().micros < 0 || v.as<Time>().micros >= 86400LL * 1000000) return "not within one day";
      out = v;
      return {};
    case TypeId::Timestamp: case TypeId::TimestampTz:
      if (!v.is<Timestamp>()) return "not a timestamp";
      out = v;
      return {};
    case TypeId::Decimal:
      return normalize_decimal(v, t, out);
    case TypeId::Interval:
      if (!v.is<Interval>()) return "not an interval";
      out = v;
      return {};
    case TypeId::List: {
      if (!v.is<ValueList>()) return "not a list";
      ValueList items;
      items.reserve(v.as<ValueList>().size());
      for (const Value& item : v.as<ValueList>()) {
        Value n;
        if (auto why = normalize(item, t.children()[0].type, n); !why.empty())
          return "has element " + item.to_string() + " that is " + why;
        items.push_back(std::move(n));
      }
      out = Value(std::move(items));
      return {};
    }
    case TypeId::Struct: {
      if (!v.is<ValueStruct>()) return "not a struct";
      const auto& fields = v.as<ValueStruct>();
      if (fields.size() != t.children().size()) return "has " + std::to_string(fields.size()) + " fields";
      ValueStruct norm;
      for (size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].first != t.children()[f].name) return "has field '" + fields[f].first + "' where '" +
                                                             t.children()[f].name + "' belongs";
        Value n;
        if (auto why = normalize(fields[f].second, t.children()[f].type, n); !why.empty())
          return "has field '" + fields[f].first + "' that is " + why;
        norm.emplace_back(fields[f].first, std::move(n));
      }
      out = Value(std::move(norm));
      return {};
    }
    case TypeId::Map: {
      // A map value is a list of {key, value} structs.
      if (!v.is<ValueList>()) return "not a list of {key, value} entries";
      ValueList entries;
      for (const Value& e : v.as<ValueList>()) {
        if (!e.is<ValueStruct>() || e.as<ValueStruct>().size() != 2) return "not a list of {key, value} entries";
        const auto& kv = e.as<ValueStruct>();
        Value k, val;
        if (kv[0].second.is_null()) return "has a null key";
        if (auto why = normalize(kv[0].second, t.children()[0].type, k); !why.empty()) return "has a key that is " + why;
        if (auto why = normalize(kv[1].second, t.children()[1].type, val); !why.empty())
          return "has a value that is " + why;
        entries.push_back(Value(ValueStruct{{"key", std::move(k)}, {"value", std::move(val)}}));
      }
      out = Value(std::move(entries));
      return {};
    }
    case TypeId::Other:
      out = v;  // only the engine knows the type; keep what we were given
      return {};
  }
  return "of an unknown type";
}

}  // namespace

namespace detail {

[[noreturn]] void throw_bad_series_access(const Series& s, size_t row, const char* wanted) {
  if (row >= s.size()) {
    throw Error(ErrorCode::InvalidArgument, s.name(),
                "row " + std::to_string(row) + " is out of range for series '" + s.name() + "' of length " +
                    std::to_string(s.size()));
  }
  std::string type_name = wanted;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(wanted, nullptr, nullptr, &status), std::free);
  if (status == 0 && demangled) type_name = demangled.get();
  throw Error(ErrorCode::InvalidArgument, s.name(),
              "series '" + s.name() + "' of type " + s.type().polars_name() + " cannot be read as " + type_name);
}

}  // namespace detail

Series::Buffers& Series::own() {
  if (buf_.use_count() > 1) buf_ = std::make_shared<Buffers>(*buf_);
  return *buf_;
}

Series Series::empty(std::string name, DataType type) {
  Series s;
  s.name_ = std::move(name);
  s.own().data = empty_storage(type);
  s.type_ = std::move(type);
  return s;
}

Series::Series(std::string name, DataType type, const std::vector<Value>& values) {
  *this = empty(std::move(name), std::move(type));
  reserve(values.size());
  for (const Value& v : values) push_back(v);
}

namespace {
// Fills a series from plain or optional values without going through Value.
template <class Out, class In>
void fill(std::vector<Out>& data, std::vector<uint8_t>& validity, const std::vector<In>& in) {
  data.reserve(in.size());
  validity.reserve(in.size());
  for (const auto& v : in) {
    if constexpr (requires { v.has_value(); }) {
      data.push_back(v ? Out(*v) : Out{});
      validity.push_back(v ? 1 : 0);
    } else {
      data.push_back(Out(v));
      validity.push_back(1);
    }
  }
}
}  // namespace

Series::Series(std::string name, std::vector<int64_t> values) : name_(std::move(name)), type_(DataType::int64()) {
  own().validity.assign(values.size(), 1);
  own().data = std::move(values);
}

Series::Series(std::string name, std::vector<double> values) : name_(std::move(name)), type_(DataType::float64()) {
  own().validity.assign(values.size(), 1);
  own().data = std::move(values);
}

Series::Series(std::string name, std::vector<std::string> values)
    : name_(std::move(name)), type_(DataType::string()) {
  own().validity.assign(values.size(), 1);
  StringColumn data;
  size_t bytes = 0;
  for (const auto& v : values) bytes += v.size();
  data.reserve(values.size(), bytes);
  for (const auto& v : values) data.push_back(v);
  own().data = std::move(data);
}

Series::Series(std::string name, std::vector<bool> values) : name_(std::move(name)), type_(DataType::boolean()) {
  std::vector<int64_t> data;
  fill(data, own().validity, values);
  own().data = std::move(data);
}

Series::Series(std::string name, std::vector<std::optional<int64_t>> values)
    : name_(std::move(name)), type_(DataType::int64()) {
  std::vector<int64_t> data;
  fill(data, own().validity, values);
  own().data = std::move(data);
}

Series::Series(std::string name, std::vector<std::optional<double>> values)
    : name_(std::move(name)), type_(DataType::float64()) {
  std::vector<double> data;
  fill(data, own().validity, values);
  own().data = std::move(data);
}

Series::Series(std::string name, std::vector<std::optional<std::string>> values)
    : name_(std::move(name)), type_(DataType::string()) {
  StringColumn data;
  data.reserve(values.size());
  own().validity.reserve(values.size());
  for (const auto& v : values) {
    data.push_back(v ? std::string_view(*v) : std::string_view());
    own().validity.push_back(v ? 1 : 0);
  }
  own().data = std::move(data);
}

Value Series::get(size_t row) const {
  if (row >= size()) detail::throw_bad_series_access(*this, row, "a row in range");
  if (is_null(row)) return Value();
  switch (type_.id()) {
    case TypeId::Boolean: return Value(std::get<std::vector<int64_t>>(cdata())[row] != 0);
    case TypeId::Date: return Value(Date{static_cast<int32_t>(std::get<std::vector<int64_t>>(cdata())[row])});
    case TypeId::Time: return Value(Time{std::get<std::vector<int64_t>>(cdata())[row]});
    case TypeId::Timestamp: {
      int64_t raw = std::get<std::vector<int64_t>>(cdata())[row];
      int64_t per_second = units_per_second(type_.time_unit());
      // Nanoseconds round down to the microsecond a Timestamp can hold.
      int64_t micros = per_second >= 1000000 ? floor_div(raw, per_second / 1000000) : raw * (1000000 / per_second);
      return Value(Timestamp{micros});
    }
    case TypeId::TimestampTz: return Value(Timestamp{std::get<std::vector<int64_t>>(cdata())[row]});
    case TypeId::Binary: return Value(Bytes{std::string(std::get<StringColumn>(cdata())[row])});
    case TypeId::String: return Value(std::string(std::get<StringColumn>(cdata())[row]));
    default: break;
  }
  return std::visit(
      [row](const auto& v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, StringColumn>) return Value(std::string(v[row]));
        else return Value(v[row]);
      },
      cdata());
}

void Series::push_back(const Value& v) {
  Value n;
  if (Why why = normalize(v, type_, n); !why.empty()) {
    throw Error(ErrorCode::InvalidArgument, name_,
                "series '" + name_ + "' row " + std::to_string(size()) + ": value " + v.to_string() + " does not fit " +
                    type_.polars_name() + ": " + why);
  }
  if (n.is_null()) {
    push_null();
    return;
  }
  switch (kind_of(type_)) {
    case Kind::Int: {
      int64_t raw = 0;
      if (n.is<bool>()) raw = n.as<bool>() ? 1 : 0;
      else if (n.is<int64_t>()) raw = n.as<int64_t>();
      else if (n.is<Date>()) raw = n.as<Date>().days;
      else if (n.is<Time>()) raw = n.as<Time>().micros;
      else if (n.is<Timestamp>()) {
        raw = n.as<Timestamp>().micros;
        if (type_.id() == TypeId::Timestamp) {
          int64_t per_second = units_per_second(type_.time_unit());
          if (per_second >= 1000000) {
            if (__builtin_mul_overflow(raw, per_second / 1000000, &raw)) {
              throw Error(ErrorCode::InvalidArgument, name_,
                          "series '" + name_ + "' row " + std::to_string(size()) + ": value " + v.to_string() +
                              " is out of range for " + type_.polars_name());
            }
          } else {
            raw = floor_div(raw, 1000000 / per_second);
          }
        }
      }
      std::get<std::vector<int64_t>>(own().data).push_back(raw);
      break;
    }
    case Kind::UInt: std::get<std::vector<uint64_t>>(own().data).push_back(n.as<uint64_t>()); break;
    case Kind::Float: std::get<std::vector<double>>(own().data).push_back(n.as<double>()); break;
    case Kind::Str:
      std::get<StringColumn>(own().data).push_back(n.is<Bytes>() ? n.as<Bytes>().data : n.as<std::string>());
      break;
    case Kind::Val: std::get<std::vector<Value>>(own().data).push_back(std::move(n)); break;
  }
  own().validity.push_back(1);
}

void Series::push_null() {
  std::visit([](auto& v) { v.emplace_back(); }, own().data);
  own().validity.push_back(0);
}

void Series::reserve(size_t n) {
  std::visit([n](auto& v) { v.reserve(n); }, own().data);
  own().validity.reserve(n);
}

Series Series::renamed(std::string name) const {
  Series s = *this;
  s.name_ = std::move(name);
  return s;
}

}  // namespace neuralake
