// Writing classic Delta checkpoints: a snapshot loaded from a checkpoint we
// wrote must equal the replay of the JSON commits alone (files, partition
// values, stats, deletion vectors, txns, metadata, protocol), through both
// checkpoint decoders; tombstones follow the retention; _last_checkpoint
// names the file.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/last_checkpoint.h"
#include "delta/log_listing.h"
#include "delta/file_stats.h"
#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "engine/delta_checkpoint_writer.h"
#include "neuralake/expr.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"
#include "testing/delta_conformance.h"
#include "testing/delta_log_writer.h"
#include "testing/delta_s3_tables.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
namespace fs = std::filesystem;
using nl::engine::CheckpointDecoder;
using nl::testing::json_string;
using nlohmann::json;

namespace {

const int64_t kDay = 24LL * 3600 * 1000;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A file as the session reads it: through the object-store filesystem,
// whose version tags change on every rewrite (DuckDB's own local
// filesystem may serve a file rewritten within the same second from its cache).
std::string file_uri(const fs::path& p) { return nl::sql_string_literal("file://" + p.string()); }

delta::TableLocation location_of(const fs::path& dir) { return {nl::make_local_store(dir.string()), "", dir.string()}; }

// Everything a reader sees of a snapshot, as comparable text: each live
// file with its size, time, record count, partition values, encoded stats
// and deletion vector; txns, metadata and protocol.
struct Facts {
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> txns;
  std::string metadata, protocol;
};

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

Facts facts_of(const delta::Snapshot& snap) {
  Facts f;
  snap.for_each_file([&](const delta::FileEntry& e) {
    std::string text = "size=" + std::to_string(e.size) + " mtime=" + std::to_string(e.modification_time) +
                       " records=" + std::to_string(e.num_records) + " partitions=[";
    for (size_t i = 0; i < snap.metadata.partition_columns.size(); ++i) {
      const auto v = e.partition_value(i);
      text += (i ? "," : "") + (v ? "'" + *v + "'" : std::string("null"));
    }
    text += "] stats=" + hex(e.stats());
    if (const auto& dv = e.deletion_vector) {
      text += " dv=" + std::string(1, dv->storage_type) + dv->path_or_inline + "@" +
              (dv->offset ? std::to_string(*dv->offset) : "-") + "/" + std::to_string(dv->size_in_bytes) + "/" +
              std::to_string(dv->cardinality);
    }
    f.files[std::string(e.path())] = text;
  });
  for (const auto& [app, t] : snap.txns) {
    f.txns[app] = std::to_string(t.version) + "@" + (t.last_updated ? std::to_string(*t.last_updated) : "-");
  }
  const auto& m = snap.metadata;
  f.metadata = "id=" + m.id + " name=" + m.name + " description=" + m.description + " schema=" + m.schema_string +
               " created=" + (m.created_time ? std::to_string(*m.created_time) : "-") + " partitions=";
  for (const auto& c : m.partition_columns) f.metadata += c + ",";
  f.metadata += " configuration=";
  for (const auto& [k, v] : m.configuration) f.metadata += k + "=" + v + ";";
  const auto& p = snap.protocol;
  f.protocol = std::to_string(p.min_reader_version) + "/" + std::to_string(p.min_writer_version);
  auto list = [](const std::optional<std::vector<std::string>>& l) {
    if (!l) return std::string(" -");
    std::string out = " [";
    for (const auto& s : *l) out += s + ",";
    return out + "]";
  };
  f.protocol += list(p.reader_features) + list(p.writer_features);
  return f;
}

void expect_same(const Facts& got, const Facts& want) {
  EXPECT_EQ(got.files.size(), want.files.size());
  for (const auto& [path, text] : want.files) {
    auto it = got.files.find(path);
    if (it == got.files.end()) {
      ADD_FAILURE() << path << " is missing";
    } else {
      EXPECT_EQ(it->second, text) << path;
    }
  }
  for (const auto& [path, text] : got.files) {
    if (!want.files.count(path)) ADD_FAILURE() << path << " is live but should not be";
  }
  EXPECT_EQ(got.txns, want.txns);
  EXPECT_EQ(got.metadata, want.metadata);
  EXPECT_EQ(got.protocol, want.protocol);
}

// Copies a table; `json_only` leaves its checkpoints and _last_checkpoint behind.
void copy_table(const fs::path& from, const fs::path& to, bool json_only = false) {
  fs::copy(from, to, fs::copy_options::recursive);
  if (!json_only) return;
  for (const auto& e : fs::directory_iterator(to / "_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name.find(".checkpoint.") != std::string::npos || name == "_last_checkpoint") fs::remove(e.path());
  }
}

class CheckpointWrite : public ::testing::Test {
 protected:
  delta::SnapshotPtr load(const fs::path& dir, CheckpointDecoder decoder = CheckpointDecoder::Auto,
                          std::optional<int64_t> version = std::nullopt) {
    auto reader = nl::engine::make_standalone_checkpoint_reader(decoder);
    return delta::load_snapshot(location_of(dir), *reader, version);
  }

  // A checkpoint at `version` of the table in `dir` gives what `json_dir`
  // (the same log without checkpoints) gives, with either decoder.
  void expect_checkpoint_matches_replay(const fs::path& dir, const fs::path& json_dir, int64_t version) {
    for (auto decoder : {CheckpointDecoder::Native, CheckpointDecoder::DuckDb}) {
      SCOPED_TRACE(nl::engine::to_string(decoder));
      const auto snap = load(dir, decoder, version);
      ASSERT_TRUE(snap->checkpoint.has_value());
      EXPECT_EQ(snap->checkpoint->version, version);
      const auto replay = load(json_dir, CheckpointDecoder::Auto, version);
      ASSERT_FALSE(replay->checkpoint.has_value());
      expect_same(facts_of(*snap), facts_of(*replay));
    }
  }

  // _last_checkpoint as written, and the file it names.
  void expect_last_checkpoint(const fs::path& dir, const nl::engine::CheckpointWritten& w) {
    const std::string key = "_delta_log/_last_checkpoint";
    const auto last = delta::parse_last_checkpoint(key, nl::testing::read_file(dir / key));
    EXPECT_EQ(last.version, w.version);
    EXPECT_EQ(last.size, w.rows);
    EXPECT_EQ(last.size_in_bytes, w.size_bytes);
    EXPECT_EQ(last.num_of_add_files, w.adds);
    const fs::path file = dir / "_delta_log" / (delta::padded_version(w.version) + ".checkpoint.parquet");
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(file)), w.size_bytes);
  }

