// Delta Lake tables: declaring one in a catalog, and the facts about its log
// (version, partitioning, protocol, history) that `neuralake describe` shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/table.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Session;

// A Delta Lake table whose root (the folder holding _delta_log/) is
// `location`, usually "{warehouse}/path/to/table", on any store the session
// serves (file://, s3://...). It takes the metadata setters of every Table.
// Queries read the latest version (a loaded snapshot is reused for
// SessionOptions::delta_staleness, then refreshed from the new commits only);
// LazyFrame::at_version() and as_of() read older ones. Throws InvalidArgument naming the table if
// `location` is empty. Problems with the log (not a Delta table, missing or
// corrupt entries, unsupported reader features) are errors when it is read.
Table DeltaTable(std::string name, std::string location);

// What a Delta table's log says at one version.
struct DeltaTableInfo {
  std::string location;  // the table root as a URI ("{warehouse}" expanded)
  int64_t version = 0;
  int64_t timestamp_ms = 0;  // commit time of `version` (see LazyFrame::as_of)
  std::vector<std::string> partition_columns;
  size_t num_files = 0;      // live data files
  int64_t total_bytes = 0;   // their sizes as the log records them
  int min_reader_version = 1;
  int min_writer_version = 2;
  std::vector<std::string> reader_features;  // empty below reader version 3
  std::vector<std::string> writer_features;  // empty below writer version 7
  std::string column_mapping = "none";       // "none", "name" or "id"
  std::optional<int64_t> checkpoint_version; // the checkpoint the snapshot started from
};

// One commit of a Delta table's history.
struct DeltaCommit {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  // as DeltaTableInfo::timestamp_ms
  std::string operation;     // commitInfo.operation, e.g. "WRITE"; empty if absent
  std::string parameters;    // commitInfo.operationParameters as JSON; empty if absent
  std::string engine;        // commitInfo.engineInfo; empty if absent
  int64_t adds = 0;
  int64_t removes = 0;
};

// The latest version of catalog table `database.table` as `session` sees it.
// Throws NotFound naming the table if it is unknown, InvalidArgument naming it
// if it is not a Delta table, and the log's errors (NotFound, Corruption,
// NotSupported) naming the table otherwise.
DeltaTableInfo delta_table_info(Session& session, const std::string& database, const std::string& table);
// The same for a table by location (a URI or "{warehouse}/..."); the errors
// name the location.
DeltaTableInfo delta_table_info(Session& session, const std::string& location);

// The commits still in the log, newest first, at most `limit` (0: all).
// Errors as delta_table_info().
std::vector<DeltaCommit> delta_history(Session& session, const std::string& database, const std::string& table,
                                       size_t limit = 0);
std::vector<DeltaCommit> delta_history(Session& session, const std::string& location, size_t limit = 0);

}  // namespace neuralake
#pragma GCC visibility pop
