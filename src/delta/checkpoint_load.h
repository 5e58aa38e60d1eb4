// Loading a snapshot from a Parquet checkpoint and the commits after it.
#pragma once

#include <cstdint>

#include "delta/checkpoint_reader.h"
#include "delta/log_listing.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

// Fills `snap` (its location, version and last_checkpoint set) at `target`
// from checkpoint `cp` of version `version` and the commits after it up to
// `target`, which the listing holds. Throws NotSupported for a v2
// checkpoint; read errors as load_snapshot() describes them.
void load_from_checkpoint(Snapshot& snap, CheckpointReader& checkpoints, const LogListing& listing, int64_t version,
                          const CheckpointFiles& cp, int64_t target);

}  // namespace neuralake::delta
