// Add/remove reconciliation across snapshot segments: a file re-added and
// removed again must end dead, whether loaded cold, refreshed, or via a checkpoint.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

const char* kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";

// One file action of a commit; an add's size is its version, so the model
// can tell which of two adds of the same path is the live one.
struct Action {
  bool add;
  std::string path;
};

// Live files as (path, size): what a correct replay must produce.
using LiveSet = std::set<std::pair<std::string, int64_t>>;

LiveSet live_of(const delta::Snapshot& snap) {
  LiveSet out;
  snap.for_each_file([&](const delta::FileEntry& f) { out.emplace(std::string(f.path()), f.size); });
  return out;
}

class DeltaReconcile : public ::testing::Test {
 protected:
  delta::TableLocation table() const { return {nl::make_local_store(dir_.str()), "", "reconcile"}; }
  fs::path log() const { return dir_.path() / "_delta_log"; }

  // Writes the commits of `history` (version = index) and, after each version
  // in `checkpoints`, a checkpoint of the model's live files. Returns the
  // model's live set at every version.
  std::vector<LiveSet> write(const std::vector<std::vector<Action>>& history, const std::set<int64_t>& checkpoints) {
    fs::create_directories(log());
    std::map<std::string, int64_t> live;  // path -> size of its live add
    std::vector<LiveSet> model;
    for (size_t v = 0; v < history.size(); ++v) {
      std::string text;
      if (v == 0) {
        text = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" "\n"
               R"({"metaData":{"id":"r","format":{"provider":"parquet","options":{}},"schemaString":)" +
               json_string(kSchema) + R"(,"partitionColumns":[],"configuration":{}}})" "\n";
      }
      for (const auto& a : history[v]) {
        if (a.add) {
          text += R"({"add":{"path":)" + json_string(a.path) + R"(,"partitionValues":{},"size":)" +
                  std::to_string(v) + R"(,"modificationTime":0,"dataChange":true}})" "\n";
          live[a.path] = static_cast<int64_t>(v);
        } else {
          text += R"({"remove":{"path":)" + json_string(a.path) + R"(,"deletionTimestamp":0,"dataChange":true}})" "\n";
          live.erase(a.path);
        }
      }
      nl::testing::write_file(log() / (delta::padded_version(static_cast<int64_t>(v)) + ".json"), text);
      model.emplace_back(live.begin(), live.end());
      if (checkpoints.count(static_cast<int64_t>(v))) write_checkpoint(static_cast<int64_t>(v), model.back());
    }
    return model;
  }

  // A classic single-part checkpoint of `live` at `version`, through DuckDB COPY.
  void write_checkpoint(int64_t version, const LiveSet& live) {
    const std::string add_t = "STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, "
                              "modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR)";
    const std::string meta_t = "STRUCT(id VARCHAR, schemaString VARCHAR, partitionColumns VARCHAR[], "
                               "configuration MAP(VARCHAR, VARCHAR))";
    const std::string proto_t = "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)";
    std::string rows;
    for (const auto& [path, size] : live) {
      rows += " UNION ALL SELECT {'path': " + nl::sql_string_literal(path) + ", 'partitionValues': MAP {}, 'size': " +
              std::to_string(size) + ", 'modificationTime': 0, 'dataChange': false, 'stats': NULL}::" + add_t +
              ", NULL, NULL";
    }
    const fs::path file = log() / (delta::padded_version(version) + ".checkpoint.parquet");
    session_.execute("COPY (SELECT NULL::" + add_t + " AS add, {'minReaderVersion': 1, 'minWriterVersion': 2}::" +
                     proto_t + " AS protocol, NULL::" + meta_t + " AS metaData UNION ALL SELECT NULL, NULL, "
                     "{'id': 'r', 'schemaString': " + nl::sql_string_literal(kSchema) +
                     ", 'partitionColumns': []::VARCHAR[], 'configuration': MAP {}}::" + meta_t + rows + ") TO " +
                     nl::sql_string_literal(file.string()) + " (FORMAT parquet)");
    nl::testing::write_file(log() / "_last_checkpoint", "{\"version\":" + std::to_string(version) + "}");
  }

