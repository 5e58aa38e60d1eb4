// One timed run of one query in this process, by one path (ours or raw
// DuckDB). The parent runs each in its own child process.
#pragma once

#include <cstdint>
#include <string>

#include "common/process_usage.h"
#include "queries.h"

namespace bench {

struct RunResult {
  double setup_ms = 0;  // catalog + session (ours) or database + connection (raw)
  double query_ms = 0;  // building, running and collecting the query (wall time)
  double query_cpu_ms = 0;  // CPU time (user + system, all threads) over the same span
  uint64_t rows = 0;
  uint64_t columns = 0;
};

// Through the catalog and lazy-frame API.
RunResult run_ours(const Query& query, const DataLayout& layout, int threads, bool rewrites);
// Through DuckDB's C++ API on the same files (raw_duckdb.cpp).
RunResult run_raw(const Query& query, const DataLayout& layout, int threads);

// The one line a child prints and the parent parses.
std::string format_result(const RunResult& r);
// Throws std::runtime_error if `line` is not a result line.
RunResult parse_result(const std::string& line);

}  // namespace bench
