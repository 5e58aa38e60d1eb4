// Reads Delta Parquet checkpoints for the engine-free log replay
// (src/delta/checkpoint_reader.h): by default with neuralake's own Parquet
// decoder (delta/checkpoint_parquet_reader.h), and parts that decoder does
// not read with DuckDB's Parquet reader; NEURALAKE_DELTA_CHECKPOINT_READER
// (auto | native | duckdb) forces one or the other.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "delta/checkpoint_reader.h"

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake::engine {

// Which Parquet reader decodes a checkpoint.
enum class CheckpointDecoder {
  Auto,    // neuralake's own decoder; DuckDB's reader for a part it does not read
  Native,  // neuralake's own decoder only: a part it does not read is NotSupported
  DuckDb,  // DuckDB's Parquet reader for every part
};

// The environment variable that picks the decoder.
inline constexpr const char* kCheckpointReaderVariable = "NEURALAKE_DELTA_CHECKPOINT_READER";

// The decoder `value` names: "auto", "native" or "duckdb" (empty: auto).
// InvalidArgument naming `variable` and the value otherwise.
CheckpointDecoder parse_checkpoint_decoder(std::string_view value, std::string_view variable = kCheckpointReaderVariable);
// The decoder NEURALAKE_DELTA_CHECKPOINT_READER names (unset: auto).
CheckpointDecoder checkpoint_decoder_from_environment();
const char* to_string(CheckpointDecoder decoder);

// A reader that runs its queries on `db`, whose filesystem must serve the
// stores' URIs. `db` must outlive the reader. Sessions take the decoder
// from the environment, read when the reader is made.
std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db,
                                                                CheckpointDecoder decoder);
std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db);

// A reader with its own in-memory DuckDB: for tools and tests outside a
// session. It reads the stores it is handed (file://, s3://, memory://)
// through the object-store filesystem. Without an argument the decoder is
// the environment's; `own_decoder` false reads everything through DuckDB.
std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader(CheckpointDecoder decoder);
std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader(bool own_decoder);
std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader();

// The URI DuckDB opens for `key` of `store` ("file:///t/_delta_log/..").
std::string object_uri(const ObjectStore& store, const std::string& key);

}  // namespace neuralake::engine
