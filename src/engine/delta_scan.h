// The delta_scan('uri' [, version := N | timestamp := '...']) table function:
// a Delta snapshot handed to DuckDB's Parquet scan as one multi-file scan.
#pragma once

#include <memory>

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake {
class StoreRegistry;
}

namespace neuralake::engine {

// Registers delta_scan in `db`; table URIs resolve through `stores`, which
// must also serve them to `db`'s filesystem. Snapshots are cached per
// database and refreshed when older than `staleness_ms`.
void register_delta_scan(duckdb::DatabaseInstance& db, std::shared_ptr<StoreRegistry> stores,
                         int64_t staleness_ms = 1000);

}  // namespace neuralake::engine
