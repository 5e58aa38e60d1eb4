// The trailer and footer of a Parquet object, read with ranged reads, and
// column readers that fetch one column chunk per row group.
#include "parquet/parquet_file.h"

#include <cstring>

#include "parquet/thrift_compact.h"

namespace neuralake::parquet {

namespace {
// Read with the trailer, so that most footers take one request.
constexpr uint64_t kTailGuess = 64 * 1024;
}  // namespace

ParquetFile::ParquetFile(std::shared_ptr<ObjectStore> store, std::string key, uint64_t size, bool whole)
    : store_(std::move(store)), key_(std::move(key)), size_(size) {
  if (size_ < 12) throw FormatError("too small to be a Parquet file");
  if (whole) {
    auto bytes = std::make_shared<RawBuffer>(size_);
    if (store_->read_range(key_, 0, size_, reinterpret_cast<char*>(bytes->data())) != size_) {
      throw FormatError("the file is shorter than its size");
    }
    whole_ = std::move(bytes);
  }
  const uint64_t tail_size = std::min(size_, kTailGuess);
  std::string tail(tail_size, '\0');
  read(size_ - tail_size, tail_size, tail.data());
  if (tail.compare(tail_size - 4, 4, "PAR1") != 0) throw FormatError("no Parquet magic at its end");
  uint32_t footer_size;
  std::memcpy(&footer_size, tail.data() + tail_size - 8, 4);
  if (footer_size > size_ - 12) throw FormatError("the footer is longer than the file");
  std::string footer;
  if (footer_size + 8 <= tail_size) {
    footer = tail.substr(tail_size - 8 - footer_size, footer_size);
  } else {
    footer.resize(footer_size);
    read(size_ - 8 - footer_size, footer_size, footer.data());
  }
  meta_ = FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
}

void ParquetFile::check_range(uint64_t offset, uint64_t length) const {
  if (offset > size_ || length > size_ - offset) throw FormatError("a read lies outside the file");
}

void ParquetFile::read(uint64_t offset, uint64_t length, char* out) const {
  check_range(offset, length);
  if (length == 0) return;
  if (whole_) {
    std::memcpy(out, whole_->data() + offset, length);
    return;
  }
  if (store_->read_range(key_, offset, length, out) != length) throw FormatError("the file is shorter than its size");
}

ColumnReader ParquetFile::column(size_t leaf) const {
  return ColumnReader(meta_, leaf, [this](size_t, const ColumnChunk& c, RawBuffer& into) {
    const uint64_t offset = static_cast<uint64_t>(c.start());
    const uint64_t length = static_cast<uint64_t>(c.total_compressed_size);
    check_range(offset, length);  // before the buffer is sized by the footer's word
    read(offset, length, reinterpret_cast<char*>(into.reset(length)));
  });
}

}  // namespace neuralake::parquet
