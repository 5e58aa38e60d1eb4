// Generated Delta tables, each checked against a model kept by the test: a
// 2,000-commit history with a checkpoint every 100 (versions and times), a
// multi-part checkpoint, and 10,000 files read as one pruned scan.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
namespace fs = std::filesystem;
using nl::testing::json_string;

namespace {

const char* kProtocol = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
const char* kSchema = R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"p","type":"long","nullable":true,"metadata":{}}]})";

std::string metadata(bool partitioned) {
  return R"({"metaData":{"id":"g","format":{"provider":"parquet","options":{}},"schemaString":)" + json_string(kSchema) +
         R"(,"partitionColumns":[)" + (partitioned ? "\"p\"" : "") + R"(],"configuration":{}}})";
}
std::string add(const std::string& path, const std::string& extra = "") {
  return R"({"add":{"path":)" + json_string(path) + R"(,"partitionValues":{},"size":1,"modificationTime":0,"dataChange":true)" +
         extra + "}}\n";
}
std::string remove(const std::string& path) {
  return R"({"remove":{"path":)" + json_string(path) + R"(,"deletionTimestamp":0,"dataChange":true}})" "\n";
}
void set_mtime_ms(const fs::path& p, int64_t ms) {
  struct timespec t[2] = {{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000},
                          {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000}};
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), t, 0), 0);
}

// Writes a classic checkpoint of `live` at `version` as `parts` Parquet parts,
// through DuckDB COPY (protocol and metaData rows go to the first part).
void write_checkpoint(nl::Session& s, const fs::path& log, int64_t version, const std::vector<std::string>& live,
                      int parts) {
  const std::string add_t = "STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, "
                            "modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR)";
  const std::string meta_t = "STRUCT(id VARCHAR, schemaString VARCHAR, partitionColumns VARCHAR[], "
                             "configuration MAP(VARCHAR, VARCHAR))";
  const std::string proto_t = "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)";
  for (int part = 0; part < parts; ++part) {
    std::string paths = "[";
    for (size_t i = static_cast<size_t>(part); i < live.size(); i += static_cast<size_t>(parts)) {
      paths += (paths.size() > 1 ? ", " : "") + nl::sql_string_literal(live[i]);
    }
    paths += "]";
    std::string head;
    if (part == 0) {
      head = "SELECT NULL::" + add_t + " AS add, {'minReaderVersion': 1, 'minWriterVersion': 2}::" + proto_t +
             " AS protocol, NULL::" + meta_t + " AS metaData UNION ALL SELECT NULL, NULL, {'id': 'g', 'schemaString': " +
             nl::sql_string_literal(kSchema) + ", 'partitionColumns': []::VARCHAR[], 'configuration': MAP {}}::" + meta_t +
             " UNION ALL ";
    }
    char name[128];
    if (parts == 1) {
      std::snprintf(name, sizeof name, "%020lld.checkpoint.parquet", static_cast<long long>(version));
    } else {
      std::snprintf(name, sizeof name, "%020lld.checkpoint.%010d.%010d.parquet", static_cast<long long>(version),
                    part + 1, parts);
    }
    s.execute("COPY (" + head + "SELECT {'path': u, 'partitionValues': MAP {}, 'size': 1, 'modificationTime': 0, " +
              "'dataChange': false, 'stats': NULL}::" + add_t + " AS add, NULL::" + proto_t + " AS protocol, NULL::" + meta_t +
              " AS metaData" +
              " FROM unnest(" + paths + "::VARCHAR[]) t(u)) TO " + nl::sql_string_literal((log / name).string()) +
              " (FORMAT parquet)");
  }
  nl::testing::write_file(log / "_last_checkpoint", "{\"version\":" + std::to_string(version) +
                                                        (parts > 1 ? ",\"parts\":" + std::to_string(parts) : "") +
                                                        ",\"size\":" + std::to_string(live.size() + 2) + "}");
}

std::set<std::string> paths_of(const delta::Snapshot& snap) {
  std::set<std::string> out;
  snap.for_each_file([&](const delta::FileEntry& f) { out.insert(std::string(f.path())); });
  return out;
}

class DeltaGenerated : public ::testing::Test {
 protected:
  delta::TableLocation table() const { return {nl::make_local_store(dir_.str()), "", "gen"}; }
  fs::path log() const { return dir_.path() / "_delta_log"; }
  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
  nl::Session session_;
};

