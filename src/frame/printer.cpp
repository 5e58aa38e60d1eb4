// Polars' DataFrame printing, byte for byte: cell texts as Polars formats them,
// then the table layout of comfy-table (UTF8_FULL_CONDENSED, dynamic width).
// Polars' own output (tests/golden/printer) is the specification.
#include "frame/printer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include "common/civil_time.h"
#include "neuralake/error.h"

namespace neuralake::detail {

namespace {

const char* const kEllipsis = "…";

// ---------------------------------------------------------------- UTF-8 text

// Decodes the code point at `pos` and advances past it; invalid bytes read as U+FFFD.
char32_t next_code_point(std::string_view s, size_t& pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > s.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  pos += len;
  return cp;
}

struct Range {
  char32_t lo, hi;
};

bool in(char32_t cp, const Range* ranges, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (cp < ranges[i].lo) return false;  // tables are sorted
    if (cp <= ranges[i].hi) return true;
  }
  return false;
}

// Combining marks, format controls and other characters a terminal draws in no column.
const Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
    {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x0900, 0x0902}, {0x093A, 0x093A}, {0x093C, 0x093C},
    {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x1160, 0x11FF}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A},
    {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF}, {0xE0000, 0xE0FFF},
};

// East Asian Wide (W) and Fullwidth (F) blocks, and emoji shown in two columns.
const Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x3029},   {0x302E, 0x303E},   {0x3041, 0x3098},   {0x309B, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F3FA}, {0x1F400, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7},
    {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

size_t code_point_width(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if (cp < 0x300) return 1;
  if (in(cp, kZeroWidth, std::size(kZeroWidth))) return 0;
  if (in(cp, kWide, std::size(kWide))) return 2;
  return 1;
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); ++n) next_code_point(s, pos);
  return n;
}

// Polars' rough width estimate (fmt.rs estimate_string_width): it sizes the
// column constraints, while the layout itself uses the true display width.
size_t estimate_width(std::string_view s) {
  size_t chars = char_count(s);
  if (chars == s.size()) return chars;
  double adjust = static_cast<double>(s.size()) / static_cast<double>(chars);
  return std::min(chars * 2, static_cast<size_t>(std::ceil(static_cast<double>(chars) * adjust)));
}

// The first `limit` characters followed by "…", or `s` itself if it is not longer.
std::string truncate_chars(const std::string& s, size_t limit) {
  size_t pos = 0, n = 0;
  while (pos < s.size() && n < limit) {
    next_code_point(s, pos);
    ++n;
  }
  if (pos >= s.size()) return s;
  return s.substr(0, pos) + kEllipsis;
}

// Splits into user-perceived characters, approximated as a code point and the
// zero-width code points that follow it.
std::vector<std::string_view> graphemes(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    next_code_point(s, pos);
    while (pos < s.size()) {
      size_t peek = pos;
      char32_t cp = next_code_point(s, peek);
      if (code_point_width(cp) != 0 || cp < 0x300) break;
      pos = peek;
    }
    out.push_back(s.substr(start, pos - start));
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      parts.emplace_back(s.substr(start));
      return parts;
    }
    parts.emplace_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// ---------------------------------------------------------------- cell texts

std::string two(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(v));
  return buf;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// A date as chrono prints it: four-digit years, a sign and at least four digits beyond 0..9999.
std::string date_text(int64_t days) {
  int64_t y;
  unsigned m, d;
  civil::civil_from_days(days, y, m, d);
  char buf[48];
  if (y >= 0 && y <= 9999) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%+05lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  return buf;
}

// A time of day as chrono prints it: the fraction in 3, 6 or 9 digits, whichever is exact.
std::string time_text(int64_t seconds, int64_t nanos) {
  std::string out = two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60);
  char buf[24];
  if (nanos == 0) return out;
  if (nanos % 1000000 == 0) std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(nanos / 1000000));
  else if (nanos % 1000 == 0) std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(nanos / 1000));
  else std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
  return out + buf;
}

int64_t per_second(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::Seconds: return 1;
    case TimeUnit::Milliseconds: return 1000;
    case TimeUnit::Microseconds: return 1000000;
    case TimeUnit::Nanoseconds: return 1000000000;
  }
  return 1000000;
}

