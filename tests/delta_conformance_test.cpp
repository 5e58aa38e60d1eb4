// Conformance of the Delta reader with upstream test tables: every fact in
// each ../shared/testdata/delta/<table>/EXPECTED.json a reader can observe.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/object_store.h"
#include "testing/delta_conformance.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::delta_conformance_tables;
using nl::testing::delta_testdata_dir;
namespace delta = neuralake::delta;
using nlohmann::json;

namespace {

class DeltaConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
    table_.store = nl::make_local_store(dir_.string());
    table_.key = "";
    table_.name = GetParam();
    reader_ = nl::engine::make_standalone_checkpoint_reader();
  }
  delta::SnapshotPtr load(std::optional<int64_t> v = std::nullopt) {
    return delta::load_snapshot(table_, *reader_, v);
  }

  std::filesystem::path dir_;
  json expected_;
  delta::TableLocation table_;
  std::unique_ptr<delta::CheckpointReader> reader_;
};

TEST_P(DeltaConformance, LatestSnapshotFacts) { nl::testing::expect_latest_snapshot_facts(*load(), expected_); }

TEST_P(DeltaConformance, Checkpoints) {
  nl::testing::expect_checkpoint_facts([&](int64_t v) { return load(v); }, [&] { return load(); }, expected_);
}

TEST_P(DeltaConformance, EveryVersionsFileSet) {
  for (const auto& v : expected_["versions"]) nl::testing::expect_version_facts(*load(v["version"].get<int64_t>()), v);
}

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaConformance, ::testing::ValuesIn(delta_conformance_tables()),
                         nl::testing::conformance_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaConformance);

// The tables ../shared/testdata/delta holds (its README's list).
const std::vector<std::string> kSharedTables = {"delta-0.2.0",
                                                 "delta-0.8-empty",
                                                 "delta-0.8.0-null-partition",
                                                 "delta-0.8.0-special-partition",
                                                 "delta-2.2.0-partitioned-types",
                                                 "simple_table",
                                                 "simple_table_with_checkpoint",
                                                 "table-with-dv-small",
                                                 "table-without-dv-small",
                                                 "time-travel-schema-changes-b"};

// One shared table is whole: its EXPECTED.json parses, describes it, has an
// entry per version and lists files present at their stated sizes; and the
// DeltaConformance suite runs it.
void check_shared_table(const std::filesystem::path& dir, const std::string& table,
                        const std::vector<std::string>& suite_tables) {
  SCOPED_TRACE(table);
  const auto root = dir / table;
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root << " is missing";
  EXPECT_NE(std::find(suite_tables.begin(), suite_tables.end(), table), suite_tables.end())
      << "not among the suite's tables";
  json expected;
  try {
    expected = json::parse(nl::testing::read_file(root / "EXPECTED.json"));
  } catch (const std::exception& e) {
    FAIL() << root / "EXPECTED.json" << " does not parse: " << e.what();
  }
  EXPECT_EQ(expected.value("table", ""), table);
  EXPECT_EQ(expected.value("expected_format", ""), "neuralake-delta-expected/v1");
  ASSERT_TRUE(expected.contains("latest_version") && expected["latest_version"].is_number_integer());
  const auto latest = expected["latest_version"].get<int64_t>();
  ASSERT_TRUE(expected.contains("versions") && expected["versions"].is_array());
  ASSERT_EQ(expected["versions"].size(), static_cast<size_t>(latest + 1)) << "one entry per version";
  EXPECT_EQ(expected["versions"].back().value("version", int64_t{-1}), latest);
  ASSERT_TRUE(expected.contains("files") && expected["files"].is_array() && !expected["files"].empty());
  for (const auto& f : expected["files"]) {
    const auto path = root / f.at("path").get<std::string>();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
      ADD_FAILURE() << path << ": " << ec.message();
    } else {
      EXPECT_EQ(size, f.at("size").get<uint64_t>()) << path;
    }
  }
}

// When the shared conformance data is there, it is whole (every expected
// table, see check_shared_table); when it is absent, a visible skip.
TEST(DeltaConformanceData, FolderPresent) {
  const auto dir = delta_testdata_dir();
  if (dir.empty() || !std::filesystem::is_directory(dir))
    GTEST_SKIP() << "the shared Delta conformance data (../shared/testdata/delta) is absent: "
                 << "the DeltaConformance suite has no tables to check";
  const auto suite_tables = delta_conformance_tables();
  for (const auto& table : kSharedTables) check_shared_table(dir, table, suite_tables);
  // Every table directory has its EXPECTED.json, so none is silently left out of the suite.
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_directory()) continue;
    EXPECT_TRUE(std::filesystem::exists(e.path() / "EXPECTED.json")) << e.path() << " has no EXPECTED.json";
  }
}

}  // namespace
