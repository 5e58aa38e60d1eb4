// Writes the Delta tables the Delta benchmark reads: a 100k-file log (a
// Parquet checkpoint plus JSON commits) and a 1,000-file table with real data.
#pragma once

#include <cstdint>
#include <filesystem>

namespace bench::delta {

struct BigLogSpec {
  int64_t checkpoint_adds = 90000;  // in the checkpoint at version 0
  int64_t commits = 1000;           // JSON commits 1..commits after it
  int64_t adds_per_commit = 10;
  int64_t removes_every = 1;  // a commit removes one checkpoint file every this many commits
  // How the checkpoint carries the stats of its adds: add.stats (JSON text),
  // add.stats_parsed (typed structs, as delta.checkpoint.writeStatsAsStruct
  // writes them), or both. Commits always carry JSON stats.
  bool stats_json = true;
  bool stats_parsed = false;
};

// A table at `root` whose log has spec's checkpoint and commits. Every file
// has min/max/nullCount stats on 8 data columns (2 BIGINT, 2 DOUBLE,
// 2 STRING of about 16 characters, DATE, TIMESTAMP) and a ~90-character path
// under a `day=` partition. Only the log is written, no data files.
// The Parquet checkpoint is written by DuckDB (COPY), the commits directly.
void write_big_log(const std::filesystem::path& root, const BigLogSpec& spec);

// Appends commit `version` with `adds` new files (same shape as above).
void append_commit(const std::filesystem::path& root, int64_t version, int64_t adds);

// A table at `root` of `files` Parquet files of `rows_per_file` rows each,
// one commit, with exact stats; column `id` is ascending across files, so a
// range on it selects few files. Data and stats written through DuckDB.
void write_scan_table(const std::filesystem::path& root, int64_t files, int64_t rows_per_file);

}  // namespace bench::delta
