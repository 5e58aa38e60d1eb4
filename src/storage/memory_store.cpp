// The memory:// ObjectStore: objects live in a map guarded by a mutex, for tests
// and scratch data. Readers keep the version they opened, as a remote store would.
#include <algorithm>
#include <map>
#include <mutex>

#include "neuralake/error.h"
#include "neuralake/object_store.h"

namespace neuralake {
namespace {

struct MemoryObject {
  std::shared_ptr<const std::string> data;
  std::chrono::system_clock::time_point last_modified;
  uint64_t version = 0;
};

ObjectInfo info_of(const std::string& key, const MemoryObject& o) {
  return ObjectInfo{key, o.data->size(), o.last_modified, std::to_string(o.version)};
}

class MemoryReader : public ObjectReader {
 public:
  explicit MemoryReader(std::shared_ptr<const std::string> data) : data_(std::move(data)) {}
  size_t read(char* out, size_t n) override {
    size_t take = std::min(n, data_->size() - pos_);
    std::copy_n(data_->data() + pos_, take, out);
    pos_ += take;
    return take;
  }
  uint64_t size() const override { return data_->size(); }

 private:
  std::shared_ptr<const std::string> data_;
  size_t pos_ = 0;
};

class MemoryStore;

class MemoryWriter : public ObjectWriter {
 public:
  MemoryWriter(std::shared_ptr<MemoryStore> store, std::string key) : store_(std::move(store)), key_(std::move(key)) {}
  void write(const char* data, size_t n) override {
    if (closed_) throw Error(ErrorCode::IOError, key_, "write after close of '" + key_ + "'");
    buffer_.append(data, n);
  }
  void close() override;

 private:
  std::shared_ptr<MemoryStore> store_;  // a writer keeps its store alive until it publishes
  std::string key_;
  std::string buffer_;
  bool closed_ = false;
};

class MemoryStore : public ObjectStore, public std::enable_shared_from_this<MemoryStore> {
 public:
  explicit MemoryStore(std::string name) : name_(std::move(name)) {}

  std::string uri() const override { return "memory://" + name_; }

  std::optional<ObjectInfo> head(std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return info_of(it->first, it->second);
  }

  std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after) override {
    std::lock_guard lock(mu_);
    std::vector<ObjectInfo> out;
    // The map is ordered by key bytes, so listing is a range scan.
    auto it = start_after.empty() || start_after < prefix ? objects_.lower_bound(prefix) : objects_.upper_bound(start_after);
    for (; it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.push_back(info_of(it->first, it->second));
    }
    return out;
  }

  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    auto data = get(key);
    if (offset >= data->size()) return 0;
    size_t take = static_cast<size_t>(std::min<uint64_t>(length, data->size() - offset));
    std::copy_n(data->data() + offset, take, out);
    return take;
  }

  std::unique_ptr<ObjectReader> open_reader(std::string_view key) override {
    return std::make_unique<MemoryReader>(get(key));
  }

  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override {
    check_key(key);
    return std::make_unique<MemoryWriter>(shared_from_this(), std::string(key));
  }

  void put(std::string_view key, std::string_view data) override {
    check_key(key);
    auto bytes = std::make_shared<const std::string>(data);
    std::lock_guard lock(mu_);
    objects_[std::string(key)] = MemoryObject{std::move(bytes), std::chrono::system_clock::now(), ++version_};
  }

  bool put_if_absent(std::string_view key, std::string_view data) override {
    check_key(key);
    auto bytes = std::make_shared<const std::string>(data);
    std::lock_guard lock(mu_);
    if (objects_.find(key) != objects_.end()) return false;
    objects_.emplace(std::string(key), MemoryObject{std::move(bytes), std::chrono::system_clock::now(), ++version_});
    return true;
  }

  void remove(std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it != objects_.end()) objects_.erase(it);
  }

 private:
  void check_key(std::string_view key) const {
    if (key.empty()) throw Error(ErrorCode::InvalidArgument, uri(), "empty object key in '" + uri() + "'");
  }

  std::shared_ptr<const std::string> get(std::string_view key) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      std::string k(key);
      throw Error(ErrorCode::NotFound, k, "no object '" + k + "' in '" + uri() + "'");
    }
    return it->second.data;
  }

  std::string name_;
  mutable std::mutex mu_;
  std::map<std::string, MemoryObject, std::less<>> objects_;
  uint64_t version_ = 0;  // every put gets a fresh etag, even with equal content
};

void MemoryWriter::close() {
  if (closed_) return;
  store_->put(key_, buffer_);
  closed_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
}

}  // namespace

std::shared_ptr<ObjectStore> make_memory_store(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) {
    throw Error(ErrorCode::InvalidArgument, name, "invalid memory store name '" + name + "': must be non-empty, without '/'");
  }
  return std::make_shared<MemoryStore>(name);
}

}  // namespace neuralake