  nl::testing::TempDir tmp_;
  nl::Session session_;
};

// ---------------------------------------------------------------------------
// The shared conformance tables, checkpointed at their latest version.

class SharedTableCheckpoint : public CheckpointWrite, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    source_ = nl::testing::delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(source_ / "EXPECTED.json"));
    dir_ = tmp_.path() / "t";
    json_dir_ = tmp_.path() / "json";
    copy_table(source_, dir_);
    copy_table(source_, json_dir_, true);
    latest_ = expected_["latest_version"].get<int64_t>();
  }
  fs::path source_, dir_, json_dir_;
  json expected_;
  int64_t latest_ = 0;
};

TEST_P(SharedTableCheckpoint, SnapshotFromTheCheckpointEqualsTheReplay) {
  const auto written = nl::engine::write_delta_checkpoint(session_, location_of(dir_), latest_);
  EXPECT_EQ(written.version, latest_);
  expect_last_checkpoint(dir_, written);
  expect_checkpoint_matches_replay(dir_, json_dir_, latest_);
  const auto snap = load(dir_);
  EXPECT_EQ(written.adds, static_cast<int64_t>(snap->num_files()));
  EXPECT_EQ(written.txns, static_cast<int64_t>(snap->txns.size()));
  // protocol + metaData + txns + adds + tombstones (every upstream tombstone
  // is years old: expired).
  EXPECT_EQ(written.removes, 0);
  EXPECT_EQ(written.rows, 2 + written.txns + written.adds);
}

TEST_P(SharedTableCheckpoint, EveryExpectedRowCountHoldsThroughASession) {
  nl::engine::write_delta_checkpoint(session_, location_of(dir_), latest_);
  nl::Session reader;
  nl::testing::DeltaScanChecks checks(reader, "file://" + dir_.string(), expected_);
  checks.expect_rows_at_every_version();
  checks.expect_checks();
  checks.expect_schema_types();
}

INSTANTIATE_TEST_SUITE_P(SharedTables, SharedTableCheckpoint,
                         ::testing::ValuesIn(nl::testing::delta_conformance_tables()),
                         nl::testing::conformance_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SharedTableCheckpoint);

// Skips (visibly) a test that needs a shared table that is not there.
#define REQUIRE_SHARED_TABLE(name)                                                                  \
  if (nl::testing::delta_testdata_dir().empty() || !fs::exists(nl::testing::delta_testdata_dir() / name)) \
  GTEST_SKIP() << "../shared/testdata/delta/" << name << " is absent: shared Delta tables not checked"

TEST_F(CheckpointWrite, SharedTablesArePresent) {
  if (nl::testing::delta_conformance_tables().empty()) {
    GTEST_SKIP() << "../shared/testdata/delta is absent: the checkpoints of the shared tables are not checked";
  }
}

