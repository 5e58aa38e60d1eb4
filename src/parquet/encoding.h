// Parquet's value and level encodings below the page: the RLE/bit-packing
// hybrid (levels and dictionary indices) and page decompression.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parquet/file_metadata.h"

namespace neuralake::parquet {

// Decodes `count` values of `bit_width` bits (0..32) from the RLE/bit-packed
// hybrid in [data, data + size) into `out`. Throws FormatError if the bytes
// end first or a value is wider than its width allows.
void decode_hybrid(const uint8_t* data, size_t size, int bit_width, size_t count, uint32_t* out);

// The bits needed for values up to `max_value`.
inline int bit_width_of(uint32_t max_value) {
  int w = 0;
  while (max_value >> w) ++w;
  return w;
}

// Whether decompress() handles `codec`.
bool codec_supported(Codec codec);
const char* codec_name(Codec codec);

// Decompresses a page of `codec` into exactly `out_size` bytes at `out`.
// Throws FormatError when the data is corrupt or decompresses to another size.
void decompress(Codec codec, const uint8_t* data, size_t size, uint8_t* out, size_t out_size);

}  // namespace neuralake::parquet
