// The delta_scan('uri' [, version := N | timestamp := '...']) table function:
// a Delta snapshot handed to DuckDB's Parquet scan as one multi-file scan.
#pragma once

#include <functional>
#include <memory>

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake {
class ConfinementSwitch;
class StoreRegistry;
}

namespace neuralake::engine {

// Registers delta_scan in `db`; table URIs resolve through `stores`, which
// must also serve them to `db`'s filesystem. Snapshots are cached per
// database and refreshed when older than `staleness_ms`. Returns a function
// that marks every cached snapshot stale (a write happened), so the next
// scan of each table refreshes it whatever `staleness_ms` says. Once
// `confinement` holds an allow-list, a table URI it does not allow fails with
// PermissionDenied before its log is read (the log is read through `stores`,
// past DuckDB's own path checks).
std::function<void()> register_delta_scan(duckdb::DatabaseInstance& db, std::shared_ptr<StoreRegistry> stores,
                                          int64_t staleness_ms = 1000,
                                          std::shared_ptr<const ConfinementSwitch> confinement = nullptr);

}  // namespace neuralake::engine