  // Every version loaded cold, and refreshed from every older version, must
  // give the model's live set: this splits the history into segments at
  // every possible point.
  void check_all(const std::vector<LiveSet>& model) {
    const auto n = static_cast<int64_t>(model.size());
    for (int64_t from = 0; from < n; ++from) {
      auto base = delta::load_snapshot(table(), *reader_, from);
      SCOPED_TRACE("cold load at version " + std::to_string(from));
      EXPECT_EQ(live_of(*base), model[static_cast<size_t>(from)]);
      EXPECT_EQ(base->num_files(), model[static_cast<size_t>(from)].size());
      // refresh_snapshot() always goes to the latest version; the commits
      // after `to` are hidden by renaming them away meanwhile.
      // From the cold snapshot in one step, and from a snapshot refreshed
      // commit by commit (one more segment each).
      delta::SnapshotPtr stacked = base;
      for (int64_t to = from + 1; to < n; ++to) {
        SCOPED_TRACE("refreshed to version " + std::to_string(to));
        hide_after(to, n);
        auto refreshed = delta::refresh_snapshot(base, *reader_);
        stacked = delta::refresh_snapshot(stacked, *reader_);
        unhide_after(to, n);
        for (const auto& snap : {refreshed, stacked}) {
          EXPECT_EQ(snap->version, to);
          EXPECT_EQ(live_of(*snap), model[static_cast<size_t>(to)]);
          EXPECT_EQ(snap->num_files(), model[static_cast<size_t>(to)].size());
        }
      }
    }
  }

  void hide_after(int64_t to, int64_t n) {
    for (int64_t v = to + 1; v < n; ++v) {
      fs::rename(log() / (delta::padded_version(v) + ".json"), dir_.path() / (delta::padded_version(v) + ".json"));
    }
  }
  void unhide_after(int64_t to, int64_t n) {
    for (int64_t v = to + 1; v < n; ++v) {
      fs::rename(dir_.path() / (delta::padded_version(v) + ".json"), log() / (delta::padded_version(v) + ".json"));
    }
  }

  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
  nl::Session session_;
};

// a.parquet: added, removed, re-added, re-added over itself (a newer add of
// the same path replaces the older), removed again, and so on; b.parquet
// removed and re-added once. Whenever a snapshot segment holds a live copy
// and a later segment re-adds and then removes it, the older copy used to
// stay live.
const std::vector<std::vector<Action>> kHistory = {
    {{true, "a.parquet"}, {true, "b.parquet"}},  // 0
    {{false, "a.parquet"}},                      // 1
    {{true, "a.parquet"}},                       // 2 re-added
    {{true, "a.parquet"}},                       // 3 re-added over its live copy
    {{false, "a.parquet"}},                      // 4 removed again
    {{true, "c.parquet"}},                       // 5
    {{true, "a.parquet"}},                       // 6
    {{true, "a.parquet"}, {false, "b.parquet"}},  // 7
    {{true, "b.parquet"}},                       // 8
    {{false, "a.parquet"}},                      // 9
};

TEST_F(DeltaReconcile, ReAddedThenRemovedFileDoesNotStayLive) {
  const auto model = write(kHistory, {});
  ASSERT_EQ(model[4], (LiveSet{{"b.parquet", 0}}));
  ASSERT_EQ(model[9], (LiveSet{{"b.parquet", 8}, {"c.parquet", 5}}));
  check_all(model);
}

// The same with checkpoints while a.parquet is live (versions 3 and 7): its
// copy in the checkpoint is an older segment to the commits after it.
TEST_F(DeltaReconcile, ReAddedThenRemovedFileDoesNotStayLiveAcrossCheckpoints) {
  const auto model = write(kHistory, {3, 7});
  ASSERT_EQ(model[3], (LiveSet{{"a.parquet", 3}, {"b.parquet", 0}}));
  check_all(model);
  auto latest = delta::load_snapshot(table(), *reader_);
  ASSERT_TRUE(latest->checkpoint.has_value());
  EXPECT_EQ(latest->checkpoint->version, 7);
}

}  // namespace
