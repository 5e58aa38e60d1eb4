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
  ParquetFile(std::shared_ptr<ObjectStore> store, std::string key, uint64_t size);

  const FileMetadata& metadata() const { return meta_; }
  ColumnReader column(size_t leaf) const;

 private:
  std::shared_ptr<ObjectStore> store_;
  std::string key_;
  uint64_t size_;
  FileMetadata meta_;
};

}  // namespace neuralake::parquet
