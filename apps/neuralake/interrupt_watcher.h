// Ctrl-C for the CLI: turns SIGINT into a call on an ordinary thread, so a
// running query can be cancelled through Session::interrupt().
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace neuralake::cli {

// While alive, SIGINT does not kill the process: the signal handler only
// writes to a pipe, and a watcher thread calls `on_interrupt`, then keeps
// calling it every 50 ms until the watcher is destroyed (a query that had not
// started yet when Ctrl-C came is cancelled too). A second Ctrl-C exits at
// once with 130, for code that does not listen. One watcher at a time per
// process (a signal has one handler); constructing a second throws Internal.
class InterruptWatcher {
 public:
  explicit InterruptWatcher(std::function<void()> on_interrupt);
  ~InterruptWatcher();  // restores the previous SIGINT disposition
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // True once Ctrl-C was pressed.
  bool interrupted() const { return interrupted_.load(); }

 private:
  void run();

  std::function<void()> on_interrupt_;
  std::atomic<bool> interrupted_{false};
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace neuralake::cli
