#include "server/accept_header.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace neuralake::server {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 9110 token characters: what a type, subtype or parameter name is made of.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Splits `s` at each `sep` outside a quoted string (where '\' escapes).
std::vector<std::string_view> split_outside_quotes(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(std::min(start, s.size())));
  return out;
}

// A qvalue in thousandths, leniently: "1", "0.5", ".2", "1.000"; digits past
// the third decimal are dropped. Nothing for text that is not a number in [0, 1].
std::optional<int> parse_q(std::string_view s) {
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (whole.size() > 1) return std::nullopt;
  for (char c : whole) {
    if (c != '0' && c != '1') return std::nullopt;
  }
  for (char c : frac) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int q = whole == "1" ? 1000 : 0;
  int scale = 100;
  for (size_t i = 0; i < frac.size() && i < 3; ++i, scale /= 10) q += (frac[i] - '0') * scale;
  if (q > 1000) return std::nullopt;
  return q;
}

std::string unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

std::optional<MediaRange> parse_range(std::string_view text) {
  const std::vector<std::string_view> parts = split_outside_quotes(text, ';');
  const std::string_view full = trim(parts[0]);
  MediaRange range;
  if (full == "*") {
    range.type = range.subtype = "*";
  } else {
    const size_t slash = full.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const std::string_view type = full.substr(0, slash);
    const std::string_view subtype = full.substr(slash + 1);
    if (!is_token(type) || !is_token(subtype) || (type == "*" && subtype != "*")) return std::nullopt;
    range.type = lowercase(type);
    range.subtype = lowercase(subtype);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string_view p = trim(parts[i]);
    if (p.empty()) continue;
    const size_t eq = p.find('=');
    if (eq == std::string_view::npos) continue;  // not name=value: ignored
    const std::string name = lowercase(trim(p.substr(0, eq)));
    const std::string_view value = trim(p.substr(eq + 1));
    if (name == "q") {
      const std::optional<int> q = parse_q(value);
      if (!q) return std::nullopt;
      range.q = *q;
      break;  // what follows q are accept extensions, not media type parameters
    }
    range.parameters.emplace_back(name, unquote(value));
  }
  return range;
}

// 2 for "type/subtype", 1 for "type/*", 0 for "*/*"; nothing if no match.
std::optional<int> match(const MediaRange& range, std::string_view media_type) {
  const size_t slash = media_type.find('/');
  const std::string_view type = media_type.substr(0, slash);
  const std::string_view subtype = media_type.substr(slash + 1);
  if (range.type == "*") return 0;
  if (range.type != type) return std::nullopt;
  if (range.subtype == "*") return 1;
  if (range.subtype != subtype) return std::nullopt;
  return 2;
}

}  // namespace

std::vector<MediaRange> parse_accept(std::string_view header) {
  std::vector<MediaRange> out;
  for (std::string_view item : split_outside_quotes(header, ',')) {
    if (trim(item).empty()) continue;
    if (std::optional<MediaRange> r = parse_range(item)) out.push_back(std::move(*r));
  }
  return out;
}

Negotiation negotiate(std::string_view accept_header, std::optional<Encoding> format, Encoding fallback) {
  if (format) return {*format, content_type(*format), true};
  const std::vector<MediaRange> ranges = parse_accept(accept_header);

  std::vector<Encoding> order = {fallback};
  for (Encoding e : all_encodings()) {
    if (e != fallback) order.push_back(e);
  }

  struct Candidate {
    int q = 0;
    int specificity = -1;
    size_t range_index = 0;
    size_t preference = 0;
    Encoding encoding = Encoding::Json;
    const std::string* media_type = nullptr;
  };
  std::optional<Candidate> best;
  const auto better = [](const Candidate& a, const Candidate& b) {
    // Higher q, then more specific, then earlier in the header, then preferred.
    return std::make_tuple(a.q, a.specificity, -static_cast<long>(a.range_index), -static_cast<long>(a.preference)) >
           std::make_tuple(b.q, b.specificity, -static_cast<long>(b.range_index), -static_cast<long>(b.preference));
  };
  for (size_t p = 0; p < order.size(); ++p) {
    for (const std::string& type : media_types(order[p])) {
      // The most specific range matching this type decides its weight.
      std::optional<Candidate> c;
      for (size_t i = 0; i < ranges.size(); ++i) {
        const std::optional<int> s = match(ranges[i], type);
        if (s && (!c || *s > c->specificity)) c = Candidate{ranges[i].q, *s, i, p, order[p], &type};
      }
      if (c && c->q > 0 && (!best || better(*c, *best))) best = c;
    }
  }
  if (!best) return {fallback, content_type(fallback), false};
  const std::string& sent = best->specificity == 2 ? *best->media_type : content_type(best->encoding);
  return {best->encoding, sent, true};
}

}  // namespace neuralake::server
