// Parquet footers made to lie, for tests of what trusts statistics.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace neuralake::testing {

// Replaces `from` by `to` (same length) inside the Parquet footer of `file`
// only, so the column chunk statistics lie while the data pages are untouched.
inline void patch_footer(const std::string& file, const std::string& from, const std::string& to) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 12u);
  uint32_t footer_len;
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  const size_t begin = bytes.size() - 8 - footer_len;
  size_t replaced = 0;
  for (size_t p = bytes.find(from, begin); p != std::string::npos && p < bytes.size() - 8; p = bytes.find(from, p + 1)) {
    bytes.replace(p, to.size(), to);
    replaced++;
  }
  ASSERT_GT(replaced, 0u) << "the footer of " << file << " does not hold the value to patch";
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// The little-endian bytes of `v`, as Parquet statistics hold them.
template <class T>
std::string little_endian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

}  // namespace neuralake::testing
