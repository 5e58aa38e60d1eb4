// A session confined to its catalog (SessionOptions::confine_to_catalog):
// the statement check run before every query, and the engine settings that
// lock the session down once its catalog is registered.
#pragma once

#include <string>

namespace neuralake {
struct SessionState;
}

namespace neuralake::engine {

// Throws PermissionDenied, naming the statement's kind, unless DuckDB's
// parser reads `sql` as exactly one SELECT, or one EXPLAIN [ANALYZE] of a
// SELECT. A syntax error throws InvalidArgument, as it would when run.
void check_confined_statement(const std::string& sql);

// Restricts `state`'s database to the paths of its allow-list
// (allowed_directories and allowed_paths), then switches external access
// off and locks the configuration, in that order: afterwards no SET can
// undo it. Call once, after the catalog's views exist.
void lock_down(SessionState& state);

}  // namespace neuralake::engine
