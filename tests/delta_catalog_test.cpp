// Delta tables declared in a catalog: queried like any table (filters, SQL,
// joins with a function table), read at older versions and times, described.
// The expected rows come from the shared tables' EXPECTED.json, not from us.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path delta_dir() {
  auto shared = nl::testing::shared_dir();
  return shared.empty() ? shared : shared / "testdata" / "delta";
}

// Ids 0..199 with a label each: the other side of a federated join.
nl::Table labels() {
  return nl::FunctionTable("labels", [](const nl::ScanRequest&) {
    std::vector<int64_t> ids;
    std::vector<std::string> names;
    for (int64_t i = 0; i < 200; ++i) {
      ids.push_back(i);
      names.push_back("label" + std::to_string(i));
    }
    return nl::DataFrame::from_columns({nl::Series("id", ids), nl::Series("label", names)});
  });
}

// Sets a file's modification time to 2025-01-01T00:00:00Z plus `days`.
void set_day(const fs::path& p, int days) {
  const time_t t = 1735689600 + static_cast<time_t>(days) * 86400;
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
}

class DeltaCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    if (delta_dir().empty() || !fs::is_directory(delta_dir())) GTEST_SKIP() << "shared/testdata/delta is absent";
    // A private copy, so commit times can be set: version v committed on 2025-01-(v+1).
    for (const char* t : {"simple_table", "delta-2.2.0-partitioned-types", "table-with-dv-small"}) {
      fs::copy(delta_dir() / t, dir_.path() / t, fs::copy_options::recursive);
    }
    for (int v = 0; v <= 4; ++v) {
      char name[32];
      std::snprintf(name, sizeof name, "%020d.json", v);
      set_day(dir_.path() / "simple_table" / "_delta_log" / name, v);
    }
    expected_ = json::parse(nl::testing::read_file(delta_dir() / "simple_table" / "EXPECTED.json"));
    nl::SessionOptions options;
    options.warehouse = dir_.str();
    catalog_ = std::make_unique<nl::Catalog>(
        std::vector<std::pair<std::string, nl::Database>>{
            {"d", nl::Database({nl::DeltaTable("simple", "{warehouse}/simple_table")
                                    .describe("Ids rewritten over four commits")
                                    .data_input("delta-rs test data")
                                    .unique_columns({"id"})
                                    .extra_column("id2", "id * 2"),
                                nl::DeltaTable("typed", "{warehouse}/delta-2.2.0-partitioned-types"),
                                nl::DeltaTable("dv", "{warehouse}/table-with-dv-small"),
                                nl::ParquetTable("plain", "{warehouse}/simple_table/*.parquet"), labels()})}},
        options);
  }

  // The ids of `df`, sorted.
  static std::vector<int64_t> ids(const nl::DataFrame& df, const std::string& c = "id") {
    std::vector<int64_t> out;
    for (size_t r = 0; r < df.num_rows(); ++r) out.push_back(df.column(c).at<int64_t>(r).value_or(-1));
    std::sort(out.begin(), out.end());
    return out;
  }
  // The expected ids at `version`, from EXPECTED.json.
  std::vector<int64_t> expected_ids(int64_t version) const {
    std::vector<int64_t> out;
    for (const auto& v : expected_["versions"]) {
      if (v["version"].get<int64_t>() != version) continue;
      for (const auto& row : v["sorted_rows"]) out.push_back(row[0].get<int64_t>());
    }
    return out;
  }
  nl::LazyFrame simple(const nl::Filters& f = {}, const std::vector<std::string>& cols = {}) const {
    return catalog_->db("d").table("simple", f, cols);
  }

  nl::testing::TempDir dir_;
  json expected_;
  std::unique_ptr<nl::Catalog> catalog_;
};

TEST_F(DeltaCatalog, DeclaredWithTheMetadataOfEveryTable) {
  const nl::Table& t = catalog_->table("d.simple");
  EXPECT_EQ(t.kind(), nl::table_kind::delta);
  EXPECT_EQ(t.kind(), "delta");
  EXPECT_EQ(t.def().metadata.description, "Ids rewritten over four commits");
  EXPECT_EQ(t.def().metadata.unique_columns, std::vector<std::string>{"id"});
  auto schema = simple().schema();
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_EQ(schema[1].name, "id2");
  EXPECT_NL_ERROR(nl::DeltaTable("t", ""), InvalidArgument, "'t'");
}

TEST_F(DeltaCatalog, LatestVersionWithFiltersAndExtraColumns) {
  const int64_t latest = expected_["latest_version"].get<int64_t>();
  EXPECT_EQ(ids(simple().collect()), expected_ids(latest));
  std::vector<int64_t> want;
  for (int64_t id : expected_ids(latest))
    if (id > 5) want.push_back(id);
  auto df = simple({nl::Filter("id", ">", 5)}).collect();
  EXPECT_EQ(ids(df), want);
  for (size_t r = 0; r < df.num_rows(); ++r) {
    EXPECT_EQ(*df.column("id2").at<int64_t>(r), 2 * *df.column("id").at<int64_t>(r));
  }
}

