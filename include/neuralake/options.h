// How a Session runs queries. Every field has a safe, stated default.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "neuralake/config.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// Rewrites of query plans, each exact: a rewritten plan gives the same rows
// as the plan DuckDB would run. All on by default.
struct PlanRewrites {
  // count(DISTINCT x) of an integer-like column over a bitmap sized from the
  // column's statistics (min/max), falling back where they are missing.
  bool count_distinct_bitmap = true;
  // Hash aggregates sized from statistics: a perfect hash table when the
  // group keys' range (from min/max) fits a memory budget.
  bool aggregate_sizing = true;
  // GROUP BY one integer-like key whose range (from min/max) fits a memory
  // budget: the groups' states kept in blocks indexed by the key, no hashing.
  bool dense_grouping = true;

  // Every rewrite switched off: the plan DuckDB would run.
  static PlanRewrites none() { return {false, false, false}; }
};

struct SessionOptions {
  // --- where data lives ---
  // The warehouse root that "{warehouse}" in table locations expands to: a
  // directory, a file:// URI or s3://bucket/prefix. Default: ./warehouse;
  // from_environment() takes it from the resolved profile.
  std::string warehouse = "./warehouse";
  // The resolved configuration the options came from, if any: s3:// stores
  // are made from its S3 settings. Without it, s3:// URIs are not served.
  std::optional<Config> config;

  // --- resources ---
  // Threads one query may use. 0: all hardware threads.
  int threads = 0;
  // Memory the engine may use before spilling, e.g. "4GB". Empty: DuckDB's
  // default (80% of RAM).
  std::string memory_limit;
  // Where spilled data goes. Empty: DuckDB's default (<database>.tmp, or
  // .tmp in the working directory for an in-memory database).
  std::string spill_directory;

  // --- behaviour ---
  // Cancel a query that runs longer than this (ErrorCode::Timeout). 0: no limit.
  std::chrono::milliseconds query_timeout{0};
  // DuckDB's external file cache keeps bytes read from non-local filesystems.
  // Off by default so that byte counters show what storage really served.
  bool external_file_cache = false;
  // Reuse a loaded Delta snapshot for this long before looking for new
  // commits (then only the new commits are read). 0: look on every query.
  std::chrono::milliseconds delta_staleness{1000};
  // Plan rewrites the engine applies where they are provably exact; each can
  // be switched off (explain() lists the ones that fired).
  PlanRewrites rewrites;

  // --- confinement, for SQL from callers who are not trusted ---
  // A session that runs only reads of its own catalog (docs/sandbox.md):
  //  - sql(), stream(), lazy(), describe(), explain() and execute() accept
  //    one SELECT (or EXPLAIN of one), as DuckDB's parser classifies it; any
  //    other statement, or several, throws PermissionDenied naming its kind;
  //  - files and objects are read only at the catalog tables' locations and
  //    below them: DuckDB's allowed_directories/allowed_paths, with external
  //    access then switched off and the engine's configuration locked, and
  //    the same list checked by neuralake's own filesystem and delta_scan;
  //    any other path throws PermissionDenied naming it;
  //  - nothing is written through neuralake's filesystem.
  // The catalog's function tables still run their own code. Default: off;
  // Session::confine_to_catalog() confines an open session later.
  bool confine_to_catalog = false;

  // Resolves and validates the configuration (Config::resolve() of the
  // process environment: NEURALAKE_ENV, the config file, NEURALAKE_WAREHOUSE,
  // the AWS variables) and takes the warehouse from it. Throws what
  // Config::resolve() throws, e.g. InvalidArgument naming NEURALAKE_ENV.
  static SessionOptions from_environment();
};

}  // namespace neuralake
#pragma GCC visibility pop
