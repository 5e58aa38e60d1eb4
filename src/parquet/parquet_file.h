// A Parquet file in an object store: its footer, read with one ranged read
// in the common case, and readers of its leaf columns that fetch each
// column chunk with a ranged read of its own.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "neuralake/object_store.h"
#include "parquet/column_reader.h"
#include "parquet/file_metadata.h"

namespace neuralake::parquet {

class ParquetFile {
 public:
  // Reads the footer of `key`, `size` bytes long. Throws FormatError if it
  // is not Parquet (no magic at its end, a footer that does not parse; the
  // leading magic is not read, which would cost a request); errors of the
  // store pass through.
  // With `whole`, the file is read in one request and kept: for a remote
  // store, where a request per column chunk and row group would cost a round
  // trip each.
  ParquetFile(std::shared_ptr<ObjectStore> store, std::string key, uint64_t size, bool whole = false);

  // Column readers read through this object: it must outlive them (and so
  // is neither copied nor moved).
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  const FileMetadata& metadata() const { return meta_; }
  ColumnReader column(size_t leaf) const;

 private:
  // Throws FormatError unless [offset, offset + length) lies in the file.
  void check_range(uint64_t offset, uint64_t length) const;
  // Reads `length` bytes at `offset` (from the kept file where there is one).
  void read(uint64_t offset, uint64_t length, char* out) const;

  std::shared_ptr<ObjectStore> store_;
  std::string key_;
  uint64_t size_;
  std::shared_ptr<const RawBuffer> whole_;
  FileMetadata meta_;
};

}  // namespace neuralake::parquet
