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

}  // namespace neuralake::delta
