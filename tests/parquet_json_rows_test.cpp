// parquet::json_rows() against DuckDB's to_json() of the same rows: structs,
// lists and maps with NULLs at every level, only the rows holding a field,
// and the shapes it refuses.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/data_frame.h"
#include "neuralake/expr.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"
#include "parquet/json_rows.h"
#include "parquet/parquet_file.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace pq = neuralake::parquet;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Action-like columns: `p` in few rows, `md` in fewer, `other` (never asked
// for) in the rest, like a checkpoint's protocol, metaData and adds.
const char* kRows =
    "SELECT CASE WHEN i % 97 = 3 THEN {'minReaderVersion': (i % 4)::INTEGER, "
    "'readerFeatures': CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN []::VARCHAR[] "
    "ELSE ['deletionVectors', NULL, 'f' || i] END} END AS p, "
    "CASE WHEN i % 211 = 5 THEN {'id': 'id-' || i || '\"quoted\" \\ and \n newline', "
    "'format': {'provider': CASE WHEN i % 2 = 0 THEN NULL ELSE 'parquet' END, "
    "'options': CASE WHEN i % 5 = 0 THEN NULL ELSE MAP {'k': 'v' || i, 'n': NULL} END}, "
    "'partitionColumns': ['day'], 'configuration': MAP {}::MAP(VARCHAR, VARCHAR), "
    "'createdTime': i * 1000000007, 'flag': i % 2 = 0, 'ratio': i / 8.0} END AS md, "
    "CASE WHEN i % 97 <> 3 AND i % 211 <> 5 THEN 'file-' || i END AS other "
    "FROM range(20000) t(i)";

// Counts the ranged reads made through it.
class CountingStore : public nl::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    ++reads;
    return ForwardingObjectStore::read_range(key, offset, length, out);
  }
  size_t reads = 0;
};

class ParquetJsonRows : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& select, const std::string& options = "") {
    session_.execute("COPY (" + select + ") TO " + nl::sql_string_literal(path(name)) + " (FORMAT parquet" +
                     (options.empty() ? "" : ", " + options) + ")");
    return name;
  }
  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }
  pq::ParquetFile open(const std::string& name) { return pq::ParquetFile(store_, name, fs::file_size(path(name))); }

  nl::testing::TempDir dir_;
  nl::Session session_;
  std::shared_ptr<nl::ObjectStore> store_ = nl::make_local_store(dir_.str());
};

TEST_F(ParquetJsonRows, RowsMatchDuckDbsJsonOfTheSameFields) {
  for (const std::string options : {"ROW_GROUP_SIZE 2048", "COMPRESSION zstd", "COMPRESSION uncompressed"}) {
    SCOPED_TRACE(options);
    const std::string name = write("rows.parquet", kRows, options);
    std::vector<json> got;
    ASSERT_TRUE(pq::json_rows(open(name), {"p", "md"}, [&](std::string_view row) { got.push_back(json::parse(row)); }));
    const nl::DataFrame want = session_.sql(
        "SELECT to_json(p)::VARCHAR, to_json(md)::VARCHAR FROM read_parquet(" + nl::sql_string_literal(path(name)) +
        ", file_row_number = true) WHERE p IS NOT NULL OR md IS NOT NULL ORDER BY file_row_number");
    ASSERT_EQ(got.size(), want.num_rows());
    ASSERT_GT(got.size(), 200u);
    for (size_t r = 0; r < got.size(); ++r) {
      json expected = json::object();
      for (size_t c = 0; c < 2; ++c) {
        const nl::Value v = want.value(r, c);
        if (!v.is_null()) expected[c == 0 ? "p" : "md"] = json::parse(v.as<std::string>());
      }
      EXPECT_EQ(got[r], expected) << "row " << r;
    }
  }
}

TEST_F(ParquetJsonRows, RowGroupsWithoutTheFieldsAreNotRead) {
  // Only the last of 5 row groups holds `p`: the others' statistics say it
  // is null throughout, and their chunks are never fetched.
  const std::string name = write("late.parquet",
                                 "SELECT CASE WHEN i = 9999 THEN {'v': i, 'w': 'x'} END AS p, 'x' || i AS other "
                                 "FROM range(10000) t(i)",
                                 "ROW_GROUP_SIZE 2048");
  auto counting = std::make_shared<CountingStore>(store_);
  const pq::ParquetFile file(counting, name, fs::file_size(path(name)));
  ASSERT_EQ(file.metadata().row_groups.size(), 5u);
  counting->reads = 0;
  std::vector<std::string> got;
  ASSERT_TRUE(pq::json_rows(file, {"p"}, [&](std::string_view row) { got.emplace_back(row); }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0]), json::parse(R"({"p":{"v":9999,"w":"x"}})"));
  // The last row group's chunks of p.v and p.w, read by the field's readers
  // and by the one telling which rows hold it: never the other row groups'.
  EXPECT_LE(counting->reads, 3u);
}

TEST_F(ParquetJsonRows, FieldsMissingFromTheFileAreLeftOut) {
  const std::string name = write("few.parquet", "SELECT {'v': 1} AS p");
  std::vector<std::string> got;
  ASSERT_TRUE(pq::json_rows(open(name), {"p", "absent"}, [&](std::string_view row) { got.emplace_back(row); }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0]), json::parse(R"({"p":{"v":1}})"));
}

TEST_F(ParquetJsonRows, ShapesBeyondItAreRefusedBeforeAnyRow) {
  // A list of lists (two levels of repetition) and a decimal: false, and no
  // row passed on, so that the caller can read the file another way.
  for (const char* select : {"SELECT {'l': [[1, 2], [3]]} AS p", "SELECT {'d': 1.25::DECIMAL(10, 2)} AS p"}) {
    SCOPED_TRACE(select);
    const std::string name = write("refused.parquet", select);
    size_t rows = 0;
    EXPECT_FALSE(pq::json_rows(open(name), {"p"}, [&](std::string_view) { ++rows; }));
    EXPECT_EQ(rows, 0u);
  }
}

}  // namespace
