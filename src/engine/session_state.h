// What a Session owns: one embedded DuckDB with the catalog registered in it,
// plus the bookkeeping for cancellation and cached table schemas.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "neuralake/catalog.h"
#include "neuralake/options.h"
#include "neuralake/session.h"

namespace neuralake {

class ConfinementSwitch;
class StoreRegistry;
namespace engine {
struct DeltaWriterCache;
}

struct SessionState {
  SessionOptions options;
  std::vector<Database> databases;
  std::string warehouse;  // the resolved warehouse root ("/abs/dir" or a URI), no trailing '/'
  std::unique_ptr<duckdb::DuckDB> db;
  std::shared_ptr<StoreRegistry> stores;
  // The allow-list the engine's own readers check once the session is
  // confined to its catalog (SessionOptions::confine_to_catalog).
  std::shared_ptr<ConfinementSwitch> confinement;

  std::mutex running_mu;
  std::set<duckdb::Connection*> running;  // connections with a query in flight

  std::mutex schema_mu;
  std::map<std::string, Schema> schemas;  // "db.table" -> schema

  // Tables whose view could not be bound when the session started (their
  // files are missing or unreadable): they are bound per query instead, so
  // the query reports the real error and works once the data appears.
  std::map<std::pair<std::string, std::string>, std::string> deferred;  // (db, table) -> view SQL

  // Delta writes: the snapshots writers last read, and the hook that tells
  // delta_scan a table changed, so this session's next query reads the write.
  std::shared_ptr<engine::DeltaWriterCache> delta_writes;
  std::function<void()> delta_tables_changed;

  const Table* find_table(const std::string& database, const std::string& table) const;
};

namespace engine {
// Registers the function-table scan for this session's function tables.
void register_function_scan(SessionState& state);
// The view body for a table in this session ("SELECT * FROM read_parquet(...)"),
// from the table's provider. `version_args` select an older version
// ("version := 3") of a kind that has versions.
std::string table_view_sql(SessionState& state, const std::string& database, const Table& table,
                           const std::string& version_args = "");
}  // namespace engine

}  // namespace neuralake
