// A CheckpointReader that decodes the bulk of a checkpoint, its add actions
// and their stats, with neuralake's own Parquet decoder (src/parquet/):
// values go straight from decompressed pages to the snapshot, with no query
// engine, result chunks or string copies in between.
//
// The few other actions (protocol, metaData, txn, remove) go to `fallback`,
// as does any part whose needed columns use what the decoder does not read
// (an LZ4 or Brotli codec, DELTA_* encodings, INT96, stats typed in a way it
// does not convert); that decision is taken from the part's footer before
// any row is passed on, so a load never mixes the two for one part. A null
// `fallback` makes such a part NotSupported (native decoding required).
#pragma once

#include <memory>

#include "delta/checkpoint_reader.h"

namespace neuralake::delta {

std::unique_ptr<CheckpointReader> make_checkpoint_parquet_reader(std::unique_ptr<CheckpointReader> fallback);

}  // namespace neuralake::delta
