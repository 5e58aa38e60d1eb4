// Fuzzes _last_checkpoint: the input is its text, next to two valid commits
// and no checkpoint; a load must either ignore it, use it, or refuse it with
// a neuralake::Error (a checkpoint it names that is missing is NotFound).
#include <cstddef>
#include <cstdint>

#include "delta_fuzz_table.h"

using namespace neuralake;

namespace {

constexpr char kVersion0[] =
    R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" "\n"
    R"({"metaData":{"id":"f","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1}})" "\n"
    R"({"add":{"path":"a.parquet","partitionValues":{},"size":10,"modificationTime":1,"dataChange":true}})" "\n";
constexpr char kVersion1[] =
    R"({"add":{"path":"b.parquet","partitionValues":{},"size":10,"modificationTime":2,"dataChange":true}})" "\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::expect_only_errors([&] {
    fuzz::FuzzTable table;
    table.put_commit(0, kVersion0);
    table.put_commit(1, kVersion1);
    table.put("_last_checkpoint", fuzz::as_text(data, size));
    table.load();
  });
  return 0;
}
