// The read cache: reads split into aligned blocks, missing runs fetched with one
// ranged read each, blocks kept in an LRU list under (key, ETag, block index).
#include "storage/read_cache.h"

#include <algorithm>
#include <list>
#include <mutex>
#include <tuple>
#include <unordered_map>

namespace neuralake::storage {
namespace {

struct BlockId {
  std::string key, etag;
  uint64_t index = 0;
  bool operator==(const BlockId&) const = default;
};

struct BlockIdHash {
  size_t operator()(const BlockId& b) const {
    return std::hash<std::string>()(b.key) ^ (std::hash<std::string>()(b.etag) * 31) ^ (b.index * 0x9e3779b97f4a7c15ull);
  }
};

class ReadCache : public ForwardingObjectStore {
 public:
  ReadCache(std::shared_ptr<ObjectStore> target, ReadCacheOptions o) : ForwardingObjectStore(std::move(target)), o_(o) {
    o_.block_size = std::max<uint64_t>(o_.block_size, 1);
  }

  std::optional<ObjectInfo> head(std::string_view key) override {
    auto info = target()->head(key);
    if (info) learn(info->key, info->etag);
    else forget(key);
    return info;
  }
  std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after) override {
    return learn_all(target()->list(prefix, start_after));
  }
  std::vector<ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    return learn_all(target()->list_shallow(prefix, max_segments));
  }
  Level list_level(std::string_view prefix) override {
    Level level = target()->list_level(prefix);
    learn_all(level.objects);
    return level;
  }

  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    if (length == 0) return 0;
    std::string etag = known_etag(key);
    if (etag.empty()) {
      auto info = head(key);
      if (!info || info->etag.empty()) return target()->read_range(key, offset, length, out);  // NotFound, or nothing to key on
      etag = info->etag;
    }
    const uint64_t bs = o_.block_size;
    const uint64_t first = offset / bs, last = (offset + length - 1) / bs;
    std::vector<std::shared_ptr<const std::string>> blocks(last - first + 1);
    for (uint64_t i = first; i <= last; ++i) blocks[i - first] = lookup({std::string(key), etag, i});
    // Each run of missing blocks is one read of the target.
    for (uint64_t i = first; i <= last;) {
      if (blocks[i - first]) {
        ++i;
        continue;
      }
      uint64_t j = i;
      while (j <= last && !blocks[j - first]) ++j;
      std::string data((j - i) * bs, '\0');
      data.resize(target()->read_range(key, i * bs, data.size(), data.data()));
      for (uint64_t b = i; b < j; ++b) {
        uint64_t from = (b - i) * bs;
        auto block = std::make_shared<const std::string>(from < data.size() ? data.substr(from, bs) : std::string());
        blocks[b - first] = block;
        insert({std::string(key), etag, b}, block);
      }
      i = j;
    }
    // Copy out up to the first short block: that is the end of the object.
    size_t copied = 0;
    for (uint64_t b = first; b <= last; ++b) {
      const std::string& data = *blocks[b - first];
      uint64_t begin = b == first ? offset - b * bs : 0;
      if (begin >= data.size()) break;
      uint64_t take = std::min<uint64_t>(data.size() - begin, length - copied);
      std::copy_n(data.data() + begin, take, out + copied);
      copied += take;
      if (data.size() < bs || copied == length) break;
    }
    return copied;
  }

  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override {
    forget(key);
    return target()->open_writer(key);
  }
  void put(std::string_view key, std::string_view data) override {
    forget(key);
    target()->put(key, data);
  }
  bool put_if_absent(std::string_view key, std::string_view data) override {
    bool done = target()->put_if_absent(key, data);
    if (done) forget(key);
    return done;
  }
  void remove(std::string_view key) override {
    forget(key);
    target()->remove(key);
  }

 private:
  using Lru = std::list<std::pair<BlockId, std::shared_ptr<const std::string>>>;

  std::string known_etag(std::string_view key) {
    std::lock_guard lock(mu_);
    auto it = etags_.find(std::string(key));
    return it == etags_.end() ? std::string() : it->second;
  }
  void learn(const std::string& key, const std::string& etag) {
    std::lock_guard lock(mu_);
    auto [it, fresh] = etags_.try_emplace(key, etag);
    if (!fresh && it->second != etag) {
      drop_blocks_locked(key, it->second);
      it->second = etag;
    }
  }
  std::vector<ObjectInfo> learn_all(std::vector<ObjectInfo> infos) {
    for (const auto& i : infos) learn(i.key, i.etag);
    return infos;
  }
  void forget(std::string_view key) {
    std::lock_guard lock(mu_);
    auto it = etags_.find(std::string(key));
    if (it == etags_.end()) return;
    drop_blocks_locked(it->first, it->second);
    etags_.erase(it);
  }
  // Old versions' blocks go at once rather than aging out: they can never be read again.
  void drop_blocks_locked(const std::string& key, const std::string& etag) {
    for (auto it = lru_.begin(); it != lru_.end();) {
      if (it->first.key == key && it->first.etag == etag) {
        bytes_ -= it->second->size();
        index_.erase(it->first);
        it = lru_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::shared_ptr<const std::string> lookup(const BlockId& id) {
    std::lock_guard lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  void insert(BlockId id, std::shared_ptr<const std::string> block) {
    std::lock_guard lock(mu_);
    if (block->size() > o_.max_bytes || index_.count(id)) return;
    // Only blocks of the version currently known: a concurrent listing may have moved on.
    auto known = etags_.find(id.key);
    if (known == etags_.end() || known->second != id.etag) return;
    bytes_ += block->size();
    lru_.emplace_front(id, std::move(block));
    index_.emplace(std::move(id), lru_.begin());
    while (bytes_ > o_.max_bytes) {
      bytes_ -= lru_.back().second->size();
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  ReadCacheOptions o_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> etags_;  // key -> newest ETag seen
  Lru lru_;                                             // most recently used first
  std::unordered_map<BlockId, Lru::iterator, BlockIdHash> index_;
  uint64_t bytes_ = 0;
};

}  // namespace

std::shared_ptr<ObjectStore> make_read_cache(std::shared_ptr<ObjectStore> target, ReadCacheOptions options) {
  return std::make_shared<ReadCache>(std::move(target), options);
}

}  // namespace neuralake::storage
