// A function run on its own thread, its exception kept for join().
#pragma once

#include <exception>
#include <functional>
#include <thread>
#include <utility>

namespace neuralake::delta {

// join() waits and rethrows what the function threw. Destruction joins too,
// so an error elsewhere never leaves it running.
class BackgroundTask {
 public:
  explicit BackgroundTask(std::function<void()> fn)
      : thread_([this, fn = std::move(fn)] {
          try {
            fn();
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~BackgroundTask() {
    if (thread_.joinable()) thread_.join();
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  void join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  std::exception_ptr error_;
  std::thread thread_;  // declared last: it starts once error_ exists
};

}  // namespace neuralake::delta
