// Append-only storage for the text of a snapshot segment (file paths, encoded
// stats, partition values): one block of pages per 256 KiB instead of one
// allocation per string.
#pragma once

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "common/page_memory.h"

namespace neuralake::delta {

// Views returned by store() stay valid while the arena lives; a segment keeps
// its arena alive through a shared_ptr. Not thread-safe while being filled;
// read-only (and so shareable) afterwards. Blocks come from the OS (see
// page_memory.h): a block's untouched tail is never resident.
class TextArena {
 public:
  TextArena() = default;
  TextArena(TextArena&& other) noexcept { *this = std::move(other); }
  TextArena& operator=(TextArena&& other) noexcept {
    if (this != &other) {
      release();
      blocks_ = std::move(other.blocks_);
      used_ = std::exchange(other.used_, 0);
      other.blocks_.clear();
    }
    return *this;
  }
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  ~TextArena() { release(); }

  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > kBlock / 4) {
      // Large texts get their own block, kept before the open one so that
      // appends continue there.
      Block big{static_cast<char*>(allocate_pages(text.size(), true)), text.size()};
      std::memcpy(big.data, text.data(), text.size());
      blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, big);
      return {big.data, text.size()};
    }
    if (blocks_.empty() || used_ + text.size() > blocks_.back().size) {
      blocks_.push_back({static_cast<char*>(allocate_pages(kBlock, true)), kBlock});
      used_ = 0;
    }
    char* at = blocks_.back().data + used_;
    std::memcpy(at, text.data(), text.size());
    used_ += text.size();
    return {at, text.size()};
  }

  // Takes over `other`'s storage: views into it stay valid, now owned here.
  void absorb(TextArena&& other) {
    // This arena's open block stays last, so appends continue in it.
    const auto at = blocks_.empty() ? blocks_.end() : blocks_.end() - 1;
    blocks_.insert(at, other.blocks_.begin(), other.blocks_.end());
    other.blocks_.clear();
    other.used_ = 0;
  }

 private:
  static constexpr size_t kBlock = 256 * 1024;
  struct Block {
    char* data;
    size_t size;
  };
  void release() {
    for (const auto& b : blocks_) free_pages(b.data, b.size);
    blocks_.clear();
  }
  std::vector<Block> blocks_;
  size_t used_ = 0;  // bytes used in the last block
};

}  // namespace neuralake::delta
