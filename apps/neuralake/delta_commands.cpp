// `neuralake delta history` and the Delta lines of `neuralake describe`,
// for catalog tables and for table roots given by path (no catalog needed).
#include "delta_commands.h"

#include <cctype>
#include <ctime>
#include <map>
#include <filesystem>
#include <ostream>
#include <vector>

#include "frame_writers.h"
#include "neuralake/data_frame.h"
#include "neuralake/delta_writer.h"
#include "neuralake/progress_bar.h"
#include "neuralake/expr.h"
#include "table_docs.h"

namespace neuralake::cli {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s.empty() ? "-" : s;
}

// A relative path means the working directory, as for any command-line tool;
// URIs and "{warehouse}/..." are the session's to resolve.
std::string absolute_location(const std::string& path) {
  if (path.find("://") != std::string::npos || path.rfind("{", 0) == 0) return path;
  return std::filesystem::absolute(path).lexically_normal().string();
}

std::string human_bytes(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::pair<std::string, std::string> split_qualified(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    throw Error(ErrorCode::InvalidArgument, name,
                "'" + name + "' is neither database.table nor a path to a Delta table");
  }
  return {name.substr(0, dot), name.substr(dot + 1)};
}

}  // namespace

void add_delta_commands(CLI::App& app, DeltaHistoryCommand& command, DeltaWriteCommand& write) {
  command.delta = app.add_subcommand("delta", "Inspect and write Delta Lake tables");
  command.delta->require_subcommand(1);
  command.history = command.delta->add_subcommand("history", "Show a Delta table's commits, newest first");
  command.history
      ->add_option("table", command.table,
                   "Table as database.table (needs --catalog), or the table's root folder by path or URI")
      ->required();
  command.history->add_option("--limit,-n", command.limit, "Show only the newest N commits (0: all)")
      ->capture_default_str();
  command.history
      ->add_option("--format,-f", command.format,
                   "table: Polars-style table; csv: CSV with a header; json: JSON Lines, one object per commit")
      ->check(CLI::IsMember({"table", "csv", "json"}));

  const char* table_help = "Table as database.table (needs --catalog), or the table's root folder by path or URI";
  auto data_options = [&](CLI::App* c) {
    c->add_option("table", write.table, table_help)->required();
    auto* from = c->add_option("--from", write.from, "Read the rows from a .parquet, .csv or .ndjson/.jsonl file (or glob)");
    auto* sql = c->add_option("--sql", write.sql, "Read the rows from a SQL query over the catalog");
    from->excludes(sql);
    c->add_flag("--create", write.create_missing, "Create the table from the data's schema if it does not exist");
    c->add_option("--partition-by", write.partition_by, "Partition columns of a table --create makes")->delimiter(',');
    c->add_option("--property", write.properties, "Table property k=v of a table --create makes (repeatable)");
    c->add_option("--compression", write.compression, "Parquet codec: snappy (default), zstd, gzip, lz4, uncompressed");
    c->add_option("--txn-app-id", write.app_id, "Application id of an idempotent write (with --txn-version)");
    c->add_option("--txn-version", write.txn_version, "Version of an idempotent write: skipped if already committed");
    c->add_option("--user-metadata", write.user_metadata, "Text recorded in the commit's commitInfo.userMetadata");
    c->add_flag("--merge-schema", write.merge_schema, "Add the data's new columns to the table (as nullable columns)");
  };
  write.append = command.delta->add_subcommand("append", "Append rows to a Delta table");
  data_options(write.append);
  write.overwrite = command.delta->add_subcommand("overwrite", "Replace every row of a Delta table");
  data_options(write.overwrite);
  write.overwrite->add_flag("--replace-schema", write.replace_schema, "Replace the table's schema with the data's");
  write.overwrite->add_option("--where", write.where,
                              "Replace only the rows matching this SQL condition (replaceWhere); every row written "
                              "must match it");
  write.create = command.delta->add_subcommand("create", "Create an empty Delta table");
  write.create->add_option("table", write.table, table_help)->required();
  write.create->add_option("--schema", write.schema, "Columns, e.g. \"id BIGINT NOT NULL, name VARCHAR\"")->required();
  write.create->add_option("--partition-by", write.partition_by, "Partition columns")->delimiter(',');
  write.create->add_option("--property", write.properties, "Table property k=v (repeatable)");
  write.create->add_option("--description", write.description, "The table's description");
  write.create->add_flag("--if-not-exists", write.if_not_exists, "Do nothing if the table exists");
  write.checkpoint = command.delta->add_subcommand("checkpoint", "Write a checkpoint of a Delta table's latest version");
  write.checkpoint->add_option("table", write.table, table_help)->required();
}

