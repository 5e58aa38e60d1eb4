// A fast streaming 64-bit checksum, so a benchmark can check that the bytes it
// timed are the bytes it wrote (chunk boundaries do not change the result).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

namespace bench {

// Not cryptographic: it only has to catch wrong, missing or reordered data.
// Words are mixed in order (rotate, xor, multiply), so a permutation changes it.
class Checksum {
 public:
  void update(const char* data, size_t n);
  // The checksum of everything passed to update(), with the byte count mixed in.
  uint64_t finish() const;
  uint64_t bytes() const { return bytes_; }

 private:
  void mix(uint64_t word) {
    h_ = ((h_ << 27) | (h_ >> 37)) ^ word;
    h_ *= 0x9E3779B97F4A7C15ull;
  }
  uint64_t h_ = 0xCBF29CE484222325ull;
  uint64_t bytes_ = 0;
  unsigned char tail_[8] = {};
  size_t tail_len_ = 0;
};

// Size and checksum of a local file, read in large chunks.
struct FileSum {
  uint64_t size = 0;
  uint64_t sum = 0;
};
// Throws std::runtime_error naming the path if it cannot be read.
FileSum checksum_file(const std::filesystem::path& path);

std::string hex64(uint64_t v);

}  // namespace bench
