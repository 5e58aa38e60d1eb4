// The parallel load of a Parquet checkpoint: adds, their stats and the commits
// after it are read on different threads and joined; every file must end with its own stats.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "delta/file_stats.h"
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

const char* kIdSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";
// The same table after a column is added before id.
const char* kNoteIdSchema =
    R"({"type":"struct","fields":[{"name":"note","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"id","type":"long","nullable":true,"metadata":{}}]})";

// What a correct load must give for one live file; no stats: all unknown.
struct Expected {
  int64_t size = 0;
  int64_t num_records = -1;
  std::optional<int64_t> id_min, id_max, id_nulls;
};
using Model = std::map<std::string, Expected>;

// Add n's stats: unique per file, so a file given another's stats shows.
Expected expected_add(int64_t n, bool with_stats) {
  Expected e;
  e.size = 1000 + n;
  if (with_stats) {
    e.num_records = n + 1;
    e.id_min = 10 * n;
    e.id_max = 10 * n + 9;
    e.id_nulls = n % 3;
  }
  return e;
}

std::string path_of(int64_t n) { return "part-" + std::to_string(n) + ".parquet"; }

std::string stats_json(const Expected& e) {
  return R"({"numRecords":)" + std::to_string(e.num_records) + R"(,"minValues":{"id":)" + std::to_string(*e.id_min) +
         R"(},"maxValues":{"id":)" + std::to_string(*e.id_max) + R"(},"nullCount":{"id":)" +
         std::to_string(*e.id_nulls) + "}}";
}

// How the checkpoint's adds carry their stats.
enum class StatsForm { Json, Parsed };

// One checkpoint row (or commit line) as a Delta action object.
std::string add_row(const std::string& path, const Expected& e, StatsForm form) {
  std::string row = R"({"add":{"path":)" + json_string(path) + R"(,"partitionValues":{},"size":)" +
                    std::to_string(e.size) + R"(,"modificationTime":0,"dataChange":true)";
  if (e.id_min) row += form == StatsForm::Json ? R"(,"stats":)" + json_string(stats_json(e)) : R"(,"stats_parsed":)" + stats_json(e);
  return row + "}}";
}
std::string remove_row(const std::string& path) {
  return R"({"remove":{"path":)" + json_string(path) + R"(,"deletionTimestamp":5,"dataChange":true}})";
}
std::string metadata_row(const char* schema) {
  return R"({"metaData":{"id":"ck","format":{"provider":"parquet","options":{}},"schemaString":)" + json_string(schema) +
         R"(,"partitionColumns":[],"configuration":{}}})";
}
const char* kProtocolRow = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
const char* kTxnRow = R"({"txn":{"appId":"loader","version":42,"lastUpdated":7}})";

// The decoded stats of every live file, in one comparable text per file;
// `id_index` is where id sits in the snapshot's layout.
std::map<std::string, std::string> describe(const delta::Snapshot& snap, size_t id_index) {
  std::map<std::string, std::string> out;
  snap.for_each_file([&](const delta::FileEntry& f) {
    const auto s = delta::decode_column_stats(f.stats(), snap.stats_layout, id_index);
    out[std::string(f.path())] = "size=" + std::to_string(f.size) + " rows=" + std::to_string(f.num_records) +
                                 " id=[" + s.min.to_string() + ".." + s.max.to_string() +
                                 "] nulls=" + (s.null_count ? std::to_string(*s.null_count) : "?") +
                                 (f.stats().empty() ? " no-stats" : "");
  });
  return out;
}

std::map<std::string, std::string> describe(const Model& model) {
  std::map<std::string, std::string> out;
  for (const auto& [path, e] : model) {
    auto v = [](const std::optional<int64_t>& x) { return x ? nl::Value(*x).to_string() : nl::Value().to_string(); };
    out[path] = "size=" + std::to_string(e.size) + " rows=" + std::to_string(e.num_records) + " id=[" + v(e.id_min) +
                ".." + v(e.id_max) + "] nulls=" + (e.id_nulls ? std::to_string(*e.id_nulls) : "?") +
                (e.id_min ? "" : " no-stats");
  }
  return out;
}

// The threads this process runs now (Linux).
int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Waits (bounded) for the thread count to fall back to `baseline`; a joined
// thread can linger in /proc for a moment after join returns.
int settled_thread_count(int baseline) {
  int n = thread_count();
  for (int i = 0; i < 200 && n > baseline; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    n = thread_count();
  }
  return n;
}

