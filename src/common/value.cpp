// Value rendering and date/time parsing.
#include "neuralake/value.h"

#include <charconv>
#include <cstdio>

#include "common/civil_time.h"
#include "neuralake/error.h"

namespace neuralake {

namespace detail {
void throw_bad_value_access(const Value& v, const char* wanted) {
  throw Error(ErrorCode::InvalidArgument, v.to_string(),
              "value " + v.to_string() + " does not hold the requested type (" + wanted + ")");
}
}  // namespace detail

static std::string int128_to_string(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.insert(s.begin(), char('0' + int(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

// A 128-bit decimal has at most 38 digits: a larger scale (which no column
// type has, but a filter value may carry) is written as an exponent, so the
// text stays as long as the digits, not as long as the scale.
constexpr int kMaxPlainDecimalScale = 38;

std::string format_decimal(const Decimal& d) {
  std::string digits = int128_to_string(d.unscaled < 0 ? -d.unscaled : d.unscaled);
  if (d.scale > kMaxPlainDecimalScale) return (d.unscaled < 0 ? "-" : "") + digits + "e-" + std::to_string(d.scale);
  if (d.scale > 0) {
    if (digits.size() <= size_t(d.scale)) digits.insert(0, size_t(d.scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - size_t(d.scale), ".");
  }
  return (d.unscaled < 0 ? "-" : "") + digits;
}

static std::string format_double(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Value::to_string() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(uint64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(Date d) const { return format_date(d); }
    std::string operator()(Time t) const { return civil::format_time_of_day(t.micros); }
    std::string operator()(Timestamp t) const { return format_timestamp(t); }
    std::string operator()(const Decimal& d) const { return format_decimal(d); }
    std::string operator()(const Interval& i) const {
      return std::to_string(i.months) + " months " + std::to_string(i.days) + " days " + std::to_string(i.micros) +
             " us";
    }
    std::string operator()(const Bytes& b) const { return "b'" + b.data + "'"; }
    std::string operator()(const ValueList& l) const {
      std::string s = "[";
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + l[i].to_string();
      return s + "]";
    }
    std::string operator()(const ValueStruct& st) const {
      std::string s = "{";
      for (size_t i = 0; i < st.size(); ++i) s += (i ? ", " : "") + st[i].first + ": " + st[i].second.to_string();
      return s + "}";
    }
  };
  return std::visit(Visitor{}, v_);
}

Date parse_date(std::string_view text) {
  int y, m, d;
  if (!civil::parse_ymd(text, y, m, d) || text.size() != 10) {
    throw Error(ErrorCode::InvalidArgument, std::string(text),
                "'" + std::string(text) + "' is not a date (expected YYYY-MM-DD)");
  }
  return Date{static_cast<int32_t>(civil::days_from_civil(y, m, d))};
}

Timestamp parse_timestamp(std::string_view text) {
  int64_t micros;
  if (!civil::parse_timestamp_micros(text, micros)) {
    throw Error(ErrorCode::InvalidArgument, std::string(text),
                "'" + std::string(text) + "' is not a timestamp (expected YYYY-MM-DD[THH:MM:SS[.ffffff]][Z|+HH:MM])");
  }
  return Timestamp{micros};
}

std::string format_date(Date d) { return civil::format_date(d.days); }

std::string format_timestamp(Timestamp t) { return civil::format_timestamp_micros(t.micros); }

}  // namespace neuralake
