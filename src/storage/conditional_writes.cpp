#include "storage/conditional_writes.h"

#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace neuralake::storage {

namespace {

std::string unique_suffix() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

bool probe_put_if_absent(ObjectStore& store, const std::string& directory) {
  const std::string key = (directory.empty() ? std::string() : directory + "/") + ".neuralake-conditional-write-" +
                          unique_suffix();
  const bool first = store.put_if_absent(key, "1");
  bool second = true;
  try {
    second = store.put_if_absent(key, "2");
  } catch (...) {
    store.remove(key);
    throw;
  }
  store.remove(key);
  return first && !second;
}

bool honours_put_if_absent(const std::shared_ptr<ObjectStore>& store, const std::string& directory) {
  if (store->uri().rfind("s3://", 0) != 0) return true;
  static std::mutex mu;
  static std::vector<std::pair<std::weak_ptr<ObjectStore>, bool>> known;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = known.begin(); it != known.end();) {
      if (it->first.expired()) {
        it = known.erase(it);
      } else if (it->first.lock() == store) {
        return it->second;
      } else {
        ++it;
      }
    }
  }
  const bool honoured = probe_put_if_absent(*store, directory);
  std::lock_guard<std::mutex> lock(mu);
  known.emplace_back(store, honoured);
  return honoured;
}

}  // namespace neuralake::storage