// Runs `failing_load` (which expects a load to fail) 20 times, checking
// after each that the load left no thread of its own running.
template <class Check>
void repeat_failing_load(const Check& failing_load) {
  const int baseline = thread_count();
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i));
    failing_load();
    EXPECT_LE(settled_thread_count(baseline), baseline);
  }
}

class DeltaCheckpointLoad : public ::testing::Test {
 protected:
  fs::path log() const { return dir_.path() / "_delta_log"; }
  delta::TableLocation table() const { return {nl::make_local_store(dir_.str()), "", "ckload"}; }

  // Writes `rows` (action objects, in this order) as the checkpoint file
  // `name` through DuckDB; small row groups so the reader sees several.
  // `options` are more COPY options (e.g. a compression).
  void write_checkpoint_file(const std::string& name, const std::vector<std::string>& rows, StatsForm form,
                             const std::string& options = "") {
    fs::create_directories(log());
    const fs::path staged = dir_.path() / (name + ".rows.json");
    std::string text;
    for (const auto& r : rows) text += r + "\n";
    nl::testing::write_file(staged, text);
    const std::string add_t =
        std::string("STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, "
                    "dataChange BOOLEAN, ") +
        (form == StatsForm::Json ? "stats VARCHAR"
                                 : "stats_parsed STRUCT(numRecords BIGINT, minValues STRUCT(id BIGINT), "
                                   "maxValues STRUCT(id BIGINT), nullCount STRUCT(id BIGINT))") +
        ")";
    const std::string columns =
        "{'txn': 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)', 'add': '" + add_t +
        "', 'remove': 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN)', "
        "'metaData': 'STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), "
        "schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR))', "
        "'protocol': 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)'}";
    session_.execute("COPY (SELECT txn, add, remove, metaData, protocol FROM read_json(" +
                     nl::sql_string_literal(staged.string()) + ", format = 'newline_delimited', columns = " + columns +
                     ")) TO " + nl::sql_string_literal((log() / name).string()) +
                     " (FORMAT parquet, ROW_GROUP_SIZE 1024" + options + ")");
    fs::remove(staged);
  }

  void write_commit(int64_t version, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    nl::testing::write_file(log() / (delta::padded_version(version) + ".json"), text);
  }

  // A single-part checkpoint at version 0 of `adds` adds (n = 0..adds-1,
  // every 7th without stats), `removes` tombstones and one txn, shuffled,
  // with protocol and metaData in the middle. Returns the model.
  Model write_big_checkpoint(StatsForm form, int64_t adds = 5000, int64_t removes = 300) {
    Model model;
    std::vector<std::string> rows;
    for (int64_t n = 0; n < adds; ++n) {
      const Expected e = expected_add(n, n % 7 != 0);
      rows.push_back(add_row(path_of(n), e, form));
      model[path_of(n)] = e;
    }
    for (int64_t k = 0; k < removes; ++k) rows.push_back(remove_row("gone-" + std::to_string(k) + ".parquet"));
    rows.push_back(kTxnRow);
    std::mt19937 rng(20240611);
    std::shuffle(rows.begin(), rows.end(), rng);
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2), metadata_row(kIdSchema));
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 3), kProtocolRow);
    write_checkpoint_file(delta::padded_version(0) + ".checkpoint.parquet", rows, form);
    nl::testing::write_file(log() / "_last_checkpoint",
                            R"({"version":0,"size":)" + std::to_string(rows.size()) + "}");
    return model;
  }

  // Loads the table and compares every live file with `model`.
  void expect_matches(const delta::Snapshot& snap, const Model& model, size_t id_index = 0) {
    ASSERT_EQ(snap.num_files(), model.size());
    const auto got = describe(snap, id_index);
    const auto want = describe(model);
    size_t wrong = 0;
    for (const auto& [path, text] : want) {
      auto it = got.find(path);
      if (it == got.end()) {
        ADD_FAILURE() << path << " is missing from the snapshot";
      } else if (it->second != text && ++wrong <= 5) {
        ADD_FAILURE() << path << ": want " << text << ", got " << it->second;
      }
    }
    EXPECT_EQ(wrong, 0u) << "files with wrong stats";
  }

  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
  nl::Session session_;
};

