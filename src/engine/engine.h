// The engine's entry points for engine-free code (catalog, frames, CLI).
// Declared without DuckDB types; defined in src/engine/session.cpp.
#pragma once

#include <string>

#include "neuralake/data_frame.h"
#include "neuralake/types.h"

namespace neuralake {
struct SessionState;
}

namespace neuralake::engine {

// Runs `sql` and collects the result. Throws neuralake::Error.
DataFrame run_query(SessionState& state, const std::string& sql);
// The output schema of `sql`, bound but not run.
Schema describe_query(SessionState& state, const std::string& sql);
// The physical plan of `sql`.
std::string explain_query(SessionState& state, const std::string& sql);
// The schema of a catalog table (including extra columns); checks a declared
// schema against the data. Cached per session.
Schema table_schema(SessionState& state, const std::string& database, const std::string& table);

}  // namespace neuralake::engine
