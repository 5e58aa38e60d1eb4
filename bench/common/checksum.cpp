// A fast streaming 64-bit checksum, so a benchmark can check that the bytes it
// timed are the bytes it wrote (chunk boundaries do not change the result).
#include "checksum.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

namespace bench {

void Checksum::update(const char* data, size_t n) {
  bytes_ += n;
  // Complete a word left over from the previous chunk first.
  if (tail_len_ > 0) {
    const size_t take = std::min(n, sizeof tail_ - tail_len_);
    std::memcpy(tail_ + tail_len_, data, take);
    tail_len_ += take;
    data += take;
    n -= take;
    if (tail_len_ < sizeof tail_) return;
    uint64_t w;
    std::memcpy(&w, tail_, 8);
    mix(w);
    tail_len_ = 0;
  }
  for (; n >= 8; data += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, data, 8);
    mix(w);
  }
  std::memcpy(tail_, data, n);
  tail_len_ = n;
}

uint64_t Checksum::finish() const {
  Checksum c = *this;
  if (c.tail_len_ > 0) {
    uint64_t w = 0;
    std::memcpy(&w, c.tail_, c.tail_len_);
    c.mix(w);
  }
  c.mix(bytes_);
  return c.h_;
}

FileSum checksum_file(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::vector<char> buf(8u << 20);
  Checksum c;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) c.update(buf.data(), n);
  if (std::ferror(f.get())) throw std::runtime_error("read error in " + path.string());
  return {c.bytes(), c.finish()};
}

std::string hex64(uint64_t v) {
  char s[17];
  std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(v));
  return s;
}

}  // namespace bench
