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

// One add action of a checkpoint, typed. The views are valid only during the
// callback that receives it.
struct CheckpointAdd {
  std::string_view path;
  // Indexed like the `partition_keys` passed to read_adds(); nullopt: null.
  std::vector<std::optional<std::string_view>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  std::optional<std::string_view> stats;  // the stats JSON text
  // add.stats_parsed, typed for the `stats_layout` passed to read_adds(),
  // where the checkpoint has that column (then `stats` is not read: the
  // same numbers as text); null otherwise or for a row without it.
  const TypedStats* stats_parsed = nullptr;
  std::shared_ptr<const DeletionVectorDescriptor> deletion_vector;
};

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  // Every action row of the checkpoint parts `keys` of `store` except adds
  // (protocol, metaData, txn, remove), each as one JSON object in the
  // commit-file shape, e.g. {"metaData":{...}}. Rows may come in any order.
  // Throws NotFound naming a part that is missing, Corruption naming one
  // that is not a readable checkpoint.
  virtual void read_actions(ObjectStore& store, const std::vector<std::string>& keys,
                            const std::function<void(std::string_view json_row)>& row) = 0;
  // Every add action of the same parts, typed (no JSON in between: a
  // checkpoint may hold hundreds of thousands). `partition_keys` are the
  // partitionValues keys to extract (physical names); `stats_layout` the
  // columns whose add.stats_parsed bounds to extract. Same errors.
  virtual void read_adds(ObjectStore& store, const std::vector<std::string>& keys,
                         const std::vector<std::string>& partition_keys, const StatsLayout& stats_layout,
                         const std::function<void(const CheckpointAdd& add)>& add) = 0;
};

}  // namespace neuralake::delta
