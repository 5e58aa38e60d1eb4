// How the engine-free log replay reads Parquet checkpoints: an interface the
// engine implements (src/engine/delta_checkpoint_reader.cpp), so the snapshot
// code needs no Parquet reader of its own.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralake/object_store.h"

namespace neuralake::delta {

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  // Reads the checkpoint parts `keys` of `store` and calls `row` once per
  // action row with that row as one JSON object in the commit-file shape,
  // e.g. {"add":{"path":..,"partitionValues":{..},"stats":"..",...}} (the
  // other actions null or absent). Rows may arrive in any order. Throws
  // NotFound naming a part that is missing, Corruption naming one that is not
  // a readable checkpoint.
  virtual void read(ObjectStore& store, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view json_row)>& row) = 0;
};

}  // namespace neuralake::delta
