// The engine's entry points for engine-free code (catalog, frames, CLI).
// Declared without DuckDB types; defined in src/engine/session.cpp.
#pragma once

#include <memory>
#include <string>

#include "neuralake/data_frame.h"
#include "neuralake/query.h"
#include "neuralake/types.h"

namespace neuralake {
struct SessionState;
struct TableScanOrigin;
}

namespace neuralake::engine {

// Runs `sql` and collects the result. Throws neuralake::Error.
DataFrame run_query(SessionState& state, const std::string& sql, const QueryOptions& options = {});
// Starts `sql` and returns its result as a stream of batches. The stream
// keeps `state` alive. Defined in src/engine/result_stream.cpp.
ResultStream stream_query(const std::shared_ptr<SessionState>& state, const std::string& sql,
                          const QueryOptions& options = {});
// The output schema of `sql`, bound but not run.
Schema describe_query(SessionState& state, const std::string& sql);
// The physical plan of `sql`.
std::string explain_query(SessionState& state, const std::string& sql);
// The schema of a catalog table (including extra columns); checks a declared
// schema against the data. Cached per session.
Schema table_schema(SessionState& state, const std::string& database, const std::string& table);
// The SQL of `origin`'s Delta table scan read at an older version, with
// `delta_args` ("version := 3" or "\"timestamp\" := '...'", quoted: a keyword) passed to delta_scan.
// Binds it, so a version or time that does not exist fails here (NotFound
// naming the table). Defined in src/engine/delta_time_travel.cpp.
std::string delta_time_travel_sql(SessionState& state, const TableScanOrigin& origin, const std::string& delta_args);

}  // namespace neuralake::engine