std::pair<Schema, std::vector<std::string>> parse_schema_option(const std::string& text, Session& session) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '(' || c == '<')) ++depth;
    if (!quoted && (c == ')' || c == '>')) --depth;
    if (c == ',' && depth == 0 && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  std::string select;
  std::vector<std::string> not_null;
  for (auto part : parts) {
    auto trim = [](std::string& s) {
      s.erase(0, s.find_first_not_of(" \t\n"));
      s.erase(s.find_last_not_of(" \t\n") + 1);
    };
    trim(part);
    if (part.empty()) throw Error(ErrorCode::InvalidArgument, "--schema", "--schema '" + text + "' has an empty column");
    std::string name, type;
    if (part[0] == '"') {
      size_t end = part.find('"', 1);
      if (end == std::string::npos) throw Error(ErrorCode::InvalidArgument, part, "unclosed quote in column '" + part + "'");
      name = part.substr(1, end - 1);
      type = part.substr(end + 1);
    } else {
      size_t sp = part.find_first_of(" \t");
      if (sp == std::string::npos) {
        throw Error(ErrorCode::InvalidArgument, part, "column '" + part + "' in --schema has no type (e.g. \"" + part + " BIGINT\")");
      }
      name = part.substr(0, sp);
      type = part.substr(sp + 1);
    }
    trim(type);
    std::string upper = type;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (upper.size() > 8 && upper.compare(upper.size() - 8, 8, "NOT NULL") == 0) {
      type = type.substr(0, type.size() - 8);
      trim(type);
      not_null.push_back(name);
    }
    select += (select.empty() ? "SELECT " : ", ") + std::string("CAST(NULL AS ") + type + ") AS " + quote_identifier(name);
  }
  Schema schema;
  try {
    schema = session.describe(select);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument, "--schema", "--schema '" + text + "' is not a column list: " + e.what());
  }
  return {schema, not_null};
}

void run_delta_write(std::ostream& out, const DeltaWriteCommand& c, Session& session, bool progress) {
  const std::string table = is_table_path(c.table) ? absolute_location(c.table) : c.table;
  DeltaWriter writer(session, table);
  std::map<std::string, std::string> properties;
  for (const auto& p : c.properties) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorCode::InvalidArgument, p, "--property '" + p + "' is not key=value");
    }
    properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  if (*c.checkpoint) {
    const int64_t version = writer.checkpoint();
    out << "wrote checkpoint at version " << version << "\n";
    return;
  }
  if (*c.create) {
    auto [schema, not_null] = parse_schema_option(c.schema, session);
    DeltaCreateOptions o;
    o.partition_by = c.partition_by;
    o.properties = properties;
    o.not_null = not_null;
    o.description = c.description;
    o.if_not_exists = c.if_not_exists;
    auto r = writer.create(schema, o);
    out << (r.skipped ? "table exists at version " : "created version ") << r.version << " of " << writer.location()
        << "\n";
    return;
  }
  if (c.from.empty() == c.sql.empty()) {
    throw Error(ErrorCode::InvalidArgument, "--from", "give the rows to write with --from <file> or --sql \"<query>\"");
  }
  std::string query = c.sql;
  if (!c.from.empty()) {
    std::string path = c.from;
    if (path.find("://") == std::string::npos) path = std::filesystem::absolute(path).lexically_normal().string();
    auto ends = [&](const char* ext) {
      std::string e = ext;
      return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".parquet")) {
      query = "SELECT * FROM read_parquet(" + sql_string_literal(path) + ")";
    } else if (ends(".csv") || ends(".csv.gz")) {
      query = "SELECT * FROM read_csv(" + sql_string_literal(path) + ")";
    } else if (ends(".ndjson") || ends(".jsonl") || ends(".json")) {
      query = "SELECT * FROM read_json(" + sql_string_literal(path) + ")";
    } else {
      throw Error(ErrorCode::InvalidArgument, c.from,
                  "--from '" + c.from + "': expected a .parquet, .csv, .ndjson, .jsonl or .json file");
    }
  }
  DeltaWriteOptions o;
  o.compression = c.compression;
  o.user_metadata = c.user_metadata;
  o.replace_schema = c.replace_schema;
  o.merge_schema = c.merge_schema;
  if (!c.app_id.empty() || c.txn_version >= 0) {
    if (c.app_id.empty() || c.txn_version < 0) {
      throw Error(ErrorCode::InvalidArgument, "--txn-app-id", "--txn-app-id and --txn-version go together");
    }
    o.transaction = DeltaTransaction{c.app_id, c.txn_version};
  }
  if (c.create_missing) {
    DeltaCreateOptions create;
    create.partition_by = c.partition_by;
    create.properties = properties;
    o.create = create;
  } else if (!c.partition_by.empty() || !properties.empty()) {
    throw Error(ErrorCode::InvalidArgument, "--partition-by",
                "--partition-by and --property describe a new table: add --create");
  }
  ProgressBar bar(0, progress, "bytes");
  uint64_t shown = 0;
  o.progress = [&](uint64_t bytes) {
    bar.advance(bytes - shown, "writing");
    shown = bytes;
  };
  auto r = !*c.overwrite          ? writer.append(session.lazy(query), o)
           : c.where.empty()      ? writer.overwrite(session.lazy(query), o)
                                  : writer.overwrite(session.lazy(query), c.where, o);
  bar.finish();
  if (r.skipped) {
    out << "transaction " << c.app_id << " version " << c.txn_version << " is already committed (table at version "
        << r.version << "); nothing written\n";
    return;
  }
  out << "committed version " << r.version << ": " << r.files.size() << " file" << (r.files.size() == 1 ? "" : "s")
      << ", " << r.rows << " row" << (r.rows == 1 ? "" : "s") << ", " << human_bytes(r.bytes);
  if (r.attempts > 1) out << " (" << r.attempts << " attempts)";
  if (r.checkpoint_version) out << "; checkpoint written";
  out << "\n";
}

