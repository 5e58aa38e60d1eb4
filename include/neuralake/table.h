// Table declarations: what a table is, where its data lives and its docs.
// A Table is a cheap handle; its setters return *this for chaining and are
// meant for declaration time, before the table goes into a Catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/filter.h"
#include "neuralake/table_source.h"
#include "neuralake/types.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// A table's kind names the provider that reads it. The built-in kinds:
// "parquet", "csv", "json", "delta" and "function"; a Session refuses a
// table whose kind no provider handles (InvalidArgument naming the table).
namespace table_kind {
inline constexpr const char* parquet = "parquet";
inline constexpr const char* csv = "csv";
inline constexpr const char* json = "json";
inline constexpr const char* delta = "delta";
inline constexpr const char* function = "function";
}  // namespace table_kind

struct Link {
  std::string label;
  std::string url;
};

// A column computed from others when the table is read.
struct ExtraColumn {
  std::string name;
  std::string expression;  // SQL over the table's columns
};

// How `neuralake export roapi` lists a table in ROAPI's configuration (and,
// for the name, how the API server names it). Unset fields take ROAPI's
// defaults as the exporter documents them.
struct RoapiOptions {
  bool disable = false;          // leave the table out of the ROAPI export (the API server still serves it)
  std::string override_name;     // instead of "{db}_{table}"
  bool use_memory_table = false; // ROAPI loads the whole table into memory when true
  // Seconds between ROAPI's reloads of the table; unset: 60 for Delta tables, none otherwise.
  std::optional<int64_t> reload_interval_seconds;
};

// Documentation and schema facts shared by every table kind (datarepo's TableMetadata).
struct TableMetadata {
  std::string description;
  std::string data_input;     // where the data comes from
  std::string latency_info;   // how fresh it is
  std::vector<Link> example_links;
  std::string owner;
  std::vector<std::string> tags;
  std::vector<std::string> unique_columns;
  Filters docs_filters;       // example filters shown in docs
  std::optional<Schema> schema;  // declared; otherwise inferred from the data
  std::vector<ExtraColumn> extra_columns;
  // Kept for old readers but hidden from the catalog site unless asked for.
  bool deprecated = false;
  // Column name -> Markdown text, shown beside the schema.
  std::map<std::string, std::string> column_descriptions;
  RoapiOptions roapi;
};

// How file tables are read.
struct FileOptions {
  // Hive partition columns (k=v directories), with their types. Empty and
  // hive_partitioning on: detected from the paths.
  std::vector<Field> partition_columns;
  bool hive_partitioning = false;
  // CSV only.
  char delimiter = ',';
  bool header = true;
};

struct TableDef {
  std::string name;
  std::string kind = table_kind::parquet;  // the provider that reads it
  // For file tables: a file, a glob or a directory, usually "{warehouse}/...".
  std::string location;
  FileOptions file_options;
  std::shared_ptr<const TableSource> source;  // Function tables
  // Settings of kinds that need more than a location (a connection, a
  // query...), read by the kind's provider and shown by describe.
  std::map<std::string, std::string> options;
  TableMetadata metadata;
};

// How a table reads its data, as its provider describes it: for `describe`,
// the catalog docs and API listings. See Session::describe_table().
struct TableDescription {
  std::string kind;               // "parquet", "delta", ...
  std::string location;           // as declared; empty for kinds without one
  std::string resolved_location;  // with {warehouse} expanded; empty without a location
  // Partition columns with their types ("day date"), or how partitions are
  // found ("hive (detected from paths)"); empty when not partitioned by declaration.
  std::vector<std::string> partitioning;
  std::vector<std::pair<std::string, std::string>> options;  // kind settings, e.g. {"delimiter", ","}
};

class Table {
 public:
  explicit Table(TableDef def);

  const std::string& name() const { return def_->name; }
  const std::string& kind() const { return def_->kind; }
  const TableDef& def() const { return *def_; }

  Table& describe(std::string description);
  Table& data_input(std::string text);
  Table& latency_info(std::string text);
  Table& example_link(std::string label, std::string url);
  Table& owner(std::string owner);
  Table& tags(std::vector<std::string> tags);
  Table& unique_columns(std::vector<std::string> columns);
  Table& docs_filters(Filters filters);
  // Declares the schema; a file that disagrees is an InvalidArgument error
  // naming the table, the column and the file when the table is read.
  Table& schema(Schema schema);
  Table& extra_column(std::string name, std::string sql_expression);
  // Documents one column (Markdown). The column is checked against the schema
  // when the catalog is documented, not here (the schema may be inferred).
  Table& column_description(std::string column, std::string text);
  Table& deprecated(bool on = true);
  Table& roapi(RoapiOptions options);
  // Hive partition columns with declared types (turns hive partitioning on).
  Table& partition_columns(std::vector<Field> columns);
  Table& hive_partitioning(bool on = true);

 private:
  TableDef& mut();
  std::shared_ptr<TableDef> def_;
};

// Parquet: a file, a glob ("{warehouse}/lineitem/*.parquet") or a directory
// (every .parquet file below it, recursively).
Table ParquetTable(std::string name, std::string location);
// CSV with a header row, types detected unless a schema is declared.
Table CsvTable(std::string name, std::string location, char delimiter = ',');
// Newline-delimited JSON.
Table JsonTable(std::string name, std::string location);

// A table computed by C++. `scan` receives the projection and the filters
// and yields chunks; `schema` is required so the engine can plan without
// running the function.
Table FunctionTable(std::string name, Schema schema,
                    std::function<std::unique_ptr<BatchReader>(const ScanRequest&)> scan);
// Convenience: a function returning one whole frame. The schema is taken from
// one call with an empty request if not declared.
Table FunctionTable(std::string name, std::function<DataFrame(const ScanRequest&)> make);
// Any TableSource.
Table FunctionTable(std::string name, std::shared_ptr<const TableSource> source);

}  // namespace neuralake
#pragma GCC visibility pop
