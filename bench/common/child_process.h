// Runs a command as a child process and reports its exit status, wall time,
// peak resident memory (wait4's rusage) and standard output.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace bench {

struct ChildResult {
  int exit_code = -1;  // the exit status, or 128 + signal if killed
  double wall_ms = 0;
  long peak_rss_kb = 0;  // ru_maxrss of the child alone
  std::string out;       // its standard output
};

// Runs argv[0] (found on PATH if it has no '/') with `argv`, the parent's
// environment plus `env` (overriding), stderr inherited. Throws
// std::runtime_error if it cannot be started.
ChildResult run_child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

}  // namespace bench
