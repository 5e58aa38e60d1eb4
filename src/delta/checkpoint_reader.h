// How the engine-free log replay reads Parquet checkpoints: an interface the
// engine implements (src/engine/delta_checkpoint_reader.cpp), so the snapshot
// code needs no Parquet reader of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/deletion_vector.h"
#include "delta/file_stats.h"
#include "neuralake/object_store.h"

namespace neuralake::delta {

// Where an add action sits in a checkpoint: the index of its part (in the
// `keys` passed to the reader) and its row number within that part. The adds
// and their stats are read separately (and concurrently); this joins them.
struct CheckpointRow {
  uint32_t part = 0;
  uint64_t row = 0;
  uint64_t key() const { return (static_cast<uint64_t>(part) << 40) | row; }
};

// One add action of a checkpoint, typed, without its stats. The views are
// valid only during the callback that receives it.
struct CheckpointAdd {
  CheckpointRow at;
  std::string_view path;
  // Indexed like the `partition_keys` passed to read_adds(); nullopt: null.
  std::vector<std::optional<std::string_view>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  // False where the checkpoint holds null (a required field: Corruption).
  bool has_size = true;
  bool has_modification_time = true;
  std::shared_ptr<const DeletionVectorDescriptor> deletion_vector;
};

// The stats of one add action: add.stats_parsed typed for the layout passed
// to read_add_stats() where the checkpoint has that column (the same numbers
// as the JSON text, without the text to decompress and scan), otherwise the
// add.stats JSON text. Valid only during the callback.
struct CheckpointStats {
  CheckpointRow at;
  std::string_view json;                 // used when `parsed` is null
  const TypedStats* parsed = nullptr;
};

// A share of the rows of each checkpoint part, for reading stats on several
// threads: calls with index 0..count-1 read disjoint row ranges that together
// cover every row once.
struct RowShare {
  uint32_t index = 0;
  uint32_t count = 1;
};

// Implementations must allow read_adds() and read_add_stats() to run at the
// same time on several threads: a snapshot load overlaps them.
class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  // Every action row of the checkpoint parts `keys` of `store` except adds
  // (protocol, metaData, txn, remove), each as one JSON object in the
  // commit-file shape, e.g. {"metaData":{...}}. Rows may come in any order.
  // Throws NotFound naming a part that is missing, Corruption naming one
  // that is not a readable checkpoint.
  virtual void read_actions(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                            const std::function<void(std::string_view json_row)>& row) = 0;
  // Every add action of the same parts, typed (no JSON in between: a
  // checkpoint may hold hundreds of thousands), in part and row order.
  // `partition_keys` are the partitionValues keys to extract (physical
  // names). Same errors.
  virtual void read_adds(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                         const std::vector<std::string>& partition_keys,
                         const std::function<void(const CheckpointAdd& add)>& add) = 0;
  // The stats of every add action that has them, in part and row order.
  // `stats_layout` gives the columns whose add.stats_parsed bounds to
  // extract; it is called only for a checkpoint that has that column, and
  // may block (the layout comes from the checkpoint's own metaData, which a
  // load reads meanwhile). Reads `share` of the rows; a share count above 1
  // only where shares_rows(). Same errors.
  virtual void read_add_stats(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                              const std::function<const StatsLayout&()>& stats_layout,
                              const std::function<void(const CheckpointStats& stats)>& stats, RowShare share) = 0;
  // Whether read_add_stats() reads shares of the rows (otherwise it must be
  // called with the single share {0, 1}).
  virtual bool shares_rows() const { return false; }
  // Called once a load's reads are done: gives back to the system what the
  // reads' buffers left cached, so a process's memory follows the snapshots
  // it holds (a checkpoint's decompressed text is several times a snapshot).
  virtual void release_buffers() {}
};

}  // namespace neuralake::delta
