#include "export/sql_ddl_export.h"

#include <algorithm>
#include <optional>
#include <set>

#include "export/table_location.h"
#include "neuralake/data_frame.h"
#include "neuralake/error.h"

namespace neuralake::cli {

namespace {

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

// A comment block: every line of `text` behind "-- ".
std::string sql_comment(const std::string& text) {
  std::string out = "-- ";
  for (char c : text) {
    if (c == '\r') continue;
    out += c;
    if (c == '\n') out += "-- ";
  }
  return out + "\n";
}

bool is_file_kind(const std::string& kind) {
  return kind == table_kind::parquet || kind == table_kind::csv || kind == table_kind::json;
}

// What one table becomes: statements, or the reason it is left out.
struct TableDdl {
  std::vector<std::string> statements;
  std::vector<std::string> notes;
  std::optional<std::string> skipped;
  std::string schema_catalog;  // Trino: the catalog its schema lives in; empty for Spark
};

class DdlWriter {
 public:
  DdlWriter(const Session& locations, const SchemaReader& read_schema, const SqlDdlOptions& options)
      : locations_(locations), read_schema_(read_schema), o_(options), d_(options.dialect) {}

  TableDdl table(const std::string& database, const Table& table) const {
    TableDdl out;
    const TableDef& def = table.def();
    if (def.kind == table_kind::function) {
      out.skipped = "function table: computed by C++ code, there are no files for " + engine() + " to read";
      return out;
    }
    if (def.kind != table_kind::delta && !is_file_kind(def.kind)) {
      out.skipped = "tables of kind '" + def.kind + "' have no " + engine() + " equivalent";
      return out;
    }
    const bool delta = def.kind == table_kind::delta;
    ExportLocation loc = export_location(locations_.resolve_location(def.location), delta);
    if (loc.is_local) {
      out.notes.push_back("stored on this machine's disk (" + loc.uri +
                          "): a cluster reads it only if the path is on storage every node shares");
    }
    if (!loc.glob.empty() && !glob_selects_extension_only(loc.glob)) {
      out.notes.push_back("the location's glob '" + loc.glob + "' cannot be declared: " + engine() +
                          " reads every file under " + loc.uri);
    }
    std::string uri = engine_uri(loc);
    if (delta) {
      d_ == SqlDialect::Trino ? trino_delta(database, table, uri, out) : spark_delta(database, table, uri, out);
      return out;
    }
    if (d_ == SqlDialect::Trino && loc.is_file) {
      out.skipped = "Trino's Hive connector reads a table from a directory; the location is the single file " + uri;
      return out;
    }
    const auto& parts = def.file_options.partition_columns;
    if (def.file_options.hive_partitioning && parts.empty()) {
      out.skipped =
          "its Hive partition columns are detected from paths, not declared; declare them with partition_columns() "
          "so the DDL can name them";
      return out;
    }
    Schema columns;
    try {
      columns = table_columns(database, table);
    } catch (const Error& e) {
      out.skipped = "its columns could not be read: " + one_line(e.what());
      return out;
    }
    try {
      d_ == SqlDialect::Trino ? trino_files(database, table, columns, uri, out)
                              : spark_files(database, table, columns, uri, out);
    } catch (const Error& e) {
      out.statements.clear();
      out.skipped = "column type: " + one_line(e.what());
    }
    return out;
  }

  std::string create_schema(const std::string& database, const std::string& catalog) const {
    std::string name = (catalog.empty() ? "" : q(catalog) + ".") + q(database);
    return "CREATE SCHEMA IF NOT EXISTS " + name;
  }

  std::string engine() const { return d_ == SqlDialect::Trino ? "Trino" : "Spark"; }

 private:
  std::string q(const std::string& id) const { return quote_identifier(id, d_); }
  std::string lit(const std::string& s) const { return string_literal(s, d_); }

  std::string engine_uri(const ExportLocation& loc) const {
    std::string uri = file_uri(loc);
    if (d_ == SqlDialect::Spark && uri.rfind("s3://", 0) == 0) uri = o_.s3_scheme + uri.substr(2);
    return uri;
  }

