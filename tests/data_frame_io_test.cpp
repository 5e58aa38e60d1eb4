// DataFrame output: Parquet and CSV files read back by the engine, and the
// Arrow C stream walked by hand.
#include <gtest/gtest.h>

#include "neuralake/arrow_c.h"
#include "neuralake/neuralake.h"
#include "testing/test_util.h"

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
  EXPECT_STREQ(schema.children[1]->format, "U");  // large utf8: the frame's own layout
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

// 64-bit values and strings are shared with the frame, not copied, and stay
// valid after the frame is gone.
TEST(DataFrameIo, ArrowSharesTheFramesBuffers) {
  ArrowArrayStream stream{};
  const void* ids_data = nullptr;
  const void* names_bytes = nullptr;
  {
    auto df = sample(3000);
    ids_data = std::get<std::vector<int64_t>>(df.column("id").storage()).data();
    names_bytes = std::get<nl::StringColumn>(df.column("name").storage()).bytes().data();
    df.to_arrow(&stream);
  }
  ArrowArray batch{};
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  ASSERT_EQ(batch.length, 3000);
  EXPECT_EQ(batch.children[0]->buffers[1], ids_data);
  EXPECT_EQ(batch.children[1]->buffers[2], names_bytes);
  auto* offsets = static_cast<const int64_t*>(batch.children[1]->buffers[1]);
  auto* bytes = static_cast<const char*>(batch.children[1]->buffers[2]);
  EXPECT_EQ(std::string(bytes + offsets[1], bytes + offsets[2]), "n1");
  EXPECT_EQ(*static_cast<const int64_t*>(batch.children[0]->buffers[1]) , 0);
  batch.release(&batch);
  stream.release(&stream);
}

// Every type the frame holds has an Arrow rendering: narrowed, packed or
// converted where the frame's layout is not Arrow's.
TEST(DataFrameIo, ArrowCoversEveryType) {
  nl::Session s;
  auto df = s.sql(
      "SELECT 1::TINYINT AS i8, 2::INTEGER AS i32, 3::UINTEGER AS u32, 1.5::FLOAT AS f32, true AS b, "
      "DATE '2024-03-01' AS d, TIMESTAMP '2024-03-01 10:00:00' AS ts, 12.34::DECIMAL(10,2) AS dec, "
      "[1, 2] AS l, NULL::INTEGER AS n "
      "UNION ALL SELECT -1::TINYINT, -2, 4::UINTEGER, 2.5::FLOAT, false, DATE '1970-01-02', NULL, -0.01, NULL, NULL");
  ArrowArrayStream stream{};
  df.to_arrow(&stream);
  ArrowSchema schema{};
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0) << stream.get_last_error(&stream);
  std::vector<std::string> formats;
  for (int64_t i = 0; i < schema.n_children; ++i) formats.push_back(schema.children[i]->format);
  EXPECT_EQ(formats, (std::vector<std::string>{"c", "i", "I", "f", "b", "tdD", "tsu:", "d:10,2,128", "+l", "i"}));
  schema.release(&schema);
  ArrowArray batch{};
  ASSERT_EQ(stream.get_next(&stream, &batch), 0) << stream.get_last_error(&stream);
  ASSERT_EQ(batch.length, 2);
  EXPECT_EQ(static_cast<const int8_t*>(batch.children[0]->buffers[1])[1], -1);
  EXPECT_EQ(static_cast<const int32_t*>(batch.children[1]->buffers[1])[1], -2);
  EXPECT_EQ(static_cast<const uint32_t*>(batch.children[2]->buffers[1])[1], 4u);
  EXPECT_EQ(static_cast<const float*>(batch.children[3]->buffers[1])[1], 2.5f);
  EXPECT_EQ(static_cast<const uint8_t*>(batch.children[4]->buffers[1])[0] & 3, 1);  // true, false
  EXPECT_EQ(static_cast<const int32_t*>(batch.children[5]->buffers[1])[1], 1);
  EXPECT_EQ(batch.children[6]->null_count, 1);
  EXPECT_EQ(batch.children[8]->null_count, 1);
  EXPECT_EQ(batch.children[9]->null_count, 2);
  ArrowArray end{};
  ASSERT_EQ(stream.get_next(&stream, &end), 0);
  EXPECT_EQ(end.release, nullptr);
  batch.release(&batch);
  stream.release(&stream);
}

TEST(DataFrameIo, CopiesShareUntilChanged) {
  auto a = sample(10);
  auto b = a;
  const auto* before = &std::get<std::vector<int64_t>>(a.column("id").storage());
  EXPECT_EQ(before, &std::get<std::vector<int64_t>>(b.column("id").storage()));
  b.append(sample(2));
  EXPECT_EQ(a.num_rows(), 10u);
  EXPECT_EQ(b.num_rows(), 12u);
  EXPECT_EQ(before, &std::get<std::vector<int64_t>>(a.column("id").storage()));
}

}  // namespace

// Nested columns go to Arrow with their declared types: a map from a query,
// and lists whose first item is null.
TEST(DataFrameIo, ArrowCarriesMapsAndListsStartingWithNull) {
  neuralake::Session session;
  auto df = session.sql(
      "SELECT MAP {'a': 1, 'b': NULL} AS m, [NULL, 4]::BIGINT[] AS l, {'x': NULL, 'y': 'z'} AS s "
      "UNION ALL SELECT MAP {}, [], NULL");
  ArrowArrayStream stream{};
  df.to_arrow(&stream);
  ArrowSchema schema{};
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0) << stream.get_last_error(&stream);
  EXPECT_STREQ(schema.children[0]->format, "+m");
  EXPECT_STREQ(schema.children[1]->format, "+l");
  schema.release(&schema);
  int64_t rows = 0;
  while (true) {
    ArrowArray batch{};
    ASSERT_EQ(stream.get_next(&stream, &batch), 0) << stream.get_last_error(&stream);
    if (!batch.release) break;
    rows += batch.length;
    ArrowArray* list = batch.children[1];
    ASSERT_EQ(list->n_children, 1);
    EXPECT_EQ(list->children[0]->length, 2);       // NULL and 4 of the first row
    EXPECT_EQ(list->children[0]->null_count, 1);
    batch.release(&batch);
  }
  stream.release(&stream);
  EXPECT_EQ(rows, 2);
}
