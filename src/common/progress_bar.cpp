// The generator's progress bar: "[#####-----]  50% lineitem 3000000/6000000 rows".
#include "neuralake/progress_bar.h"

#include <cstdio>

namespace neuralake {

void ProgressBar::advance(uint64_t n, const std::string& label) {
  done_ += n;
  if (!enabled_) return;
  constexpr int kWidth = 30;
  const double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '-');
  // \r and a trailing clear-to-end-of-line redraw the same line in place.
  std::fprintf(stderr, "\r[%s] %3d%% %s %llu/%llu %s\x1b[K", bar.c_str(), static_cast<int>(fraction * 100),
               label.c_str(), static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_), unit_.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fputc('\n', stderr);
  drawn_ = false;
  enabled_ = false;
}

}  // namespace neuralake