// 1. ~5,000 shuffled adds: each file keeps its own stats, JSON or typed.
TEST_F(DeltaCheckpointLoad, StatsLandOnTheirOwnFiles) {
  for (StatsForm form : {StatsForm::Json, StatsForm::Parsed}) {
    SCOPED_TRACE(form == StatsForm::Json ? "add.stats" : "add.stats_parsed");
    fs::remove_all(log());
    const Model model = write_big_checkpoint(form);
    // Not vacuous: the file holds several row groups, and its protocol and
    // metaData rows are not its first.
    const std::string file = nl::sql_string_literal((log() / "00000000000000000000.checkpoint.parquet").string());
    const auto facts = session_.sql(
        "SELECT (SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + file + ")) AS groups, "
        "min(file_row_number) FILTER (WHERE metaData IS NOT NULL) AS meta_row, "
        "min(file_row_number) FILTER (WHERE protocol IS NOT NULL) AS protocol_row, "
        "count(*) FILTER (WHERE add IS NOT NULL) AS adds FROM read_parquet(" + file + ", file_row_number = true)");
    EXPECT_GT(facts.value(0, 0).as<int64_t>(), 1);
    EXPECT_GT(facts.value(0, 1).as<int64_t>(), 1000);
    EXPECT_GT(facts.value(0, 2).as<int64_t>(), 1000);
    EXPECT_EQ(facts.value(0, 3).as<int64_t>(), 5000);
    const auto snap = delta::load_snapshot(table(), *reader_);
    ASSERT_EQ(snap->stats_layout.find("id"), 0);
    expect_matches(*snap, model);
    // Spot checks straight from FileEntry, independent of describe().
    size_t without_stats = 0;
    snap->for_each_file([&](const delta::FileEntry& f) {
      const int64_t n = std::stoll(std::string(f.path().substr(5)));
      if (n % 7 == 0) {
        ++without_stats;
        EXPECT_TRUE(f.stats().empty()) << f.path();
        EXPECT_EQ(f.num_records, -1) << f.path();
      } else if (n == 4999) {
        EXPECT_EQ(f.num_records, 5000);
        const auto s = delta::decode_column_stats(f.stats(), snap->stats_layout, 0);
        EXPECT_EQ(s.min, nl::Value(int64_t{49990}));
        EXPECT_EQ(s.max, nl::Value(int64_t{49999}));
        EXPECT_EQ(s.null_count, 4999 % 3);
      }
    });
    EXPECT_EQ(without_stats, 715u);  // n = 0, 7, ..., 4998
    ASSERT_TRUE(snap->checkpoint.has_value());
    EXPECT_EQ(snap->checkpoint->adds, 5000);
    EXPECT_EQ(snap->checkpoint->removes, 300);
    EXPECT_EQ(snap->checkpoint->txns, 1);
    EXPECT_EQ(snap->checkpoint->metadata, 1);
    EXPECT_EQ(snap->checkpoint->protocol, 1);
    ASSERT_EQ(snap->txns.count("loader"), 1u);
    EXPECT_EQ(snap->txns.at("loader").version, 42);
    EXPECT_EQ(snap->metadata.id, "ck");
  }
}

// 2. Two parts with different adds: row numbers restart in part 2, so its
// stats must be joined by (part, row), not by row alone.
TEST_F(DeltaCheckpointLoad, TwoPartCheckpointKeepsEachPartsStats) {
  for (StatsForm form : {StatsForm::Json, StatsForm::Parsed}) {
    SCOPED_TRACE(form == StatsForm::Json ? "add.stats" : "add.stats_parsed");
    fs::remove_all(log());
    Model model;
    std::vector<std::string> part1 = {kProtocolRow, metadata_row(kIdSchema)};
    std::vector<std::string> part2;
    // Part 1: n = 0..1499, stats on every file but every 5th. Part 2:
    // n = 10000..11199, stats on every 5th only: the gaps differ too.
    for (int64_t n = 0; n < 1500; ++n) {
      const Expected e = expected_add(n, n % 5 != 0);
      part1.push_back(add_row(path_of(n), e, form));
      model[path_of(n)] = e;
    }
    for (int64_t n = 10000; n < 11200; ++n) {
      const Expected e = expected_add(n, n % 5 == 0);
      part2.push_back(add_row(path_of(n), e, form));
      model[path_of(n)] = e;
    }
    part2.insert(part2.begin() + 600, remove_row("gone.parquet"));
    write_checkpoint_file(delta::padded_version(3) + ".checkpoint.0000000001.0000000002.parquet", part1, form);
    write_checkpoint_file(delta::padded_version(3) + ".checkpoint.0000000002.0000000002.parquet", part2, form);
    nl::testing::write_file(log() / "_last_checkpoint", R"({"version":3,"size":2703,"parts":2})");
    const auto snap = delta::load_snapshot(table(), *reader_);
    EXPECT_EQ(snap->version, 3);
    ASSERT_TRUE(snap->checkpoint.has_value());
    EXPECT_EQ(snap->checkpoint->parts, 2);
    EXPECT_EQ(snap->checkpoint->adds, 2700);
    EXPECT_EQ(snap->checkpoint->removes, 1);
    expect_matches(*snap, model);
  }
}