// 2,000 commits: each adds a file, every third also removes the oldest live
// one; a checkpoint every 100 versions; commit v at base + v seconds.
TEST_F(DeltaGenerated, TwoThousandCommitsWithCheckpoints) {
  fs::create_directories(log());
  const int64_t base_ms = 1735689600000;  // 2025-01-01T00:00:00Z
  std::vector<std::string> live;
  std::map<int64_t, std::set<std::string>> model;  // at the versions read below
  const std::set<int64_t> probes = {0, 1, 99, 100, 101, 777, 1500, 1550, 1999, 2000};
  for (int64_t v = 0; v <= 2000; ++v) {
    std::string text = v == 0 ? std::string(kProtocol) + "\n" + metadata(false) + "\n" : "";
    const std::string f = "f" + std::to_string(v) + ".parquet";
    text += add(f);
    live.push_back(f);
    if (v % 3 == 2) {
      text += remove(live.front());
      live.erase(live.begin());
    }
    const fs::path commit = log() / fs::path(delta::padded_version(v) + ".json");
    nl::testing::write_file(commit, text);
    set_mtime_ms(commit, base_ms + v * 1000);
    if (v > 0 && v % 100 == 0) write_checkpoint(session_, log(), v, live, 1);
    if (probes.count(v)) model[v] = std::set<std::string>(live.begin(), live.end());
  }
  for (const auto& [v, want] : model) {
    SCOPED_TRACE("version " + std::to_string(v));
    auto snap = delta::load_snapshot(table(), *reader_, v);
    EXPECT_EQ(snap->num_files(), want.size());
    EXPECT_EQ(paths_of(*snap), want);
    if (v >= 100) {
      ASSERT_TRUE(snap->checkpoint.has_value());
      EXPECT_EQ(snap->checkpoint->version, v / 100 * 100);
    }
  }
  // Latest, and refreshed from an older snapshot by reading only new commits.
  EXPECT_EQ(paths_of(*delta::load_snapshot(table(), *reader_)), model[2000]);
  auto old = delta::load_snapshot(table(), *reader_, 1999);
  EXPECT_EQ(old->version, 1999);
  // Times: exactly at a commit, between commits, after the last one.
  EXPECT_EQ(delta::version_at_timestamp(table(), base_ms + 777 * 1000), 777);
  EXPECT_EQ(delta::version_at_timestamp(table(), base_ms + 1550 * 1000 + 500), 1550);
  EXPECT_EQ(delta::version_at_timestamp(table(), base_ms + 5000 * 1000), 2000);
  EXPECT_NL_ERROR(delta::version_at_timestamp(table(), base_ms - 1), NotFound, "gen");
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_, 2001), NotFound, "2001");
}

// A checkpoint in three parts, then two commits; rows read through delta_scan.
TEST_F(DeltaGenerated, MultiPartCheckpoint) {
  fs::create_directories(log());
  std::vector<std::string> live;
  std::set<int64_t> ids;
  for (int64_t k = 0; k < 12; ++k) {
    const std::string f = "d" + std::to_string(k) + ".parquet";
    session_.execute("COPY (SELECT " + std::to_string(k) + "::BIGINT AS id, 0::BIGINT AS p) TO " +
                     nl::sql_string_literal((dir_.path() / f).string()) + " (FORMAT parquet)");
    if (k < 10) {
      live.push_back(f);
      ids.insert(k);
    }
  }
  write_checkpoint(session_, log(), 5, live, 3);
  nl::testing::write_file(log() / fs::path(delta::padded_version(6) + ".json"), add("d10.parquet") + remove("d3.parquet"));
  nl::testing::write_file(log() / fs::path(delta::padded_version(7) + ".json"), add("d11.parquet"));
  ids.insert(10);
  ids.insert(11);
  ids.erase(3);

  auto snap = delta::load_snapshot(table(), *reader_);
  ASSERT_TRUE(snap->checkpoint.has_value());
  EXPECT_EQ(snap->checkpoint->parts, 3);
  EXPECT_EQ(snap->checkpoint->adds, 10);
  EXPECT_EQ(snap->num_files(), ids.size());
  auto df = session_.sql("SELECT id FROM delta_scan(" + nl::sql_string_literal("file://" + dir_.str()) + ") ORDER BY id");
  std::set<int64_t> got;
  for (size_t r = 0; r < df.num_rows(); ++r) got.insert(*df.column(0).at<int64_t>(r));
  EXPECT_EQ(got, ids);
  EXPECT_EQ(df.num_rows(), ids.size());

  // One part gone: the checkpoint _last_checkpoint names is incomplete.
  fs::remove(log() / fs::path(delta::padded_version(5) + ".checkpoint.0000000002.0000000003.parquet"));
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), NotFound, "checkpoint");
}

