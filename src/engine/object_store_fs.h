// The one DuckDB filesystem over neuralake's ObjectStores: every path DuckDB
// opens whose scheme has a store (file://, memory://, s3://) is served here.
//
// Engine-free declaration (no DuckDB include), so the session can call it from
// anywhere. Requests and bytes are counted per store in the registry, at this
// seam, so the counters show what the engine really read.
//
// Behaviour the engine sees:
//  - Glob: exact paths return themselves if the object exists; '*', '?',
//    '[..]' and '**' are matched against keys from one list() of the literal
//    prefix. There are no directories: a "directory" exists when keys live under it.
//  - Reads are positional ranged reads (OnDiskFile is false, so DuckDB reads
//    ahead in large requests). An OpenFileInfo whose extended options carry
//    "file_size" (UBIGINT) and optionally "last_modified" (TIMESTAMP) and
//    "etag" (VARCHAR) is opened without a head request; Glob fills them.
//  - Writes (COPY ... TO) stream into the store's writer and are published
//    whole on Close(); a handle destroyed without Close() publishes nothing.
//    Sync() does not publish. Only sequential writes are supported.
//  - Errors from a store keep their code and object through the engine
//    (engine/errors.h).
//  - Confined (once `confinement` holds an allow-list; SessionOptions::confine_to_catalog):
//    every path opened, listed, globbed or probed must be allowed, and
//    nothing is written, moved or removed; both fail with PermissionDenied.
#pragma once

#include <memory>

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake {
class ConfinementSwitch;
class StoreRegistry;
}

namespace neuralake::engine {

// Registers the object-store filesystem in `db`; it resolves paths through
// `registry`, which it keeps alive. Call once per database, right after opening it.
// Once `confinement` holds an allow-list, it serves only the paths that list
// allows, and only reads.
void register_object_store_filesystem(duckdb::DatabaseInstance& db, std::shared_ptr<StoreRegistry> registry,
                                      std::shared_ptr<const ConfinementSwitch> confinement = nullptr);

}  // namespace neuralake::engine
