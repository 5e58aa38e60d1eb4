// A session confined to its catalog (SessionOptions::confine_to_catalog):
// the statement check run before every query, and the engine settings that
// lock the session down once its catalog is registered.
#pragma once

#include <string>

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake {
class PathAllowList;
}

namespace neuralake::engine {

// Throws PermissionDenied, naming the statement's kind, unless DuckDB's
// parser reads `sql` as exactly one SELECT, or one EXPLAIN [ANALYZE] of a
// SELECT. A syntax error throws InvalidArgument, as it would when run.
void check_confined_statement(const std::string& sql);

// Restricts `db` to the roots of `list` (allowed_directories and
// allowed_paths), then switches external access off and locks the
// configuration, in that order: afterwards no SET can undo it. Call once,
// after the catalog's views exist.
void lock_down(duckdb::DatabaseInstance& db, const PathAllowList& list);

}  // namespace neuralake::engine
