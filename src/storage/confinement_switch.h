// Where a session's own readers (the ObjectStore filesystem, delta_scan) find
// the allow-list to check: empty until the session is confined, then set
// once for good. Shared by the readers and the session; thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <utility>

#include "storage/path_allow_list.h"

namespace neuralake {

class ConfinementSwitch {
 public:
  // Starts checking `list`. Only the first call counts: a confined session stays confined.
  void confine(std::shared_ptr<const PathAllowList> list) {
    bool expected = false;
    if (!claimed_.compare_exchange_strong(expected, true)) return;
    list_ = std::move(list);
    on_.store(true, std::memory_order_release);
  }
  // The list to check, or null while the session is not confined.
  const PathAllowList* list() const { return on_.load(std::memory_order_acquire) ? list_.get() : nullptr; }

 private:
  std::atomic<bool> claimed_{false};
  std::atomic<bool> on_{false};
  std::shared_ptr<const PathAllowList> list_;  // written once, before on_
};

}  // namespace neuralake
