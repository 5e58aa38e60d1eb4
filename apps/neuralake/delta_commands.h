// `neuralake delta history` and the Delta part of `neuralake describe`: a
// Delta table's log facts and commits, for a catalog table or a table by path.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/delta.h"
#include "neuralake/session.h"

namespace neuralake::cli {

// The options of `neuralake delta history TABLE`, filled by CLI11.
struct DeltaHistoryCommand {
  CLI::App* delta = nullptr;    // `delta`
  CLI::App* history = nullptr;  // `delta history`
  std::string table;            // db.table, or a table root by path or URI
  size_t limit = 0;             // newest commits to show; 0: all
  std::string format = "table";
};

// The options of `neuralake delta append|overwrite|create|checkpoint TABLE`.
struct DeltaWriteCommand {
  CLI::App* append = nullptr;
  CLI::App* overwrite = nullptr;
  CLI::App* create = nullptr;
  CLI::App* checkpoint = nullptr;
  std::string table;
  std::string from;                       // a .parquet, .csv, .ndjson/.jsonl/.json file (or glob)
  std::string sql;                        // a query over the catalog
  bool create_missing = false;            // --create
  std::vector<std::string> partition_by;  // --partition-by a,b
  std::string schema;                     // create: "a BIGINT, b VARCHAR NOT NULL"
  std::vector<std::string> properties;    // --property k=v
  std::string description;
  bool if_not_exists = false;
  bool replace_schema = false;
  bool merge_schema = false;
  std::string where;                      // overwrite: replace only the rows matching this condition
  std::string compression;
  std::string app_id;                     // --txn-app-id
  int64_t txn_version = -1;               // --txn-version
  std::string user_metadata;
  bool any() const { return *append || *overwrite || *create || *checkpoint; }
};

// Registers `delta` and its subcommands on `app`.
void add_delta_commands(CLI::App& app, DeltaHistoryCommand& command, DeltaWriteCommand& write);

// Runs a write command and prints what it committed ("committed version N:
// F files, R rows, B bytes"). A progress bar of the bytes written goes to
// stderr when `progress`. Throws what DeltaWriter throws.
void run_delta_write(std::ostream& out, const DeltaWriteCommand& command, Session& session, bool progress);

// "a BIGINT, b VARCHAR NOT NULL" as a schema and its non-nullable columns,
// the types read by `session`'s engine. InvalidArgument naming a bad column.
std::pair<Schema, std::vector<std::string>> parse_schema_option(const std::string& text, Session& session);

// True if `name` names a table root by path or URI ("/data/t", "./t",
// "s3://b/t", "{warehouse}/t") rather than a catalog table "db.table".
bool is_table_path(const std::string& name);

// Prints the history, newest first: one row per commit with version, UTC
// commit time, operation, adds, removes, engine and operation parameters, in
// `command.format` ("table", "csv" or "json"). A path is read without the
// catalog; "db.table" needs `catalog`, else InvalidArgument naming --catalog.
// Throws what delta_history() throws (NotFound for an unknown table or a
// folder that is not a Delta table...).
void run_delta_history(std::ostream& out, const DeltaHistoryCommand& command, const std::optional<Catalog>& catalog,
                       Session& session, size_t table_width);

// The Delta lines of `describe`, in its "  key: value" layout: version and
// its commit time, partition columns, live files and bytes, protocol versions
// and features, column mapping and the checkpoint the snapshot started from.
void write_delta_info(std::ostream& out, const DeltaTableInfo& info);

// write_delta_info() for catalog table `qualified_name` if it is a Delta
// table; nothing for other kinds. Throws what delta_table_info() throws.
void write_catalog_delta_info(std::ostream& out, const Catalog& catalog, Session& session,
                              const std::string& qualified_name);

// `neuralake describe PATH` without a catalog: the table root, its Delta facts
// and its schema as delta_scan() reads it. Throws what delta_table_info()
// throws for the path.
void describe_delta_path(std::ostream& out, Session& session, const std::string& path);

// ISO 8601 UTC with milliseconds, e.g. "2024-01-02T03:04:05.678Z".
std::string format_utc_millis(int64_t ms);

}  // namespace neuralake::cli
