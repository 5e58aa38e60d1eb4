// The sink at the top of a query whose rows become a DataFrame: each engine
// thread converts the chunks it produces into series of its own, and the
// pieces are put together in the order the rows would come from DuckDB's
// own result. DuckDB's materialized copy of the result is never made, and
// the conversion runs on every thread of the last pipeline instead of on
// the caller's after the query.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "neuralake/data_frame.h"

namespace neuralake::engine {

// Runs `sql` (one statement or several; the first's rows are kept) on
// `context` with the frame sink, and returns DuckDB's result: its error if
// it failed, or one whose rows take_frame_columns() hands over.
duckdb::unique_ptr<duckdb::QueryResult> query_into_frame(duckdb::ClientContext& context, const std::string& sql);

// The columns of a result of query_into_frame(), moved out; std::nullopt if
// `result` holds its rows another way (it is then read with collect_result).
std::optional<std::vector<Series>> take_frame_columns(duckdb::QueryResult& result);

}  // namespace neuralake::engine
