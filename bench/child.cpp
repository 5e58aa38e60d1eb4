// The "ours" side of a child run, and the result line children report with.
#include "child.h"

#include <chrono>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "neuralake/neuralake.h"

namespace bench {

namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

RunResult run_ours(const Query& query, const DataLayout& layout, int threads, bool rewrites) {
  RunResult r;
  auto t0 = std::chrono::steady_clock::now();
  neuralake::Catalog catalog = make_catalog(layout, threads, rewrites);
  catalog.session();  // sessions are made on first use: make it now, outside the query's time
  r.setup_ms = ms_since(t0);
  const double cpu0 = process_cpu_ms();
  auto t1 = std::chrono::steady_clock::now();
  neuralake::DataFrame df = query.ours(catalog).collect();
  r.query_ms = ms_since(t1);
  r.query_cpu_ms = process_cpu_ms() - cpu0;
  r.rows = df.num_rows();
  r.columns = df.num_columns();
  return r;
}

std::string format_result(const RunResult& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "RESULT %.3f %.3f %.3f %llu %llu", r.setup_ms, r.query_ms, r.query_cpu_ms,
                static_cast<unsigned long long>(r.rows), static_cast<unsigned long long>(r.columns));
  return buf;
}

RunResult parse_result(const std::string& line) {
  std::istringstream in(line);
  std::string tag;
  RunResult r;
  unsigned long long rows = 0, columns = 0;
  if (!(in >> tag >> r.setup_ms >> r.query_ms >> r.query_cpu_ms >> rows >> columns) || tag != "RESULT")
    throw std::runtime_error("malformed child result: '" + line + "'");
  r.rows = rows;
  r.columns = columns;
  return r;
}

}  // namespace bench
