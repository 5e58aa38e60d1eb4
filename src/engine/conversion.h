// Conversions between DuckDB's types and values and neuralake's engine-free
// ones (DataType, Value, Series). Engine-internal: includes DuckDB.
#pragma once

#include "duckdb.hpp"
#include "neuralake/data_frame.h"
#include "neuralake/types.h"
#include "neuralake/value.h"

namespace neuralake::engine {

DataType from_duckdb_type(const duckdb::LogicalType& type);
duckdb::LogicalType to_duckdb_type(const DataType& type);

Value from_duckdb_value(const duckdb::Value& value);
duckdb::Value to_duckdb_value(const Value& value);

// Appends `count` rows of `vec` (of `type`) to `out`, whose type must be
// from_duckdb_type(type).
void append_vector(duckdb::Vector& vec, const duckdb::LogicalType& type, size_t count, Series& out);

// Writes rows [offset, offset + count) of `in` into `out` (a flat vector of
// type `type`) at positions 0..count-1, casting where the types differ.
// Throws InvalidArgument naming `what` if a value cannot be converted.
void write_vector(const Series& in, size_t offset, size_t count, duckdb::Vector& out,
                  const duckdb::LogicalType& type, const std::string& what);

// The schema of columns named `names` with engine types `types`.
Schema schema_of(const duckdb::vector<duckdb::string>& names, const duckdb::vector<duckdb::LogicalType>& types);
// Empty series named and typed as the result's columns.
std::vector<Series> empty_columns(const duckdb::vector<duckdb::string>& names,
                                  const duckdb::vector<duckdb::LogicalType>& types);
// Appends a chunk's rows to `columns` (made by empty_columns()).
void append_chunk(duckdb::DataChunk& chunk, const duckdb::vector<duckdb::LogicalType>& types,
                  std::vector<Series>& columns);
// Collects a query result's remaining chunks into a DataFrame. A
// materialized result is read in place and emptied as it is read.
DataFrame collect_result(duckdb::QueryResult& result);
// Creates table `table` on `con` (a temporary one if `temporary`) with the
// frame's columns and rows. Defined in data_frame_io.cpp.
void load_frame(duckdb::Connection& con, const DataFrame& df, const std::string& table, bool temporary);

}  // namespace neuralake::engine
