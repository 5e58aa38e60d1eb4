// The baseline side of a child run: DuckDB's own C++ API on the same files,
// the way a DuckDB user would query them, with the same thread count.
#include <chrono>
#include <stdexcept>

#include "child.h"
#include "duckdb.hpp"

namespace bench {

RunResult run_raw(const Query& query, const DataLayout& layout, int threads) {
  RunResult r;
  auto t0 = std::chrono::steady_clock::now();
  duckdb::DBConfig config;
  if (threads > 0) config.options.maximum_threads = static_cast<duckdb::idx_t>(threads);
  duckdb::DuckDB db(nullptr, &config);
  duckdb::Connection con(db);
  r.setup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const double cpu0 = process_cpu_ms();
  auto t1 = std::chrono::steady_clock::now();
  auto result = con.Query(query.raw(layout));
  r.query_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
  r.query_cpu_ms = process_cpu_ms() - cpu0;
  if (result->HasError()) throw std::runtime_error(query.name + ": " + result->GetError());
  r.rows = result->RowCount();
  r.columns = result->ColumnCount();
  return r;
}

}  // namespace bench
