// Fuzzes the Thrift compact reader and the Parquet footer: the input is
// parsed as footer bytes, skipped as one Thrift struct, and read as a whole
// Parquet file (trailer, footer length, footer). Only FormatError or a
// neuralake::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "parquet/column_reader.h"
#include "parquet/file_metadata.h"
#include "parquet/parquet_file.h"
#include "parquet/thrift_compact.h"

using namespace neuralake;
using namespace neuralake::parquet;

namespace {

// Walks what a reader of the footer uses, so that every index in it is used.
void walk(const FileMetadata& meta) {
  for (size_t i = 0; i < meta.schema.size(); ++i) {
    (void)meta.leaf_of_element(i);
    (void)meta.children(i);
  }
  for (size_t leaf = 0; leaf < meta.leaves.size(); ++leaf) {
    const Leaf& l = meta.leaves[leaf];
    std::vector<std::string_view> path(l.path.begin(), l.path.end());
    if (meta.find_leaf(path) != static_cast<int>(leaf) && meta.find_element(path) < 0) {
      std::string joined;
      for (const auto& part : l.path) joined += "/" + part;
      fuzz::property_failed("leaf " + std::to_string(leaf) + " (" + joined + ", element " + std::to_string(l.element) +
                            ") is not found by its own path; found: leaf " + std::to_string(meta.find_leaf(path)) +
                            ", element " + std::to_string(meta.find_element(path)));
    }
    (void)ColumnReader::supports(meta, leaf);
  }
  for (const RowGroup& rg : meta.row_groups) {
    for (const ColumnChunk& c : rg.columns) (void)c.start();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::expect_only_format_errors([&] { walk(FileMetadata::parse(data, size)); });
  fuzz::expect_only_format_errors([&] {
    CompactReader reader(data, size);
    reader.skip(CompactReader::kStruct);
  });
  fuzz::expect_only_format_errors([&] {
    auto store = make_memory_store("fuzz");
    store->put("f.parquet", fuzz::as_text(data, size));
    ParquetFile file(store, "f.parquet", size);
    walk(file.metadata());
  });
  return 0;
}