std::string datetime_text(int64_t raw, TimeUnit unit) {
  int64_t ps = per_second(unit);
  int64_t day = floor_div(raw, 86400 * ps);
  int64_t rem = raw - day * 86400 * ps;
  return date_text(day) + " " + time_text(rem / ps, rem % ps * (1000000000 / ps));
}

std::string int128_text(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

// Decimals keep all `scale` digits (Polars does not trim zeros by default).
std::string decimal_text(const Decimal& d) {
  std::string digits = int128_text(d.unscaled < 0 ? -d.unscaled : d.unscaled);
  if (d.scale > 0) {
    if (digits.size() <= static_cast<size_t>(d.scale)) digits.insert(0, static_cast<size_t>(d.scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(d.scale), ".");
  }
  return (d.unscaled < 0 ? "-" : "") + digits;
}

// Polars' blob format: b"..." with printable ASCII as is, other bytes as \xNN.
std::string blob_text(const std::string& bytes, size_t limit) {
  std::string out = "b\"";
  char buf[8];
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    unsigned char b = static_cast<unsigned char>(bytes[i]);
    if (std::isalnum(b) || std::ispunct(b)) {
      out += static_cast<char>(b);
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  out += bytes.size() > limit ? std::string("\"") + kEllipsis : "\"";
  return out;
}

std::string interval_text(const Interval& iv) {
  std::string out;
  auto part = [&out](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + " " + unit + (n == 1 || n == -1 ? "" : "s");
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "month");
  part(iv.days, "day");
  if (iv.micros != 0 || out.empty()) {
    int64_t m = iv.micros < 0 ? -iv.micros : iv.micros;
    if (!out.empty()) out += ' ';
    if (iv.micros < 0) out += '-';
    out += time_text(m / 1000000, m % 1000000 * 1000);
  }
  return out;
}

// Rust's `{}` for f64: the shortest round-trip digits, never an exponent.
std::string rust_display(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

// Rust's `{:e}` / `{:.Ne}`: mantissa, 'e', exponent without '+' or padding.
std::string rust_exp(double v, std::optional<int> precision) {
  char buf[64];
  auto r = precision ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, *precision)
                     : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  std::string exp = s.substr(e + 1);
  bool neg = exp[0] == '-';
  size_t first = exp.find_first_not_of("+-0");
  std::string digits = first == std::string::npos ? "0" : exp.substr(first);
  return mantissa + "e" + (neg ? "-" : "") + digits;
}

std::string fixed(double v, int precision) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision);
  return std::string(buf, r.ptr);
}

std::string value_text(const Value& v, const DataType& t, const FormatOptions& o);

// Polars' Series::fmt_list: at most max_list_items items, the last one always shown.
std::string list_text(const ValueList& items, const DataType& element, const FormatOptions& o) {
  if (items.empty()) return "[]";
  std::string out = "[";
  size_t limit = o.max_list_items;
  if (limit == 0) return out + kEllipsis + "]";
  if (limit >= items.size()) {
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + value_text(items[i], element, o);
    return out + "]";
  }
  for (size_t i = 0; i + 1 < limit; ++i) out += value_text(items[i], element, o) + ", ";
  return out + kEllipsis + " " + value_text(items.back(), element, o) + "]";
}

// A value as Polars' AnyValue Display writes it (strings quoted), for values
// inside lists and structs and for every non-string cell.
std::string value_text(const Value& v, const DataType& t, const FormatOptions& o) {
  if (v.is_null()) return "null";
  switch (t.id()) {
    case TypeId::Boolean: return v.as<bool>() ? "true" : "false";
    case TypeId::Float32: return format_float(static_cast<double>(static_cast<float>(v.as<double>())));
    case TypeId::Float64: return format_float(v.as<double>());
    case TypeId::String: return "\"" + v.as<std::string>() + "\"";
    case TypeId::Binary: return blob_text(v.as<Bytes>().data, o.max_string_len * 2);
    case TypeId::Date: return date_text(v.as<Date>().days);
    case TypeId::Time: return time_text(v.as<Time>().micros / 1000000, v.as<Time>().micros % 1000000 * 1000);
    case TypeId::Timestamp: return datetime_text(v.as<Timestamp>().micros, TimeUnit::Microseconds);
    case TypeId::TimestampTz: return datetime_text(v.as<Timestamp>().micros, TimeUnit::Microseconds) + " UTC";
    case TypeId::Decimal: return decimal_text(v.as<Decimal>());
    case TypeId::Interval: return interval_text(v.as<Interval>());
    case TypeId::List: return list_text(v.as<ValueList>(), t.children()[0].type, o);
    case TypeId::Struct: {
      // Polars writes struct fields as {v1,v2} without names or spaces.
      const auto& fields = v.as<ValueStruct>();
      std::string out = "{";
      for (size_t i = 0; i < fields.size(); ++i) {
        out += (i ? "," : "") + value_text(fields[i].second, t.children()[i].type, o);
      }
      return out + "}";
    }
    case TypeId::Map: {
      // Polars has no map type; DuckDB's spelling: {key=value, ...}.
      std::string out = "{";
      const auto& entries = v.as<ValueList>();
      for (size_t i = 0; i < entries.size(); ++i) {
        const auto& kv = entries[i].as<ValueStruct>();
        out += (i ? ", " : "") + value_text(kv[0].second, t.children()[0].type, o) + "=" +
               value_text(kv[1].second, t.children()[1].type, o);
      }
      return out + "}";
    }
    default: break;
  }
  // Integers (including 128-bit ones) and engine-only types.
  if (v.is<int64_t>()) return std::to_string(v.as<int64_t>());
  if (v.is<uint64_t>()) return std::to_string(v.as<uint64_t>());
  if (v.is<Decimal>() && t.id() == TypeId::Int128) return int128_text(v.as<Decimal>().unscaled);
  if (v.is<std::string>()) return v.as<std::string>();
  return v.to_string();
}

// ---------------------------------------------------------------- layout
// What follows mirrors comfy-table's dynamic arrangement, which Polars uses
// with a fixed table width when it does not print to a terminal.

using Cell = std::vector<std::string>;  // the lines of one cell

struct Constraint {
  bool absolute = false;  // Absolute(width) or Boundaries{lower, upper}; widths include padding
  size_t lower = 0, upper = 0;
};

constexpr size_t kPadding = 2;  // one space either side of the content

// comfy-table's split_line: wraps one line at spaces to `width` columns,
// breaking words that are longer than a line.
std::vector<std::string> split_line(const std::string& line, size_t width) {
  constexpr size_t kMinFreeChars = 2;
  std::vector<std::string> lines;
  std::vector<std::string> elements = split(line, ' ');
  std::reverse(elements.begin(), elements.end());
  std::string current;
  auto check_if_full = [&](std::string cur) {
    if (display_width(cur) > (width > kMinFreeChars ? width - kMinFreeChars : 0)) {
      lines.push_back(std::move(cur));
      return std::string();
    }
    return cur;
  };
  while (!elements.empty()) {
    std::string next = std::move(elements.back());
    elements.pop_back();
    size_t current_length = display_width(current);
    size_t next_length = display_width(next);
    size_t added = next_length + current_length + (current.empty() ? 0 : 1);
    size_t remaining = width > current_length ? width - current_length : 0;
    if (!current.empty() && remaining > 0) remaining -= 1;
    if (added <= width) {
      if (!current.empty()) current += ' ';
      current += next;
      current = check_if_full(std::move(current));
      continue;
    }
    if (!current.empty() && remaining <= kMinFreeChars) {
      elements.push_back(std::move(next));
      lines.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (next_length > width) {
      bool new_line = current.empty();
      if (!new_line) current += ' ';
      // Take as many whole characters as fit into what is left of the line.
      std::vector<std::string_view> chars = graphemes(next);
      size_t taken = 0, used = 0;
      while (taken < chars.size() && used + display_width(chars[taken]) <= remaining) used += display_width(chars[taken++]);
      if (new_line && taken == 0) taken = 1;
      std::string head, rest;
      for (size_t i = 0; i < chars.size(); ++i) (i < taken ? head : rest) += chars[i];
      current += head;
      elements.push_back(std::move(rest));
      lines.push_back(std::move(current));
      current.clear();
      continue;
    }
    lines.push_back(std::move(current));
    current = check_if_full(std::move(next));
  }
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

// Column content widths (without padding) as comfy-table's dynamic arrangement picks them.
std::vector<size_t> arrange(const std::vector<std::vector<Cell>>& table, const std::vector<Constraint>& constraints,
                            size_t table_width) {
  const size_t n = constraints.size();
  std::vector<size_t> max_content(n, 0);
  for (const auto& row : table) {
    for (size_t c = 0; c < n; ++c) {
      size_t w = 0;
      for (const auto& line : row[c]) w = std::max(w, display_width(line));
      max_content[c] = std::max(max_content[c], std::max<size_t>(w, 1));
    }
  }
  auto without_padding = [](size_t w) { return w > kPadding ? w - kPadding : 1; };
  std::map<size_t, size_t> fixed;  // column -> content width
  auto fix = [&fixed](size_t c, size_t w) { fixed[c] = std::max<size_t>(w, 1); };

  for (size_t c = 0; c < n; ++c) {
    const Constraint& k = constraints[c];
    if (k.absolute) fix(c, without_padding(k.lower));
    else if (max_content[c] + kPadding <= k.lower) fix(c, without_padding(k.lower));
  }

  size_t borders = 2 + (n > 0 ? n - 1 : 0);
  size_t remaining = table_width > borders ? table_width - borders : 0;
  auto sub = [](size_t a, size_t b) { return a > b ? a - b : 0; };
  for (size_t c = 0; c < n; ++c) remaining = sub(remaining, fixed.count(c) ? fixed[c] + kPadding : kPadding);
  size_t remaining_columns = n - fixed.size();

  // Columns whose lower bound exceeds the average share get their lower bound.
  if (remaining_columns > 0) {
    size_t average = remaining / remaining_columns;
    for (bool again = true; again;) {
      again = false;
      for (size_t c = 0; c < n && remaining_columns > 0; ++c) {
        if (fixed.count(c) || constraints[c].absolute || average >= constraints[c].lower) continue;
        size_t w = without_padding(constraints[c].lower);
        fix(c, w);
        remaining = sub(remaining, w);
        if (--remaining_columns == 0) break;
        average = remaining / remaining_columns;
        again = true;
      }
    }
  }

  // Columns that fit into the average share (or hit their upper bound) keep their width.
  for (bool found = true; found;) {
    found = false;
    if (remaining_columns == 0) break;
    size_t average = remaining / remaining_columns;
    if (average == 0) break;
    for (size_t c = 0; c < n; ++c) {
      if (fixed.count(c)) continue;
      const Constraint& k = constraints[c];
      if (!k.absolute && k.upper <= average + kPadding && max_content[c] + kPadding >= k.upper) {
        size_t w = without_padding(k.upper);
        fix(c, w);
        remaining = sub(remaining, w);
        if (--remaining_columns == 0) break;
        average = remaining / remaining_columns;
        found = true;
        continue;
      }
      if (max_content[c] <= average) {
        fix(c, max_content[c]);
        remaining = sub(remaining, max_content[c]);
        if (--remaining_columns == 0) break;
        average = remaining / remaining_columns;
        found = true;
      }
    }
  }

  // Columns whose longest line after wrapping leaves room to spare take just that.
  // (comfy-table measures the wrapped lines in bytes here, not columns.)
  if (remaining_columns > 0) {
    size_t average = remaining / remaining_columns;
    for (bool found = true; found;) {
      found = false;
      for (size_t c = 0; c < n && remaining_columns > 0; ++c) {
        if (fixed.count(c)) continue;
        size_t longest = 0;
        for (const auto& row : table) {
          for (const auto& line : row[c]) {
            if (display_width(line) > average) {
              for (const auto& part : split_line(line, std::max<size_t>(average, 1))) longest = std::max(longest, part.size());
            } else {
              longest = std::max(longest, line.size());
            }
          }
        }
        if (sub(average, longest) >= 3) {
          fix(c, longest);
          remaining = sub(remaining, longest);
          if (--remaining_columns == 0) break;
          average = remaining / remaining_columns;
          found = true;
        }
      }
    }
  }

  // The rest share what is left evenly, the first ones one column wider.
  if (remaining_columns > 0) {
    remaining = std::max(remaining, remaining_columns);
    size_t average = remaining / remaining_columns;
    size_t excess = remaining - average * remaining_columns;
    for (size_t c = 0; c < n; ++c) {
      if (fixed.count(c)) continue;
      fix(c, excess > 0 ? average + 1 : average);
      if (excess > 0) --excess;
    }
  }

  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) widths[c] = fixed[c];
  return widths;
}

std::string repeat(const char* s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Draws rows of cells (the first is the header) with UTF8_FULL_CONDENSED borders.
std::string draw(const std::vector<std::vector<Cell>>& table, const std::vector<size_t>& widths) {
  auto rule = [&widths](const char* left, const char* fill, const char* mid, const char* right) {
    std::string line = left;
    for (size_t c = 0; c < widths.size(); ++c) line += (c ? mid : "") + repeat(fill, widths[c] + kPadding);
    return line + right;
  };
  std::vector<std::string> lines;
  lines.push_back(rule("┌", "─", "┬", "┐"));
  for (size_t r = 0; r < table.size(); ++r) {
    std::vector<std::vector<std::string>> cells(widths.size());
    size_t height = 0;
    for (size_t c = 0; c < widths.size(); ++c) {
      for (const auto& line : table[r][c]) {
        if (display_width(line) > widths[c]) {
          for (auto& part : split_line(line, widths[c])) cells[c].push_back(std::move(part));
        } else {
          cells[c].push_back(line);
        }
      }
      height = std::max(height, cells[c].size());
    }
    for (size_t i = 0; i < height; ++i) {
      std::string line = "│";
      for (size_t c = 0; c < widths.size(); ++c) {
        if (c) line += "┆";
        if (i < cells[c].size()) {
          const std::string& text = cells[c][i];
          size_t w = display_width(text);
          line += " " + text + std::string(widths[c] > w ? widths[c] - w : 0, ' ') + " ";
        } else {
          line += std::string(widths[c] + kPadding, ' ');
        }
      }
      lines.push_back(line + "│");
    }
    if (r == 0) lines.push_back(rule("╞", "═", "╪", "╡"));
  }
  lines.push_back(rule("└", "─", "┴", "┘"));
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

// 1234567 -> 1_234_567, as Polars writes the shape.
std::string grouped(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += '_';
    out += digits[i];
  }
  return out;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t w = 0;
  for (size_t pos = 0; pos < text.size();) w += code_point_width(next_code_point(text, pos));
  return w;
}

std::string format_float(double v) {
  constexpr double kScientificBound = 999999.0;
  double fract = v - std::trunc(v);  // Rust's fract(): NaN for infinities
  if (fract == 0.0 && std::fabs(v) < kScientificBound) return fixed(v, 1);
  std::string s = rust_display(v);
  if (s.size() > 9) {
    double a = std::fabs(v);
    if (!(a >= 0.000001 && a <= kScientificBound)) return rust_exp(v, 4);
    std::string f = fixed(v, 6);
    if (f.back() != '0') return f;
    while (f.back() == '0') f.pop_back();
    if (f.back() == '.') f += '0';
    return f;
  }
  return fract == 0.0 ? rust_exp(v, std::nullopt) : s;
}

std::string format_cell(const Series& s, size_t row, const FormatOptions& o) {
  if (row >= s.size()) {
    throw Error(ErrorCode::InvalidArgument, s.name(),
                "row " + std::to_string(row) + " is out of range for series '" + s.name() + "' of length " +
                    std::to_string(s.size()));
  }
  if (s.is_null(row)) return "null";
  const DataType& t = s.type();
  // Read the raw storage where a Value would lose detail (nanoseconds, the f32 rounding).
  switch (t.id()) {
    case TypeId::String: return std::string(std::get<StringColumn>(s.storage())[row]);
    case TypeId::Timestamp: return datetime_text(std::get<std::vector<int64_t>>(s.storage())[row], t.time_unit());
    case TypeId::Float32:
    case TypeId::Float64: return value_text(Value(std::get<std::vector<double>>(s.storage())[row]), t, o);
    default: return value_text(s.get(row), t, o);
  }
}

std::string format_frame(const DataFrame& df, const FormatOptions& o, std::optional<size_t> total_rows) {
  const size_t width = df.num_columns(), rows_held = df.num_rows();
  const size_t height = total_rows.value_or(rows_held);
  const size_t max_rows = o.max_rows, max_cols = o.max_columns, str_len = o.max_string_len;
  const size_t ellipsis_len = 1;

  // Which columns show: all, or the first ceil(max/2), a "…" column and the last floor(max/2).
  size_t n_first = width, n_last = 0;
  if (width > max_cols) {
    n_first = (max_cols + 1) / 2;
    n_last = max_cols / 2;
  }
  const bool reduce_columns = n_first + n_last < width;
  std::vector<std::optional<size_t>> shown;  // nullopt: the "…" column
  for (size_t c = 0; c < n_first; ++c) shown.emplace_back(c);
  if (reduce_columns) shown.emplace_back(std::nullopt);
  for (size_t c = width - n_last; c < width; ++c) shown.emplace_back(c);
  const size_t n_cols = shown.size();

  // Header cells, and Polars' width estimates that become column constraints.
  std::vector<std::vector<Cell>> table;
  std::vector<size_t> name_lengths, max_elem(n_cols, 0);
  table.emplace_back();
  for (const auto& c : shown) {
    if (!c) {
      table[0].push_back({kEllipsis});
      name_lengths.push_back(ellipsis_len);
      continue;
    }
    const Series& s = df.column(*c);
    std::string name = truncate_chars(s.name(), str_len);
    std::string dtype = s.type().polars_name();
    size_t len = std::max({estimate_width(name), dtype.size(), size_t{3}});
    Cell header = split(name, '\n');
    header.push_back("---");
    header.push_back(dtype);
    table[0].push_back(std::move(header));
    name_lengths.push_back(len + kPadding);
  }

  auto add_row = [&](size_t r) {
    std::vector<Cell> row;
    for (size_t i = 0; i < n_cols; ++i) {
      if (!shown[i]) {
        row.push_back({kEllipsis});
        max_elem[i] = ellipsis_len + kPadding;
        continue;
      }
      std::string text = truncate_chars(format_cell(df.column(*shown[i]), r, o), str_len);
      max_elem[i] = std::max(max_elem[i], estimate_width(text) + kPadding);
      row.push_back(split(text, '\n'));
    }
    table.push_back(std::move(row));
  };
  const bool truncated_rows = max_rows > 0 && height > max_rows;
  if (max_rows > 0) {
    if (truncated_rows) {
      size_t half = max_rows / 2, rest = max_rows % 2;
      for (size_t r = 0; r < half + rest && r < rows_held; ++r) add_row(r);
      table.emplace_back(n_cols, Cell{kEllipsis});
      for (size_t r = rows_held - std::min(half, rows_held); r < rows_held; ++r) add_row(r);
    } else {
      for (size_t r = 0; r < rows_held; ++r) add_row(r);
    }
  } else if (height > 0) {
    table.emplace_back(n_cols, Cell{kEllipsis});
  }

  const size_t min_col_width = std::max<size_t>(5, 3 + kPadding);
  std::vector<Constraint> constraints;
  for (size_t i = 0; i < n_cols; ++i) {
    size_t mx = std::min(str_len + ellipsis_len + kPadding, std::max(name_lengths[i], max_elem[i]));
    if (mx <= min_col_width && !truncated_rows) constraints.push_back({true, mx, mx});
    else if (mx <= min_col_width) constraints.push_back({false, mx, min_col_width});
    else constraints.push_back({false, min_col_width, mx});
  }

  std::vector<size_t> widths = arrange(table, constraints, o.table_width);
  return "shape: (" + grouped(height) + ", " + grouped(width) + ")\n" + draw(table, widths);
}

}  // namespace neuralake::detail