bool is_table_path(const std::string& name) {
  return name.find('/') != std::string::npos || name.rfind(".", 0) == 0 || name.rfind("{", 0) == 0;
}

std::string format_utc_millis(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t frac = ms - secs * 1000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(frac));
  return buf;
}

void run_delta_history(std::ostream& out, const DeltaHistoryCommand& command, const std::optional<Catalog>& catalog,
                       Session& session, size_t table_width) {
  std::vector<DeltaCommit> commits;
  if (is_table_path(command.table)) {
    commits = delta_history(session, absolute_location(command.table), command.limit);
  } else {
    if (!catalog) {
      throw Error(ErrorCode::InvalidArgument, "--catalog",
                  "'delta history " + command.table +
                      "' needs a catalog: pass --catalog path/to/libcatalog.so, or give the table's path");
    }
    auto [database, table] = split_qualified(command.table);
    commits = delta_history(session, database, table, command.limit);
  }
  std::vector<int64_t> versions, adds, removes;
  std::vector<std::string> times, operations, engines, parameters;
  for (const auto& c : commits) {
    versions.push_back(c.version);
    times.push_back(format_utc_millis(c.timestamp_ms));
    operations.push_back(c.operation);
    adds.push_back(c.adds);
    removes.push_back(c.removes);
    engines.push_back(c.engine);
    parameters.push_back(c.parameters);
  }
  DataFrame df = DataFrame::from_columns({Series("version", versions), Series("timestamp", times),
                                          Series("operation", operations), Series("adds", adds),
                                          Series("removes", removes), Series("engine", engines),
                                          Series("parameters", parameters)});
  if (command.format == "csv") {
    write_csv(out, df);
  } else if (command.format == "json") {
    write_json_lines(out, df);
  } else {
    FormatOptions fo;
    fo.max_rows = commits.size();  // a history is read whole; --limit shortens it
    fo.table_width = table_width;
    out << df.to_string(fo) << "\n";
  }
}

void write_delta_info(std::ostream& out, const DeltaTableInfo& info) {
  write_doc_line(out, "delta_version", std::to_string(info.version));
  write_doc_line(out, "committed_at", format_utc_millis(info.timestamp_ms));
  write_doc_line(out, "partition_cols", join(info.partition_columns));
  write_doc_line(out, "files",
                 std::to_string(info.num_files) + " (" + human_bytes(info.total_bytes) + ", " +
                     std::to_string(info.total_bytes) + " bytes)");
  write_doc_line(out, "protocol", "reader " + std::to_string(info.min_reader_version) + ", writer " +
                                      std::to_string(info.min_writer_version));
  write_doc_line(out, "reader_features", join(info.reader_features));
  write_doc_line(out, "writer_features", join(info.writer_features));
  write_doc_line(out, "column_mapping", info.column_mapping);
  write_doc_line(out, "checkpoint", info.checkpoint_version ? std::to_string(*info.checkpoint_version) : "-");
}

void write_catalog_delta_info(std::ostream& out, const Catalog& catalog, Session& session,
                              const std::string& qualified_name) {
  const Table& table = catalog.table(qualified_name);
  if (table.kind() != table_kind::delta) return;
  write_delta_info(out, delta_table_info(session, split_qualified(qualified_name).first, table.name()));
}

void describe_delta_path(std::ostream& out, Session& session, const std::string& path) {
  std::string location = absolute_location(path);
  DeltaTableInfo info = delta_table_info(session, location);
  out << path << "\n";
  write_doc_line(out, "kind", "delta");
  write_doc_line(out, "location", info.location);
  write_delta_info(out, info);
  out.flush();
  write_column_list(out, session.describe("SELECT * FROM delta_scan(" + sql_string_literal(info.location) + ")"));
}

}  // namespace neuralake::cli
