// `neuralake export trino|spark`: DDL that registers the catalog's Delta,
// Parquet, CSV and JSON tables in a Trino or Spark cluster over the same files.
#pragma once

#include <functional>
#include <string>

#include "export/export_result.h"
#include "export/sql_dialect.h"
#include "neuralake/catalog.h"
#include "neuralake/session.h"

namespace neuralake::cli {

struct SqlDdlOptions {
  SqlDialect dialect = SqlDialect::Trino;
  // Trino catalogs (the names of their catalog properties files) served by
  // the Delta Lake and the Hive connector.
  std::string trino_delta_catalog = "delta";
  std::string trino_hive_catalog = "hive";
  // Spark: the scheme written for s3:// locations (Hadoop's S3A connector reads s3a://).
  std::string s3_scheme = "s3a";
};

// A table's columns as a session reads them (extra columns included), for
// tables whose schema is not declared. Throws what the read throws.
using SchemaReader = std::function<Schema(const std::string& database, const Table& table)>;

// Reads through `session`, which must hold the catalog: the columns of
// "SELECT * FROM db.table LIMIT 0", under the session's query timeout.
SchemaReader session_schema_reader(Session& session);

// One statement shape per table kind, in declaration order, each schema
// created before its first table:
//   Trino  Delta: CALL <delta catalog>.system.register_table(...)
//          Parquet, CSV, JSON: CREATE TABLE IF NOT EXISTS <hive catalog>.db.t (...)
//          WITH (external_location, format, partitioned_by...), then for
//          partitioned tables CALL <hive catalog>.system.sync_partition_metadata(...)
//   Spark  Delta: CREATE TABLE IF NOT EXISTS db.t USING delta LOCATION ...
//          Parquet, CSV, JSON: CREATE TABLE IF NOT EXISTS db.t (...) USING parquet|csv|json
//          [OPTIONS] [PARTITIONED BY] LOCATION ..., then MSCK REPAIR TABLE for partitioned ones
// Columns are the declared schema, else what `read_schema` returns, without
// extra (computed) columns and with the declared partition columns last.
// Function tables, tables whose columns cannot be read or typed, and
// locations the engine cannot take are listed in `skipped` and as comments;
// the export itself still succeeds. Locations are resolved by `locations`.
// Throws InvalidArgument naming the option for an empty catalog or scheme name.
ExportResult export_sql_ddl(const Catalog& catalog, const Session& locations, const SchemaReader& read_schema,
                            const SqlDdlOptions& options);

}  // namespace neuralake::cli
