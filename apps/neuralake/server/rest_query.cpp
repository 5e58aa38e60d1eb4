#include "server/rest_query.h"

#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>

#include "server/api_error.h"
#include "server/query_string.h"

namespace neuralake::server {

namespace {

namespace kind = api_error_kind;

[[noreturn]] void refuse(const char* error_kind, std::string_view parameter, const std::string& why) {
  throw ApiError(error_kind, ErrorCode::InvalidArgument, std::string(parameter),
                 "query parameter '" + std::string(parameter) + "': " + why);
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// A SQL numeric literal as SQL tokenizers read one, with an optional '-':
// digits with an optional fraction (or a fraction alone: ".5"), then an
// optional exponent ("1e-3").
bool is_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == s.size();
}

// A quoted string: the text between the quotes, a doubled quote read as one.
// Nothing may follow the closing quote.
std::string unquote(std::string_view s, std::string_view parameter) {
  std::string out;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] != '\'') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '\'') {
      out += '\'';
      ++i;
    } else if (i + 1 == s.size()) {
      return out;
    } else {
      refuse(kind::kRestQueryValue, parameter,
             "unexpected text after the closing quote of " + std::string(s) + " (write a quote inside a string as '')");
    }
  }
  refuse(kind::kRestQueryValue, parameter, "unterminated string " + std::string(s));
}

uint64_t parse_count(std::string_view text, std::string_view parameter) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    refuse(kind::kInvalidNumericParam, parameter, "'" + std::string(text) + "' is not a non-negative integer");
  }
  // SQL's LIMIT and OFFSET take a BIGINT.
  if (n > static_cast<uint64_t>(INT64_MAX)) {
    refuse(kind::kInvalidNumericParam, parameter, std::string(text) + " is too large (at most 2^63-1)");
  }
  return n;
}

// The values of `in`: items separated by commas outside quoted strings.
std::vector<Value> parse_list(std::string_view text, std::string_view parameter) {
  std::vector<Value> out;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '\'') quoted = !quoted;  // '' flips twice: still inside
    if (i == text.size() || (!quoted && text[i] == ',')) {
      out.push_back(parse_rest_value(text.substr(start, i - start), parameter));
      start = i + 1;
    }
  }
  return out;
}

FilterOp parse_op(std::string_view op, std::string_view parameter) {
  if (op.empty() || op == "eq") return FilterOp::Eq;
  if (op == "ne") return FilterOp::Ne;
  if (op == "lt") return FilterOp::Lt;
  if (op == "lte" || op == "lteq") return FilterOp::Lte;
  if (op == "gt") return FilterOp::Gt;
  if (op == "gte" || op == "gteq") return FilterOp::Gte;
  if (op == "in") return FilterOp::In;
  if (op == "like") return FilterOp::Like;
  if (op == "isnull") return FilterOp::IsNull;
  refuse(kind::kRestQuery, parameter,
         "unsupported filter operator '" + std::string(op) + "' (eq, ne, lt, lte, gt, gte, in, like, isnull)");
}

RestFilter parse_filter(const std::string& key, const std::string& value) {
  // As ROAPI reads filter[<column>]<op>: the column runs to the last ']', so
  // a column name may itself hold brackets.
  const size_t close = key.rfind(']');
  constexpr size_t kOpen = sizeof("filter[") - 1;
  if (close == std::string::npos || close <= kOpen) {
    refuse(kind::kRestQuery, key, "invalid filter condition (expected filter[column]op=value)");
  }
  RestFilter f;
  f.parameter = key;
  f.column = key.substr(kOpen, close - kOpen);
  f.op = parse_op(std::string_view(key).substr(close + 1), key);
  switch (f.op) {
    case FilterOp::In:
      f.values = parse_list(value, key);
      break;
    case FilterOp::IsNull: {
      const std::string_view v = trim(value);
      if (equals_ignoring_case(v, "true")) {
        f.values = {Value(true)};
      } else if (equals_ignoring_case(v, "false")) {
        f.values = {Value(false)};
      } else {
        refuse(kind::kRestQueryValue, key, "isnull takes true or false, not '" + value + "'");
      }
      break;
    }
    case FilterOp::Like: {
      Value pattern = parse_rest_value(value, key);
      if (!pattern.is<std::string>()) {
        refuse(kind::kRestQueryValue, key, "like takes a quoted pattern, e.g. 'abc%', not " + value);
      }
      f.values = {std::move(pattern)};
      break;
    }
    default:
      f.values = {parse_rest_value(value, key)};
  }
  return f;
}

