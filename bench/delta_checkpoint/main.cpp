// neuralake_delta_checkpoint_bench: writes the classic checkpoint of a
// 100k-file Delta log (100 JSON commits of 1,000 adds with stats, each
// commit after the first also removing 20 files of the one before) through a
// session, and reports the time it takes and the process's peak RSS
// (VmHWM). Targets: <= 2 s and <= 200 MB. The log is synthesized as text into
// a temporary folder (NEURALAKE_BENCH_DIR overrides its parent) and removed
// afterwards (--keep keeps it). Options: --commits N, --adds N (per commit),
// --threads N.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "delta/sample_stats.h"
#include "engine/delta_checkpoint_reader.h"
#include "engine/delta_checkpoint_writer.h"
#include "neuralake/error.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"

namespace fs = std::filesystem;
namespace nd = neuralake::delta;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// CPU time (user + system, every thread) this process has used so far, in ms.
double cpu_ms() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// A field of /proc/self/status in MB (VmHWM: peak resident set; VmRSS: now).
double status_mb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
  }
  return 0;
}

const char* kSchema =
    R"({\"type\":\"struct\",\"fields\":[)"
    R"({\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"b\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"c\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"e\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"f\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"g\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"h\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},)"
    R"({\"name\":\"day\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]})";

std::string path_of(long long n) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "day=2025-%02lld-%02lld/part-%05lld-%016llx-c000.zstd.parquet", n / 28000 % 12 + 1,
                n / 1000 % 28 + 1, n % 100000, static_cast<unsigned long long>(n) * 11400714819323198485ull);
  return buf;
}

std::string day_of(long long n) { return path_of(n).substr(4, 10); }

// The stats text escaped as a JSON string's content.
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Writes the log: `commits` commits of `adds` adds each; commit k > 0 also
// removes 20 files of commit k-1 (tombstones dated now: all kept).
void write_log(const fs::path& table, int commits, int adds, long long now_ms) {
  fs::create_directories(table / "_delta_log");
  for (int k = 0; k < commits; ++k) {
    std::ofstream out(table / "_delta_log" / (nd::padded_version(k) + ".json"), std::ios::binary);
    out << R"({"commitInfo":{"timestamp":)" << now_ms << R"(,"operation":"WRITE"}})" << '\n';
    if (k == 0) {
      out << R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" << '\n';
      out << R"({"metaData":{"id":"checkpoint-bench","format":{"provider":"parquet","options":{}},"schemaString":")"
          << kSchema << R"(","partitionColumns":["day"],"configuration":{},"createdTime":)" << now_ms << "}}\n";
    } else {
      for (long long r = 0; r < 20; ++r) {
        const long long n = static_cast<long long>(k - 1) * adds + r * (adds / 20);
        out << R"({"remove":{"path":")" << path_of(n) << R"(","deletionTimestamp":)" << now_ms
            << R"(,"dataChange":true}})" << '\n';
      }
    }
    for (long long i = 0; i < adds; ++i) {
      const long long n = static_cast<long long>(k) * adds + i;
      out << R"({"add":{"path":")" << path_of(n) << R"(","partitionValues":{"day":")" << day_of(n)
          << R"("},"size":)" << 100000 + n << R"(,"modificationTime":)" << now_ms << R"(,"dataChange":true,"stats":")"
          << escaped(bench::delta::stats_of(n)) << "\"}}\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int commits = 100, adds = 1000, threads = 0;
  bool keep = false;
  for (int i = 1; i < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--keep") {
      keep = true;
      --i;
    } else if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", a.c_str());
      return 2;
    } else if (a == "--commits") commits = std::atoi(argv[i + 1]);
    else if (a == "--adds") adds = std::atoi(argv[i + 1]);
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s (use --commits N, --adds N, --threads N, --keep)\n", a.c_str());
      return 2;
    }
  }
  const char* parent = std::getenv("NEURALAKE_BENCH_DIR");
  const fs::path table = fs::path(parent ? parent : fs::temp_directory_path().string()) /
                         ("neuralake-checkpoint-bench-" + std::to_string(getpid()));
  const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  int rc = 0;
  try {
    auto t0 = Clock::now();
    write_log(table, commits, adds, now_ms);
    const double gen_ms = ms_since(t0);
    uintmax_t log_bytes = 0;
    for (const auto& e : fs::directory_iterator(table / "_delta_log")) log_bytes += fs::file_size(e.path());

    neuralake::SessionOptions options;
    options.threads = threads;
    neuralake::Session session(options);
    const nd::TableLocation location{neuralake::make_local_store(table.string()), "", table.string()};
    const double rss_before = status_mb("VmHWM");

    t0 = Clock::now();
    const double cpu0 = cpu_ms();
    const auto w = neuralake::engine::write_delta_checkpoint(session, location, commits - 1);
    const double write_ms = ms_since(t0);
    const double write_cpu_ms = cpu_ms() - cpu0;
    const double peak_mb = status_mb("VmHWM");

    // The checkpoint is then what a load starts from.
    auto reader = neuralake::engine::make_standalone_checkpoint_reader();
    t0 = Clock::now();
    const auto snap = nd::load_snapshot(location, *reader);
    const double load_ms = ms_since(t0);

    std::printf("log: %d commits x %d adds, %.1f MB of JSON (written in %.0f ms)\n", commits, adds,
                static_cast<double>(log_bytes) / 1e6, gen_ms);
    std::printf("checkpoint v%lld: %lld rows (%lld adds, %lld removes, %lld txns), %.1f MB\n",
                static_cast<long long>(w.version), static_cast<long long>(w.rows), static_cast<long long>(w.adds),
                static_cast<long long>(w.removes), static_cast<long long>(w.txns),
                static_cast<double>(w.size_bytes) / 1e6);
    std::printf("checkpoint time: %.0f ms (target <= 2000 ms), CPU time %.0f ms on %u threads\n", write_ms,
                write_cpu_ms, threads > 0 ? static_cast<unsigned>(threads) : std::thread::hardware_concurrency());
    std::printf("peak RSS (VmHWM): %.1f MB (target <= 200 MB); %.1f MB before the checkpoint\n", peak_mb, rss_before);
    std::printf("snapshot load from it: %.0f ms, %zu files, starts at checkpoint v%lld\n", load_ms, snap->num_files(),
                static_cast<long long>(snap->checkpoint ? snap->checkpoint->version : -1));
    if (static_cast<int64_t>(snap->num_files()) != w.adds || !snap->checkpoint) {
      std::fprintf(stderr, "the snapshot does not match the checkpoint\n");
      rc = 1;
    }
  } catch (const neuralake::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    rc = 1;
  }
  if (keep) {
    std::printf("table kept at %s\n", table.c_str());
  } else {
    std::error_code ec;
    fs::remove_all(table, ec);
  }
  return rc;
}
