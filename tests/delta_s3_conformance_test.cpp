// The Delta conformance checks over s3://: each ../shared/testdata/delta/<table>
// uploaded to a local S3 server, read by the snapshot API and delta_scan().
//
// Object modification times are the upload's, not the files': no check here
// depends on them (commit times come from the log). The snapshot API is driven
// with the standalone checkpoint reader, which reads the S3 store it is handed.
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/delta.h"
#include "neuralake/session.h"
#include "testing/delta_conformance.h"
#include "testing/delta_log_writer.h"
#include "testing/delta_s3_tables.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
using nlohmann::json;

namespace {

class DeltaS3Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  // One server per test process; each table is uploaded by its first case.
  static void SetUpTestSuite() { server_ = std::make_unique<nl::testing::LocalS3Server>("neuralake"); }
  static void TearDownTestSuite() {
    server_.reset();
    uploaded_.clear();
  }

  void SetUp() override {
    dir_ = nl::testing::delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
    session_ = std::make_unique<nl::Session>(nl::testing::minio_session_options(server_->endpoint()));
    uri_ = "s3://neuralake/" + GetParam();
    auto [store, key] = session_->resolve_store(uri_);
    if (uploaded_.insert(GetParam()).second) nl::testing::upload_tree(*store, dir_, key);
    table_.store = store;
    table_.key = key;
    table_.name = GetParam();
    reader_ = nl::engine::make_standalone_checkpoint_reader();
    checks_ = std::make_unique<nl::testing::DeltaScanChecks>(*session_, uri_, expected_);
  }

  delta::SnapshotPtr load(std::optional<int64_t> v = std::nullopt) { return delta::load_snapshot(table_, *reader_, v); }

  static std::unique_ptr<nl::testing::LocalS3Server> server_;
  static std::set<std::string> uploaded_;
  std::filesystem::path dir_;
  std::string uri_;
  json expected_;
  std::unique_ptr<nl::Session> session_;
  delta::TableLocation table_;
  std::unique_ptr<delta::CheckpointReader> reader_;
  std::unique_ptr<nl::testing::DeltaScanChecks> checks_;
};

std::unique_ptr<nl::testing::LocalS3Server> DeltaS3Conformance::server_;
std::set<std::string> DeltaS3Conformance::uploaded_;

TEST_P(DeltaS3Conformance, TableInfoThroughTheSession) {
  nl::DeltaTableInfo info = nl::delta_table_info(*session_, uri_);
  EXPECT_EQ(info.version, expected_["latest_version"].get<int64_t>());
  EXPECT_EQ(json(info.partition_columns), expected_["partition_columns"]);
  EXPECT_EQ(info.min_reader_version, expected_["protocol"]["minReaderVersion"].get<int>());
  EXPECT_EQ(info.min_writer_version, expected_["protocol"]["minWriterVersion"].get<int>());
  EXPECT_EQ(info.column_mapping, expected_["column_mapping_mode"].get<std::string>());
  const auto& latest = expected_["versions"].back();
  if (latest["version"] == expected_["latest_version"]) {
    EXPECT_EQ(static_cast<int64_t>(info.num_files), latest["num_active_files"].get<int64_t>());
  }
  const bool has_checkpoint = expected_.contains("last_checkpoint") && !expected_["last_checkpoint"].is_null();
  ASSERT_EQ(info.checkpoint_version.has_value(), has_checkpoint);
  if (has_checkpoint) { EXPECT_EQ(*info.checkpoint_version, expected_["last_checkpoint"]["version"].get<int64_t>()); }
}

TEST_P(DeltaS3Conformance, LatestSnapshotFacts) { nl::testing::expect_latest_snapshot_facts(*load(), expected_); }

TEST_P(DeltaS3Conformance, Checkpoints) {
  nl::testing::expect_checkpoint_facts([&](int64_t v) { return load(v); }, [&] { return load(); }, expected_);
}

TEST_P(DeltaS3Conformance, EveryVersionsFileSet) {
  for (const auto& v : expected_["versions"]) nl::testing::expect_version_facts(*load(v["version"].get<int64_t>()), v);
}

TEST_P(DeltaS3Conformance, ScanRowsAtEveryVersion) { checks_->expect_rows_at_every_version(); }

TEST_P(DeltaS3Conformance, ScanChecks) { checks_->expect_checks(); }

TEST_P(DeltaS3Conformance, ScanSchemaTypes) { checks_->expect_schema_types(); }

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaS3Conformance, ::testing::ValuesIn(nl::testing::delta_conformance_tables()),
                         nl::testing::conformance_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaS3Conformance);

}  // namespace
