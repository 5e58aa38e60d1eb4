// Scanning a stats JSON text ("{\"numRecords\":..,\"minValues\":{..}}")
// straight into typed bounds for a layout: no DOM, no token buffer.
#include "delta/stats_json.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "common/civil_time.h"

namespace neuralake::delta {

namespace {

using Kind = StatsColumn::Kind;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first '"' or '\\' in [p, end), or end: eight bytes at a time, since
// this loop reads every byte of every key and string value.
[[gnu::always_inline]] inline const char* find_quote_or_backslash(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      const uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\');
      // A byte's high bit is set where it is zero; the lowest such byte is exact.
      const uint64_t hits = ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs);
      if (hits) return p + std::countr_zero(hits) / 8;
      p += 8;
    }
  }
  while (p < end && *p != '"' && *p != '\\') ++p;
  return p;
}

// Appends the digits at `p` to `v` (v * 10^n + digits, wrapping past 19
// digits), advancing `p`; returns n. Eight at a time where eight bytes can be
// read: number tokens are short and vary in length, and a loop mispredicts
// its exit once per token.
[[gnu::always_inline]] inline int read_digits(const char*& p, const char* end, uint64_t& v) {
  static constexpr uint64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  int count = 0;
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0, kZeros = 0x3030303030303030, kSixes = 0x0606060606060606;
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      // A byte is a digit if it and it + 6 both are 0x3?. A carry out of a
      // non-digit byte only reaches later bytes, so the first non-digit is exact.
      const uint64_t non_digit = ((w & kHigh) ^ kZeros) | (((w + kSixes) & kHigh) ^ kZeros);
      const int n = non_digit ? std::countr_zero(non_digit) / 8 : 8;
      if (n == 0) return count;
      // The n digits to the top bytes, zeros (leading zeros) below; then
      // pairs, quads and the eight combine by multiply and shift.
      uint64_t d = (w << (8 * (8 - n))) & 0x0F0F0F0F0F0F0F0F;
      d = (d * 2561) >> 8;
      d = ((d & 0x00FF00FF00FF00FF) * 6553601) >> 16;
      d = ((d & 0x0000FFFF0000FFFF) * 42949672960001) >> 32;
      v = v * kPow10[n] + d;
      count += n;
      p += n;
      if (n < 8) return count;
    }
  }
  while (p < end && is_digit(*p)) {
    v = v * 10 + static_cast<uint64_t>(*p++ - '0');
    ++count;
  }
  return count;
}