std::vector<std::string> parse_columns(const std::string& value) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  size_t start = 0;
  while (true) {
    const size_t comma = value.find(',', start);
    std::string name = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) refuse(kind::kInvalidProjection, "columns", "empty column name in '" + value + "'");
    if (!seen.insert(name).second) refuse(kind::kInvalidProjection, "columns", "column '" + name + "' is listed twice");
    out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<SortKey> parse_sort(const std::string& value) {
  std::vector<SortKey> out;
  size_t start = 0;
  while (true) {
    const size_t comma = value.find(',', start);
    std::string_view item = std::string_view(value).substr(start, comma == std::string::npos ? std::string::npos
                                                                                                : comma - start);
    SortKey key;
    // '+' arrives as a space unless it was sent as %2B.
    if (!item.empty() && (item.front() == '-' || item.front() == '+' || item.front() == ' ')) {
      key.descending = item.front() == '-';
      item.remove_prefix(1);
    }
    if (item.empty()) refuse(kind::kInvalidSort, "sort", "empty column name in '" + value + "'");
    key.column = std::string(item);
    out.push_back(std::move(key));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const char* to_sql(FilterOp op) {
  switch (op) {
    case FilterOp::Eq: return "=";
    case FilterOp::Ne: return "<>";
    case FilterOp::Lt: return "<";
    case FilterOp::Lte: return "<=";
    case FilterOp::Gt: return ">";
    case FilterOp::Gte: return ">=";
    case FilterOp::In: return "IN";
    case FilterOp::Like: return "LIKE";
    case FilterOp::IsNull: return "IS NULL";
  }
  return "=";
}

Value parse_rest_value(std::string_view text, std::string_view parameter) {
  const std::string_view s = trim(text);
  if (s.empty()) refuse(kind::kRestQueryValue, parameter, "empty value (quote a string: 'text', or give a number)");
  if (s.front() == '\'') return Value(unquote(s, parameter));
  if (equals_ignoring_case(s, "true")) return Value(true);
  if (equals_ignoring_case(s, "false")) return Value(false);
  if (!is_number(s)) {
    refuse(kind::kRestQueryValue, parameter,
           "invalid REST query value " + std::string(s) + " (quote a string: '" + std::string(s) +
               "', or give a number)");
  }
  int64_t i = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) return Value(i);
  double d = 0;
  const auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec != std::errc() || dend != s.data() + s.size() || !std::isfinite(d)) {
    refuse(kind::kRestQueryValue, parameter, "number " + std::string(s) + " is out of range");
  }
  return Value(d);
}

RestQuery parse_rest_query(std::string_view raw_query) {
  RestQuery q;
  std::set<std::string> seen;
  const auto once = [&](const std::string& key) {
    if (!seen.insert(key).second) refuse(kind::kRestQuery, key, "given more than once");
  };
  for (const QueryParameter& p : parse_query_string(raw_query)) {
    const std::string& key = p.key;
    const std::string& value = p.value;
    if (key.rfind("filter[", 0) == 0) {
      q.filters.push_back(parse_filter(key, value));
    } else if (key == "columns") {
      once(key);
      q.columns = parse_columns(value);
    } else if (key == "sort") {
      once(key);
      q.sort = parse_sort(value);
    } else if (key == "limit") {
      once(key);
      q.limit = parse_count(value, key);
    } else if (key == "page") {
      once(key);
      q.page = parse_count(value, key);
      if (*q.page == 0) refuse(kind::kInvalidNumericParam, key, "pages count from 1");
    } else if (key == "offset") {
      once(key);
      q.offset = parse_count(value, key);
    } else if (key == "version") {
      once(key);
      int64_t v = -1;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < 0) {
        refuse(kind::kInvalidTimeTravel, key, "'" + value + "' is not a table version (an integer >= 0)");
      }
      q.version = v;
    } else if (key == "as_of") {
      once(key);
      try {
        (void)parse_timestamp(value);
      } catch (const Error& e) {
        refuse(kind::kInvalidTimeTravel, key, e.what());
      }
      q.as_of = value;
    } else if (key == "format") {
      once(key);
      q.format = encoding_from_format_name(value);
    } else {
      q.ignored.push_back(key);
    }
  }
  if (q.version && q.as_of) refuse(kind::kInvalidTimeTravel, "as_of", "give version or as_of, not both");
  if (q.page && seen.count("offset")) refuse(kind::kRestQuery, "page", "give page or offset, not both");
  // As ROAPI: page means something only with a limit.
  if (q.page && q.limit) {
    const uint64_t skipped = *q.page - 1;
    if (*q.limit != 0 && skipped > static_cast<uint64_t>(INT64_MAX) / *q.limit) {
      refuse(kind::kInvalidLimit, "page", "page " + std::to_string(*q.page) + " of " + std::to_string(*q.limit) +
                                              " rows starts past the largest row number");
    }
    q.offset = skipped * *q.limit;
  }
  return q;
}

}  // namespace neuralake::server
