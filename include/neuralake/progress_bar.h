// A one-line progress bar for long operations (generation, uploads, writes),
// drawn on stderr only when enabled (the caller checks that stderr is a terminal).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class ProgressBar {
 public:
  // `unit` names what is counted ("rows", "bytes").
  ProgressBar(uint64_t total, bool enabled, std::string unit = "rows")
      : total_(total), enabled_(enabled), unit_(std::move(unit)) {}
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Counts `n` more units done, working on `label`, and redraws.
  void advance(uint64_t n, const std::string& label);
  // Ends the line; later calls do nothing.
  void finish();

 private:
  uint64_t total_;
  uint64_t done_ = 0;
  bool enabled_;
  std::string unit_;
  bool drawn_ = false;
};

}  // namespace neuralake
#pragma GCC visibility pop
