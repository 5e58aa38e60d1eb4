// Writing Delta Lake tables: create a table, append to it, overwrite it, and
// checkpoint its log. Files are standard Parquet under Hive-style partition
// directories, committed to the table's _delta_log with a put-if-absent, so
// any Delta reader can read the result and other Delta writers can keep
// appending to it.
//
//   neuralake::Session session(catalog, options);
//   neuralake::DeltaWriter writer(session, "sales.orders");        // or a URI / "{warehouse}/..."
//   auto r = writer.append(session.table("raw", "orders").filter(...));
//   std::cout << "committed version " << r.version << "\n";
//
// A write through a session is visible to that session's next query.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/lazy_frame.h"
#include "neuralake/types.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Session;

// How a new table is made (DeltaWriter::create, and DeltaWriteOptions::create
// for a write that may create its table).
struct DeltaCreateOptions {
  std::vector<std::string> partition_by;           // partition columns, in order
  std::map<std::string, std::string> properties;  // "delta.appendOnly" = "true", ...
  std::vector<std::string> not_null;              // columns declared non-nullable
  std::string name;                               // metaData.name (optional)
  std::string description;                        // metaData.description (optional)
  // Creating a table that exists is an error (AlreadyExists) unless this is set;
  // then it does nothing and returns the table's current version.
  bool if_not_exists = false;
};

// Idempotent retries: a write carrying (app_id, version) commits only if the
// table's last transaction of `app_id` is older than `version`; otherwise it
// writes nothing and reports DeltaWriteResult::skipped.
struct DeltaTransaction {
  std::string app_id;
  int64_t version = 0;
};

struct DeltaWriteOptions {
  // Files roll to a new one at about this many bytes. The engine cannot roll
  // files while partitioning, so a partition whose file came out larger than
  // 1.25x this is rewritten in pieces (a second pass over that partition only).
  uint64_t target_file_size = 128ull << 20;
  uint64_t row_group_rows = 122880;
  // Parquet codec: "snappy", "zstd", "gzip", "lz4", "uncompressed". Empty: the
  // table's delta.parquet.compression.codec property, else snappy.
  std::string compression;
  std::optional<DeltaTransaction> transaction;
  std::string user_metadata;  // commitInfo.userMetadata
  // Attempts of a blind append when other writers take its version.
  int max_commit_attempts = 15;
  // Overwrite only: replace the table's schema (and partitioning) with the data's.
  bool replace_schema = false;
  // Add the data's columns the table lacks, as nullable columns (a new
  // metaData). A column whose type differs beyond a lossless cast is still refused.
  bool merge_schema = false;
  // Make the table from the data's schema if it does not exist yet.
  std::optional<DeltaCreateOptions> create;
  // Called from the writing thread with the rows written so far.
  std::function<void(uint64_t rows)> progress;
};

struct DeltaWriteResult {
  int64_t version = -1;            // the committed version (or the current one when skipped)
  std::vector<std::string> files;  // add.path of each file written
  int64_t rows = 0;
  int64_t bytes = 0;
  int attempts = 0;                // commit attempts (1 unless others committed first)
  bool skipped = false;            // the transaction was already committed: nothing written
  std::optional<int64_t> checkpoint_version;  // a checkpoint this commit triggered
};

// A writer of one Delta table. Errors:
//  - InvalidArgument: a column missing, extra or of a type that cannot be cast
//    losslessly (named with both types), a bad option or property;
//  - NotSupported: a column type Delta cannot hold, or a table feature this
//    writer does not implement (named) — refused before any file is written;
//  - AlreadyExists: create() of an existing table;
//  - Conflict: another writer committed a change this commit cannot be
//    reconciled with (the winning version named); nothing of ours is visible;
//  - the store's errors (IOError, PermissionDenied, ...).
// Commits of one table are serialized within a process.
class DeltaWriter {
 public:
  // `table` is a catalog table "database.table", a URI ("s3://b/t",
  // "file:///d/t"), a local path or "{warehouse}/...". Throws PermissionDenied
  // naming the table if `session` is confined to its catalog (read only).
  DeltaWriter(Session& session, std::string table);

  // The table root as a URI.
  const std::string& location() const { return location_; }

  DeltaWriteResult create(const Schema& schema, const DeltaCreateOptions& options = {});
  // Appends the rows of `data` (streamed from the engine, never collected).
  DeltaWriteResult append(const LazyFrame& data, const DeltaWriteOptions& options = {});
  DeltaWriteResult append(const DataFrame& data, const DeltaWriteOptions& options = {});
  // Replaces every row of the table with `data`.
  DeltaWriteResult overwrite(const LazyFrame& data, const DeltaWriteOptions& options = {});
  DeltaWriteResult overwrite(const DataFrame& data, const DeltaWriteOptions& options = {});
  // Replaces exactly the rows matching `predicate` (a SQL condition over the
  // table's columns, e.g. "day = DATE '2024-01-02'"): Delta's replaceWhere.
  // Every row of `data` must match it, or the write fails before committing
  // (InvalidArgument). Files holding matching rows are removed, and their other
  // rows written again. A concurrent commit that added or removed files the
  // predicate may match is a Conflict; one elsewhere (another partition) is not.
  DeltaWriteResult overwrite(const LazyFrame& data, const std::string& predicate,
                             const DeltaWriteOptions& options = {});
  DeltaWriteResult overwrite(const DataFrame& data, const std::string& predicate,
                             const DeltaWriteOptions& options = {});
  // Writes a checkpoint of the latest version; returns that version.
  int64_t checkpoint();

 private:
  Session* session_;
  std::string name_;      // as given, for messages
  std::string location_;  // the table root URI
};

}  // namespace neuralake
#pragma GCC visibility pop