// 3. A commit after the checkpoint puts a column before id: the checkpoint's
// stats are re-encoded for the new layout, where id is the second column.
TEST_F(DeltaCheckpointLoad, SchemaChangeAfterCheckpointReencodesStats) {
  for (StatsForm form : {StatsForm::Json, StatsForm::Parsed}) {
    SCOPED_TRACE(form == StatsForm::Json ? "add.stats" : "add.stats_parsed");
    fs::remove_all(log());
    Model model = write_big_checkpoint(form, 2000, 10);
    // Version 1: the new schema, one new file with stats on both columns,
    // and one checkpoint file removed.
    Expected fresh;
    fresh.size = 77;
    fresh.num_records = 3;
    fresh.id_min = -50;
    fresh.id_max = -40;
    fresh.id_nulls = 1;
    write_commit(1, {metadata_row(kNoteIdSchema),
                     R"({"add":{"path":"fresh.parquet","partitionValues":{},"size":77,"modificationTime":0,)"
                     R"("dataChange":true,"stats":)" +
                         json_string(R"({"numRecords":3,"minValues":{"note":"apple","id":-50},)"
                                     R"("maxValues":{"note":"pear","id":-40},"nullCount":{"note":0,"id":1}})") +
                         "}}",
                     remove_row(path_of(8))});
    model["fresh.parquet"] = fresh;
    model.erase(path_of(8));
    const auto snap = delta::load_snapshot(table(), *reader_);
    EXPECT_EQ(snap->version, 1);
    ASSERT_EQ(snap->stats_layout.columns.size(), 2u);
    ASSERT_EQ(snap->stats_layout.find("note"), 0);
    ASSERT_EQ(snap->stats_layout.find("id"), 1);
    expect_matches(*snap, model, 1);
    // The new file's note bounds are in the layout; the checkpoint's files
    // never had any.
    snap->for_each_file([&](const delta::FileEntry& f) {
      const auto note = delta::decode_column_stats(f.stats(), snap->stats_layout, 0);
      if (f.path() == "fresh.parquet") {
        EXPECT_EQ(note.min, nl::Value(std::string("apple")));
        EXPECT_EQ(note.max, nl::Value(std::string("pear")));
        EXPECT_EQ(note.null_count, 0);
      } else {
        EXPECT_TRUE(note.min.is_null() && note.max.is_null()) << f.path();
      }
    });
  }
}

// 4a. A corrupt line in a commit after the checkpoint, while the checkpoint
// is being read: Corruption naming the commit and line, and no thread left.
TEST_F(DeltaCheckpointLoad, CorruptCommitAfterCheckpointFailsCleanly) {
  write_big_checkpoint(StatsForm::Json);
  write_commit(1, {add_row("x.parquet", expected_add(1, true), StatsForm::Json)});
  write_commit(2, {add_row("y.parquet", expected_add(2, true), StatsForm::Json), "{\"add\": {oops"});
  // A good load at version 1 first: the reader's own threads are started.
  ASSERT_EQ(delta::load_snapshot(table(), *reader_, 1)->num_files(), 5001u);
  repeat_failing_load(
      [&] { EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), Corruption, "00000000000000000002.json line 2"); });
}

// 4b. A checkpoint that is not Parquet: Corruption naming it, with the
// commit thread and the stats threads started and stopped again.
TEST_F(DeltaCheckpointLoad, GarbageCheckpointFailsCleanly) {
  fs::create_directories(log());
  std::string garbage;
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>(rng() & 0xff);
  nl::testing::write_file(log() / "00000000000000000000.checkpoint.parquet", garbage);
  nl::testing::write_file(log() / "_last_checkpoint", R"({"version":0,"size":5000})");
  write_commit(1, {add_row("x.parquet", expected_add(1, true), StatsForm::Json)});
  // A first try starts whatever threads the reader's DuckDB keeps.
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), Corruption, "00000000000000000000.checkpoint.parquet");
  repeat_failing_load([&] {
    EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), Corruption, "00000000000000000000.checkpoint.parquet");
  });
}