// Equality of short keys without a library call.
bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The characters a JSON number token is made of.
constexpr std::array<bool, 256> kNumberChars = [] {
  std::array<bool, 256> t{};
  for (char c : std::string_view("0123456789+-.eE")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// An integer token ("-"? digits) that fits an int64; the slow path of
// StatsJsonScanner::int_number.
bool parse_int(std::string_view t, int64_t& out) {
  const size_t first = !t.empty() && t[0] == '-';
  if (t.size() == first) return false;
  for (size_t i = first; i < t.size(); ++i) {
    if (!is_digit(t[i])) return false;
  }
  const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

bool parse_double(std::string_view t, double& out) {
  const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

// Two digits at `p`, or -1.
int two_digits(const char* p) {
  if (!is_digit(p[0]) || !is_digit(p[1])) return -1;
  return (p[0] - '0') * 10 + (p[1] - '0');
}

// "YYYY-MM-DD" at the start of `t` (size checked by the caller) as days.
bool fixed_date(const char* t, int64_t& days) {
  const int y1 = two_digits(t), y2 = two_digits(t + 2), m = two_digits(t + 5), d = two_digits(t + 8);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1 || t[4] != '-' || t[7] != '-') return false;
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int y = y1 * 100 + y2;
  if (d > kMonthDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  days = civil::days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// As parse_date(): the fixed form, which is the only one it accepts.
bool parse_date_days(std::string_view t, int64_t& days) {
  if (t.size() != 10 || !fixed_date(t.data(), days)) return false;
  days = static_cast<int32_t>(days);  // Date holds 32 bits
  return true;
}

// As parse_timestamp(): the shapes writers use ("2024-01-06T00:00:00.000Z",
// with or without fraction, with Z, +HH:MM or nothing) at fixed positions;
// anything else through the general parser, which gives the same results.
bool parse_timestamp_micros(std::string_view t, int64_t& micros) {
  const char* p = t.data();
  const size_t n = t.size();
  int64_t days = 0;
  if (n >= 19 && (p[10] == 'T' || p[10] == ' ') && p[13] == ':' && p[16] == ':' && fixed_date(p, days)) {
    const int hh = two_digits(p + 11), mm = two_digits(p + 14), ss = two_digits(p + 17);
    if (hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59 && ss >= 0 && ss <= 60) {
      int64_t v = days * 86400000000LL + ((hh * 60LL + mm) * 60LL + ss) * 1000000LL;
      size_t pos = 19;
      bool fast = true;
      if (pos < n && p[pos] == '.') {
        // Exactly 3 or 6 fraction digits; other widths go the general way.
        size_t width = 0;
        while (pos + 1 + width < n && is_digit(p[pos + 1 + width])) ++width;
        if (width == 3 || width == 6) {
          int64_t frac = 0;
          for (size_t k = 0; k < width; ++k) frac = frac * 10 + (p[pos + 1 + k] - '0');
          v += width == 3 ? frac * 1000 : frac;
        } else {
          fast = false;
        }
        pos += 1 + width;
      }
      if (fast) {
        if (pos == n) {
          micros = v;
          return true;
        }
        if (p[pos] == 'Z' && pos + 1 == n) {
          micros = v;
          return true;
        }
        if ((p[pos] == '+' || p[pos] == '-') && pos + 6 == n && p[pos + 3] == ':') {
          const int oh = two_digits(p + pos + 1), om = two_digits(p + pos + 4);
          if (oh >= 0 && om >= 0) {
            const int64_t offset = (oh * 60LL + om) * 60LL * 1000000LL;
            micros = p[pos] == '+' ? v - offset : v + offset;
            return true;
          }
        }
      }
    }
  }
  return civil::parse_timestamp_micros(t, micros);
}

// A forward-only scanner of one stats object into TypedStats: no DOM, no
// token buffer, nothing allocated unless a string holds escapes. Any syntax
// error fails the whole text (no stats): stats only ever make reads faster.
class StatsJsonScanner {
 public:
  StatsJsonScanner(std::string_view text, const StatsLayout& layout, UnescapedStrings& strings, std::string& scratch)
      : p_(text.data()), end_(text.data() + text.size()), layout_(layout), strings_(strings), scratch_(scratch) {}

  // Fills `out`, whose vectors are sized to the layout and all unknown.
  bool scan(TypedStats& out) {
    if (!consume('{')) return false;
    if (!consume('}')) {
      do {
        std::string_view key;
        if (!key_string(key) || !consume(':')) return false;
        bool ok;
        if (same_key(key, "minValues")) {
          ok = section(&out.mins, nullptr);
        } else if (same_key(key, "maxValues")) {
          ok = section(&out.maxs, nullptr);
        } else if (same_key(key, "nullCount")) {
          ok = section(nullptr, &out.null_counts);
        } else if (same_key(key, "numRecords")) {
          ok = num_records(out.num_records);
        } else {
          ok = skip_value(0);
        }
        if (!ok) return false;
      } while (consume(','));
      if (!consume('}')) return false;
    }
    skip_ws();
    return p_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 64;

  [[gnu::always_inline]] void skip_ws() {
    // Writers put no spaces between tokens: one test is the usual cost.
    if (p_ < end_ && static_cast<unsigned char>(*p_) > ' ') return;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  [[gnu::always_inline]] bool consume(char c) {
    skip_ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  [[gnu::always_inline]] char peek() {
    skip_ws();
    return p_ < end_ ? *p_ : '\0';
  }

  bool num_records(int64_t& out) {
    if (!is_number_start(peek())) return skip_value(0);
    int64_t v = 0;
    if (int_number(v)) out = v < 0 ? -1 : v;
    return true;
  }

  // One of minValues / maxValues (into `bounds`) or nullCount (into `nulls`).
  // A value that is not an object carries no stats and is skipped.
  bool section(std::vector<TypedBound>* bounds, std::vector<std::optional<int64_t>>* nulls) {
    if (peek() != '{') return skip_value(0);
    ++p_;
    if (consume('}')) return true;
    // Writers list columns in schema order: the next column is the usual match.
    size_t hint = 0;
    do {
      skip_ws();
      int col = expected_column(hint);
      if (col < 0) {
        std::string_view key;
        if (!key_string(key) || !consume(':')) return false;
        col = column_of(key, hint);
      }
      bool ok;
      if (col < 0) {
        ok = skip_value(0);
      } else if (nulls) {
        ok = null_count((*nulls)[static_cast<size_t>(col)]);
      } else {
        ok = bound((*bounds)[static_cast<size_t>(col)], layout_.columns[static_cast<size_t>(col)].kind);
      }
      if (!ok) return false;
    } while (consume(','));
    return consume('}');
  }

  // The column `hint` if its key is next in the text, written without
  // escapes and followed by ':'; then both are consumed. Otherwise -1 and
  // nothing is consumed.
  [[gnu::always_inline]] int expected_column(size_t& hint) {
    const auto& cols = layout_.columns;
    if (hint >= cols.size()) return -1;
    const std::string& k = cols[hint].key;
    const size_t m = k.size();
    const char* p = p_;
    if (static_cast<size_t>(end_ - p) < m + 3 || p[0] != '"' || p[m + 1] != '"' || p[m + 2] != ':') return -1;
    for (size_t i = 0; i < m; ++i) {
      const char c = p[1 + i];
      if (c != k[i] || c == '\\' || c == '"') return -1;
    }
    p_ = p + m + 3;
    return static_cast<int>(hint++);
  }

  int column_of(std::string_view key, size_t& hint) const {
    const auto& cols = layout_.columns;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (same_key(cols[i].key, key)) {
        hint = i + 1;
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  // A later value for the same column replaces an earlier one, known or not.
  [[gnu::always_inline]] bool null_count(std::optional<int64_t>& out) {
    out.reset();
    if (!is_number_start(peek())) return skip_value(0);
    int64_t v = 0;
    if (int_number(v) && v >= 0) out = v;
    return true;
  }

  [[gnu::always_inline]] bool bound(TypedBound& out, Kind kind) {
    out = TypedBound{};
    const char c = peek();
    if (c == '"') {
      if (kind != Kind::String && kind != Kind::Date && kind != Kind::Timestamp) return skip_value(0);
      std::string_view s;
      bool lossy = false;
      if (!string(s, lossy)) return false;
      if (lossy) return true;  // not the column's true text: no bound
      if (kind == Kind::String) {
        if (s.data() == scratch_.data()) {
          std::string& kept = strings_.next();
          kept.assign(s);
          s = kept;
        }
        out.s = s;
        out.known = true;
      } else if (kind == Kind::Date) {
        out.known = parse_date_days(s, out.i);
      } else {
        out.known = parse_timestamp_micros(s, out.i);
      }
      return true;
    }
    if (is_number_start(c)) {
      if (kind == Kind::Int) {
        out.known = int_number(out.i);
      } else if (kind == Kind::Double) {
        out.known = double_number(out.d);  // an integer token too
      } else {
        std::string_view t;
        number(t);
      }
      return true;
    }
    return skip_value(0);
  }

  static bool is_number_start(char c) { return c == '-' || is_digit(c); }

  // The number token at p_ (which starts one) as an int64; false, with the
  // token consumed, if it is not an integer or out of range. Up to 18 digits
  // in one pass; anything longer or stranger through parse_int().
  [[gnu::always_inline]] bool int_number(int64_t& out) {
    const char* p = p_;
    const bool negative = *p == '-';
    p += negative;
    uint64_t v = 0;
    const int count = read_digits(p, end_, v);
    if (count == 0 || count > 18 || (p < end_ && kNumberChars[static_cast<unsigned char>(*p)])) {
      std::string_view t;
      number(t);
      return parse_int(t, out);
    }
    p_ = p;
    out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }

  // The number token at p_ as a double. Up to 15 digits without exponent:
  // both the digits and the power of ten are exact doubles, so one IEEE
  // division rounds correctly, as from_chars does (Clinger's fast path).
  [[gnu::always_inline]] bool double_number(double& out) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* p = p_;
    const bool negative = *p == '-';
    p += negative;
    uint64_t m = 0;  // wraps past 19 digits, but then the slow path is taken
    int count = read_digits(p, end_, m), fraction = 0;
    if (count > 0 && p < end_ && *p == '.') {
      ++p;
      fraction = read_digits(p, end_, m);
      count = fraction == 0 ? 0 : count + fraction;
    }
    if (count == 0 || count > 15 || (p < end_ && kNumberChars[static_cast<unsigned char>(*p)])) {
      std::string_view t;
      number(t);
      return parse_double(t, out);
    }
    p_ = p;
    const double v = static_cast<double>(m) / kPow10[fraction];
    out = negative ? -v : v;
    return true;
  }

  bool number(std::string_view& out) {
    const char* p = p_;
    while (p < end_ && kNumberChars[static_cast<unsigned char>(*p)]) ++p;
    out = std::string_view(p_, static_cast<size_t>(p - p_));
    p_ = p;
    return !out.empty();
  }

  // An object key: undecodable characters cannot match a column, so they
  // are kept as U+FFFD.
  bool key_string(std::string_view& out) {
    bool lossy = false;
    return peek() == '"' && string(out, lossy);
  }

  // A string at p_ (the quote); the view points into the text, or into
  // `scratch_` if it held escapes. `lossy`: a lone surrogate was replaced.
  [[gnu::always_inline]] bool string(std::string_view& out, bool& lossy) {
    const char* start = p_ + 1;
    const char* p = find_quote_or_backslash(start, end_);
    if (p < end_ && *p == '"') {
      out = std::string_view(start, static_cast<size_t>(p - start));
      p_ = p + 1;
      return true;
    }
    p_ = p;
    return p < end_ && unescape(start, out, lossy);
  }

  // The rest of string(), from the first backslash at p_.
  [[gnu::noinline]] bool unescape(const char* start, std::string_view& out, bool& lossy) {
    scratch_.assign(start, static_cast<size_t>(p_ - start));
    while (true) {
      if (p_ >= end_) return false;
      const char c = *p_++;
      if (c == '"') break;
      if (c != '\\') {
        scratch_ += c;
        continue;
      }
      if (p_ >= end_) return false;
      switch (*p_++) {
        case '"': scratch_ += '"'; break;
        case '\\': scratch_ += '\\'; break;
        case '/': scratch_ += '/'; break;
        case 'b': scratch_ += '\b'; break;
        case 'f': scratch_ += '\f'; break;
        case 'n': scratch_ += '\n'; break;
        case 'r': scratch_ += '\r'; break;
        case 't': scratch_ += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo = 0;
            if (end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
              p_ += 2;
              if (!hex4(lo)) return false;
              if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              } else {
                p_ -= 6;  // not a pair: the next escape stands on its own
                cp = 0xFFFD;
                lossy = true;
              }
            } else {
              cp = 0xFFFD;
              lossy = true;
            }
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            cp = 0xFFFD;
            lossy = true;
          }
          append_utf8(cp);
          break;
        }
        default: return false;
      }
    }
    out = scratch_;
    return true;
  }

  bool hex4(uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  void append_utf8(uint32_t cp) {
    if (cp < 0x80) {
      scratch_ += static_cast<char>(cp);
    } else if (cp < 0x800) {
      scratch_ += static_cast<char>(0xC0 | (cp >> 6));
      scratch_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      scratch_ += static_cast<char>(0xE0 | (cp >> 12));
      scratch_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      scratch_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      scratch_ += static_cast<char>(0xF0 | (cp >> 18));
      scratch_ += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      scratch_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      scratch_ += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool skip_string() {
    ++p_;
    while (true) {
      p_ = find_quote_or_backslash(p_, end_);
      if (p_ >= end_) return false;
      if (*p_++ == '"') return true;
      if (p_++ >= end_) return false;  // the escaped character
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) return false;
    p_ += word.size();
    return true;
  }

  // Any value, checked for syntax but not kept: stats of nested columns,
  // unknown keys, values of the wrong type.
  bool skip_value(int depth) {
    if (depth > kMaxDepth) return false;
    const char c = peek();
    switch (c) {
      case '"': return skip_string();
      case '{':
        ++p_;
        if (consume('}')) return true;
        do {
          if (peek() != '"' || !skip_string() || !consume(':') || !skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume('}');
      case '[':
        ++p_;
        if (consume(']')) return true;
        do {
          if (!skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume(']');
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: {
        std::string_view t;
        return is_number_start(c) && number(t);
      }
    }
  }

  const char* p_;
  const char* end_;
  const StatsLayout& layout_;
  UnescapedStrings& strings_;
  std::string& scratch_;
};

}  // namespace

bool scan_stats_json(std::string_view text, const StatsLayout& layout, TypedStats& out, UnescapedStrings& strings,
                     std::string& scratch) {
  return StatsJsonScanner(text, layout, strings, scratch).scan(out);
}

}  // namespace neuralake::delta
