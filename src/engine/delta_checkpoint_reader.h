// Reads Delta Parquet checkpoints for the engine-free log replay
// (src/delta/checkpoint_reader.h): the adds and their stats with neuralake's
// own Parquet decoder (delta/checkpoint_parquet_reader.h), the other actions,
// and parts that decoder does not read, with DuckDB's Parquet reader.
#pragma once

#include <memory>

#include "delta/checkpoint_reader.h"

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake::engine {

// A reader that runs its queries on `db`, whose filesystem must serve the
// stores' URIs. `db` must outlive the reader.
std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db);

// A reader with its own in-memory DuckDB: for tools and tests outside a
// session. It reads the stores it is handed (file://, s3://, memory://)
// through the object-store filesystem. `own_decoder` false reads everything
// through DuckDB (tests compare the two).
std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader(bool own_decoder = true);

// The URI DuckDB opens for `key` of `store` ("file:///t/_delta_log/..").
std::string object_uri(const ObjectStore& store, const std::string& key);

}  // namespace neuralake::engine