// 4c. Adds but no metaData row: nothing to type them by.
TEST_F(DeltaCheckpointLoad, CheckpointWithoutMetadataIsCorrupt) {
  std::vector<std::string> rows = {kProtocolRow};
  for (int64_t n = 0; n < 3000; ++n) rows.push_back(add_row(path_of(n), expected_add(n, true), StatsForm::Json));
  write_checkpoint_file("00000000000000000000.checkpoint.parquet", rows, StatsForm::Json);
  nl::testing::write_file(log() / "_last_checkpoint", R"({"version":0})");
  write_commit(1, {add_row("x.parquet", expected_add(1, true), StatsForm::Json)});
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), Corruption, "00000000000000000000.checkpoint.parquet");
}

// 4d. _last_checkpoint names a two-part checkpoint of which one part exists:
// the error names the missing part.
TEST_F(DeltaCheckpointLoad, MissingCheckpointPartIsNotFound) {
  std::vector<std::string> rows = {kProtocolRow, metadata_row(kIdSchema)};
  for (int64_t n = 0; n < 100; ++n) rows.push_back(add_row(path_of(n), expected_add(n, true), StatsForm::Json));
  write_checkpoint_file("00000000000000000002.checkpoint.0000000001.0000000002.parquet", rows, StatsForm::Json);
  nl::testing::write_file(log() / "_last_checkpoint", R"({"version":2,"parts":2})");
  write_commit(3, {add_row("x.parquet", expected_add(1, true), StatsForm::Json)});
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *reader_), NotFound,
                  "00000000000000000002.checkpoint.0000000002.0000000002.parquet");
}

