// Writes classic single-file Delta checkpoints.
#pragma once

#include <cstdint>

#include "delta/snapshot.h"

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake::engine {

struct CheckpointWritten {
  int64_t version = 0;
  int64_t adds = 0, removes = 0, txns = 0;  // rows written of each kind
  int64_t size_bytes = 0;                   // the checkpoint file's size
};

// Writes the checkpoint of `table` at `version`, then _last_checkpoint.
CheckpointWritten write_delta_checkpoint(duckdb::DatabaseInstance& db, const delta::TableLocation& table, int64_t version);

}  // namespace neuralake::engine