// delta-0.2.0: an overwrite removed four files (its tombstones) and a
// streaming write left a txn. Tombstones within the retention are kept.
TEST_F(CheckpointWrite, TombstonesWithinTheRetentionAreKept) {
  REQUIRE_SHARED_TABLE("delta-0.2.0");
  const fs::path dir = tmp_.path() / "t";
  copy_table(nl::testing::delta_testdata_dir() / "delta-0.2.0", dir);
  // The removes are dated 1564524298213/4 (2019-07-30).
  const auto kept = nl::engine::write_delta_checkpoint(session_, location_of(dir), 3, 1564524298214 + kDay);
  EXPECT_EQ(kept.removes, 4);
  EXPECT_EQ(kept.txns, 1);
  EXPECT_EQ(kept.adds, 3);
  EXPECT_EQ(kept.rows, 2 + 1 + 3 + 4);
  auto tombstones = session_.sql(
      "SELECT string_agg(\"remove\".path, ', ' ORDER BY \"remove\".path), bool_or(\"remove\".dataChange), "
      "bool_or(\"add\".dataChange), max(txn.version), max(txn.appId) FROM read_parquet(" +
      file_uri(dir / "_delta_log/00000000000000000003.checkpoint.parquet") + ")");
  EXPECT_EQ(tombstones.value(0, 0).as<std::string>(),
            "part-00000-512e1537-8aaa-4193-b8b4-bef3de0de409-c000.snappy.parquet, "
            "part-00000-b44fcdb0-8b06-4f3a-8606-f8311a96f6dc-c000.snappy.parquet, "
            "part-00001-185eca06-e017-4dea-ae49-fc48b973e37e-c000.snappy.parquet, "
            "part-00001-4327c977-2734-4477-9507-7ccf67924649-c000.snappy.parquet");
  EXPECT_EQ(tombstones.value(0, 1).to_string(), "false");  // checkpoint actions carry dataChange false
  EXPECT_EQ(tombstones.value(0, 2).to_string(), "false");
  EXPECT_EQ(tombstones.value(0, 3).as<int64_t>(), 0);
  EXPECT_EQ(tombstones.value(0, 4).as<std::string>(), "e4a20b59-dd0e-4c50-b074-e8ae4786df30");
  // One tombstone is 1 ms older than the rest: a cut between them keeps three.
  const auto three = nl::engine::write_delta_checkpoint(session_, location_of(dir), 3, 1564524298213 + 7 * kDay);
  EXPECT_EQ(three.removes, 3);
  const auto none = nl::engine::write_delta_checkpoint(session_, location_of(dir), 3);
  EXPECT_EQ(none.removes, 0);
  expect_last_checkpoint(dir, none);
}

// simple_table_with_checkpoint: a checkpoint at 10 from upstream; one more
// commit removes a file, adds one and records a txn. The new checkpoint is
// built from the old one and that commit.
TEST_F(CheckpointWrite, BuildsOnThePreviousCheckpoint) {
  REQUIRE_SHARED_TABLE("simple_table_with_checkpoint");
  const fs::path source = nl::testing::delta_testdata_dir() / "simple_table_with_checkpoint";
  const fs::path dir = tmp_.path() / "t", json_dir = tmp_.path() / "json";
  copy_table(source, dir);
  copy_table(source, json_dir, true);
  const int64_t t = now_ms();
  const std::string commit =
      R"({"commitInfo":{"operation":"DELETE"}})" "\n" +
      std::string(R"({"remove":{"path":"part-00000-f0e955c5-a1e3-4eec-834e-dcc098fc9005-c000.snappy.parquet",)") +
      R"("deletionTimestamp":)" + std::to_string(t - kDay) + R"(,"dataChange":true}})" "\n" +
      R"({"add":{"path":"part-new.parquet","partitionValues":{},"size":7,"modificationTime":)" + std::to_string(t) +
      R"(,"dataChange":true,"stats":"{\"numRecords\":3,\"minValues\":{\"version\":1},\"maxValues\":{\"version\":9},\"nullCount\":{\"version\":0}}"}})" "\n"
      R"({"txn":{"appId":"app","version":11,"lastUpdated":5}})" "\n";
  nl::testing::write_delta_commit(dir, 11, commit);
  nl::testing::write_delta_commit(json_dir, 11, commit);
  const auto w = nl::engine::write_delta_checkpoint(session_, location_of(dir), 11);
  EXPECT_EQ(w.adds, 11);  // 11 appends, one removed, one added
  EXPECT_EQ(w.removes, 1);
  EXPECT_EQ(w.txns, 1);
  expect_last_checkpoint(dir, w);
  expect_checkpoint_matches_replay(dir, json_dir, 11);
  // The upstream checkpoint at 10 still loads version 10.
  EXPECT_EQ(load(dir, CheckpointDecoder::Auto, 10)->checkpoint->version, 10);
}

// A checkpoint below the latest version: loads of later versions start from
// it and replay the commits after it; _last_checkpoint never moves back.
TEST_F(CheckpointWrite, CheckpointBelowTheLatestVersion) {
  REQUIRE_SHARED_TABLE("simple_table");
  const fs::path source = nl::testing::delta_testdata_dir() / "simple_table";
  const fs::path dir = tmp_.path() / "t", json_dir = tmp_.path() / "json";
  copy_table(source, dir);
  copy_table(source, json_dir, true);
  const auto w2 = nl::engine::write_delta_checkpoint(session_, location_of(dir), 2);
  expect_last_checkpoint(dir, w2);
  expect_checkpoint_matches_replay(dir, json_dir, 2);
  const auto latest = load(dir);
  EXPECT_EQ(latest->version, 4);
  ASSERT_TRUE(latest->checkpoint.has_value());
  EXPECT_EQ(latest->checkpoint->version, 2);
  expect_same(facts_of(*latest), facts_of(*load(json_dir)));
  const auto w4 = nl::engine::write_delta_checkpoint(session_, location_of(dir), 4);
  expect_checkpoint_matches_replay(dir, json_dir, 4);
  nl::engine::write_delta_checkpoint(session_, location_of(dir), 3);
  expect_last_checkpoint(dir, w4);  // still version 4
}

