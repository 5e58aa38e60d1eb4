// `neuralake delta history` and the Delta lines of `neuralake describe`,
// for catalog tables and for table roots given by path (no catalog needed).
#include "delta_commands.h"

#include <ctime>
#include <filesystem>
#include <ostream>
#include <vector>

#include "frame_writers.h"
#include "neuralake/data_frame.h"
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

void add_delta_commands(CLI::App& app, DeltaHistoryCommand& command) {
  command.delta = app.add_subcommand("delta", "Inspect Delta Lake tables");
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
