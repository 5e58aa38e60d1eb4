// How Trino and Spark SQL spell what the DDL export writes: quoted
// identifiers, string literals and column types.
#pragma once

#include <string>

#include "neuralake/types.h"

namespace neuralake::cli {

enum class SqlDialect { Trino, Spark };

// Trino: "name" with '"' doubled. Spark: `name` with '`' doubled.
std::string quote_identifier(const std::string& name, SqlDialect dialect);

// Trino: 'text' with '\'' doubled. Spark: 'text' with '\\' and '\'' escaped by a
// backslash (Spark reads '' as two adjacent literals, not as a quote), line
// breaks as \n.
std::string string_literal(const std::string& text, SqlDialect dialect);

// The column type the engine declares for `type`, nested types included
// (Trino: row("a" bigint), array(varchar), map(varchar, double); Spark:
// STRUCT<`a`: BIGINT>, ARRAY<STRING>, MAP<STRING, DOUBLE>). Timestamps: Trino
// timestamp(3), the Hive connector's default precision, with or without a time
// zone (Hive tables have no zoned type; the instant is read in UTC); Spark
// TIMESTAMP_NTZ without a zone, TIMESTAMP with one. Unsigned integers widen to
// the next signed type (UInt64: decimal(20,0)).
// Throws NotSupported naming the type when the engine has none for it
// (time of day, interval, an engine-only type).
std::string sql_type(const DataType& type, SqlDialect dialect);

// "trino" or "spark".
const char* to_string(SqlDialect dialect);

}  // namespace neuralake::cli
