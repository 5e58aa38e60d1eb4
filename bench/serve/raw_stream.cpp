// The baseline of the serve benchmark's streams: the same result read by raw
// DuckDB through SendQuery() + Fetch(), with the same thread count, encoding
// nothing. Run in a child process so its peak RSS is its own.
#include "serve/raw_stream.h"

#include <cstdio>
#include <stdexcept>

#include "duckdb.hpp"

namespace serve_bench {

uint64_t raw_duckdb_stream(const std::string& sql, int threads) {
  duckdb::DBConfig config;
  config.options.maximum_threads = static_cast<duckdb::idx_t>(threads);
  duckdb::DuckDB db(nullptr, &config);
  duckdb::Connection con(db);
  auto result = con.SendQuery(sql);
  if (result->HasError()) throw std::runtime_error(result->GetError());
  uint64_t rows = 0;
  while (auto chunk = result->Fetch()) rows += chunk->size();
  if (result->HasError()) throw std::runtime_error(result->GetError());
  return rows;
}

}  // namespace serve_bench
