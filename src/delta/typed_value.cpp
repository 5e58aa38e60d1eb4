// Typed partition values and value comparison for Delta file pruning.
#include "delta/typed_value.h"

#include <charconv>
#include <cmath>

#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <class T>
int cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

Decimal parse_decimal_text(std::string_view s, int scale, bool& ok) {
  __int128 unscaled = 0;
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  int frac_digits = -1;
  bool any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (frac_digits >= 0) { ok = false; return {}; }
      frac_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') { ok = false; return {}; }
    any = true;
    if (frac_digits >= 0) {
      if (frac_digits == scale) continue;  // beyond the column's scale: truncate
      ++frac_digits;
    }
    // Beyond 128 bits no decimal column holds it.
    if (__builtin_mul_overflow(unscaled, 10, &unscaled) || __builtin_add_overflow(unscaled, c - '0', &unscaled)) {
      ok = false;
      return {};
    }
  }
  for (int d = frac_digits < 0 ? 0 : frac_digits; d < scale; ++d) {
    if (__builtin_mul_overflow(unscaled, 10, &unscaled)) {
      ok = false;
      return {};
    }
  }
  ok = any;
  return Decimal{negative ? -unscaled : unscaled, scale};
}

}  // namespace

std::string url_decode(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      int hi = hex_digit(path[i + 1]), lo = hex_digit(path[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

Value parse_partition_value(const std::optional<std::string>& text, const DeltaType& type,
                            const std::string& object) {
  if (!text || text->empty()) return Value();
  const std::string& s = *text;
  const std::string& p = type.primitive;
  auto bad = [&]() -> Error {
    return Error(ErrorCode::Corruption, object,
                 "partition value '" + s + "' of '" + object + "' is not a valid " + p);
  };
  try {
    if (p == "string") return Value(s);
    if (p == "binary") return Value(Bytes{s});
    if (p == "long" || p == "integer" || p == "short" || p == "byte") {
      int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) throw bad();
      return Value(v);
    }
    if (p == "float" || p == "double") {
      if (s == "NaN") return Value(std::nan(""));
      if (s == "Infinity") return Value(HUGE_VAL);
      if (s == "-Infinity") return Value(-HUGE_VAL);
      size_t used = 0;
      double v = std::stod(s, &used);
      if (used != s.size()) throw bad();
      return Value(v);
    }
    if (p == "boolean") {
      if (s == "true") return Value(true);
      if (s == "false") return Value(false);
      throw bad();
    }
    if (p == "date") return Value(parse_date(s));
    if (p == "timestamp" || p == "timestamp_ntz") return Value(parse_timestamp(s));
    if (p.rfind("decimal", 0) == 0) {
      int precision = 0, scale = 0;
      std::sscanf(p.c_str(), "decimal(%d,%d)", &precision, &scale);
      bool ok = false;
      Decimal d = parse_decimal_text(s, scale, ok);
      if (!ok) throw bad();
      return Value(d);
    }
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Corruption) throw;
    throw bad();
  } catch (const std::exception&) {
    throw bad();
  }
  throw Error(ErrorCode::NotSupported, object, "partition column '" + object + "' has type " + p +
                                                   ", which cannot be a partition column");
}

std::optional<int> compare_values(const Value& a, const Value& b) {
  const auto& x = a.storage();
  const auto& y = b.storage();
  // Numbers of different storage kinds compare as numbers.
  auto as_double = [](const Value::Storage& v, double& out) {
    if (auto p = std::get_if<int64_t>(&v)) return out = static_cast<double>(*p), true;
    if (auto p = std::get_if<uint64_t>(&v)) return out = static_cast<double>(*p), true;
    if (auto p = std::get_if<double>(&v)) return out = *p, true;
    return false;
  };
  if (x.index() != y.index()) {
    double dx = 0, dy = 0;
    if (as_double(x, dx) && as_double(y, dy)) {
      if (std::isnan(dx) || std::isnan(dy)) return std::nullopt;
      return cmp(dx, dy);
    }
    // A date against a timestamp: compare at microsecond resolution, in 128
    // bits, since a date far enough out has no 64-bit microsecond count.
    auto micros = [](const Value::Storage& v, __int128& out) {
      if (auto p = std::get_if<Date>(&v)) return out = __int128{p->days} * 86400000000LL, true;
      if (auto p = std::get_if<Timestamp>(&v)) return out = p->micros, true;
      return false;
    };
    __int128 mx = 0, my = 0;
    if (micros(x, mx) && micros(y, my)) return cmp(mx, my);
    return std::nullopt;
  }
  if (auto p = std::get_if<int64_t>(&x)) return cmp(*p, std::get<int64_t>(y));
  if (auto p = std::get_if<uint64_t>(&x)) return cmp(*p, std::get<uint64_t>(y));
  if (auto p = std::get_if<double>(&x)) {
    double q = std::get<double>(y);
    if (std::isnan(*p) || std::isnan(q)) return std::nullopt;
    return cmp(*p, q);
  }
  if (auto p = std::get_if<bool>(&x)) return cmp(*p, std::get<bool>(y));
  if (auto p = std::get_if<std::string>(&x)) return cmp(*p, std::get<std::string>(y));
  if (auto p = std::get_if<Bytes>(&x)) return cmp(p->data, std::get<Bytes>(y).data);
  if (auto p = std::get_if<Date>(&x)) return cmp(p->days, std::get<Date>(y).days);
  if (auto p = std::get_if<Timestamp>(&x)) return cmp(p->micros, std::get<Timestamp>(y).micros);
  if (auto p = std::get_if<Decimal>(&x)) {
    const Decimal& q = std::get<Decimal>(y);
    if (p->scale != q.scale) return std::nullopt;
    return cmp(p->unscaled, q.unscaled);
  }
  return std::nullopt;
}

}  // namespace neuralake::delta