TEST_F(CheckpointWrite, AVersionThatDoesNotExistIsNotFound) {
  REQUIRE_SHARED_TABLE("simple_table");
  const fs::path dir = tmp_.path() / "t";
  copy_table(nl::testing::delta_testdata_dir() / "simple_table", dir);
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir), 9), NotFound, dir.string());
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir), -1), InvalidArgument, "version");
  EXPECT_FALSE(fs::exists(dir / "_delta_log" / "_last_checkpoint"));
}

// ---------------------------------------------------------------------------
// Hand-written tables.

const char* kIdSchema = R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";

std::string remove_line(const std::string& path, int64_t deleted_ms) {
  return R"({"remove":{"path":)" + json_string(path) + R"(,"deletionTimestamp":)" + std::to_string(deleted_ms) +
         R"(,"dataChange":true}})" "\n";
}

class HandWrittenTable : public CheckpointWrite {
 protected:
  // Commit 0: protocol, metaData with `configuration`, adds a..d; commit 1
  // removes a (1 day ago), b (10 days ago) and c (30 days ago) and re-adds
  // d; commit 2 removes d and adds it back in one commit.
  void write_table(const std::string& configuration_json) {
    dir_ = tmp_.path() / "t";
    fs::remove_all(dir_);
    std::string c0 =
        nl::testing::delta_protocol(1, 2) + nl::testing::delta_metadata("h", kIdSchema, {}, configuration_json);
    for (const char* f : {"a", "b", "c", "d"}) c0 += nl::testing::delta_add(std::string(f) + ".parquet", "{}", 10);
    nl::testing::write_delta_commit(dir_, 0, c0);
    nl::testing::write_delta_commit(dir_, 1,
                                    remove_line("a.parquet", now_ - kDay) + remove_line("b.parquet", now_ - 10 * kDay) +
                                        remove_line("c.parquet", now_ - 30 * kDay) +
                                        nl::testing::delta_add("d.parquet", "{}", 11));
    nl::testing::write_delta_commit(dir_, 2,
                                    remove_line("d.parquet", now_) + nl::testing::delta_add("d.parquet", "{}", 12));
  }

  // The paths of the tombstones in the checkpoint at 2.
  std::string tombstones() {
    return session_
        .sql("SELECT coalesce(string_agg(\"remove\".path, ',' ORDER BY \"remove\".path), '') FROM read_parquet(" +
             file_uri(dir_ / "_delta_log/00000000000000000002.checkpoint.parquet") + ")")
        .value(0, 0)
        .as<std::string>();
  }

  fs::path dir_;
  const int64_t now_ = now_ms();
};

TEST_F(HandWrittenTable, DefaultRetentionIsOneWeek) {
  write_table("{}");
  const auto w = nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_);
  EXPECT_EQ(tombstones(), "a.parquet");
  EXPECT_EQ(w.removes, 1);
  EXPECT_EQ(w.adds, 1);  // d, re-added in the commit that removed it
  const auto snap = load(dir_);
  ASSERT_EQ(snap->num_files(), 1u);
  EXPECT_EQ(snap->files().front()->size, 12);
}

TEST_F(HandWrittenTable, ConfiguredRetentionIsFollowed) {
  write_table(R"({"delta.deletedFileRetentionDuration":"interval 2 weeks"})");
  nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_);
  EXPECT_EQ(tombstones(), "a.parquet,b.parquet");
  write_table(R"({"delta.deletedFileRetentionDuration":"interval 12 hours"})");
  nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_);
  EXPECT_EQ(tombstones(), "");
  write_table(R"({"delta.deletedFileRetentionDuration":"INTERVAL 31 DAYS"})");
  nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_);
  EXPECT_EQ(tombstones(), "a.parquet,b.parquet,c.parquet");
}

TEST_F(HandWrittenTable, AMalformedRetentionIsAnErrorAndWritesNothing) {
  write_table(R"({"delta.deletedFileRetentionDuration":"interval 1 fortnight"})");
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_), InvalidArgument,
                  "delta.deletedFileRetentionDuration");
  EXPECT_FALSE(fs::exists(dir_ / "_delta_log/00000000000000000002.checkpoint.parquet"));
  EXPECT_FALSE(fs::exists(dir_ / "_delta_log/_last_checkpoint"));
  try {
    nl::engine::write_delta_checkpoint(session_, location_of(dir_), 2, now_);
  } catch (const nl::Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fortnight"), std::string::npos) << e.what();
  }
}

