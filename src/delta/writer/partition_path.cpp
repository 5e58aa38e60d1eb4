#include "delta/writer/partition_path.h"

#include <cstdio>
#include <random>

namespace neuralake::delta {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void percent(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

bool hive_escaped(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case ' ': case '"': case '#': case '%': case '\'': case '*': case '/': case ':':
    case '=': case '?': case '\\': case '{': case '[': case ']': case '^':
      return true;
    default:
      return false;
  }
}

// Characters RFC 2396 allows unescaped in a path segment (unreserved and
// pchar punctuation), plus '/' between segments.
bool path_safe(unsigned char c) {
  if (c >= 0x80) return true;  // left as is, as Hadoop's Path leaves "other" characters
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
    case ':': case '@': case '&': case '=': case '+': case '$': case ',': case ';': case '/':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string hive_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (hive_escaped(c)) {
      percent(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string partition_directory(const std::vector<std::string>& names,
                                const std::vector<std::optional<std::string>>& values) {
  std::string dir;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) dir += '/';
    dir += hive_escape(names[i]);
    dir += '=';
    const auto& v = i < values.size() ? values[i] : std::nullopt;
    if (!v || v->empty()) {
      dir += kHiveDefaultPartition;
    } else {
      dir += hive_escape(*v);
    }
  }
  return dir;
}

std::string encode_log_path(std::string_view relative_path) {
  std::string out;
  out.reserve(relative_path.size() + 8);
  for (unsigned char c : relative_path) {
    if (path_safe(c)) {
      out += static_cast<char>(c);
    } else {
      percent(out, c);
    }
  }
  return out;
}

std::string data_file_name(int index, std::string_view uuid, std::string_view codec) {
  char part[32];
  std::snprintf(part, sizeof part, "part-%05d-", index);
  std::string name = part;
  name += uuid;
  name += ".c000";
  if (!codec.empty() && codec != "uncompressed") {
    name += '.';
    name += codec;
  }
  name += ".parquet";
  return name;
}

std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (static_cast<uint64_t>(std::random_device{}()) << 32)};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

}  // namespace neuralake::delta
