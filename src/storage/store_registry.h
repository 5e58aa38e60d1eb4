// Which ObjectStore serves a URI, and what each store served: the engine's
// filesystem adapter resolves every path here and counts its requests here.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "neuralake/object_store.h"
#include "neuralake/session.h"

namespace neuralake {

// Per-store request counters; atomics, so every reading thread counts without a lock.
struct IoCounters {
  std::atomic<uint64_t> files_opened{0};
  std::atomic<uint64_t> read_requests{0};
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<uint64_t> list_requests{0};
  std::atomic<uint64_t> head_requests{0};

  IoStats snapshot() const;
  void reset();
};

// Maps store URIs ("file://", "memory://name", "s3://bucket") to stores.
// "file://" (the local filesystem, rooted at "/") exists on demand; other
// stores are added explicitly or made by a factory registered for their scheme.
// Thread-safe.
class StoreRegistry {
 public:
  // Makes the store for a store URI of one scheme, e.g. "s3://bucket".
  using Factory = std::function<std::shared_ptr<ObjectStore>(const std::string& store_uri)>;

  // A URI resolved to its store, the key inside it, and the store's counters.
  // The counters live as long as the registry.
  struct Resolved {
    std::shared_ptr<ObjectStore> store;
    std::string store_uri;
    std::string key;
    IoCounters* counters = nullptr;
  };

  StoreRegistry() = default;
  StoreRegistry(const StoreRegistry&) = delete;
  StoreRegistry& operator=(const StoreRegistry&) = delete;

  // Serves `store_uri` (as split_uri() names stores) with `store`, replacing any
  // store registered for it. Throws InvalidArgument if `store_uri` is not a store URI.
  void add(const std::string& store_uri, std::shared_ptr<ObjectStore> store);
  // Makes stores of `scheme` (e.g. "s3") on first use with `factory`, which is
  // called without the registry's lock held and may throw (the error propagates).
  void add_factory(const std::string& scheme, Factory factory);

  // True if URIs of this path's scheme are served here ("file://..." always;
  // "memory://..." and others once a store or factory of that scheme exists).
  // Plain paths (no scheme) are not: they belong to the engine's own filesystem.
  bool handles(std::string_view uri) const;

  // The store serving `uri` and its key. Throws InvalidArgument for an
  // unsupported scheme, NotFound naming the store URI when no store is
  // registered for it and no factory can make one.
  Resolved resolve(std::string_view uri);
  // The store registered for (or made for) a store URI; same errors as resolve().
  std::shared_ptr<ObjectStore> store(const std::string& store_uri);

  // Counters of every store used so far, by store URI.
  std::map<std::string, IoStats> stats() const;
  void reset();

 private:
  struct Entry {
    std::shared_ptr<ObjectStore> store;
    std::unique_ptr<IoCounters> counters;
  };
  // The entry for a store URI, made on first use. std::map keeps entries (and
  // counters) at stable addresses, and entries are never erased.
  Entry& entry(const std::string& store_uri);

  mutable std::mutex mu_;
  std::map<std::string, Entry> stores_;
  std::map<std::string, Factory> factories_;
};

}  // namespace neuralake
