// Append-only storage for the text of a snapshot segment (file paths, encoded
// stats, partition values): one allocation per 64 KiB instead of one per string.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace neuralake::delta {

// Views returned by store() stay valid while the arena lives; a segment keeps
// its arena alive through a shared_ptr. Not thread-safe while being filled;
// read-only (and so shareable) afterwards.
class TextArena {
 public:
  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > kChunk / 4) {
      // Large texts get their own block, so a chunk's tail is not wasted.
      big_.push_back(std::make_unique<char[]>(text.size()));
      std::memcpy(big_.back().get(), text.data(), text.size());
      return {big_.back().get(), text.size()};
    }
    if (chunks_.empty() || used_ + text.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, text.data(), text.size());
    used_ += text.size();
    return {at, text.size()};
  }

 private:
  static constexpr size_t kChunk = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
};

}  // namespace neuralake::delta