  // Declared or read columns, without the computed ones, partition columns last.
  Schema table_columns(const std::string& database, const Table& table) const {
    const TableDef& def = table.def();
    Schema all = def.metadata.schema ? *def.metadata.schema : read_schema_(database, table);
    const auto& parts = def.file_options.partition_columns;
    auto is_extra = [&](const std::string& n) {
      return std::any_of(def.metadata.extra_columns.begin(), def.metadata.extra_columns.end(),
                         [&](const ExtraColumn& x) { return x.name == n; });
    };
    auto is_partition = [&](const std::string& n) {
      return std::any_of(parts.begin(), parts.end(), [&](const Field& f) { return f.name == n; });
    };
    Schema out;
    for (const auto& f : all)
      if (!is_extra(f.name) && !is_partition(f.name)) out.push_back(f);
    if (out.empty()) {
      throw Error(ErrorCode::InvalidArgument, database + "." + table.name(),
                  "table '" + database + "." + table.name() + "' has no columns besides its partition columns");
    }
    out.insert(out.end(), parts.begin(), parts.end());
    return out;
  }

  std::string column_comment(const Table& table, const std::string& column) const {
    const auto& d = table.def().metadata.column_descriptions;
    auto it = d.find(column);
    return it == d.end() || it->second.empty() ? "" : " COMMENT " + lit(it->second);
  }

  std::string column_list(const Table& table, const Schema& columns, bool all_varchar) const {
    std::string out = "(\n";
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string type = all_varchar ? "varchar" : sql_type(columns[i].type, d_);
      out += "  " + q(columns[i].name) + " " + type + column_comment(table, columns[i].name) +
             (i + 1 < columns.size() ? ",\n" : "\n");
    }
    return out + ")";
  }

  void trino_delta(const std::string& database, const Table& table, const std::string& uri, TableDdl& out) const {
    out.schema_catalog = o_.trino_delta_catalog;
    out.statements.push_back("CALL " + q(o_.trino_delta_catalog) + ".system.register_table(schema_name => " +
                             lit(database) + ", table_name => " + lit(table.name()) +
                             ", table_location => " + lit(uri) + ")");
  }

  void spark_delta(const std::string& database, const Table& table, const std::string& uri, TableDdl& out) const {
    std::string s = "CREATE TABLE IF NOT EXISTS " + q(database) + "." + q(table.name()) + "\nUSING delta\nLOCATION " +
                    lit(uri);
    const std::string& description = table.def().metadata.description;
    if (!description.empty()) s += "\nCOMMENT " + lit(description);
    out.statements.push_back(s);
  }

  void trino_files(const std::string& database, const Table& table, const Schema& columns, const std::string& uri,
                   TableDdl& out) const {
    const TableDef& def = table.def();
    out.schema_catalog = o_.trino_hive_catalog;
    const bool csv = def.kind == table_kind::csv;
    std::string name = q(o_.trino_hive_catalog) + "." + q(database) + "." + q(table.name());
    // The Hive connector's CSV format reads every column as varchar.
    std::string s = "CREATE TABLE IF NOT EXISTS " + name + " " + column_list(table, columns, csv);
    if (!def.metadata.description.empty()) s += "\nCOMMENT " + lit(def.metadata.description);
    std::string format = csv ? "CSV" : def.kind == table_kind::json ? "JSON" : "PARQUET";
    s += "\nWITH (\n  external_location = " + lit(uri) + ",\n  format = " + lit(format);
    if (csv) {
      s += ",\n  csv_separator = " + lit(std::string(1, def.file_options.delimiter));
      if (def.file_options.header) s += ",\n  skip_header_line_count = 1";
    }
    const auto& parts = def.file_options.partition_columns;
    if (!parts.empty()) {
      s += ",\n  partitioned_by = ARRAY[";
      for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + lit(parts[i].name);
      s += "]";
    }
    s += "\n)";
    out.statements.push_back(s);
    if (!parts.empty()) {
      out.statements.push_back("CALL " + q(o_.trino_hive_catalog) +
                               ".system.sync_partition_metadata(schema_name => " + lit(database) +
                               ", table_name => " + lit(table.name()) + ", mode => 'ADD')");
    }
  }

