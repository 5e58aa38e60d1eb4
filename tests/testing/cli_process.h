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

// Runs `binary args...` in `dir` and waits for it. `env` entries override the
// inherited environment; an empty value unsets the variable. A process still
// running after `limit` is killed and fails the test (a hang guard only).
inline CliOutcome run_cli(const std::string& binary, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, const std::filesystem::path& dir,
                          std::chrono::seconds limit = std::chrono::seconds(120)) {
  static int counter = 0;
  const std::filesystem::path out = dir / ("cli_out" + std::to_string(counter));
  const std::filesystem::path err = dir / ("cli_err" + std::to_string(counter));
  ++counter;
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [k, v] : env) {
      if (v.empty()) unsetenv(k.c_str());
      else setenv(k.c_str(), v.c_str(), 1);
    }
    if (chdir(dir.c_str()) != 0) _exit(127);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
  CliOutcome r;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << binary << " did not finish and was killed";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace neuralake::testing
