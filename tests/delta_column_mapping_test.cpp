// Generated Delta tables under column mapping in `name` and `id` modes: the
// Parquet files use physical column names (and, in id mode, names that mean
// nothing, so only the field ids say which column is which). Each test keeps
// its rows in its own model.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/log_listing.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;
using nl::testing::json_string;

namespace {

// One row of the model, logical columns: id, "Full Name", info.score, info.tag, region.
struct Row {
  int64_t id;
  std::string name;
  double score;
  std::string tag;
  std::optional<std::string> region;  // partition column
  bool operator<(const Row& o) const { return id < o.id; }
};

// A field's column-mapping metadata.
std::string mapping(int id, const std::string& physical) {
  return R"({"delta.columnMapping.id":)" + std::to_string(id) + R"(,"delta.columnMapping.physicalName":")" +
         physical + R"("})";
}

// Logical schema; physical names "col-..." differ from every logical name.
std::string schema_string() {
  return std::string(R"({"type":"struct","fields":[)") +
         R"({"name":"id","type":"long","nullable":true,"metadata":)" + mapping(1, "col-7f1a") + "}," +
         R"({"name":"Full Name","type":"string","nullable":true,"metadata":)" + mapping(2, "col-2b9c") + "}," +
         R"({"name":"info","type":{"type":"struct","fields":[)" +
         R"({"name":"score","type":"double","nullable":true,"metadata":)" + mapping(4, "col-s4") + "}," +
         R"({"name":"tag","type":"string","nullable":true,"metadata":)" + mapping(5, "col-s5") + "}" +
         R"(]},"nullable":true,"metadata":)" + mapping(3, "col-3d") + "}," +
         R"({"name":"region","type":"string","nullable":true,"metadata":)" + mapping(6, "col-r6") + "}]}";
}

class DeltaColumnMapping : public ::testing::TestWithParam<std::string> {
 protected:
  std::string mode() const { return GetParam(); }
  fs::path log() const { return dir_.path() / "_delta_log"; }
  std::string scan(const std::string& extra = "") const {
    return "delta_scan(" + nl::sql_string_literal("file://" + dir_.str()) + extra + ")";
  }

  // Writes `rows` (one region) as a Parquet file with the physical layout of
  // the mode, and returns its add action with stats keyed by physical name.
  std::string write_file(const std::string& file, const std::vector<Row>& rows) {
    // In id mode the Parquet names are deliberately not the physical names:
    // a reader resolving by name would find none of them.
    const bool by_id = mode() == "id";
    const std::string c_id = by_id ? "a" : "col-7f1a", c_name = by_id ? "b" : "col-2b9c",
                      c_info = by_id ? "c" : "col-3d", c_score = by_id ? "x" : "col-s4",
                      c_tag = by_id ? "y" : "col-s5";
    std::string values;
    for (const auto& r : rows) {
      values += std::string(values.empty() ? "" : " UNION ALL ") + "SELECT " + std::to_string(r.id) + "::BIGINT AS \"" +
                c_id + "\", " + nl::sql_string_literal(r.name) + " AS \"" + c_name + "\", {'" + c_score + "': " +
                std::to_string(r.score) + "::DOUBLE, '" + c_tag + "': " + nl::sql_string_literal(r.tag) + "} AS \"" + c_info + "\"";
    }
    std::string options = "FORMAT parquet";
    if (by_id) {
      options += ", FIELD_IDS {" + c_id + ": 1, " + c_name + ": 2, " + c_info + ": {__duckdb_field_id: 3, " + c_score +
                 ": 4, " + c_tag + ": 5}}";
    }
    fs::create_directories((dir_.path() / file).parent_path());
    session_.execute("COPY (" + values + ") TO " + nl::sql_string_literal((dir_.path() / file).string()) + " (" + options + ")");
    int64_t lo = rows.front().id, hi = rows.front().id;
    for (const auto& r : rows) lo = std::min(lo, r.id), hi = std::max(hi, r.id);
    const std::string stats = R"({"numRecords":)" + std::to_string(rows.size()) + R"(,"minValues":{"col-7f1a":)" +
                              std::to_string(lo) + R"(},"maxValues":{"col-7f1a":)" + std::to_string(hi) +
                              R"(},"nullCount":{"col-7f1a":0}})";
    const auto& region = rows.front().region;
    return R"({"add":{"path":)" + json_string(file) + R"(,"partitionValues":{"col-r6":)" +
           (region ? json_string(*region) : "null") + R"(},"size":)" +
           std::to_string(fs::file_size(dir_.path() / file)) + R"(,"modificationTime":0,"dataChange":true,"stats":)" +
           json_string(stats) + "}}\n";
  }

