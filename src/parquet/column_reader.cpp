// Page headers, level and value decoding, dictionary pages, and moving
// across pages and row groups entry by entry.
#include "parquet/column_reader.h"

#include <algorithm>
#include <cstring>

#include "parquet/encoding.h"
#include "parquet/thrift_compact.h"

namespace neuralake::parquet {

namespace {

using Field = CompactReader::Field;

enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

// More values than any writer puts in one page (they aim at about 1 MB):
// a larger count is corruption, refused before it sizes an allocation.
constexpr size_t kMaxPageValues = size_t{1} << 26;

// A page's stated uncompressed size sizes its buffer before it is
// decompressed, so it is believed only up to what its compressed bytes can
// hold: over 1000 times as many (beyond a floor small pages may reach) or
// over 1 GiB is corruption.
constexpr size_t kMaxExpansion = 1000;
constexpr size_t kExpansionFloor = size_t{64} << 10;
constexpr size_t kMaxPageBytes = size_t{1} << 30;

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;
  int32_t encoding = kPlain;
  int32_t definition_encoding = kRle;
  int32_t repetition_encoding = kRle;
  int32_t definition_bytes = 0;  // v2
  int32_t repetition_bytes = 0;  // v2
  bool is_compressed = true;     // v2
};

PageHeader read_page_header(CompactReader& r) {
  PageHeader h;
  r.read_struct([&](const Field& f) {
    switch (f.id) {
      case 1: h.type = r.read_i32(); break;
      case 2: h.uncompressed_size = r.read_i32(); break;
      case 3: h.compressed_size = r.read_i32(); break;
      case 5:  // DataPageHeader
        r.read_struct([&](const Field& g) {
          switch (g.id) {
            case 1: h.num_values = r.read_i32(); break;
            case 2: h.encoding = r.read_i32(); break;
            case 3: h.definition_encoding = r.read_i32(); break;
            case 4: h.repetition_encoding = r.read_i32(); break;
            default: r.skip(g.type);
          }
        });
        break;
      case 7:  // DictionaryPageHeader
        r.read_struct([&](const Field& g) {
          switch (g.id) {
            case 1: h.num_values = r.read_i32(); break;
            case 2: h.encoding = r.read_i32(); break;
            default: r.skip(g.type);
          }
        });
        break;
      case 8:  // DataPageHeaderV2
        r.read_struct([&](const Field& g) {
          switch (g.id) {
            case 1: h.num_values = r.read_i32(); break;
            case 4: h.encoding = r.read_i32(); break;
            case 5: h.definition_bytes = r.read_i32(); break;
            case 6: h.repetition_bytes = r.read_i32(); break;
            case 7: h.is_compressed = CompactReader::field_bool(g); break;
            default: r.skip(g.type);
          }
        });
        break;
      default:
        r.skip(f.type);
    }
  });
  if (h.uncompressed_size < 0 || h.compressed_size < 0 || h.num_values < 0 || h.definition_bytes < 0 ||
      h.repetition_bytes < 0) {
    throw FormatError("a page header has a negative size or count");
  }
  return h;
}

const char* encoding_name(int32_t e) {
  switch (e) {
    case kPlain: return "PLAIN";
    case kPlainDictionary: return "PLAIN_DICTIONARY";
    case kRle: return "RLE";
    case kBitPacked: return "BIT_PACKED";
    case kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case kRleDictionary: return "RLE_DICTIONARY";
    case kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "an unknown encoding";
}

}  // namespace

ColumnReader::ColumnReader(const FileMetadata& meta, size_t leaf, Fetch fetch)
    : meta_(meta),
      leaf_(meta.leaves.at(leaf)),
      leaf_index_(leaf),
      type_(*meta.schema[leaf_.element].type),
      type_length_(meta.schema[leaf_.element].type_length),
      fetch_(std::move(fetch)),
      max_def_(leaf_.max_definition),
      max_rep_(leaf_.max_repetition) {}

std::string ColumnReader::supports(const FileMetadata& meta, size_t leaf) {
  const auto type = *meta.schema[meta.leaves.at(leaf).element].type;
  if (type == PhysicalType::Int96) return "INT96 values";
  for (const auto& g : meta.row_groups) {
    const ColumnChunk& c = g.columns[leaf];
    if (!codec_supported(c.codec)) return std::string("pages compressed with ") + codec_name(c.codec);
    for (int32_t e : c.encodings) {
      // BIT_PACKED is listed by writers for columns without levels.
      if (e != kPlain && e != kPlainDictionary && e != kRle && e != kRleDictionary && e != kBitPacked) {
        return std::string(encoding_name(e)) + " pages";
      }
    }
  }
  return {};
}

void ColumnReader::load_chunk() {
  const ColumnChunk& c = meta_.row_groups[row_group_].columns[leaf_index_];
  fetch_(row_group_, c, chunk_);
  if (chunk_.size() != static_cast<size_t>(c.total_compressed_size)) {
    throw FormatError("a column chunk of '" + leaf_.path.back() + "' is shorter than its footer says");
  }
  codec_ = c.codec;
  chunk_values_left_ = c.num_values < 0 ? 0 : static_cast<size_t>(c.num_values);
  chunk_pos_ = 0;
  has_dict_ = false;
  ++row_group_;
}

const uint8_t* ColumnReader::page_payload(const uint8_t* data, size_t compressed, size_t uncompressed,
                                          size_t plain_prefix, bool compressed_rest, RawBuffer& buf) {
  if (codec_ == Codec::Uncompressed || (!compressed_rest && plain_prefix <= compressed)) {
    if (compressed != uncompressed) throw FormatError("an uncompressed page's sizes disagree");
    return data;
  }
  if (plain_prefix > compressed || plain_prefix > uncompressed) {
    throw FormatError("a page's levels are longer than the page");
  }
  const size_t packed = compressed - plain_prefix, unpacked = uncompressed - plain_prefix;
  if (uncompressed > kMaxPageBytes || (unpacked > kExpansionFloor && unpacked / kMaxExpansion >= packed)) {
    throw FormatError("a page of '" + leaf_.path.back() + "' states " + std::to_string(uncompressed) +
                      " bytes uncompressed from " + std::to_string(compressed) + " compressed, more than they can hold");
  }
  buf.reset(uncompressed);
  if (plain_prefix > 0) std::memcpy(buf.data(), data, plain_prefix);
  decompress(codec_, data + plain_prefix, compressed - plain_prefix, buf.data() + plain_prefix,
             uncompressed - plain_prefix);
  return buf.data();
}

void ColumnReader::read_levels(const uint8_t* data, size_t size, int16_t max_level, size_t count,
                               std::vector<uint32_t>& out) {
  out.resize(count);
  decode_hybrid(data, size, bit_width_of(static_cast<uint32_t>(max_level)), count, out.data());
  for (uint32_t v : out) {
    if (v > static_cast<uint32_t>(max_level)) throw FormatError("a level is above its column's maximum");
  }
}

void ColumnReader::read_dictionary(const uint8_t* data, size_t size, int32_t count) {
  decode_values(data, size, kPlain, static_cast<size_t>(count));
  if (plain_) {
    // Fixed-width values: copied out of the dictionary page, as its buffer
    // is reused for the next dictionary.
    const bool real = type_ == PhysicalType::Float || type_ == PhysicalType::Double;
    for (size_t i = 0; i < static_cast<size_t>(count); ++i) {
      if (real) {
        reals_.push_back(plain_real(i));
      } else {
        ints_.push_back(plain_integer(i));
      }
    }
    plain_ = nullptr;
  }
  dict_strs_.swap(strs_);
  dict_ints_.swap(ints_);
  dict_reals_.swap(reals_);
  has_dict_ = true;
}

void ColumnReader::decode_values(const uint8_t* data, size_t size, int32_t encoding, size_t count) {
  strs_.clear();
  ints_.clear();
  reals_.clear();
  plain_ = nullptr;
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  const auto need = [&](size_t n) {
    if (static_cast<size_t>(end - p) < n) throw FormatError("a page's values end early");
  };
  if (encoding == kPlainDictionary || encoding == kRleDictionary) {
    if (!has_dict_) throw FormatError("a dictionary-encoded page comes without a dictionary");
    if (count == 0) return;
    need(1);
    const int width = *p++;
    scratch_.resize(count);
    decode_hybrid(p, static_cast<size_t>(end - p), width, count, scratch_.data());
    const size_t dict_size = std::max({dict_strs_.size(), dict_ints_.size(), dict_reals_.size()});
    for (uint32_t i : scratch_) {
      if (i >= dict_size) throw FormatError("a dictionary index is past the dictionary");
    }
    if (!dict_strs_.empty()) {
      strs_.reserve(count);
      for (uint32_t i : scratch_) strs_.push_back(dict_strs_[i]);
    } else if (!dict_ints_.empty()) {
      ints_.reserve(count);
      for (uint32_t i : scratch_) ints_.push_back(dict_ints_[i]);
    } else {
      reals_.reserve(count);
      for (uint32_t i : scratch_) reals_.push_back(dict_reals_[i]);
    }
    return;
  }
  if (encoding == kRle && type_ == PhysicalType::Boolean) {
    need(4);
    const uint32_t n = load<uint32_t>(p);
    p += 4;
    need(n);
    scratch_.resize(count);
    decode_hybrid(p, n, 1, count, scratch_.data());
    ints_.assign(scratch_.begin(), scratch_.end());
    return;
  }
  if (encoding != kPlain) {
    throw FormatError(std::string("values encoded as ") + encoding_name(encoding) + " are not supported");
  }
  switch (type_) {
    case PhysicalType::ByteArray:
      need(4 * count);  // each value has its length first
      strs_.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        need(4);
        const uint32_t n = load<uint32_t>(p);
        p += 4;
        need(n);
        strs_.emplace_back(reinterpret_cast<const char*>(p), n);
        p += n;
      }
      return;
    case PhysicalType::FixedLenByteArray: {
      const size_t n = static_cast<size_t>(type_length_);
      // A zero width would let a page of no bytes state any number of values.
      if (type_length_ <= 0) throw FormatError("a fixed-length column of '" + leaf_.path.back() + "' has no length");
      need(n * count);
      strs_.reserve(count);
      for (size_t i = 0; i < count; ++i, p += n) strs_.emplace_back(reinterpret_cast<const char*>(p), n);
      return;
    }
    case PhysicalType::Int32:
    case PhysicalType::Int64:
    case PhysicalType::Float:
    case PhysicalType::Double:
      // Read in place by integer() and real() (a dictionary page's values
      // are copied out by read_dictionary()).
      plain_width_ = type_ == PhysicalType::Int32 || type_ == PhysicalType::Float ? 4 : 8;
      need(plain_width_ * count);
      plain_ = p;
      return;
    case PhysicalType::Boolean:
      need((count + 7) / 8);
      ints_.resize(count);
      for (size_t i = 0; i < count; ++i) ints_[i] = (p[i / 8] >> (i % 8)) & 1;
      return;
    case PhysicalType::Int96:
      break;
  }
  throw FormatError("INT96 values are not supported");
}

