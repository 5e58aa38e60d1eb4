// Parquet's RLE / bit-packed hybrid encoding, the form data pages store their
// repetition and definition levels in (parquet-format's Encodings.md, "RLE").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace neuralake::server {

// Bits a level up to `max_level` needs (0 for 0, 1 for 1, 2 for 2 and 3).
int level_bit_width(uint8_t max_level);

// Appends the encoding of `n` values, each below 2^bit_width (bit_width 1 to
// 8), without the 4-byte length DataPage v1 puts before it. Runs of eight or
// more equal values become RLE runs; the rest is bit-packed in groups of
// eight, the last group padded with zeros (a reader stops at its count).
void append_rle_hybrid(std::string& out, const uint8_t* values, size_t n, int bit_width);

}  // namespace neuralake::server
