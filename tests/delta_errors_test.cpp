// Each clear error of the Delta reader: not a table, a corrupt commit line,
// missing log entries, a missing checkpoint, an unsupported reader feature,
// a vacuumed data file; plus time travel by version and by timestamp.
#include <filesystem>

#include <gtest/gtest.h>

#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;

namespace {

const char* kProtocol = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
const char* kMetadata =
    R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})";

std::string add(const std::string& path) {
  return R"({"add":{"path":")" + path + R"(","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}})";
}
std::string commit_name(int v) {
  std::string s = std::to_string(v);
  return std::string(20 - s.size(), '0') + s + ".json";
}

class DeltaErrors : public ::testing::Test {
 protected:
  void write_commit(int v, const std::string& text) {
    nl::testing::write_file(dir_.path() / "_delta_log" / commit_name(v), text);
  }
  delta::SnapshotPtr load(std::optional<int64_t> v = std::nullopt) {
    delta::TableLocation t{nl::make_local_store(dir_.str()), "", "tbl"};
    return delta::load_snapshot(t, *reader_, v);
  }
  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
};

TEST_F(DeltaErrors, NotADeltaTable) { EXPECT_NL_ERROR(load(), NotFound, "not a Delta table"); }

TEST_F(DeltaErrors, CorruptJsonLineNamesFileAndLine) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n{not json\n");
  EXPECT_NL_ERROR(load(), Corruption, "00000000000000000000.json line 3");
}

TEST_F(DeltaErrors, MissingLogEntries) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n");
  write_commit(2, add("b.parquet") + "\n");
  EXPECT_NL_ERROR(load(), Corruption, "00000000000000000001.json");
}

TEST_F(DeltaErrors, MissingCheckpointNamedByLastCheckpoint) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n");
  write_commit(1, add("a.parquet") + "\n");
  nl::testing::write_file(dir_.path() / "_delta_log" / "_last_checkpoint", R"({"version":1,"size":3})");
  EXPECT_NL_ERROR(load(), NotFound, "00000000000000000001.checkpoint.parquet");
}

TEST_F(DeltaErrors, UnsupportedReaderFeatureIsNamed) {
  write_commit(0, std::string(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["variantType"],"writerFeatures":["variantType"]}})") +
                      "\n" + kMetadata + "\n");
  EXPECT_NL_ERROR(load(), NotSupported, "variantType");
}

TEST_F(DeltaErrors, V2CheckpointIsRefused) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n");
  nl::testing::write_file(dir_.path() / "_delta_log" / "00000000000000000000.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json", "{}");
  EXPECT_NL_ERROR(load(), NotSupported, "v2Checkpoint");
}

TEST_F(DeltaErrors, VersionThatDoesNotExist) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n");
  EXPECT_NL_ERROR(load(5), NotFound, "version 5");
}

TEST_F(DeltaErrors, AddRemoveReconciliationAndTimeTravelByTimestamp) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n" + add("a.parquet") + "\n");
  write_commit(1, add("b.parquet") + "\n");
  write_commit(2, R"({"remove":{"path":"a.parquet","deletionTimestamp":0,"dataChange":true}})" "\n");
  // Commit times are the files' modification times: set them explicitly.
  const auto base = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  for (int v = 0; v < 3; ++v) {
    std::filesystem::last_write_time(dir_.path() / "_delta_log" / commit_name(v), base + std::chrono::minutes(10 * v));
  }
  EXPECT_EQ(load()->num_files(), 1u);
  EXPECT_EQ(load(1)->num_files(), 2u);
  delta::TableLocation t{nl::make_local_store(dir_.str()), "", "tbl"};
  const auto info = t.store->list("_delta_log/00000000000000000001.json");
  ASSERT_EQ(info.size(), 1u);
  const int64_t t1 =
      std::chrono::duration_cast<std::chrono::milliseconds>(info[0].last_modified.time_since_epoch()).count();
  EXPECT_EQ(delta::version_at_timestamp(t, t1), 1);
  EXPECT_EQ(delta::version_at_timestamp(t, t1 + 60'000), 1);
  EXPECT_EQ(delta::version_at_timestamp(t, t1 + 3'600'000 * 48), 2);  // after the latest: latest
  EXPECT_NL_ERROR(delta::version_at_timestamp(t, t1 - 3'600'000), NotFound, "tbl");
  auto h = delta::history(t);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].version, 2);
  EXPECT_EQ(h[0].removes, 1);
}

TEST_F(DeltaErrors, RefreshReadsOnlyNewCommits) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n" + add("a.parquet") + "\n" + add("b.parquet") + "\n");
  auto base = load();
  write_commit(1, add("c.parquet") + "\n" + R"({"remove":{"path":"a.parquet","dataChange":true}})" "\n");
  auto next = delta::refresh_snapshot(base, *reader_);
  EXPECT_EQ(next->version, 1);
  EXPECT_EQ(next->num_files(), 2u);
  EXPECT_EQ(base->num_files(), 2u);  // the old snapshot is untouched
  EXPECT_EQ(next->segments[0].files, base->segments[0].files);  // shared, not copied
  EXPECT_EQ(delta::refresh_snapshot(next, *reader_), next);
}

TEST_F(DeltaErrors, VacuumedDataFileNamesFileAndVersion) {
  write_commit(0, std::string(kProtocol) + "\n" + kMetadata + "\n" + add("gone.parquet") + "\n");
  nl::Session session;
  EXPECT_NL_ERROR(session.sql("SELECT count(id) FROM delta_scan('file://" + dir_.str() + "')"), NotFound,
                  "gone.parquet");
}

}  // namespace