bool ColumnReader::next_page() {
  for (;;) {
    if (chunk_pos_ >= chunk_.size()) {  // also before the first chunk
      // Row groups wholly before a seek's row are passed over unread.
      for (;;) {
        if (row_group_ >= meta_.row_groups.size()) break;
        const int64_t rows = meta_.row_groups[row_group_].num_rows;
        if (row_group_ < keep_.size() && !keep_[row_group_]) {
          ++row_group_;
        } else if (skip_ >= rows && rows > 0) {
          skip_ -= rows;
          ++row_group_;
        } else {
          break;
        }
      }
      if (row_group_ >= meta_.row_groups.size()) return false;
      load_chunk();
      continue;
    }
    const uint8_t* base = chunk_.data();
    CompactReader r(base + chunk_pos_, chunk_.size() - chunk_pos_);
    const PageHeader h = read_page_header(r);
    const size_t start = chunk_pos_ + r.position();
    if (static_cast<size_t>(h.compressed_size) > chunk_.size() - start) {
      throw FormatError("a page of '" + leaf_.path.back() + "' runs past its column chunk");
    }
    chunk_pos_ = start + static_cast<size_t>(h.compressed_size);
    const uint8_t* data = base + start;
    const size_t csize = static_cast<size_t>(h.compressed_size);
    const size_t usize = static_cast<size_t>(h.uncompressed_size);
    if (h.type == kDictionaryPage) {
      const uint8_t* page = page_payload(data, csize, usize, 0, true, dict_buf_);
      if (h.encoding != kPlain && h.encoding != kPlainDictionary) {
        throw FormatError(std::string("a dictionary page encoded as ") + encoding_name(h.encoding));
      }
      // A PLAIN value takes at least one byte (a bit for booleans).
      if (static_cast<size_t>(h.num_values) > usize * 8) throw FormatError("a dictionary page holds more values than bytes");
      read_dictionary(page, usize, h.num_values);
      continue;
    }
    if (h.type != kDataPage && h.type != kDataPageV2) continue;  // index pages
    const size_t count = static_cast<size_t>(h.num_values);
    // Checked before anything is sized by it: a corrupt count must not
    // become a huge allocation.
    if (count > chunk_values_left_ || count > kMaxPageValues) {
      throw FormatError("a page of '" + leaf_.path.back() + "' holds more values than its chunk");
    }
    chunk_values_left_ -= count;
    if (skip_ > 0 && static_cast<size_t>(skip_) >= count) {
      skip_ -= static_cast<int64_t>(count);  // without repetition, an entry per row
      continue;
    }
    const uint8_t* p;
    size_t left;
    if (h.type == kDataPage) {
      p = page_payload(data, csize, usize, 0, true, page_buf_);
      left = usize;
      for (int pass = 0; pass < 2; ++pass) {
        const bool rep = pass == 0;
        const int16_t max_level = rep ? max_rep_ : max_def_;
        auto& out = rep ? rep_ : def_;
        out.clear();
        if (max_level == 0) continue;
        if ((rep ? h.repetition_encoding : h.definition_encoding) != kRle) {
          throw FormatError("levels not encoded as RLE are not supported");
        }
        if (left < 4) throw FormatError("a page's levels end early");
        const uint32_t n = load<uint32_t>(p);
        if (n > left - 4) throw FormatError("a page's levels are longer than the page");
        read_levels(p + 4, n, max_level, count, out);
        p += 4 + n;
        left -= 4 + n;
      }
    } else {
      const size_t levels = static_cast<size_t>(h.repetition_bytes) + static_cast<size_t>(h.definition_bytes);
      if (levels > csize || levels > usize) throw FormatError("a page's levels are longer than the page");
      p = page_payload(data, csize, usize, levels, h.is_compressed, page_buf_);
      rep_.clear();
      def_.clear();
      if (max_rep_ > 0) read_levels(p, static_cast<size_t>(h.repetition_bytes), max_rep_, count, rep_);
      if (max_def_ > 0) {
        read_levels(p + h.repetition_bytes, static_cast<size_t>(h.definition_bytes), max_def_, count, def_);
      }
      p += levels;
      left = usize - levels;
    }
    size_t defined = count;
    if (!def_.empty()) {
      defined = 0;
      for (uint32_t d : def_) defined += d == static_cast<uint32_t>(max_def_);
    }
    decode_values(p, left, h.encoding, defined);
    entries_ = count;
    pos_ = 0;
    value_ = 0;
    if (skip_ > 0) {
      pos_ = static_cast<size_t>(skip_);
      for (size_t i = 0; i < pos_ && !def_.empty(); ++i) value_ += def_[i] == static_cast<uint32_t>(max_def_);
      if (def_.empty()) value_ = pos_;
      skip_ = 0;
    }
    if (pos_ >= entries_) continue;
    return true;
  }
}

