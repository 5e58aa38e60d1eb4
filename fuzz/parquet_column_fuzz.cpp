// Fuzzes the column reader over pages: the input is a whole Parquet file
// whose every readable leaf is read entry by entry (levels and values, v1
// and v2 pages, dictionaries, codecs), once from the start and once with a
// seek, and whose top-level columns are turned into JSON rows as a
// checkpoint's actions are. Only FormatError or a neuralake::Error may come
// out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "parquet/column_reader.h"
#include "parquet/json_rows.h"
#include "parquet/parquet_file.h"

using namespace neuralake;
using namespace neuralake::parquet;

namespace {

// Bounds the work per input: a footer may state billions of values.
constexpr size_t kMaxEntries = 1 << 20;

void read_all(ColumnReader& r) {
  uint64_t sum = 0;
  for (size_t n = 0; n < kMaxEntries && r.next(); ++n) {
    sum += static_cast<uint64_t>(r.definition()) + static_cast<uint64_t>(r.repetition());
    if (!r.has_value()) continue;
    switch (r.type()) {
      case PhysicalType::ByteArray:
      case PhysicalType::FixedLenByteArray: {
        const std::string_view b = r.bytes();
        if (!b.empty()) sum += static_cast<uint8_t>(b.front()) + static_cast<uint8_t>(b.back());
        break;
      }
      case PhysicalType::Boolean:
      case PhysicalType::Int32:
      case PhysicalType::Int64:
        sum += static_cast<uint64_t>(r.integer());
        break;
      case PhysicalType::Float:
      case PhysicalType::Double:
        sum += r.real() == 0.0;
        break;
      case PhysicalType::Int96:
        break;
    }
  }
  // Keeps the reads from being optimised away.
  if (sum == 0x5eed5eed5eed5eedULL) fuzz::property_failed("unreachable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto store = make_memory_store("fuzz");
  store->put("f.parquet", fuzz::as_text(data, size));
  fuzz::expect_only_format_errors([&] {
    // Odd sizes read the file in one request, as a remote checkpoint is.
    ParquetFile file(store, "f.parquet", size, size % 2 == 1);
    const FileMetadata& meta = file.metadata();
    for (size_t leaf = 0; leaf < meta.leaves.size(); ++leaf) {
      if (!ColumnReader::supports(meta, leaf).empty()) continue;
      fuzz::expect_only_format_errors([&] {
        ColumnReader r = file.column(leaf);
        read_all(r);
      });
      fuzz::expect_only_format_errors([&] {
        ColumnReader r = file.column(leaf);
        if (r.leaf().max_repetition == 0) {
          r.seek(static_cast<int64_t>(size % 7));
        } else {
          (void)r.skip_rows(1);
        }
        read_all(r);
      });
    }
    std::vector<std::string> fields;
    if (!meta.schema.empty()) {
      for (size_t child : meta.children(0)) fields.push_back(meta.schema[child].name);
    }
    size_t rows = 0;
    (void)json_rows(file, fields, [&](std::string_view) { ++rows; });
  });
  return 0;
}