// 10,000 files in 10 partitions, with id stats: one scan operator, and a
// selective query opens only the files the partition values and stats allow.
TEST_F(DeltaGenerated, TenThousandFilesAsOneScan) {
  const int64_t files = 10000, rows = 8;
  fs::create_directories(log());
  // One COPY writes all files: file b (in folder b=<b>) holds ids [b*rows, (b+1)*rows).
  session_.execute("COPY (SELECT i AS id, i // " + std::to_string(rows) + " AS b FROM range(" +
                   std::to_string(files * rows) + ") t(i)) TO " + nl::sql_string_literal((dir_.path() / "data").string()) +
                   " (FORMAT parquet, PARTITION_BY (b))");
  auto listing = session_.sql("SELECT replace(filename, " + nl::sql_string_literal(dir_.str() + "/data/") +
                              ", '') AS f, min(id) AS lo, max(id) AS hi FROM read_parquet(" +
                              nl::sql_string_literal((dir_.path() / "data" / "*" / "*.parquet").string()) +
                              ", filename = true, hive_partitioning = false) GROUP BY filename");
  ASSERT_EQ(listing.num_rows(), static_cast<size_t>(files));
  std::string text = std::string(kProtocol) + "\n" + metadata(true) + "\n";
  // The model: partition p = file index % 10 (from the file's first id).
  int64_t want_rows = 0;
  std::set<std::string> want_files;
  for (size_t r = 0; r < listing.num_rows(); ++r) {
    const std::string f = *listing.column(0).at<std::string>(r);
    const int64_t lo = *listing.column(1).at<int64_t>(r), hi = *listing.column(2).at<int64_t>(r);
    const int64_t p = (lo / rows) % 10;
    text += R"({"add":{"path":)" + json_string("data/" + f) + R"(,"partitionValues":{"p":")" + std::to_string(p) +
            R"("},"size":1,"modificationTime":0,"dataChange":true,"stats":)" +
            json_string(R"({"numRecords":)" + std::to_string(rows) + R"(,"minValues":{"id":)" + std::to_string(lo) +
                        R"(},"maxValues":{"id":)" + std::to_string(hi) + R"(},"nullCount":{"id":0}})") +
            "}}\n";
    if (p == 3 && lo < 4000) {
      want_rows += rows;
      want_files.insert(f);
    }
  }
  nl::testing::write_file(log() / fs::path(delta::padded_version(0) + ".json"), text);

  const std::string scan = "delta_scan(" + nl::sql_string_literal("file://" + dir_.str()) + ")";
  auto all = session_.sql("SELECT count(*) FROM " + scan);
  EXPECT_EQ(*all.column(0).at<int64_t>(0), files * rows);
  const std::string plan = session_.explain("SELECT count(*) FROM " + scan);
  EXPECT_EQ(plan.find("UNION"), std::string::npos) << plan;
  // One scan operator for all 10,000 files.
  size_t scans = 0;
  for (size_t at = plan.find("Function: DELTA_SCAN"); at != std::string::npos;
       at = plan.find("Function: DELTA_SCAN", at + 1)) {
    ++scans;
  }
  EXPECT_EQ(scans, 1u) << plan;

  const std::string selective = "SELECT count(*) FROM " + scan + " WHERE p = 3 AND id < 4000";
  session_.reset_io_stats();
  auto df = session_.sql(selective);
  EXPECT_EQ(*df.column(0).at<int64_t>(0), want_rows);
  const auto io = session_.total_io_stats();
  // 50 files pass both prunings (of 1,000 in partition 3, of 500 below id 4000).
  EXPECT_EQ(want_files.size(), 50u);
  EXPECT_GT(io.files_opened, 0u);
  EXPECT_LE(io.files_opened, 2 * want_files.size()) << "files opened: " << io.files_opened;
}

}  // namespace