TEST_F(HandWrittenTable, AFailedWriteLeavesNoCheckpoint) {
  write_table("{}");
  // A commit line the log's types cannot hold: the query fails midway.
  nl::testing::write_delta_commit(dir_, 3, R"({"add":{"path":"x.parquet","partitionValues":{},"size":"big"}})" "\n");
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir_), 3, now_), Corruption,
                  "00000000000000000003.json");
  // Nothing but the three commits: no checkpoint, no temp file, no _last_checkpoint.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_ / "_delta_log")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"00000000000000000000.json", "00000000000000000001.json",
                                             "00000000000000000002.json", "00000000000000000003.json"}));

}

// Two adds of one file in one commit (which the protocol forbids) would
// both land in the checkpoint: refused, naming the version and the file.
TEST_F(HandWrittenTable, TwoAddsOfOneFileInOneVersionAreRefused) {
  write_table("{}");
  nl::testing::write_delta_commit(dir_, 3, nl::testing::delta_add("e.parquet", "{}", 1) +
                                               nl::testing::delta_add("e.parquet", "{}", 2));
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir_), 3, now_), Corruption,
                  "version 3 of the log holds more than one add action for e.parquet");
  EXPECT_FALSE(fs::exists(dir_ / "_delta_log/00000000000000000003.checkpoint.parquet"));
  // One add per commit, the newer winning, is the normal case.
  nl::testing::write_delta_commit(dir_, 3, nl::testing::delta_add("e.parquet", "{}", 1));
  nl::testing::write_delta_commit(dir_, 4, nl::testing::delta_add("e.parquet", "{}", 2));
  const auto w = nl::engine::write_delta_checkpoint(session_, location_of(dir_), 4, now_);
  EXPECT_EQ(w.adds, 2);  // d and e
  int64_t e_size = 0;
  load(dir_)->for_each_file([&](const delta::FileEntry& f) {
    if (f.path() == "e.parquet") e_size = f.size;
  });
  EXPECT_EQ(e_size, 2);
}

// domainMetadata: the newest per domain, and none that was removed.
TEST_F(HandWrittenTable, DomainMetadataKeepsTheNewestPerDomain) {
  write_table("{}");
  nl::testing::write_delta_commit(
      dir_, 3,
      R"({"domainMetadata":{"domain":"a","configuration":"{\"v\":1}","removed":false}})" "\n"
      R"({"domainMetadata":{"domain":"b","configuration":"{}","removed":false}})" "\n");
  nl::testing::write_delta_commit(
      dir_, 4,
      R"({"domainMetadata":{"domain":"a","configuration":"{\"v\":2}","removed":false}})" "\n"
      R"({"domainMetadata":{"domain":"b","configuration":"{}","removed":true}})" "\n");
  const auto w = nl::engine::write_delta_checkpoint(session_, location_of(dir_), 4, now_);
  const auto domains = session_.sql(
      "SELECT string_agg(\"domainMetadata\".domain || '=' || \"domainMetadata\".configuration, ';') FROM "
      "read_parquet(" + file_uri(dir_ / "_delta_log/00000000000000000004.checkpoint.parquet") +
      ")");
  EXPECT_EQ(domains.value(0, 0).as<std::string>(), "a={\"v\":2}");
  EXPECT_EQ(w.rows, 2 + 1 + 1 + 1);  // protocol, metaData, d, the tombstone of a, domain a
  EXPECT_EQ(load(dir_)->checkpoint->version, 4);
}

// Stats from the checkpoint skip files as the log's own did: a filter on a
// data column opens the same few files either way.
TEST_F(CheckpointWrite, DataSkippingWorksFromTheCheckpoint) {
  const fs::path dir = tmp_.path() / "t", json_dir = tmp_.path() / "json";
  const int kFiles = 8, kRows = 10;
  std::string log = nl::testing::delta_protocol(1, 2) + nl::testing::delta_metadata("skip", kIdSchema, {});
  for (int f = 0; f < kFiles; ++f) {
    const std::string file = "f" + std::to_string(f) + ".parquet";
    const int64_t size = nl::testing::copy_to_parquet(
        session_, "SELECT i AS id FROM range(" + std::to_string(f * kRows) + ", " + std::to_string((f + 1) * kRows) +
                      ") t(i)",
        dir / file);
    log += nl::testing::delta_add(file, "{}", size,
                                  R"({"numRecords":10,"minValues":{"id":)" + std::to_string(f * kRows) +
                                      R"(},"maxValues":{"id":)" + std::to_string((f + 1) * kRows - 1) +
                                      R"(},"nullCount":{"id":0}})");
  }
  nl::testing::write_delta_commit(dir, 0, log);
  fs::copy(dir, json_dir, fs::copy_options::recursive);
  nl::engine::write_delta_checkpoint(session_, location_of(dir), 0);
  auto opened = [](const fs::path& table, const std::string& where, int64_t rows) {
    nl::Session s;
    s.reset_io_stats();
    const auto df = s.sql("SELECT count(*) FROM delta_scan(" + nl::sql_string_literal("file://" + table.string()) +
                          ") WHERE " + where);
    EXPECT_EQ(*df.column(0).at<int64_t>(0), rows) << where;
    return s.total_io_stats().files_opened;
  };
  const auto all = opened(json_dir, "true", kFiles * kRows);
  ASSERT_EQ(all % kFiles, 0u);
  // ids 5 and 42 lie in files 0 and 4: 2 of the 8 files are opened.
  EXPECT_EQ(opened(json_dir, "id IN (5, 42)", 2), all / kFiles * 2);
  EXPECT_EQ(opened(dir, "id IN (5, 42)", 2), all / kFiles * 2);
  EXPECT_EQ(opened(dir, "true", kFiles * kRows), all);
  EXPECT_EQ(load(dir)->checkpoint->version, 0);
}

