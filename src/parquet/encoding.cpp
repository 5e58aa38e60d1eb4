// RLE/bit-packed runs and the page codecs (snappy, zlib and zstd from
// their Debian libraries).
#include "parquet/encoding.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "parquet/thrift_compact.h"

namespace neuralake::parquet {

namespace {

uint64_t read_varint(const uint8_t*& p, const uint8_t* end) {
  uint64_t v = 0;
  if (const char* wrong = read_uleb128(p, end, v)) throw FormatError(std::string("an RLE run header ") + wrong);
  return v;
}

// Unpacks `n` values of `w` bits, least significant bit first.
void unpack(const uint8_t* p, int w, size_t n, uint32_t* out) {
  const uint64_t mask = (uint64_t{1} << w) - 1;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    while (bits < w) {
      acc |= static_cast<uint64_t>(*p++) << bits;
      bits += 8;
    }
    out[i] = static_cast<uint32_t>(acc & mask);
    acc >>= w;
    bits -= w;
  }
}

}  // namespace

void decode_hybrid(const uint8_t* data, size_t size, int bit_width, size_t count, uint32_t* out) {
  if (bit_width < 0 || bit_width > 32) throw FormatError("an RLE run has a bit width over 32");
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  const size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  size_t done = 0;
  while (done < count) {
    const uint64_t header = read_varint(p, end);
    if (header & 1) {
      // Bit-packed: groups of 8 values, `bit_width` bytes per group.
      const uint64_t groups = header >> 1;
      if (bit_width > 0 && groups > static_cast<uint64_t>(end - p) / static_cast<uint64_t>(bit_width)) {
        throw FormatError("a bit-packed run is longer than its page");
      }
      const size_t left = count - done;
      const size_t take = groups >= left ? left : std::min<size_t>(static_cast<size_t>(groups) * 8, left);
      if (bit_width == 0) {
        std::memset(out + done, 0, take * sizeof(uint32_t));
      } else {
        unpack(p, bit_width, take, out + done);
      }
      p += groups * static_cast<uint64_t>(bit_width);
      done += take;
    } else {
      const uint64_t run = header >> 1;
      if (static_cast<size_t>(end - p) < value_bytes) throw FormatError("an RLE run ends early");
      uint32_t v = 0;
      for (size_t b = 0; b < value_bytes; ++b) v |= static_cast<uint32_t>(p[b]) << (8 * b);
      p += value_bytes;
      if (bit_width < 32 && (v >> bit_width)) throw FormatError("an RLE value is wider than its bit width");
      if (run == 0) throw FormatError("an RLE run is empty");
      const size_t take = static_cast<size_t>(std::min<uint64_t>(run, count - done));
      std::fill(out + done, out + done + take, v);
      done += take;
    }
  }
}

bool codec_supported(Codec codec) {
  return codec == Codec::Uncompressed || codec == Codec::Snappy || codec == Codec::Gzip || codec == Codec::Zstd;
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::Uncompressed: return "UNCOMPRESSED";
    case Codec::Snappy: return "SNAPPY";
    case Codec::Gzip: return "GZIP";
    case Codec::Lzo: return "LZO";
    case Codec::Brotli: return "BROTLI";
    case Codec::Lz4: return "LZ4";
    case Codec::Zstd: return "ZSTD";
    case Codec::Lz4Raw: return "LZ4_RAW";
  }
  return "unknown";
}

void decompress(Codec codec, const uint8_t* data, size_t size, uint8_t* out, size_t out_size) {
  const auto wrong_size = [&] {
    throw FormatError(std::string("a ") + codec_name(codec) + " page does not decompress to its stated size");
  };
  switch (codec) {
    case Codec::Uncompressed:
      if (size != out_size) wrong_size();
      std::memcpy(out, data, size);
      return;
    case Codec::Snappy: {
      size_t n = 0;
      if (snappy_uncompressed_length(reinterpret_cast<const char*>(data), size, &n) != SNAPPY_OK) {
        throw FormatError("a SNAPPY page is corrupt");
      }
      if (n != out_size) wrong_size();
      if (snappy_uncompress(reinterpret_cast<const char*>(data), size, reinterpret_cast<char*>(out), &n) !=
          SNAPPY_OK) {
        throw FormatError("a SNAPPY page is corrupt");
      }
      return;
    }
    case Codec::Zstd: {
      const size_t n = ZSTD_decompress(out, out_size, data, size);
      if (ZSTD_isError(n)) throw FormatError(std::string("a ZSTD page is corrupt: ") + ZSTD_getErrorName(n));
      if (n != out_size) wrong_size();
      return;
    }
    case Codec::Gzip: {
      z_stream z{};
      if (inflateInit2(&z, 15 + 32) != Z_OK) throw FormatError("a GZIP page could not be inflated");
      z.next_in = const_cast<Bytef*>(data);
      z.avail_in = static_cast<uInt>(size);
      z.next_out = out;
      z.avail_out = static_cast<uInt>(out_size);
      const int rc = inflate(&z, Z_FINISH);
      const size_t n = out_size - z.avail_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END) throw FormatError("a GZIP page is corrupt");
      if (n != out_size) wrong_size();
      return;
    }
    default:
      throw FormatError(std::string("pages compressed with ") + codec_name(codec) + " are not supported");
  }
}

}  // namespace neuralake::parquet
