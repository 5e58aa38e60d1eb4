// The line protocol every engine of the peer benchmark speaks, shared by the
// two C++ runners (neuralake and raw DuckDB); polars_runner.js speaks it too.
//
//   runner --data DIR --queries queries.sql [--threads 2] [--once QID [--check]]
//
// Serving (no --once): one line {"ready":true,"engine":..,"version":..,"threads":N},
// then per input line one JSON answer line:
//   "QID" or "QID check"  -> {"q","ms","rows","hwm_kb","rss_kb"[,"check"]}
//   "ping"                -> {"pong":true}   (an untimed trivial statement)
//   "quit"                -> exits
// ms is the wall time of running the query with its result fully collected;
// hwm_kb the peak RSS during the query (VmHWM, reset before it where the
// kernel allows). With --once the runner answers one query in a fresh
// process and exits; its hwm_kb is then the peak of the whole process.
// A query that fails answers {"q","error"}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace peers {

// One column's share of a result checksum: nulls, the sum of its values and
// the sum of (row + 1) * value. Strings count as their FNV-1a hash, dates as
// days since 1970-01-01, booleans as 0/1 ("kind" is "str", "date" or "num").
struct ColumnSum {
  std::string name;
  std::string kind = "num";
  long nulls = 0;
  double sum = 0;
  double wsum = 0;
  void add(size_t row, double x) {
    sum += x;
    wsum += static_cast<double>(row + 1) * x;
  }
};

uint32_t fnv1a(std::string_view s);

// What one query gave: its row count, and the checksum computed on demand
// (outside the timed region).
struct Answer {
  size_t rows = 0;
  std::function<std::vector<ColumnSum>()> checksum;
};

// An engine as the protocol sees it. run() throws std::exception on failure.
struct Engine {
  std::string name;
  std::string version;
  std::function<Answer(const std::string& sql)> run;
  std::function<void()> ping;
};

struct RunnerOptions {
  std::string data;
  std::string queries;
  int threads = 2;
  std::string once;  // a query id: answer it in this fresh process and exit
  bool check = false;
  std::map<std::string, std::string> extra;  // flags a runner adds (e.g. --rewrites)
};

// Parses the common flags and those named in `extra_flags` (each taking a
// value). Exits with status 2 and a message naming the flag on bad input.
RunnerOptions parse_options(int argc, char** argv, const std::vector<std::string>& extra_flags = {});

// queries.sql: "-- @QID ordered|unordered | description" headers, each
// followed by its SQL up to the next header. Throws naming the file.
std::map<std::string, std::string> load_queries(const std::string& path);

// Answers queries on stdin until "quit" or end of input (or the one query of
// --once). Returns the process exit status.
int serve(const RunnerOptions& options, Engine& engine);

}  // namespace peers
