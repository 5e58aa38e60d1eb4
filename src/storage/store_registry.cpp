// StoreRegistry: store lookup by URI with on-demand local and factory-made
// stores, and the per-store I/O counters behind Session::io_stats().
#include "storage/store_registry.h"

#include <vector>

#include "neuralake/suggest.h"
#include "neuralake/error.h"

namespace neuralake {

IoStats IoCounters::snapshot() const {
  IoStats s;
  s.files_opened = files_opened.load(std::memory_order_relaxed);
  s.read_requests = read_requests.load(std::memory_order_relaxed);
  s.bytes_read = bytes_read.load(std::memory_order_relaxed);
  s.list_requests = list_requests.load(std::memory_order_relaxed);
  s.head_requests = head_requests.load(std::memory_order_relaxed);
  return s;
}

void IoCounters::reset() {
  files_opened = 0;
  read_requests = 0;
  bytes_read = 0;
  list_requests = 0;
  head_requests = 0;
}

namespace {

std::string scheme_of(std::string_view uri) {
  size_t sep = uri.find("://");
  return sep == std::string_view::npos ? std::string() : std::string(uri.substr(0, sep));
}

}  // namespace

void StoreRegistry::add(const std::string& store_uri, std::shared_ptr<ObjectStore> store) {
  StoreLocation loc = split_uri(store_uri);
  if (loc.store_uri != store_uri || !loc.key.empty()) {
    throw Error(ErrorCode::InvalidArgument, store_uri,
                "'" + store_uri + "' is not a store URI; expected e.g. 'memory://name' or 's3://bucket'");
  }
  if (!store) throw Error(ErrorCode::InvalidArgument, store_uri, "no store given for '" + store_uri + "'");
  std::lock_guard lock(mu_);
  Entry& e = stores_[store_uri];
  e.store = std::move(store);
  if (!e.counters) e.counters = std::make_unique<IoCounters>();
}

void StoreRegistry::add_factory(const std::string& scheme, Factory factory) {
  std::lock_guard lock(mu_);
  factories_[scheme] = std::move(factory);
}

bool StoreRegistry::handles(std::string_view uri) const {
  std::string scheme = scheme_of(uri);
  if (scheme.empty()) return false;
  if (scheme == "file" || scheme == "memory") return true;
  std::lock_guard lock(mu_);
  if (factories_.count(scheme)) return true;
  std::string prefix = scheme + "://";
  auto it = stores_.lower_bound(prefix);
  return it != stores_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

StoreRegistry::Entry& StoreRegistry::entry(const std::string& store_uri) {
  std::unique_lock lock(mu_);
  auto it = stores_.find(store_uri);
  if (it != stores_.end() && it->second.store) return it->second;
  Factory factory;
  std::string scheme = scheme_of(store_uri);
  if (auto f = factories_.find(scheme); f != factories_.end()) factory = f->second;
  std::vector<std::string> known;
  for (const auto& [uri, e] : stores_) known.push_back(uri);
  // Make the store unlocked: a factory may be slow (a network probe) and must not block other lookups.
  lock.unlock();
  std::shared_ptr<ObjectStore> made;
  if (store_uri == "file://") {
    made = make_local_store("/");
  } else if (factory) {
    made = factory(store_uri);
  }
  if (!made) {
    throw Error(ErrorCode::NotFound, store_uri,
                "no object store registered for '" + store_uri + "'" + did_you_mean(store_uri, known));
  }
  lock.lock();
  Entry& e = stores_[store_uri];
  if (!e.store) e.store = std::move(made);  // another thread may have made it meanwhile: keep the first
  if (!e.counters) e.counters = std::make_unique<IoCounters>();
  return e;
}

StoreRegistry::Resolved StoreRegistry::resolve(std::string_view uri) {
  StoreLocation loc = split_uri(uri);
  Entry& e = entry(loc.store_uri);
  std::lock_guard lock(mu_);
  return Resolved{e.store, loc.store_uri, std::move(loc.key), e.counters.get()};
}

std::shared_ptr<ObjectStore> StoreRegistry::store(const std::string& store_uri) {
  Entry& e = entry(store_uri);
  std::lock_guard lock(mu_);
  return e.store;
}

std::map<std::string, IoStats> StoreRegistry::stats() const {
  std::lock_guard lock(mu_);
  std::map<std::string, IoStats> out;
  for (const auto& [uri, entry] : stores_) out[uri] = entry.counters->snapshot();
  return out;
}

void StoreRegistry::reset() {
  std::lock_guard lock(mu_);
  for (auto& [uri, entry] : stores_) entry.counters->reset();
}

}  // namespace neuralake