// delta.checkpoint.writeStatsAsStruct: add.stats_parsed typed by the
// schema beside the JSON text. Loads read the typed stats, which must
// encode to exactly what the JSON replay gives.
TEST_F(CheckpointWrite, StatsAsStructWhenTheTableAsksForIt) {
  const fs::path dir = tmp_.path() / "t", json_dir = tmp_.path() / "json";
  const std::string schema =
      R"({"type":"struct","fields":[)"
      R"({"name":"a","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"b","type":"integer","nullable":true,"metadata":{}},)"
      R"({"name":"c","type":"double","nullable":true,"metadata":{}},)"
      R"({"name":"e","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"g","type":"date","nullable":true,"metadata":{}},)"
      R"({"name":"h","type":"timestamp","nullable":true,"metadata":{}},)"
      R"({"name":"ok","type":"boolean","nullable":true,"metadata":{}},)"
      R"({"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},)"
      R"({"name":"day","type":"string","nullable":true,"metadata":{}}]})";
  std::string log = nl::testing::delta_protocol(1, 2) +
                    nl::testing::delta_metadata("typed", schema, {"day"},
                                                R"({"delta.checkpoint.writeStatsAsStruct":"true"})");
  for (int n = 0; n < 6; ++n) {
    const std::string k = std::to_string(n);
    std::string stats =
        R"({"numRecords":)" + std::to_string(100 + n) + R"(,"minValues":{"a":)" + std::to_string(-1000 * n) +
        R"(,"b":)" + k + R"(,"c":)" + k + R"(.25,"e":"alpha-)" + k + R"(","g":"2024-01-0)" + std::to_string(n + 1) +
        R"(","h":"2024-01-0)" + std::to_string(n + 1) + R"(T01:02:03.004Z","s":{"x":)" + k +
        R"(}},"maxValues":{"a":)" + std::to_string(1000 * n) + R"(,"b":)" + std::to_string(n + 50) + R"(,"c":)" + k +
        R"(.75,"e":"omega-)" + k + R"(","g":"2024-02-0)" + std::to_string(n + 1) + R"(","h":"2024-02-0)" +
        std::to_string(n + 1) + R"(T23:59:59.999Z","s":{"x":)" + std::to_string(n + 9) +
        R"(}},"nullCount":{"a":0,"b":)" + k + R"(,"c":1,"e":0,"g":0,"h":)" + k + R"(,"ok":2,"s":{"x":)" + k + "}}}";
    if (n == 4) stats = R"({"numRecords":3,"minValues":{"a":1})";  // malformed: no stats at all
    if (n == 5) stats = R"({"numRecords":7})";                        // no bounds
    log += nl::testing::delta_add("day=d" + k + "/f" + k + ".parquet", R"({"day":"d)" + k + R"("})", 10 + n, stats);
  }
  nl::testing::write_delta_commit(dir, 0, log);
  nl::testing::write_delta_commit(json_dir, 0, log);
  nl::engine::write_delta_checkpoint(session_, location_of(dir), 0);
  const std::string file = file_uri(dir / "_delta_log/00000000000000000000.checkpoint.parquet");
  const auto typed = session_.sql(
      "SELECT any_value(typeof(\"add\".stats_parsed)), count(\"add\".stats_parsed), count(\"add\".stats), "
      "max(\"add\".stats_parsed.maxValues.h), min(\"add\".stats_parsed.minValues.a), "
      "max(\"add\".stats_parsed.nullCount.s.x) FROM read_parquet(" + file + ")");
  EXPECT_EQ(typed.value(0, 0).as<std::string>(),
            "STRUCT(numRecords BIGINT, minValues STRUCT(a BIGINT, b INTEGER, c DOUBLE, e VARCHAR, g DATE, h TIMESTAMP "
            "WITH TIME ZONE, s STRUCT(x BIGINT)), maxValues STRUCT(a BIGINT, b INTEGER, c DOUBLE, e VARCHAR, g DATE, "
            "h TIMESTAMP WITH TIME ZONE, s STRUCT(x BIGINT)), nullCount STRUCT(a BIGINT, b BIGINT, c BIGINT, e BIGINT, "
            "g BIGINT, h BIGINT, ok BIGINT, s STRUCT(x BIGINT)))");
  EXPECT_EQ(typed.value(0, 1).as<int64_t>(), 5);  // the malformed one has none
  EXPECT_EQ(typed.value(0, 2).as<int64_t>(), 6);
  EXPECT_EQ(typed.value(0, 4).as<int64_t>(), -3000);
  EXPECT_EQ(typed.value(0, 5).as<int64_t>(), 3);
  expect_checkpoint_matches_replay(dir, json_dir, 0);
  // The bounds a load keeps come from the typed stats: file n has b in [n, n + 50].
  const auto snap = load(dir);
  const int b = snap->stats_layout.find("b");
  ASSERT_GE(b, 0);
  snap->for_each_file([&](const delta::FileEntry& f) {
    if (f.path() != "day=d3/f3.parquet") return;
    const auto st = delta::decode_column_stats(f.stats(), snap->stats_layout, static_cast<size_t>(b));
    EXPECT_EQ(st.min.to_string(), "3");
    EXPECT_EQ(st.max.to_string(), "53");
    EXPECT_EQ(st.null_count, 3);
  });
}

