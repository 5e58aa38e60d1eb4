// Runs the `neuralake` binary as a subprocess with a given environment and
// working directory, capturing its exit status, stdout and stderr.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_util.h"

namespace neuralake::testing {

struct CliOutcome {
  bool exited = false;  // false: killed by a signal
  int code = -1;        // exit code, or the signal number
  std::string out;
  std::string err;
};

// A running subprocess (`binary args...` in `dir`) with its stdout and stderr
// going to files. `env` entries override the inherited environment; an empty
// value unsets the variable.
class CliProcess {
 public:
  CliProcess(const std::string& binary, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env, const std::filesystem::path& dir)
      : binary_(binary), out_(dir / ("cli_out" + std::to_string(counter_))),
        err_(dir / ("cli_err" + std::to_string(counter_))) {
    ++counter_;
    pid_ = fork();
    if (pid_ == 0) {
      for (const auto& [k, v] : env) {
        if (v.empty()) unsetenv(k.c_str());
        else setenv(k.c_str(), v.c_str(), 1);
      }
      if (chdir(dir.c_str()) != 0) _exit(127);
      int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      std::vector<std::string> copy = args;
      std::string bin = binary;
      std::vector<char*> argv{bin.data()};
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
  }

  pid_t pid() const { return pid_; }

  // Waits for the process; kills it and fails the test if it is still running
  // after `limit` (a hang guard, not a performance check).
  CliOutcome wait(std::chrono::seconds limit = std::chrono::seconds(120)) {
    CliOutcome r;
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        ADD_FAILURE() << binary_ << " did not finish and was killed";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    r.exited = WIFEXITED(status);
    r.code = r.exited ? WEXITSTATUS(status) : WTERMSIG(status);
    r.out = read_file(out_);
    r.err = read_file(err_);
    return r;
  }

  // True once the process has installed a SIGINT handler (Linux /proc).
  bool catches_sigint() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigCgt:", 0) == 0) {
        unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
        return (mask >> (SIGINT - 1)) & 1;
      }
    }
    return false;
  }

 private:
  static inline int counter_ = 0;
  std::string binary_;
  pid_t pid_ = -1;
  std::filesystem::path out_, err_;
};

// Runs `binary args...` in `dir` and waits for it (see CliProcess).
inline CliOutcome run_cli(const std::string& binary, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, const std::filesystem::path& dir,
                          std::chrono::seconds limit = std::chrono::seconds(120)) {
  return CliProcess(binary, args, env, dir).wait(limit);
}

}  // namespace neuralake::testing
