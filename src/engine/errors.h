// Translating errors across the DuckDB seam in both directions, so that a
// neuralake::Error thrown inside an engine callback keeps its code and object.
#pragma once

#include <optional>
#include <string>

#include "duckdb.hpp"
#include "neuralake/error.h"

namespace neuralake::engine {

// Throws a DuckDB exception that carries `e`'s code and object through the
// engine (in its extra_info); use inside table functions and filesystem callbacks.
[[noreturn]] void throw_into_duckdb(const Error& e);

// The neuralake::Error that throw_into_duckdb() put into `error`, if it is one of ours.
std::optional<Error> carried_error(const duckdb::ErrorData& error);

// The neuralake::Error for a DuckDB error: ours keeps its code and object;
// DuckDB's own is mapped by its type and error subtype, and names the missing
// table or column when DuckDB does, else `query`.
Error translate_error(const duckdb::ErrorData& error, const std::string& query);

}  // namespace neuralake::engine