// A multi-part checkpoint as the previous one: our checkpoint of
// simple_table at 2, split into two parts by row, then commits 3 and 4.
TEST_F(CheckpointWrite, BuildsOnAMultiPartCheckpoint) {
  REQUIRE_SHARED_TABLE("simple_table");
  const fs::path source = nl::testing::delta_testdata_dir() / "simple_table";
  const fs::path dir = tmp_.path() / "t", json_dir = tmp_.path() / "json";
  copy_table(source, dir);
  copy_table(source, json_dir, true);
  const auto w2 = nl::engine::write_delta_checkpoint(session_, location_of(dir), 2);
  const fs::path classic = dir / "_delta_log/00000000000000000002.checkpoint.parquet";
  for (int part = 1; part <= 2; ++part) {
    const fs::path to = dir / ("_delta_log/00000000000000000002.checkpoint.000000000" + std::to_string(part) +
                               ".0000000002.parquet");
    session_.execute("COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(" +
                     file_uri(classic) + ", file_row_number = true) WHERE file_row_number % 2 = " +
                     std::to_string(part - 1) + ") TO " + nl::sql_string_literal(to.string()) + " (FORMAT parquet)");
  }
  fs::remove(classic);
  fs::remove(dir / "_delta_log/_last_checkpoint");
  const auto before = load(dir, CheckpointDecoder::Auto, 4);
  ASSERT_TRUE(before->checkpoint.has_value());
  EXPECT_EQ(before->checkpoint->parts, 2);
  EXPECT_EQ(before->checkpoint->adds, w2.adds);
  const auto w4 = nl::engine::write_delta_checkpoint(session_, location_of(dir), 4);
  expect_last_checkpoint(dir, w4);
  expect_checkpoint_matches_replay(dir, json_dir, 4);
  EXPECT_EQ(load(dir)->checkpoint->parts, 1);
}

// A previous checkpoint that kept only add.stats_parsed (no JSON text):
// the stats carry over as JSON text made from the typed ones.
TEST_F(CheckpointWrite, TypedStatsOfAPreviousCheckpointCarryOver) {
  const fs::path dir = tmp_.path() / "t";
  fs::create_directories(dir / "_delta_log");
  const fs::path rows = tmp_.path() / "rows.json";
  std::string text = nl::testing::delta_protocol(1, 2) + nl::testing::delta_metadata("typed", kIdSchema, {});
  for (int n = 0; n < 3; ++n) {
    text += R"({"add":{"path":"f)" + std::to_string(n) + R"(.parquet","partitionValues":{},"size":10,)"
            R"("modificationTime":0,"dataChange":false,"stats_parsed":{"numRecords":)" + std::to_string(n + 1) +
            R"(,"minValues":{"id":)" + std::to_string(10 * n) + R"(},"maxValues":{"id":)" + std::to_string(10 * n + 9) +
            R"(},"nullCount":{"id":)" + std::to_string(n) + "}}}}\n";
  }
  nl::testing::write_file(rows, text);
  session_.execute(
      "COPY (SELECT * FROM read_json(" + nl::sql_string_literal(rows.string()) +
      ", format = 'newline_delimited', columns = {'protocol': 'STRUCT(minReaderVersion INTEGER, minWriterVersion "
      "INTEGER)', 'metaData': 'STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), "
      "schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR))', 'add': "
      "'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, "
      "dataChange BOOLEAN, stats_parsed STRUCT(numRecords BIGINT, minValues STRUCT(id BIGINT), maxValues "
      "STRUCT(id BIGINT), nullCount STRUCT(id BIGINT)))'})) TO " +
      nl::sql_string_literal((dir / "_delta_log/00000000000000000000.checkpoint.parquet").string()) +
      " (FORMAT parquet)");
  nl::testing::write_delta_commit(dir, 1, nl::testing::delta_add("f9.parquet", "{}", 10));
  const auto w = nl::engine::write_delta_checkpoint(session_, location_of(dir), 1);
  EXPECT_EQ(w.adds, 4);
  const auto snap = load(dir);
  EXPECT_EQ(snap->checkpoint->version, 1);
  size_t with_stats = 0;
  snap->for_each_file([&](const delta::FileEntry& f) {
    if (f.path() == "f9.parquet") return;
    const int n = f.path()[1] - '0';
    const auto st = delta::decode_column_stats(f.stats(), snap->stats_layout, 0);
    EXPECT_EQ(f.num_records, n + 1);
    EXPECT_EQ(st.min.to_string(), std::to_string(10 * n));
    EXPECT_EQ(st.max.to_string(), std::to_string(10 * n + 9));
    EXPECT_EQ(st.null_count, n);
    ++with_stats;
  });
  EXPECT_EQ(with_stats, 3u);
}