// 5. Many loads at once, each with its own reader or all sharing one: every
// result is the model.
TEST_F(DeltaCheckpointLoad, ConcurrentLoadsAllMatchTheModel) {
  Model model = write_big_checkpoint(StatsForm::Json);
  write_commit(1, {add_row("late.parquet", expected_add(7001, true), StatsForm::Json), remove_row(path_of(5))});
  model["late.parquet"] = expected_add(7001, true);
  model.erase(path_of(5));
  const auto want = describe(model);
  const auto loc = table();

  auto soak = [&](bool shared) {
    constexpr int kThreads = 4, kLoads = 10;
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::unique_ptr<delta::CheckpointReader> own;
        if (!shared) own = nl::engine::make_standalone_checkpoint_reader();
        delta::CheckpointReader& reader = shared ? *reader_ : *own;
        for (int i = 0; i < kLoads && failures[t].empty(); ++i) {
          try {
            const auto snap = delta::load_snapshot(loc, reader);
            if (describe(*snap, 0) != want) failures[t] = "load " + std::to_string(i) + " differs from the model";
          } catch (const std::exception& e) {
            failures[t] = "load " + std::to_string(i) + " threw: " + e.what();
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  };
  {
    SCOPED_TRACE("a reader per thread");
    soak(false);
  }
  {
    SCOPED_TRACE("one shared reader");
    soak(true);
  }
}

// 7. The checkpoint decoder forced either way gives the same snapshot: each
// file's size, record count and stats, and the checkpoint's action counts.
TEST_F(DeltaCheckpointLoad, ForcedDuckDbDecoderGivesTheSameSnapshotAsNative) {
  using nl::engine::CheckpointDecoder;
  for (StatsForm form : {StatsForm::Json, StatsForm::Parsed}) {
    SCOPED_TRACE(form == StatsForm::Json ? "add.stats" : "add.stats_parsed");
    fs::remove_all(log());
    Model model = write_big_checkpoint(form, 3000, 40);
    write_commit(1, {add_row("after.parquet", expected_add(9000, true), StatsForm::Json), remove_row(path_of(1))});
    model["after.parquet"] = expected_add(9000, true);
    model.erase(path_of(1));
    std::map<std::string, std::string> native_files;
    for (CheckpointDecoder d : {CheckpointDecoder::Native, CheckpointDecoder::DuckDb, CheckpointDecoder::Auto}) {
      SCOPED_TRACE(nl::engine::to_string(d));
      auto reader = nl::engine::make_standalone_checkpoint_reader(d);
      const auto snap = delta::load_snapshot(table(), *reader);
      expect_matches(*snap, model);
      ASSERT_TRUE(snap->checkpoint.has_value());
      EXPECT_EQ(snap->checkpoint->adds, 3000);
      EXPECT_EQ(snap->checkpoint->removes, 40);
      EXPECT_EQ(snap->checkpoint->txns, 1);
      const auto files = describe(*snap, 0);
      if (d == CheckpointDecoder::Native) {
        native_files = files;
      } else {
        EXPECT_EQ(files, native_files);
      }
    }
  }
}

// 8. The switch is real: a part the native decoder does not read (Brotli)
// is NotSupported when native decoding is required, read by DuckDB when it
// is forced or allowed as the fallback; the environment variable picks the
// same, and a value it does not know is InvalidArgument naming it.
TEST_F(DeltaCheckpointLoad, CheckpointDecoderSwitchFromTheEnvironment) {
  using nl::engine::CheckpointDecoder;
  std::vector<std::string> rows = {kProtocolRow, metadata_row(kIdSchema)};
  Model model;
  for (int64_t n = 0; n < 50; ++n) {
    rows.push_back(add_row(path_of(n), expected_add(n, true), StatsForm::Json));
    model[path_of(n)] = expected_add(n, true);
  }
  write_checkpoint_file(delta::padded_version(0) + ".checkpoint.parquet", rows, StatsForm::Json,
                        ", COMPRESSION 'brotli'");
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader(CheckpointDecoder::Native)),
                  NotSupported, "00000000000000000000.checkpoint.parquet");
  expect_matches(*delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader(CheckpointDecoder::DuckDb)),
                 model);
  expect_matches(*delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader(CheckpointDecoder::Auto)),
                 model);
  const char* variable = nl::engine::kCheckpointReaderVariable;
  struct Restore {
    const char* name;
    ~Restore() { unsetenv(name); }
  } restore{variable};
  setenv(variable, "native", 1);
  EXPECT_NL_ERROR(delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader()), NotSupported,
                  "native");
  setenv(variable, "duckdb", 1);
  expect_matches(*delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader()), model);
  setenv(variable, "fast", 1);
  EXPECT_NL_ERROR(nl::engine::make_standalone_checkpoint_reader(), InvalidArgument,
                  "NEURALAKE_DELTA_CHECKPOINT_READER='fast'");
  EXPECT_NL_ERROR(nl::engine::parse_checkpoint_decoder("DuckDB"), InvalidArgument, "NEURALAKE_DELTA_CHECKPOINT_READER");
  EXPECT_EQ(nl::engine::parse_checkpoint_decoder(""), CheckpointDecoder::Auto);
}

// 9. A checkpoint add without a size or without a path (null in its
// column) is Corruption naming the part and the field, through either
// decoder: not a size of 0, not a row skipped.
TEST_F(DeltaCheckpointLoad, CheckpointAddWithoutSizeOrPathIsCorrupt) {
  using nl::engine::CheckpointDecoder;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"add":{"path":"nosize.parquet","partitionValues":{},"size":null,"modificationTime":0,"dataChange":true}})",
       "00000000000000000000.checkpoint.parquet: add.size is missing"},
      {R"({"add":{"path":null,"partitionValues":{},"size":5,"modificationTime":0,"dataChange":true}})",
       "00000000000000000000.checkpoint.parquet: add.path is missing"}};
  for (const auto& [bad_row, message] : cases) {
    fs::remove_all(log());
    std::vector<std::string> rows = {kProtocolRow, metadata_row(kIdSchema)};
    for (int64_t n = 0; n < 20; ++n) rows.push_back(add_row(path_of(n), expected_add(n, false), StatsForm::Json));
    rows.push_back(bad_row);
    write_checkpoint_file(delta::padded_version(0) + ".checkpoint.parquet", rows, StatsForm::Json);
    for (CheckpointDecoder d : {CheckpointDecoder::Native, CheckpointDecoder::DuckDb}) {
      SCOPED_TRACE(std::string(nl::engine::to_string(d)) + ": " + bad_row);
      try {
        delta::load_snapshot(table(), *nl::engine::make_standalone_checkpoint_reader(d));
        ADD_FAILURE() << "expected Corruption";
      } catch (const nl::Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.code(), nl::ErrorCode::Corruption) << what;
        EXPECT_NE(what.find(message), std::string::npos) << what;
      }
    }
  }
}

}  // namespace
