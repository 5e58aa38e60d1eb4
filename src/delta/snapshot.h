// A Delta table at one version: protocol, metadata, schema and the live data
// files with their partition values, stats and deletion vectors. Immutable;
// shared between scans and refreshed by building a new one (log_replay.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/deletion_vector.h"
#include "delta/file_stats.h"
#include "delta/schema.h"
#include "common/page_memory.h"
#include "delta/text_arena.h"
#include "neuralake/object_store.h"

namespace neuralake::delta {

struct Protocol {
  int min_reader_version = 1;
  int min_writer_version = 2;
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
};

struct Metadata {
  std::string id;
  std::string name;
  std::string description;
  std::string schema_string;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::optional<int64_t> created_time;
};

// One live data file. Its path is add.path exactly as the log writes it
// (relative paths URL-encoded); partition values are indexed like
// Metadata::partition_columns, raw (typed later by the column type). The text
// lives in the arena of the segment holding the entry, and the entry only
// points at it (a few dozen bytes per file matter at 100k files), so an entry
// is valid while its segment is.
struct FileEntry {
  int64_t size = 0;
  int64_t modification_time = 0;
  int64_t num_records = -1;
  std::shared_ptr<const DeletionVectorDescriptor> deletion_vector;

  std::string_view path() const { return {text_, path_len_}; }
  // The encoded stats (file_stats.h); empty if the log has none.
  std::string_view stats() const { return {stats_, stats_len_}; }
  // Partition value `i` (nullopt: null), decoded from the packed form.
  std::optional<std::string> partition_value(size_t i) const;

  // Stores `path` and the packed partition `values` together in `arena`;
  // `scratch` is reused between files (no allocation each).
  void set_path(std::string_view path, const std::vector<std::optional<std::string_view>>& values, TextArena& arena,
                std::string& scratch);
  // Points at encoded stats kept in an arena the segment owns.
  void set_stats(std::string_view encoded) {
    stats_ = encoded.data();
    stats_len_ = static_cast<uint32_t>(encoded.size());
  }

 private:
  // The path, then per partition value a byte 0 (null) or 1, then for 1 a
  // 4-byte length and the bytes.
  const char* text_ = nullptr;
  const char* stats_ = nullptr;
  uint32_t path_len_ = 0;
  uint32_t partitions_len_ = 0;
  uint32_t stats_len_ = 0;
};

// A segment's file entries (see Snapshot::Segment).
using FileList = std::vector<FileEntry, PageAllocator<FileEntry>>;

struct Txn {
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

// The checkpoint a snapshot was loaded from, with its action row counts.
struct CheckpointSummary {
  int64_t version = 0;
  int parts = 1;
  int64_t adds = 0, removes = 0, metadata = 0, protocol = 0, txns = 0;
};

// _delta_log/_last_checkpoint as written (checkpointSchema left out).
struct LastCheckpoint {
  int64_t version = 0;
  std::optional<int64_t> size;
  std::optional<int64_t> parts;
  std::optional<int64_t> size_in_bytes;
  std::optional<int64_t> num_of_add_files;
};

// Where a table lives: a store and the key of the table root within it (no
// trailing '/'); `name` names the table in errors (its URI or catalog name).
struct TableLocation {
  std::shared_ptr<ObjectStore> store;
  std::string key;
  std::string name;
  // The key of `path` from the log: URL-decoded and made relative to the store.
  std::string file_key(std::string_view log_path) const;
};

class Snapshot {
 public:
  TableLocation location;
  int64_t version = -1;
  Protocol protocol;
  Metadata metadata;
  DeltaSchema schema;
  ColumnMappingMode column_mapping = ColumnMappingMode::None;
  StatsLayout stats_layout;
  std::map<std::string, Txn> txns;  // by appId
  std::optional<CheckpointSummary> checkpoint;
  std::optional<LastCheckpoint> last_checkpoint;
  // The commit timestamp of `version` in ms since the epoch (the in-commit
  // timestamp where enabled, else the commit file's modification time).
  int64_t timestamp_ms = 0;

  // Live files are kept in immutable segments shared between a snapshot and
  // its refreshed successors, so a refresh copies nothing it does not change.
  struct Segment {
    std::shared_ptr<const FileList> files;
    std::shared_ptr<const std::vector<bool>> removed;  // null: none removed
    std::shared_ptr<const TextArena> text;  // the text `files` point into
  };
  std::vector<Segment> segments;

  size_t num_files() const { return num_files_; }
  int64_t total_bytes() const;
  // Calls `fn` for every live file, in log order.
  void for_each_file(const std::function<void(const FileEntry&)>& fn) const;
  std::vector<const FileEntry*> files() const;

  // Index of partition column `name` in Metadata::partition_columns, or -1.
  int partition_index(const std::string& name) const;

  size_t num_files_ = 0;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace neuralake::delta
