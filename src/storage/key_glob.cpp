// Matching object keys against glob patterns, segment by segment, with '**'
// spanning segments: what DuckDB's globbing expects, without directories.
#include "storage/key_glob.h"

#include <vector>

namespace neuralake::storage {
namespace {

std::vector<std::string_view> split_segments(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find('/', start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// Matches one character class starting at pattern[p] == '['. Returns false in
// `valid` when the class is unterminated (then '[' is taken literally).
bool match_class(std::string_view pattern, size_t& p, char c, bool& valid) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      char hi = pattern[i + 2];
      if (static_cast<unsigned char>(lo) <= static_cast<unsigned char>(c) &&
          static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi)) {
        matched = true;
      }
      i += 3;
    } else {
      if (lo == c) matched = true;
      ++i;
    }
  }
  if (i >= pattern.size()) {
    valid = false;
    return false;
  }
  valid = true;
  p = i + 1;
  return matched != negate;
}

// Matches one segment (no '/') against one pattern segment.
bool match_segment(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  // Backtracking point for the last '*': classic linear-ish wildcard matching.
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        size_t next = p;
        bool valid = false;
        bool ok = match_class(pattern, next, text[t], valid);
        if (!valid) ok = text[t] == '[', next = p + 1;
        if (ok) {
          p = next;
          ++t;
          continue;
        }
      } else if (pc == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool match_from(const std::vector<std::string_view>& pat, size_t pi, const std::vector<std::string_view>& key,
                size_t ki) {
  while (pi < pat.size()) {
    if (pat[pi] == "**") {
      // Zero or more whole segments; a trailing "**" must still leave an object name to match.
      if (pi + 1 == pat.size()) return ki < key.size();
      for (size_t skip = ki; skip <= key.size(); ++skip) {
        if (match_from(pat, pi + 1, key, skip)) return true;
      }
      return false;
    }
    if (ki >= key.size() || !match_segment(pat[pi], key[ki])) return false;
    ++pi;
    ++ki;
  }
  return ki == key.size();
}

}  // namespace

bool has_glob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

std::string_view glob_literal_prefix(std::string_view pattern) {
  size_t first = pattern.find_first_of("*?[");
  return first == std::string_view::npos ? pattern : pattern.substr(0, first);
}

bool glob_match(std::string_view pattern, std::string_view key) {
  return match_from(split_segments(pattern), 0, split_segments(key), 0);
}

}  // namespace neuralake::storage
