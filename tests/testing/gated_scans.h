// A function table whose scans wait at a gate: what cancellation tests use to
// know a query is running when they cancel it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "neuralake/neuralake.h"

namespace neuralake::testing {

// A function table whose scans announce that they have started and then
// block until the test opens the gate; each then yields one chunk (n = 1..3)
// and ends. An interrupt sent while scans are blocked is thus known to land
// mid-query, and a query that missed it would succeed: nothing depends on timing.
class GatedScans {
 public:
  neuralake::Table table(const std::string& name) const {
    auto st = state_;
    return neuralake::FunctionTable(name, kSchema, [st](const neuralake::ScanRequest&) {
      auto yielded = std::make_shared<bool>(false);
      return neuralake::make_batch_reader([st, yielded]() -> std::optional<neuralake::DataFrame> {
        if (*yielded) return std::nullopt;
        std::unique_lock<std::mutex> lock(st->mu);
        ++st->started;
        st->cv.notify_all();
        st->cv.wait(lock, [&] { return st->open; });
        *yielded = true;
        return neuralake::DataFrame::from_columns({neuralake::Series("n", std::vector<int64_t>{1, 2, 3})});
      });
    });
  }
  // Waits until `n` scans in all have started; false after a minute without.
  bool wait_started(int n) const {
    std::unique_lock<std::mutex> lock(state_->mu);
    return state_->cv.wait_for(lock, std::chrono::seconds(60), [&] { return state_->started >= n; });
  }
  void open() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->open = true;
    state_->cv.notify_all();
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    int started = 0;
    bool open = false;
  };
  static inline const neuralake::Schema kSchema = {{"n", neuralake::DataType::int64()}};
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace neuralake::testing
