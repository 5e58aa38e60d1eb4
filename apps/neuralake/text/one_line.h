// Messages (engine errors, catalog text) made to fit one line: a log line, a
// YAML comment, a JSON error field or the CLI's last line.
#pragma once

#include <string>

namespace neuralake::cli {

// `s` with every CR and LF turned into a space and trailing spaces dropped.
inline std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace neuralake::cli