  void spark_files(const std::string& database, const Table& table, const Schema& columns, const std::string& uri,
                   TableDdl& out) const {
    const TableDef& def = table.def();
    std::string name = q(database) + "." + q(table.name());
    std::string s = "CREATE TABLE IF NOT EXISTS " + name + " " + column_list(table, columns, false);
    s += "\nUSING " + def.kind;
    if (def.kind == table_kind::csv) {
      s += "\nOPTIONS (header " + lit(def.file_options.header ? "true" : "false") + ", delimiter " +
           lit(std::string(1, def.file_options.delimiter)) + ")";
    }
    const auto& parts = def.file_options.partition_columns;
    if (!parts.empty()) {
      s += "\nPARTITIONED BY (";
      for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + q(parts[i].name);
      s += ")";
    }
    s += "\nLOCATION " + lit(uri);
    if (!def.metadata.description.empty()) s += "\nCOMMENT " + lit(def.metadata.description);
    out.statements.push_back(s);
    if (!parts.empty()) out.statements.push_back("MSCK REPAIR TABLE " + name);
  }

  const Session& locations_;
  const SchemaReader& read_schema_;
  const SqlDdlOptions& o_;
  SqlDialect d_;
};

void require_name(const std::string& value, const std::string& option) {
  if (value.empty() || value.find_first_of(" \t\n") != std::string::npos) {
    throw Error(ErrorCode::InvalidArgument, option, option + " must be a non-empty name without spaces, got '" +
                                                        value + "'");
  }
}

}  // namespace

SchemaReader session_schema_reader(Session& session) {
  return [&session](const std::string& database, const Table& table) {
    auto quote = [](const std::string& id) {
      std::string out = "\"";
      for (char c : id) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      return out + "\"";
    };
    return session.sql("SELECT * FROM " + quote(database) + "." + quote(table.name()) + " LIMIT 0").schema();
  };
}

ExportResult export_sql_ddl(const Catalog& catalog, const Session& locations, const SchemaReader& read_schema,
                            const SqlDdlOptions& options) {
  const bool trino = options.dialect == SqlDialect::Trino;
  if (trino) {
    require_name(options.trino_delta_catalog, "--trino-delta-catalog");
    require_name(options.trino_hive_catalog, "--trino-hive-catalog");
  } else {
    require_name(options.s3_scheme, "--s3-scheme");
  }
  DdlWriter writer(locations, read_schema, options);
  ExportResult result;
  std::string body;
  std::set<std::pair<std::string, std::string>> schemas;  // (catalog, database) created so far
  auto emit = [&](const std::string& statement) {
    body += statement + ";\n";
    result.statements.push_back(statement);
  };
  for (const auto& database : catalog.database_names()) {
    for (const auto& table : catalog.db(database).tables()) {
      const std::string qualified = database + "." + table.name();
      TableDdl ddl = writer.table(database, table);
      if (ddl.skipped) {
        result.skipped.push_back({qualified, *ddl.skipped});
        body += "\n" + sql_comment("skipped " + qualified + ": " + *ddl.skipped);
        continue;
      }
      if (schemas.insert({ddl.schema_catalog, database}).second) {
        body += "\n";
        emit(writer.create_schema(database, ddl.schema_catalog));
      }
      body += "\n" + sql_comment(qualified + (table.def().metadata.description.empty()
                                                  ? ""
                                                  : ": " + table.def().metadata.description));
      for (const auto& n : ddl.notes) {
        result.notes.push_back({qualified, n});
        body += sql_comment("note: " + n);
      }
      for (const auto& s : ddl.statements) emit(s);
    }
  }
  std::string& out = result.text;
  out += sql_comment(writer.engine() + " DDL for the tables of catalog '" + one_line(catalog.name()) +
                     "', written by `neuralake export " + to_string(options.dialect) + "`.");
  if (trino) {
    out += sql_comment(
        "Delta tables are registered with the Delta Lake connector's register_table procedure, which is off by\n"
        "default: enable it in the catalog's properties with delta.register-table-procedure.enabled=true.\n"
        "Parquet, CSV and JSON tables are external tables of the Hive connector.");
  }
  out += body;
  return result;
}

}  // namespace neuralake::cli
