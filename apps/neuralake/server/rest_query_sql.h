// A REST query (rest_query.h) as one DuckDB SELECT over a table, checked
// against the table's schema first so that a bad column or value is the
// client's error, named, and never reaches the engine.
#pragma once

#include <string>
#include <string_view>

#include "neuralake/types.h"
#include "server/rest_query.h"

namespace neuralake::server {

// SELECT <columns or *> FROM <table_ref> [WHERE f1 AND f2 ...]
//   [ORDER BY c1 ASC|DESC NULLS FIRST, ...] [LIMIT n] [OFFSET m]
// `table_ref` is already a SQL name (e.g. "tpch"."part"); version and as_of
// are not part of the SQL (the caller picks the snapshot). Column names are
// matched exactly, as ROAPI does, and double-quoted; every value is a SQL
// literal (strings single-quoted, doubles as DOUBLE), never raw input. Nulls
// sort first both ways, as in ROAPI.
//
// A filter value must suit its column:
//   numeric columns: a number, or a quoted string holding one;
//   string columns: a quoted string (a bare number is refused: quote it);
//   boolean columns: true or false;
//   date and timestamp columns: a quoted ISO-8601 date or timestamp;
//   other scalar columns (time, interval, binary, engine types): a quoted
//     string, cast to the column's type by the engine;
//   list, struct and map columns: only isnull.
// `like` needs a string column. Throws ApiError naming the parameter and the
// column: an unknown column (NotFound, with a did-you-mean suggestion) is
// invalid_filter, invalid_projection or invalid_sort by where it appears; a
// value that does not suit its column is invalid_filter (InvalidArgument).
std::string rest_query_to_sql(const RestQuery& query, std::string_view table_ref, const Schema& schema);

}  // namespace neuralake::server
