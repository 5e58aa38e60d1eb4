// A store decorator for tests: forwards every call and records which keys
// were read (with byte counts) and which prefixes were listed.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "neuralake/object_store.h"

namespace neuralake::testing {

// Remembers every key whose bytes were read, and every prefix listed.
class RecordingStore : public neuralake::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    size_t n = ForwardingObjectStore::read_range(key, offset, length, out);
    record(key, n);
    return n;
  }
  std::unique_ptr<neuralake::ObjectReader> open_reader(std::string_view key) override {
    record(key, 0);
    return ForwardingObjectStore::open_reader(key);
  }
  std::vector<neuralake::ObjectInfo> list(std::string_view prefix, std::string_view start_after = {}) override {
    record_list(prefix);
    return ForwardingObjectStore::list(prefix, start_after);
  }
  std::vector<neuralake::ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    record_list(prefix);
    return ForwardingObjectStore::list_shallow(prefix, max_segments);
  }
  Level list_level(std::string_view prefix) override {
    record_list(prefix);
    return ForwardingObjectStore::list_level(prefix);
  }
  // Prefixes listed since the last call.
  std::vector<std::string> take_lists() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(lists_, {});
  }
  // Bytes read per key since the last call.
  std::map<std::string, uint64_t> take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(bytes_, {});
  }

 private:
  void record(std::string_view key, uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    bytes_[std::string(key)] += n;
  }
  void record_list(std::string_view prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    lists_.emplace_back(prefix);
  }
  std::mutex mu_;
  std::map<std::string, uint64_t> bytes_;
  std::vector<std::string> lists_;
};

}  // namespace neuralake::testing
