// A Delta table in a memory store, for the fuzz targets of the log: commit
// files and _last_checkpoint put as given, loaded as a snapshot by the same
// code as a real table, and every live file's partition values and stats
// decoded as a scan would.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "delta/checkpoint_parquet_reader.h"
#include "delta/deletion_vector.h"
#include "delta/file_stats.h"
#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "delta/typed_value.h"
#include "fuzz_util.h"

namespace neuralake::fuzz {

struct FuzzTable {
  std::shared_ptr<ObjectStore> store = make_memory_store("fuzz");
  delta::TableLocation location{store, "t", "t"};

  void put_commit(int64_t version, std::string_view text) {
    store->put("t/_delta_log/" + delta::padded_version(version) + ".json", text);
  }
  void put(const std::string& name, std::string_view bytes) { store->put("t/_delta_log/" + name, bytes); }

  // Loads the latest (or `version`) snapshot and reads what a scan reads.
  void load(std::optional<int64_t> version = std::nullopt) {
    auto checkpoints = delta::make_checkpoint_parquet_reader(std::make_unique<NoFallbackCheckpointReader>());
    const delta::SnapshotPtr snap = delta::load_snapshot(location, *checkpoints, version);
    walk(*snap);
    (void)delta::refresh_snapshot(snap, *checkpoints);
  }

  static void walk(const delta::Snapshot& snap) {
    const auto& layout = snap.stats_layout;
    snap.for_each_file([&](const delta::FileEntry& f) {
      (void)snap.location.file_key(f.path());
      for (size_t i = 0; i < layout.columns.size(); ++i) (void)delta::decode_column_stats(f.stats(), layout, i);
      for (size_t i = 0; i < snap.metadata.partition_columns.size(); ++i) {
        const int column = snap.schema.find(snap.metadata.partition_columns[i]);
        if (column < 0) continue;
        (void)delta::parse_partition_value(f.partition_value(i), snap.schema.fields[column].type,
                                           "t." + snap.metadata.partition_columns[i]);
      }
      if (f.deletion_vector) {
        (void)f.deletion_vector->unique_id();
        // Inline ones decode from the log's text alone; others are read
        // from their .bin file, which is not there (NotFound).
        (void)delta::load_deletion_vector(*snap.location.store, snap.location.key, *f.deletion_vector);
      }
    });
  }
};

}  // namespace neuralake::fuzz