TEST_F(DeltaCatalog, SqlAndJoinWithAFunctionTable) {
  const int64_t latest = expected_["latest_version"].get<int64_t>();
  auto count = catalog_->sql("SELECT count(*) AS n FROM d.simple").collect();
  EXPECT_EQ(*count.column("n").at<int64_t>(0), static_cast<int64_t>(expected_ids(latest).size()));

  auto joined = simple().join(catalog_->db("d").table("labels"), "id").collect();
  EXPECT_EQ(ids(joined), expected_ids(latest));
  for (size_t r = 0; r < joined.num_rows(); ++r) {
    EXPECT_EQ(*joined.column("label").at<std::string>(r), "label" + std::to_string(*joined.column("id").at<int64_t>(r)));
  }
  // Partition columns and deletion vectors through the catalog.
  auto typed = catalog_->sql("SELECT count(*) AS n FROM d.typed").collect();
  EXPECT_EQ(*typed.column("n").at<int64_t>(0), 3);
  auto dv = catalog_->sql("SELECT count(*) AS n FROM d.dv").collect();
  EXPECT_EQ(*dv.column("n").at<int64_t>(0), 8);
}

TEST_F(DeltaCatalog, AtVersionReadsEveryVersion) {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    SCOPED_TRACE("version " + std::to_string(version));
    EXPECT_EQ(ids(simple().at_version(version).collect()), expected_ids(version));
    // The table's filters, projection and extra columns stay.
    std::vector<int64_t> want;
    for (int64_t id : expected_ids(version))
      if (id < 8) want.push_back(2 * id);
    auto df = simple({nl::Filter("id", "<", 8)}, {"id2"}).at_version(version).collect();
    ASSERT_EQ(df.num_columns(), 1u);
    EXPECT_EQ(ids(df, "id2"), want);
  }
}

TEST_F(DeltaCatalog, AsOfUsesCommitTimes) {
  // Version v was committed on 2025-01-(v+1) at midnight.
  EXPECT_EQ(ids(simple().as_of("2025-01-01T00:00:00Z").collect()), expected_ids(0));
  EXPECT_EQ(ids(simple().as_of("2025-01-02T12:00:00Z").collect()), expected_ids(1));
  EXPECT_EQ(ids(simple().as_of("2025-01-04T23:59:59Z").collect()), expected_ids(3));
  EXPECT_EQ(ids(simple().as_of("2030-01-01T00:00:00Z").collect()), expected_ids(4));
}

TEST_F(DeltaCatalog, TimeTravelErrorsNameTheTable) {
  EXPECT_NL_ERROR(simple().at_version(99), NotFound, "d.simple");
  EXPECT_NL_ERROR(simple().at_version(99), NotFound, "99");
  EXPECT_NL_ERROR(simple().at_version(-1), NotFound, "d.simple");
  EXPECT_NL_ERROR(simple().as_of("2024-12-31T00:00:00Z"), NotFound, "d.simple");
  EXPECT_NL_ERROR(simple().as_of("2024-12-31T00:00:00Z"), NotFound, "2024-12-31");
  EXPECT_NL_ERROR(simple().as_of("yesterday"), InvalidArgument, "yesterday");
  EXPECT_NL_ERROR(catalog_->db("d").table("plain").at_version(1), InvalidArgument, "d.plain");
  EXPECT_NL_ERROR(simple().limit(2).at_version(1), InvalidArgument, "at_version");
  EXPECT_NL_ERROR(catalog_->sql("SELECT * FROM d.simple").as_of("2025-01-01T00:00:00Z"), InvalidArgument, "as_of");
}

TEST_F(DeltaCatalog, InfoAndHistory) {
  auto& session = catalog_->session();
  auto info = nl::delta_table_info(session, "d", "typed");
  const json typed = json::parse(nl::testing::read_file(delta_dir() / "delta-2.2.0-partitioned-types" / "EXPECTED.json"));
  EXPECT_EQ(info.version, typed["latest_version"].get<int64_t>());
  EXPECT_EQ(info.partition_columns, typed["partition_columns"].get<std::vector<std::string>>());
  EXPECT_EQ(info.num_files, typed["versions"].back()["num_active_files"].get<size_t>());
  EXPECT_EQ(info.min_reader_version, typed["protocol"]["minReaderVersion"].get<int>());

  auto history = nl::delta_history(session, "d", "simple");
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history.front().version, 4);
  EXPECT_EQ(history.back().version, 0);
  EXPECT_EQ(nl::delta_history(session, "d", "simple", 2).size(), 2u);
  EXPECT_NL_ERROR(nl::delta_table_info(session, "d", "plain"), InvalidArgument, "d.plain");
  EXPECT_NL_ERROR(nl::delta_table_info(session, "d", "nope"), NotFound, "d.nope");
  EXPECT_NL_ERROR(nl::delta_table_info(session, dir_.str() + "/nothing"), NotFound, "nothing");
}

}  // namespace
