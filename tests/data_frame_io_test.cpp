// DataFrame output: Parquet and CSV files read back by the engine, and the
// Arrow C stream walked by hand.
#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

// The Arrow C data interface structs (ABI-stable; from the Arrow spec).
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  ArrowSchema** children;
  ArrowSchema* dictionary;
  void (*release)(ArrowSchema*);
  void* private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  ArrowArray** children;
  ArrowArray* dictionary;
  void (*release)(ArrowArray*);
  void* private_data;
};
struct ArrowArrayStream {
  int (*get_schema)(ArrowArrayStream*, ArrowSchema* out);
  int (*get_next)(ArrowArrayStream*, ArrowArray* out);
  const char* (*get_last_error)(ArrowArrayStream*);
  void (*release)(ArrowArrayStream*);
  void* private_data;
};

namespace nl = neuralake;

namespace {

nl::DataFrame sample(size_t rows) {
  std::vector<int64_t> id;
  std::vector<std::optional<std::string>> name;
  std::vector<double> x;
  for (size_t i = 0; i < rows; ++i) {
    id.push_back(static_cast<int64_t>(i));
    name.push_back(i % 3 == 0 ? std::nullopt : std::optional<std::string>("n" + std::to_string(i)));
    x.push_back(static_cast<double>(i) * 0.5);
  }
  return nl::DataFrame::from_columns({nl::Series("id", id), nl::Series("name", name), nl::Series("x", x)});
}

TEST(DataFrameIo, ParquetRoundTrip) {
  nl::testing::TempDir dir;
  auto df = sample(5000);
  auto path = dir.str() + "/out.parquet";
  df.write_parquet(path);
  nl::Session s{nl::SessionOptions{}};
  auto back = s.sql("SELECT count(*) AS n, count(name) AS named, sum(x) AS sx FROM read_parquet('" + path + "')");
  EXPECT_EQ(*back.column("n").at<int64_t>(0), 5000);
  EXPECT_EQ(*back.column("named").at<int64_t>(0), 5000 - 1667);
  EXPECT_DOUBLE_EQ(*back.column("sx").at<double>(0), 0.5 * 4999 * 5000 / 2);
  // No temporary file is left beside the result.
  size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(DataFrameIo, CsvHasHeaderAndNulls) {
  nl::testing::TempDir dir;
  auto path = dir.str() + "/out.csv";
  sample(4).write_csv(path);
  EXPECT_EQ(nl::testing::read_file(path), "id,name,x\n0,,0.0\n1,n1,0.5\n2,n2,1.0\n3,,1.5\n");
}

TEST(DataFrameIo, WriteToMissingDirectoryNamesThePath) {
  EXPECT_NL_ERROR(sample(1).write_parquet("/nonexistent-dir-xyz/out.parquet"), NotFound, "/nonexistent-dir-xyz");
}

TEST(DataFrameIo, ArrowStreamCarriesAllRows) {
  auto df = sample(5000);
  ArrowArrayStream stream{};
  df.to_arrow(&stream);
  ArrowSchema schema{};
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0) << stream.get_last_error(&stream);
  ASSERT_EQ(schema.n_children, 3);
  EXPECT_STREQ(schema.children[0]->name, "id");
  EXPECT_STREQ(schema.children[0]->format, "l");  // int64
  EXPECT_STREQ(schema.children[1]->format, "u");  // utf8
  EXPECT_STREQ(schema.children[2]->format, "g");  // float64
  schema.release(&schema);
  int64_t rows = 0, nulls = 0, id_sum = 0;
  while (true) {
    ArrowArray batch{};
    ASSERT_EQ(stream.get_next(&stream, &batch), 0);
    if (!batch.release) break;
    rows += batch.length;
    ArrowArray* ids = batch.children[0];
    auto* values = static_cast<const int64_t*>(ids->buffers[1]);
    for (int64_t i = 0; i < ids->length; ++i) id_sum += values[ids->offset + i];
    nulls += batch.children[1]->null_count;
    batch.release(&batch);
  }
  stream.release(&stream);
  EXPECT_EQ(rows, 5000);
  EXPECT_EQ(nulls, 1667);
  EXPECT_EQ(id_sum, int64_t{4999} * 5000 / 2);
}

}  // namespace