// On S3 (the local server): the checkpoint is written through the session's
// object-store filesystem as one upload, over the same-version checkpoint it
// reads, and loads as the local replay does.
TEST_F(CheckpointWrite, OnS3) {
  REQUIRE_SHARED_TABLE("simple_table_with_checkpoint");
  std::unique_ptr<nl::testing::LocalS3Server> server;
  try {
    server = std::make_unique<nl::testing::LocalS3Server>("neuralake");
  } catch (const std::exception& e) {
    GTEST_SKIP() << "the local S3 server did not start (" << e.what() << "): S3 checkpoints not checked";
  }
  const fs::path source = nl::testing::delta_testdata_dir() / "simple_table_with_checkpoint";
  const fs::path json_dir = tmp_.path() / "json";
  copy_table(source, json_dir, true);
  nl::Session s3(nl::testing::minio_session_options(server->endpoint()));
  const std::string uri = "s3://neuralake/ckpt/simple_table_with_checkpoint";
  auto [store, key] = s3.resolve_store(uri);
  nl::testing::upload_tree(*store, source, key);
  const delta::TableLocation table{store, key, uri};
  const auto w = nl::engine::write_delta_checkpoint(s3, table, 10);
  EXPECT_EQ(w.adds, 11);
  const auto last =
      delta::parse_last_checkpoint("_last_checkpoint", store->read_all(key + "/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last.version, 10);
  EXPECT_EQ(last.size, w.rows);
  EXPECT_EQ(last.num_of_add_files, 11);
  const auto info = store->head(key + "/_delta_log/00000000000000000010.checkpoint.parquet");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(static_cast<int64_t>(info->size), w.size_bytes);
  EXPECT_EQ(last.size_in_bytes, w.size_bytes);
  for (auto decoder : {CheckpointDecoder::Native, CheckpointDecoder::DuckDb}) {
    auto reader = nl::engine::make_standalone_checkpoint_reader(decoder);
    const auto snap = delta::load_snapshot(table, *reader);
    ASSERT_TRUE(snap->checkpoint.has_value());
    EXPECT_EQ(snap->checkpoint->version, 10);
    expect_same(facts_of(*snap), facts_of(*load(json_dir)));
  }
}

// Tables this writer must not checkpoint, or that are not tables.
TEST_F(CheckpointWrite, RefusesV2CheckpointTablesAndNonTables) {
  const fs::path dir = tmp_.path() / "v2";
  nl::testing::write_delta_commit(dir, 0,
                                  nl::testing::delta_protocol(3, 7, {"v2Checkpoint"}, {"v2Checkpoint"}) +
                                      nl::testing::delta_metadata("v2", kIdSchema, {}) +
                                      nl::testing::delta_add("a.parquet", "{}", 1));
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(dir), 0), NotSupported, "v2Checkpoint");
  EXPECT_FALSE(fs::exists(dir / "_delta_log/00000000000000000000.checkpoint.parquet"));
  const fs::path empty = tmp_.path() / "empty";
  fs::create_directories(empty);
  EXPECT_NL_ERROR(nl::engine::write_delta_checkpoint(session_, location_of(empty), 0), NotFound, empty.string());
}

TEST(ParseInterval, SparkIntervalSyntax) {
  const std::string k = "delta.deletedFileRetentionDuration";
  EXPECT_EQ(nl::engine::parse_interval_ms("interval 1 week", k), 7 * kDay);
  EXPECT_EQ(nl::engine::parse_interval_ms("7 days", k), 7 * kDay);
  EXPECT_EQ(nl::engine::parse_interval_ms("  INTERVAL 2 hours 30 minutes ", k), 150LL * 60 * 1000);
  EXPECT_EQ(nl::engine::parse_interval_ms("interval 1 day 1 second 5 milliseconds", k), kDay + 1005);
  EXPECT_EQ(nl::engine::parse_interval_ms("interval 0 seconds", k), 0);
  EXPECT_EQ(nl::engine::parse_interval_ms("interval 1500 microseconds", k), 1);
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("interval 1 month", k), InvalidArgument, "months");
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("interval -1 day", k), InvalidArgument, "negative");
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("interval", k), InvalidArgument, k);
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("interval 3", k), InvalidArgument, "unit");
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("one week", k), InvalidArgument, "'one'");
  EXPECT_NL_ERROR(nl::engine::parse_interval_ms("interval 99999999999999 weeks", k), InvalidArgument, "too long");
}

}  // namespace
