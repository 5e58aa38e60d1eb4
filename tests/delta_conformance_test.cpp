// Conformance of the Delta reader with upstream test tables: every fact in
// each ../shared/testdata/delta/<table>/EXPECTED.json a reader can observe.
#include <filesystem>
#include <memory>
#include <optional>

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

TEST(DeltaConformanceData, FolderPresent) {
  if (delta_conformance_tables().empty()) GTEST_SKIP() << "shared/testdata/delta is absent: no conformance tables to check";
  SUCCEED();
}

}  // namespace
