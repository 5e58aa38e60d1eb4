// This process's own resource use, as a benchmark child reports it: CPU time
// of all its threads and its peak resident memory.
#pragma once

#include <sys/resource.h>

namespace bench {

// CPU time (user + system, every thread) this process has used so far, in ms.
inline double process_cpu_ms() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// Peak resident memory of this process so far, in MB.
inline double process_peak_rss_mb() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

}  // namespace bench