bool ColumnReader::next_slow() {
  if (started_) {
    if (pos_ < entries_ && has_value()) ++value_;
    ++pos_;
  } else {
    started_ = true;
    pos_ = 0;
    value_ = 0;
  }
  while (pos_ >= entries_) {
    if (!next_page()) return false;
  }
  return true;
}

}  // namespace neuralake::parquet

namespace neuralake::parquet {

bool ColumnReader::skip_rows(int64_t rows) {
  if (!started_ && !next()) return false;
  while (rows > 0) {
    if (pos_ + 1 >= entries_) {
      if (!next()) return false;
      if (repetition() == 0) --rows;
      continue;
    }
    if (rep_.empty()) {
      // One entry per row: pass over a run of them at once.
      const size_t step = std::min<size_t>(static_cast<size_t>(rows), entries_ - 1 - pos_);
      if (def_.empty()) {
        value_ += step;
      } else {
        for (size_t i = pos_; i < pos_ + step; ++i) value_ += def_[i] == static_cast<uint32_t>(max_def_);
      }
      pos_ += step;
      rows -= static_cast<int64_t>(step);
      continue;
    }
    if (has_value()) ++value_;
    ++pos_;
    if (rep_[pos_] == 0) --rows;
  }
  return true;
}

}  // namespace neuralake::parquet
