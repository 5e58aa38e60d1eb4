// The add.stats text of file n of the Delta benchmark's log: bounds derived
// from n on 8 columns (a, b long; c, d double; e, f string; g date; h timestamp).
// Shared by the benchmark and the stats codec's tests.
#pragma once

#include <cstdio>
#include <string>

namespace bench::delta {

// Every file's bounds differ from every other's.
inline std::string stats_of(long long n) {
  char buf[1024];
  const long long a = n * 1000, b = n % 977;
  std::snprintf(buf, sizeof buf,
                R"({"numRecords":20000,"minValues":{"a":%lld,"b":%lld,"c":%lld.25,"d":-%lld.5,"e":"alpha-%010lld","f":"omega-%010lld","g":"2024-01-%02lld","h":"2024-01-%02lldT00:00:00.000Z"},)"
                R"("maxValues":{"a":%lld,"b":%lld,"c":%lld.75,"d":%lld.5,"e":"alpha-%010lld","f":"omega-%010lld","g":"2024-02-%02lld","h":"2024-02-%02lldT12:30:00.000Z"},)"
                R"("nullCount":{"a":0,"b":%lld,"c":0,"d":1,"e":0,"f":%lld,"g":0,"h":0}})",
                a, b, a, b, n, n, n % 28 + 1, n % 28 + 1, a + 999, b + 5000, a + 999, b, n + 1, n + 7, n % 28 + 1,
                n % 28 + 1, n % 3, n % 5);
  return buf;
}

}  // namespace bench::delta
