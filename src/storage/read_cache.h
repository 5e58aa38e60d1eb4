// A local read cache in front of any ObjectStore: blocks of object bytes kept in
// memory under (key, ETag), least recently used evicted beyond a byte cap.
#pragma once

#include <cstdint>
#include <memory>

#include "neuralake/object_store.h"

namespace neuralake::storage {

struct ReadCacheOptions {
  // Bytes of object data kept at most; blocks beyond it are evicted, least
  // recently used first.
  uint64_t max_bytes = 256u << 20;
  // Reads are served and fetched in aligned blocks of this size, so nearby
  // reads (Parquet footers, neighbouring column chunks) share them.
  uint64_t block_size = 1u << 20;
};

// Wraps `target`. A block is cached under the key's ETag, and the ETag a read
// trusts is the newest one this store saw for the key (from head, list,
// list_shallow or list_level, or a head() made on the first read of the key):
// a listing that shows a changed ETag retires the old blocks, so a query that
// globs or heads its files first never reads stale bytes. Writes and removes
// through the cache forget the key. Thread-safe.
std::shared_ptr<ObjectStore> make_read_cache(std::shared_ptr<ObjectStore> target, ReadCacheOptions options = {});

}  // namespace neuralake::storage
