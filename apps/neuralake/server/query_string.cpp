#include "server/query_string.h"

#include <cstdint>

#include "server/api_error.h"

namespace neuralake::server {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the well-formed UTF-8 sequence at s[i], or 0 if there is none
// (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF).
size_t utf8_sequence_length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = b(i);
  if (lead < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3, cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

[[noreturn]] void refuse(std::string_view what, const std::string& why) {
  throw ApiError(api_error_kind::kRestQuery, ErrorCode::InvalidArgument, std::string(what),
                 "query parameter '" + std::string(what) + "': " + why);
}

}  // namespace

std::string decode_form_component(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      const int hi = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) refuse(what, "'%' must be followed by two hex digits (write a literal '%' as %25)");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  for (size_t i = 0; i < out.size();) {
    if (out[i] == '\0') refuse(what, "contains a NUL byte (%00)");
    const size_t n = utf8_sequence_length(out, i);
    if (n == 0) refuse(what, "is not valid UTF-8 once decoded");
    i += n;
  }
  return out;
}

std::vector<QueryParameter> parse_query_string(std::string_view raw) {
  if (!raw.empty() && raw.front() == '?') raw.remove_prefix(1);
  std::vector<QueryParameter> out;
  while (!raw.empty()) {
    const size_t amp = raw.find('&');
    const std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    const std::string_view raw_key = piece.substr(0, eq);
    // Errors name the key as sent when it cannot be decoded itself.
    std::string key = decode_form_component(raw_key, raw_key);
    std::string value =
        eq == std::string_view::npos ? std::string() : decode_form_component(piece.substr(eq + 1), key);
    out.push_back({std::move(key), std::move(value)});
  }
  return out;
}

}  // namespace neuralake::server
