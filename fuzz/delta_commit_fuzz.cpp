// Fuzzes a Delta commit file: the input is the text of a table's only commit
// (version 0), then the text of version 1 after a valid version 0 (a
// partitioned table with stats), each loaded as a snapshot and read as a scan
// reads it, and its history listed. Only a neuralake::Error may come out.
#include <cstddef>
#include <cstdint>

#include "delta_fuzz_table.h"

using namespace neuralake;

namespace {

constexpr char kVersion0[] =
    R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" "\n"
    R"({"metaData":{"id":"f","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},{\"name\":\"d\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":["d"],"configuration":{},"createdTime":1}})" "\n"
    R"({"add":{"path":"d=2024-01-02/a.parquet","partitionValues":{"d":"2024-01-02"},"size":10,"modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":2,\"minValues\":{\"id\":1,\"s\":\"a\"},\"maxValues\":{\"id\":5,\"s\":\"b\"},\"nullCount\":{\"id\":0,\"s\":1}}"}})" "\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::expect_only_errors([&] {
    fuzz::FuzzTable table;
    table.put_commit(0, fuzz::as_text(data, size));
    table.load();
    (void)delta::history(table.location);
  });
  fuzz::expect_only_errors([&] {
    fuzz::FuzzTable table;
    table.put_commit(0, kVersion0);
    table.put_commit(1, fuzz::as_text(data, size));
    table.load();
    table.load(0);
  });
  return 0;
}
