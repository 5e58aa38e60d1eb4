// Compact encoding of Delta file statistics: one flag byte per column, then
// fixed-width bounds (strings length-prefixed, at most 64 bytes) and a varint nullCount.
#include "delta/file_stats.h"

#include <cctype>
#include <charconv>
#include <cstring>
#include <deque>

namespace neuralake::delta {

namespace {

constexpr uint8_t kHasMin = 1, kHasMax = 2, kHasNulls = 4;
constexpr size_t kMaxStringBound = 64;

StatsColumn::Kind kind_of(const DeltaType& t) {
  if (t.kind != DeltaType::Kind::Primitive) return StatsColumn::Kind::NullCountOnly;
  const std::string& p = t.primitive;
  if (p == "long" || p == "integer" || p == "short" || p == "byte") return StatsColumn::Kind::Int;
  if (p == "float" || p == "double") return StatsColumn::Kind::Double;
  if (p == "string") return StatsColumn::Kind::String;
  if (p == "date") return StatsColumn::Kind::Date;
  if (p == "timestamp" || p == "timestamp_ntz") return StatsColumn::Kind::Timestamp;
  return StatsColumn::Kind::NullCountOnly;
}

void put64(std::string& out, int64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

int64_t get64(std::string_view s, size_t& pos) {
  int64_t v = 0;
  if (pos + 8 > s.size()) return 0;
  std::memcpy(&v, s.data() + pos, 8);
  pos += 8;
  return v;
}

// A JSON value of the stats text, as scanned: a number's token or a
// string's decoded text. Objects (stats of nested columns) are skipped.
struct Token {
  enum class Type : uint8_t { None, Number, String, Other } type = Type::None;
  std::string_view text;
};

// A forward-only scanner over one stats object: the stats of 100k files are
// parsed on every cold load, so no DOM is built and nothing is allocated
// unless a string holds escapes.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool consume(char c) {
    skip_ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // A string; the view points into the input or into `scratch` (escapes).
  bool string(std::string_view& out, std::string& scratch) {
    skip_ws();
    if (p_ >= end_ || *p_ != '"') return false;
    const char* start = ++p_;
    while (p_ < end_ && *p_ != '"' && *p_ != '\\') ++p_;
    if (p_ < end_ && *p_ == '"') {
      out = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    scratch.assign(start, static_cast<size_t>(p_ - start));
    while (p_ < end_ && *p_ != '"') {
      if (*p_ != '\\') {
        scratch += *p_++;
        continue;
      }
      if (++p_ >= end_) return false;
      const char e = *p_++;
      switch (e) {
        case 'b': scratch += '\b'; break;
        case 'f': scratch += '\f'; break;
        case 'n': scratch += '\n'; break;
        case 'r': scratch += '\r'; break;
        case 't': scratch += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            p_ += 2;
            uint32_t lo = 0;
            if (!hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(cp, scratch);
          break;
        }
        default: scratch += e;
      }
    }
    if (p_ >= end_) return false;
    ++p_;
    out = scratch;
    return true;
  }
  // Any value; numbers and strings are returned, the rest skipped.
  bool value(Token& t, std::string& scratch) {
    skip_ws();
    if (p_ >= end_) return false;
    const char c = *p_;
    if (c == '"') {
      t.type = Token::Type::String;
      return string(t.text, scratch);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      const char* start = p_;
      while (p_ < end_ && (std::isdigit(static_cast<unsigned char>(*p_)) || *p_ == '-' || *p_ == '+' ||
                           *p_ == '.' || *p_ == 'e' || *p_ == 'E')) {
        ++p_;
      }
      t.type = Token::Type::Number;
      t.text = std::string_view(start, static_cast<size_t>(p_ - start));
      return true;
    }
    t.type = Token::Type::Other;
    if (c == '{' || c == '[') return skip_nested();
    while (p_ < end_ && std::isalpha(static_cast<unsigned char>(*p_))) ++p_;  // true, false, null
    return true;
  }

 private:
  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool skip_nested() {
    int depth = 0;
    while (p_ < end_) {
      const char c = *p_++;
      if (c == '"') {
        while (p_ < end_ && *p_ != '"') p_ += *p_ == '\\' ? 2 : 1;
        if (p_ >= end_) return false;
        ++p_;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }
  bool hex4(uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  const char* p_;
  const char* end_;
};

bool is_integer_token(std::string_view t) {
  return !t.empty() && t.find_first_of(".eE") == std::string_view::npos;
}

bool parse_int(std::string_view t, int64_t& v) {
  if (!is_integer_token(t)) return false;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

// Null counts are small: a base-128 varint instead of 8 bytes.
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

uint64_t get_varint(std::string_view s, size_t& pos) {
  uint64_t v = 0;
  for (int shift = 0; pos < s.size() && shift < 64; shift += 7) {
    const auto b = static_cast<uint8_t>(s[pos++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  return v;
}

// The bound writers shared by the JSON and the typed input; false if the
// bound cannot be kept (then it is unknown).
void put_double(std::string& out, double d) { out.append(reinterpret_cast<const char*>(&d), 8); }

bool put_string_bound(std::string& out, std::string_view s, bool is_max) {
  // A prefix is still a lower bound, but not an upper one.
  if (s.size() > kMaxStringBound && is_max) return false;
  const size_t n = std::min(s.size(), kMaxStringBound);
  out += static_cast<char>(n);
  out.append(s.data(), n);
  return true;
}

// Writers round timestamp stats to milliseconds: widen the upper bound.
void put_timestamp_bound(std::string& out, int64_t micros, bool is_max) { put64(out, is_max ? micros + 999 : micros); }

bool encode_typed_bound(const TypedBound& v, StatsColumn::Kind kind, bool is_max, std::string& out) {
  if (!v.known) return false;
  switch (kind) {
    case StatsColumn::Kind::Int:
    case StatsColumn::Kind::Date: put64(out, v.i); return true;
    case StatsColumn::Kind::Double: put_double(out, v.d); return true;
    case StatsColumn::Kind::String: return put_string_bound(out, v.s, is_max);
    case StatsColumn::Kind::Timestamp: put_timestamp_bound(out, v.i, is_max); return true;
    case StatsColumn::Kind::NullCountOnly: return false;
  }
  return false;
}

// Encodes one bound scanned from JSON; false if it cannot be kept.
bool encode_bound(const Token& v, StatsColumn::Kind kind, bool is_max, std::string& out) {
  switch (kind) {
    case StatsColumn::Kind::Int: {
      int64_t i = 0;
      if (v.type != Token::Type::Number || !parse_int(v.text, i)) return false;
      put64(out, i);
      return true;
    }
    case StatsColumn::Kind::Double: {
      if (v.type != Token::Type::Number) return false;
      double d = 0;
      auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), d);
      if (r.ec != std::errc()) return false;
      put_double(out, d);
      return true;
    }
    case StatsColumn::Kind::String: {
      if (v.type != Token::Type::String) return false;
      return put_string_bound(out, v.text, is_max);
    }
    case StatsColumn::Kind::Date: {
      if (v.type != Token::Type::String) return false;
      int64_t days = 0;
      try {
        days = parse_date(v.text).days;
      } catch (...) {
        return false;
      }
      put64(out, days);
      return true;
    }
    case StatsColumn::Kind::Timestamp: {
      if (v.type != Token::Type::String) return false;
      int64_t micros = 0;
      try {
        micros = parse_timestamp(v.text).micros;
      } catch (...) {
        return false;
      }
      put_timestamp_bound(out, micros, is_max);
      return true;
    }
    case StatsColumn::Kind::NullCountOnly: return false;
  }
  return false;
}

Value decode_bound(std::string_view s, size_t& pos, StatsColumn::Kind kind) {
  switch (kind) {
    case StatsColumn::Kind::Int: return Value(get64(s, pos));
    case StatsColumn::Kind::Double: {
      double d = 0;
      if (pos + 8 <= s.size()) std::memcpy(&d, s.data() + pos, 8);
      pos += 8;
      return Value(d);
    }
    case StatsColumn::Kind::String: {
      const size_t n = static_cast<unsigned char>(s[pos]);
      std::string v(s.substr(pos + 1, n));
      pos += 1 + n;
      return Value(std::move(v));
    }
    case StatsColumn::Kind::Date: return Value(Date{static_cast<int32_t>(get64(s, pos))});
    case StatsColumn::Kind::Timestamp: return Value(Timestamp{get64(s, pos)});
    case StatsColumn::Kind::NullCountOnly: break;
  }
  return Value();
}

}  // namespace

StatsLayout StatsLayout::from_schema(const DeltaSchema& schema, const std::vector<std::string>& partition_columns) {
  StatsLayout layout;
  for (const auto& f : schema.fields) {
    bool is_partition = false;
    for (const auto& p : partition_columns) is_partition |= p == f.name;
    if (is_partition) continue;
    layout.columns.push_back({f.name, f.physical_name, kind_of(f.type)});
  }
  return layout;
}

int StatsLayout::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

struct StatsEncoder::Buffers {
  // Per column: min, max, nullCount as scanned.
  std::vector<Token> mins, maxs, nulls;
  // Strings with escapes need storage that outlives the scan of one value;
  // a deque keeps the addresses of the views stable.
  std::deque<std::string> decoded;
  std::string scratch, col_key, out;
};

StatsEncoder::StatsEncoder() : buffers_(std::make_unique<Buffers>()) {}
StatsEncoder::~StatsEncoder() = default;

std::string encode_stats(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records) {
  StatsEncoder encoder;
  return std::string(encoder.encode(stats_json, layout, num_records));
}

std::string_view StatsEncoder::encode(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records) {
  num_records = -1;
  if (stats_json.empty()) return {};
  const size_t n = layout.columns.size();
  auto& mins = buffers_->mins;
  auto& maxs = buffers_->maxs;
  auto& nulls = buffers_->nulls;
  mins.assign(n, Token{});
  maxs.assign(n, Token{});
  nulls.assign(n, Token{});
  auto& decoded = buffers_->decoded;
  decoded.clear();
  Scanner in(stats_json);
  std::string& scratch = buffers_->scratch;
  auto column_of = [&](std::string_view key, size_t& hint) -> int {
    // Writers list columns in schema order, so the next column is the usual match.
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (hint + k) % n;
      if (layout.columns[i].key == key) {
        hint = i + 1;
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  auto keep = [&](Token& t) {
    if (t.type == Token::Type::String && t.text.data() == scratch.data()) {
      decoded.push_back(scratch);
      t.text = decoded.back();
    }
  };
  if (!in.consume('{')) return {};
  if (in.consume('}')) return {};
  do {
    std::string_view key;
    if (!in.string(key, scratch) || !in.consume(':')) return {};
    std::vector<Token>* target = key == "minValues" ? &mins : key == "maxValues" ? &maxs : key == "nullCount" ? &nulls : nullptr;
    if (key == "numRecords") {
      Token t;
      if (!in.value(t, scratch)) return {};
      int64_t v = 0;
      if (t.type == Token::Type::Number && parse_int(t.text, v)) num_records = v;
      continue;
    }
    if (!target) {
      Token ignored;
      if (!in.value(ignored, scratch)) return {};
      continue;
    }
    if (!in.consume('{')) {
      Token ignored;  // not an object: no stats from it
      if (!in.value(ignored, scratch)) return {};
      continue;
    }
    if (in.consume('}')) continue;
    size_t hint = 0;
    do {
      std::string_view col;
      if (!in.string(col, scratch)) return {};
      std::string& col_key = buffers_->col_key;  // `scratch` is reused for the value
      col_key.assign(col);
      if (!in.consume(':')) return {};
      Token t;
      if (!in.value(t, scratch)) return {};
      const int i = column_of(col_key, hint);
      if (i < 0) continue;
      keep(t);
      (*target)[static_cast<size_t>(i)] = t;
    } while (in.consume(','));
    if (!in.consume('}')) return {};
  } while (in.consume(','));
  if (!in.consume('}')) return {};

  std::string& out = buffers_->out;
  out.clear();
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    const auto kind = layout.columns[i].kind;
    const size_t flag_pos = out.size();
    out += '\0';
    uint8_t flags = 0;
    if (mins[i].type != Token::Type::None && encode_bound(mins[i], kind, false, out)) flags |= kHasMin;
    if (maxs[i].type != Token::Type::None && encode_bound(maxs[i], kind, true, out)) flags |= kHasMax;
    int64_t nc = 0;
    if (nulls[i].type == Token::Type::Number && parse_int(nulls[i].text, nc) && nc >= 0) {
      put_varint(out, static_cast<uint64_t>(nc));
      flags |= kHasNulls;
    }
    out[flag_pos] = static_cast<char>(flags);
    any |= flags != 0;
  }
  // All-unknown stats need no bytes at all.
  return any ? std::string_view(out) : std::string_view();
}

std::string_view StatsEncoder::encode(const TypedStats& stats, const StatsLayout& layout, int64_t& num_records) {
  num_records = stats.num_records;
  std::string& out = buffers_->out;
  out.clear();
  bool any = false;
  const TypedBound unknown;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const auto kind = layout.columns[i].kind;
    const size_t flag_pos = out.size();
    out += '\0';
    uint8_t flags = 0;
    if (encode_typed_bound(i < stats.mins.size() ? stats.mins[i] : unknown, kind, false, out)) flags |= kHasMin;
    if (encode_typed_bound(i < stats.maxs.size() ? stats.maxs[i] : unknown, kind, true, out)) flags |= kHasMax;
    if (i < stats.null_counts.size() && stats.null_counts[i] && *stats.null_counts[i] >= 0) {
      put_varint(out, static_cast<uint64_t>(*stats.null_counts[i]));
      flags |= kHasNulls;
    }
    out[flag_pos] = static_cast<char>(flags);
    any |= flags != 0;
  }
  return any ? std::string_view(out) : std::string_view();
}

ColumnStats decode_column_stats(std::string_view blob, const StatsLayout& layout, size_t index) {
  ColumnStats result;
  if (blob.empty()) return result;
  size_t pos = 0;
  for (size_t i = 0; i < layout.columns.size() && pos < blob.size(); ++i) {
    const uint8_t flags = static_cast<uint8_t>(blob[pos++]);
    const auto kind = layout.columns[i].kind;
    Value min, max;
    if (flags & kHasMin) min = decode_bound(blob, pos, kind);
    if (flags & kHasMax) max = decode_bound(blob, pos, kind);
    std::optional<int64_t> nulls;
    if (flags & kHasNulls) nulls = static_cast<int64_t>(get_varint(blob, pos));
    if (i == index) {
      result.min = std::move(min);
      result.max = std::move(max);
      result.null_count = nulls;
      return result;
    }
  }
  return result;
}

}  // namespace neuralake::delta
