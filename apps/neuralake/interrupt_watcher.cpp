// SIGINT through a self-pipe: the handler does only async-signal-safe work
// (write, _exit); everything else happens on the watcher thread.
#include "interrupt_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "exit_codes.h"
#include "neuralake/error.h"

namespace neuralake::cli {

namespace {

// A signal handler can reach nothing but globals; these are written only
// while no handler is installed, so the handler sees stable values.
volatile sig_atomic_t g_signal_fd = -1;
volatile sig_atomic_t g_signal_count = 0;

constexpr char kInterrupt = 'i';
constexpr char kQuit = 'q';

extern "C" void on_sigint(int) {
  if (g_signal_count > 0) _exit(kExitInterrupted);
  g_signal_count = 1;
  int saved = errno;
  char c = kInterrupt;
  [[maybe_unused]] ssize_t n = write(g_signal_fd, &c, 1);
  errno = saved;
}

struct sigaction g_previous;

}  // namespace

InterruptWatcher::InterruptWatcher(std::function<void()> on_interrupt) : on_interrupt_(std::move(on_interrupt)) {
  if (g_signal_fd != -1) throw Error(ErrorCode::Internal, "SIGINT", "a Ctrl-C watcher is already installed");
  if (pipe2(pipe_, O_CLOEXEC) != 0)
    throw Error(ErrorCode::Internal, "SIGINT", std::string("cannot create the Ctrl-C pipe: ") + strerror(errno));
  g_signal_fd = pipe_[1];
  g_signal_count = 0;
  thread_ = std::thread([this] { run(); });
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_previous);
}

InterruptWatcher::~InterruptWatcher() {
  sigaction(SIGINT, &g_previous, nullptr);
  char c = kQuit;
  [[maybe_unused]] ssize_t n = write(pipe_[1], &c, 1);
  thread_.join();
  g_signal_fd = -1;
  close(pipe_[0]);
  close(pipe_[1]);
}

void InterruptWatcher::run() {
  for (;;) {
    pollfd p{pipe_[0], POLLIN, 0};
    // After Ctrl-C, keep interrupting: the query may have been about to start.
    int ready = poll(&p, 1, interrupted_ ? 50 : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready > 0) {
      char c = 0;
      if (read(pipe_[0], &c, 1) != 1) continue;
      if (c == kQuit) return;
      interrupted_ = true;
    }
    if (interrupted_) on_interrupt_();
  }
}

}  // namespace neuralake::cli
