// Translating errors across the DuckDB seam in both directions, so that a
// neuralake::Error thrown inside an engine callback keeps its code and object.
#pragma once

#include <string>

#include "duckdb.hpp"
#include "neuralake/error.h"

namespace neuralake::engine {

// Throws a DuckDB exception that carries `e`'s code and object through the
// engine; use inside table functions and filesystem callbacks.
[[noreturn]] void throw_into_duckdb(const Error& e);

// The neuralake::Error for a DuckDB error. `query` names the statement when
// the engine's message does not name a more precise object.
Error translate_error(const duckdb::ErrorData& error, const std::string& query);

}  // namespace neuralake::engine
