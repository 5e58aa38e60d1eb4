// The one storage interface: every read and write of table data, Delta logs,
// uploads and the site goes through an ObjectStore chosen by URI scheme.
//
// Keys are relative to the store's root and use '/' separators.
// Missing objects: head() reports them absent (std::nullopt, not an error);
// every read of a missing key throws Error(NotFound) naming the key.
// Implementations are thread-safe: any method may be called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::chrono::system_clock::time_point last_modified{};
  std::string etag;  // opaque; changes when the content changes
};

// Sequential reader of one object. read() returns 0 only at the end.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Reads up to `n` bytes into `out`; returns how many (0: end of object).
  // Throws IOError naming the key if the object changes or fails mid-read.
  virtual size_t read(char* out, size_t n) = 0;
  virtual uint64_t size() const = 0;
};

// Streaming writer of one object whose total size need not be known up front.
// Nothing is visible under the key until close() succeeds; destroying a writer
// without close() discards what was written (nothing is left half-written).
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual void write(const char* data, size_t n) = 0;
  // Publishes the object. Throws IOError on failure (then nothing is published).
  virtual void close() = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // The store's root URI, e.g. "file:///data/warehouse", "memory://t", "s3://bucket/prefix".
  virtual std::string uri() const = 0;

  // Object info, or std::nullopt if there is no object at `key`.
  virtual std::optional<ObjectInfo> head(std::string_view key) = 0;
  // Objects whose keys start with `prefix` and sort after `start_after`, in
  // key (byte) order. Paging is internal.
  virtual std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after = {}) = 0;
  // list(prefix) restricted to keys of at most `max_segments` '/'-separated
  // segments, so a glob like "dir/*.parquet" need not walk everything under
  // "dir/". The default filters list(); stores that can stop early override it.
  virtual std::vector<ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments);
  // One level of the key hierarchy under `prefix`: the objects whose keys have
  // no '/' after it, and the distinct "sub-directories" (prefix + text up to and
  // including the next '/'), both in key order. Lets a glob descend only into
  // the directories whose names match. The default filters list(); stores with
  // a delimiter listing (S3) override it to read just that level.
  struct Level {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
  };
  virtual Level list_level(std::string_view prefix);
  // Reads `length` bytes at `offset` into `out`; returns the bytes read, fewer
  // only at the end of the object. Throws NotFound if absent.
  virtual size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) = 0;
  // The whole object. Throws NotFound if absent.
  // `spare_capacity`: bytes of capacity left beyond the text (a parser's
  // padding), so that it need not be copied.
  std::string read_all(std::string_view key, size_t spare_capacity = 0);
  virtual std::unique_ptr<ObjectReader> open_reader(std::string_view key) = 0;
  virtual std::unique_ptr<ObjectWriter> open_writer(std::string_view key) = 0;

  // Writes the whole object atomically, replacing any existing one.
  virtual void put(std::string_view key, std::string_view data) = 0;
  // Writes only if no object exists at `key`; returns false (not an error) if one does.
  virtual bool put_if_absent(std::string_view key, std::string_view data) = 0;
  // Removes the object; removing a missing key is not an error.
  virtual void remove(std::string_view key) = 0;
};

// Forwards every call to another store: the base for decorators (counters,
// fault injection, caches) that override only what they change.
class ForwardingObjectStore : public ObjectStore {
 public:
  explicit ForwardingObjectStore(std::shared_ptr<ObjectStore> target) : target_(std::move(target)) {}
  std::string uri() const override { return target_->uri(); }
  std::optional<ObjectInfo> head(std::string_view key) override { return target_->head(key); }
  std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after = {}) override {
    return target_->list(prefix, start_after);
  }
  std::vector<ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    return target_->list_shallow(prefix, max_segments);
  }
  Level list_level(std::string_view prefix) override { return target_->list_level(prefix); }
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    return target_->read_range(key, offset, length, out);
  }
  std::unique_ptr<ObjectReader> open_reader(std::string_view key) override { return target_->open_reader(key); }
  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override { return target_->open_writer(key); }
  void put(std::string_view key, std::string_view data) override { target_->put(key, data); }
  bool put_if_absent(std::string_view key, std::string_view data) override {
    return target_->put_if_absent(key, data);
  }
  void remove(std::string_view key) override { target_->remove(key); }

 protected:
  const std::shared_ptr<ObjectStore>& target() const { return target_; }

 private:
  std::shared_ptr<ObjectStore> target_;
};

// A store rooted at a local directory (created if missing). Keys with empty,
// "." or ".." segments or a leading '/' throw InvalidArgument naming the key.
// Writes go to a temp file beside the target, published by rename (put) or
// link (put_if_absent); list() never shows a temp file.
std::shared_ptr<ObjectStore> make_local_store(const std::string& root_directory);
// An empty in-memory store, for tests.
std::shared_ptr<ObjectStore> make_memory_store(const std::string& name = "mem");

// Splits a URI into the store that serves it and the key within that store:
// "file:///a/b.parquet" -> (file store rooted at "/", "a/b.parquet"); a plain
// path is taken as a local file. Throws InvalidArgument for an unsupported scheme.
struct StoreLocation {
  std::string store_uri;  // e.g. "file://", "s3://bucket"
  std::string key;
};
StoreLocation split_uri(std::string_view uri);

}  // namespace neuralake
#pragma GCC visibility pop