  // v0: files eu (1,2,3) and us (4,5); v1: eu rewritten without 2, and a
  // file with a null region (6).
  void build() {
    fs::create_directories(log());
    const std::string protocol =
        mode() == "name"
            ? R"({"protocol":{"minReaderVersion":2,"minWriterVersion":5}})"
            : R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["columnMapping"],"writerFeatures":["columnMapping"]}})";
    const std::string metadata = R"({"metaData":{"id":"cm","format":{"provider":"parquet","options":{}},"schemaString":)" +
                                 json_string(schema_string()) +
                                 R"(,"partitionColumns":["region"],"configuration":{"delta.columnMapping.mode":")" +
                                 mode() + R"(","delta.columnMapping.maxColumnId":"6"}}})";
    v0_ = {{1, "Ada Lovelace", 1.5, "a", "eu"}, {2, "Alan Turing", 2.5, "b", "eu"}, {3, "Grace Hopper", 3.5, "c", "eu"},
           {4, "Edsger Dijkstra", 4.5, "d", "us"}, {5, "Barbara Liskov", 5.5, "e", "us"}};
    std::string c0 = protocol + "\n" + metadata + "\n";
    c0 += write_file("col-r6=eu/part-0.parquet", {v0_[0], v0_[1], v0_[2]});
    c0 += write_file("col-r6=us/part-1.parquet", {v0_[3], v0_[4]});
    nl::testing::write_file(log() / (nl::delta::padded_version(0) + ".json"), c0);

    v1_ = {v0_[0], v0_[2], v0_[3], v0_[4], {6, "Donald Knuth", 6.5, "f", std::nullopt}};
    std::string c1 = R"({"remove":{"path":"col-r6=eu/part-0.parquet","deletionTimestamp":1,"dataChange":true}})" "\n";
    c1 += write_file("col-r6=eu/part-2.parquet", {v0_[0], v0_[2]});
    c1 += write_file("col-r6=__HIVE_DEFAULT_PARTITION__/part-3.parquet", {v1_[4]});
    nl::testing::write_file(log() / (nl::delta::padded_version(1) + ".json"), c1);
  }

  // The rows the reader returns, in the model's shape, ordered by id.
  std::vector<Row> read(const std::string& from, const std::string& where = "") {
    auto df = session_.sql("SELECT id, \"Full Name\", info.score, info.tag, region FROM " + from +
                           (where.empty() ? "" : " WHERE " + where) + " ORDER BY id");
    std::vector<Row> out;
    for (size_t r = 0; r < df.num_rows(); ++r) {
      out.push_back({*df.column(0).at<int64_t>(r), *df.column(1).at<std::string>(r), *df.column(2).at<double>(r),
                     *df.column(3).at<std::string>(r), df.column(4).at<std::string>(r)});
    }
    return out;
  }

  static void expect_rows(const std::vector<Row>& got, std::vector<Row> want) {
    std::sort(want.begin(), want.end());
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].id, want[i].id) << "row " << i;
      EXPECT_EQ(got[i].name, want[i].name) << "id " << want[i].id;
      EXPECT_EQ(got[i].score, want[i].score) << "id " << want[i].id;
      EXPECT_EQ(got[i].tag, want[i].tag) << "id " << want[i].id;
      EXPECT_EQ(got[i].region, want[i].region) << "id " << want[i].id;
    }
  }

  template <class Pred>
  static std::vector<Row> where(const std::vector<Row>& rows, Pred pred) {
    std::vector<Row> out;
    std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), pred);
    return out;
  }

  nl::testing::TempDir dir_;
  nl::Session session_;
  std::vector<Row> v0_, v1_;
};

TEST_P(DeltaColumnMapping, SchemaHasLogicalNames) {
  build();
  auto schema = session_.describe("SELECT * FROM " + scan());
  ASSERT_EQ(schema.size(), 4u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_EQ(schema[1].name, "Full Name");
  EXPECT_EQ(schema[2].name, "info");
  EXPECT_EQ(schema[3].name, "region");
  auto types = session_.sql("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + scan() + ")");
  EXPECT_EQ(*types.column(1).at<std::string>(2), "STRUCT(score DOUBLE, tag VARCHAR)");
}

TEST_P(DeltaColumnMapping, RowsAtEachVersion) {
  build();
  expect_rows(read(scan()), v1_);
  expect_rows(read(scan(", version := 0")), v0_);
  expect_rows(read(scan(", version := 1")), v1_);
}

TEST_P(DeltaColumnMapping, FiltersOnLogicalNamesAndPruning) {
  build();
  expect_rows(read(scan(), "\"Full Name\" = 'Grace Hopper'"),
              where(v1_, [](const Row& r) { return r.name == "Grace Hopper"; }));
  expect_rows(read(scan(), "info.score > 4"), where(v1_, [](const Row& r) { return r.score > 4; }));
  expect_rows(read(scan(), "region IS NULL"), where(v1_, [](const Row& r) { return !r.region; }));
  expect_rows(read(scan(), "region = 'us'"), where(v1_, [](const Row& r) { return r.region == "us"; }));

  // Stats keyed by physical name prune on the logical column: only the file
  // with id 6 can hold id > 5, and only the us file is in region 'us'. The
  // store counts opens; a scan opens each file it reads the same number of
  // times, so the unfiltered scan of 3 files gives the count per file.
  auto opens = [&](const std::string& filter, const std::vector<Row>& want) {
    session_.reset_io_stats();
    expect_rows(read(scan(), filter), want);
    return session_.total_io_stats().files_opened;
  };
  const uint64_t all = opens("true", v1_);
  ASSERT_EQ(all % 3, 0u) << all;
  const uint64_t per_file = all / 3;
  EXPECT_EQ(opens("id > 5", where(v1_, [](const Row& r) { return r.id > 5; })), per_file);
  EXPECT_EQ(opens("region = 'us' AND id >= 4", where(v1_, [](const Row& r) { return r.region == "us" && r.id >= 4; })),
            per_file);
}

INSTANTIATE_TEST_SUITE_P(Modes, DeltaColumnMapping, ::testing::Values("name", "id"),
                         [](const auto& info) { return info.param; });

}  // namespace
