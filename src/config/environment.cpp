// Environment: a plain snapshot of variables, taken from the process once.
#include <unistd.h>

#include "neuralake/config.h"

namespace neuralake {

std::optional<std::string> Environment::get(const std::string& name) const {
  auto it = variables.find(name);
  if (it == variables.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Environment Environment::from_process() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env.variables[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace neuralake
