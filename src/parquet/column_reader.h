// Reads one leaf column of a Parquet file entry by entry, across its row
// groups: each entry's definition and repetition levels and, where it is
// defined, its value. Pages are decompressed one at a time into a buffer
// kept between pages; dictionary pages are kept for their chunk.
//
// Encodings read: PLAIN, dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY) and
// RLE levels, in v1 and v2 data pages; codecs as decompress(). supports()
// tells beforehand, from the footer alone, whether a chunk is readable.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/page_memory.h"
#include "parquet/file_metadata.h"

namespace neuralake::parquet {

class ColumnReader {
 public:
  // Reads the bytes of column chunk `chunk` (its pages, from start() on,
  // total_compressed_size long) of row group `row_group` into `into`
  // (reset() to that size: the reader's buffer, reused from chunk to chunk).
  using Fetch = std::function<void(size_t row_group, const ColumnChunk& chunk, RawBuffer& into)>;

  ColumnReader(const FileMetadata& meta, size_t leaf, Fetch fetch);

  // Empty if every chunk of `leaf` is readable here; otherwise why not
  // (e.g. "pages compressed with LZ4_RAW").
  static std::string supports(const FileMetadata& meta, size_t leaf);

  // Before the first next(), of a column without repetition: starts reading
  // at row `row`. Row groups before it are not fetched, pages before it not
  // decompressed.
  void seek(int64_t row) { skip_ = row; }
  // Before the first next(): reads only the row groups `keep` marks (by
  // index); the others are as if the file did not have them.
  void keep_row_groups(std::vector<bool> keep) { keep_ = std::move(keep); }
  // Moves to the next entry; false after the last. Each row of a column
  // without repetition is one entry.
  bool next() {
    // Within a page, inline: a reader of many columns calls this per row.
    if (started_ && pos_ + 1 < entries_) {
      if (has_value()) ++value_;
      ++pos_;
      return true;
    }
    return next_slow();
  }
  // From the first entry of a row (or before the first next()), moves to the
  // first entry of the row `rows` further on (a repetition level of 0 starts
  // a row); false if the column ends first.
  bool skip_rows(int64_t rows);
  int16_t definition() const { return def_.empty() ? max_def_ : static_cast<int16_t>(def_[pos_]); }
  int16_t repetition() const { return rep_.empty() ? 0 : static_cast<int16_t>(rep_[pos_]); }
  bool has_value() const { return definition() == max_def_; }

  // The current value, when has_value(): the bytes of a BYTE_ARRAY or
  // FIXED_LEN_BYTE_ARRAY; an integer (INT32 sign-extended, INT64, BOOLEAN);
  // a FLOAT or DOUBLE.
  std::string_view bytes() const { return strs_[value_]; }
  int64_t integer() const { return plain_ ? plain_integer(value_) : ints_[value_]; }
  double real() const { return plain_ ? plain_real(value_) : reals_[value_]; }

  const Leaf& leaf() const { return leaf_; }
  PhysicalType type() const { return type_; }

 private:
  bool next_slow();
  bool next_page();
  // Value `i` of the current page's PLAIN fixed-width values.
  int64_t plain_integer(size_t i) const {
    return plain_width_ == 8 ? load<int64_t>(plain_ + 8 * i) : load<int32_t>(plain_ + 4 * i);
  }
  double plain_real(size_t i) const {
    return plain_width_ == 8 ? load<double>(plain_ + 8 * i) : load<float>(plain_ + 4 * i);
  }
  template <class T>
  static T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  void load_chunk();
  void read_dictionary(const uint8_t* data, size_t size, int32_t count);
  void decode_values(const uint8_t* data, size_t size, int32_t encoding, size_t count);
  const uint8_t* page_payload(const uint8_t* data, size_t compressed, size_t uncompressed, size_t plain_prefix,
                              bool compressed_rest, RawBuffer& buf);
  void read_levels(const uint8_t* data, size_t size, int16_t max_level, size_t count, std::vector<uint32_t>& out);

  const FileMetadata& meta_;
  const Leaf& leaf_;
  size_t leaf_index_;
  PhysicalType type_;
  int32_t type_length_;
  Fetch fetch_;
  int16_t max_def_, max_rep_;

  size_t row_group_ = 0;      // the next row group to load
  Codec codec_ = Codec::Uncompressed;
  RawBuffer chunk_;           // the current chunk's bytes
  size_t chunk_pos_ = 0;      // next page header
  size_t chunk_values_left_ = 0;  // values the chunk's footer entry still allows

  RawBuffer page_buf_;  // the current page, decompressed
  RawBuffer dict_buf_;  // the chunk's dictionary page, decompressed
  std::vector<std::string_view> dict_strs_;
  std::vector<int64_t> dict_ints_;
  std::vector<double> dict_reals_;
  bool has_dict_ = false;

  // The current page: levels per entry, values per defined entry.
  std::vector<uint32_t> def_, rep_;
  std::vector<std::string_view> strs_;
  std::vector<int64_t> ints_;
  std::vector<double> reals_;
  std::vector<uint32_t> scratch_;
  // PLAIN INT32/INT64/FLOAT/DOUBLE values are read where they lie in the
  // page, not copied: the page's values and their width.
  const uint8_t* plain_ = nullptr;
  size_t plain_width_ = 0;
  size_t entries_ = 0;  // in the current page
  size_t pos_ = 0;      // current entry in the page
  size_t value_ = 0;    // current value in the page
  bool started_ = false;
  int64_t skip_ = 0;    // rows still to skip (seek)
  std::vector<bool> keep_;  // empty: every row group
};

}  // namespace neuralake::parquet
