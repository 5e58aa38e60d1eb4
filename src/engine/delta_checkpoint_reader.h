// Reads Delta Parquet checkpoints with DuckDB's Parquet reader, for the
// engine-free log replay (src/delta/checkpoint_reader.h).
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
// through the object-store filesystem.
std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader();

// The URI DuckDB opens for `key` of `store` ("file:///t/_delta_log/..").
std::string object_uri(const ObjectStore& store, const std::string& key);

}  // namespace neuralake::engine
