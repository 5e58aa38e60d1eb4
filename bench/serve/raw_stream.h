// Raw DuckDB reading a result as a stream: the serve benchmark's baseline for
// the server's peak memory.
#pragma once

#include <cstdint>
#include <string>

namespace serve_bench {

// Reads every row of `sql`'s result and returns how many there were.
uint64_t raw_duckdb_stream(const std::string& sql, int threads);

}  // namespace serve_bench
