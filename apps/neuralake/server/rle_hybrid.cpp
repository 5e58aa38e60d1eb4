#include "server/rle_hybrid.h"

namespace neuralake::server {

namespace {

void put_uleb128(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Values [from, to) as one bit-packed run: a header counting groups of eight,
// then the values least significant bit first.
void put_bit_packed(std::string& out, const uint8_t* v, size_t from, size_t to, int width) {
  if (from == to) return;
  const size_t groups = (to - from + 7) / 8;
  put_uleb128(out, (groups << 1) | 1);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = from; i < from + groups * 8; ++i) {
    acc |= static_cast<uint32_t>(i < to ? v[i] : 0) << bits;
    bits += width;
    while (bits >= 8) {
      out.push_back(static_cast<char>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
}

}  // namespace

int level_bit_width(uint8_t max_level) {
  int w = 0;
  while ((1 << w) <= max_level) ++w;
  return w;
}

void append_rle_hybrid(std::string& out, const uint8_t* v, size_t n, int bit_width) {
  size_t literal_from = 0;  // values waiting to be bit-packed: [literal_from, i)
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && v[i + run] == v[i]) ++run;
    if (run >= 8) {
      // A bit-packed run holds whole groups of eight: top the waiting values
      // up from this run, and what is left of it may still be long enough.
      const size_t fill = (8 - (i - literal_from) % 8) % 8;
      i += fill;
      run -= fill;
      if (run >= 8) {
        put_bit_packed(out, v, literal_from, i, bit_width);
        put_uleb128(out, static_cast<uint64_t>(run) << 1);
        out.push_back(static_cast<char>(v[i]));  // ceil(bit_width / 8) bytes: one
        i += run;
        literal_from = i;
        continue;
      }
    }
    i += run;
  }
  put_bit_packed(out, v, literal_from, n, bit_width);
}

}  // namespace neuralake::server
