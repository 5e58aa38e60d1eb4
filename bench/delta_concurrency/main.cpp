// neuralake_delta_concurrency_bench: Delta appends per second on local disk
// with one writer process and with four writing to the same table at once.
//
// Each append is 100 rows through DeltaWriter::append (write + commit) in a
// long-lived writer process (this program run with --writer, one session
// each). The writers start together once all have their session up; commits/s
// is the appends committed over the wall time from that start to the last
// writer's end. Reported per configuration: commits/s (median over the runs,
// with min-max), append latency p50/p99 (all runs pooled), the commit attempts
// per append, and the appends that gave up (Conflict after
// max_commit_attempts) and were made again, as an application would. The
// table's row count is checked after every run. Reports only, no target: it
// exits non-zero only if a run fails or a table comes out wrong.
//
//   neuralake_delta_concurrency_bench [--appends N] [--rows R] [--runs K] [--dir D]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "neuralake/delta_writer.h"
#include "neuralake/error.h"
#include "neuralake/session.h"

extern char** environ;

namespace fs = std::filesystem;
namespace nl = neuralake;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

nl::SessionOptions writer_options() {
  nl::SessionOptions o;
  o.threads = 1;  // four writers on a small machine: one thread each
  return o;
}

// One writer process: `appends` appends of `rows` rows to `table`, started
// when `go` exists; one line per append to `out`: "a <attempts> <micros>", or
// "g <micros>" for an append that gave up (then made again).
int run_writer(const std::string& table, int writer, int appends, int rows, const fs::path& ready, const fs::path& go,
               const fs::path& out) {
  nl::Session session(writer_options());
  nl::DeltaWriter delta(session, table);
  std::ofstream(ready).put('\n');
  while (!fs::exists(go)) std::this_thread::sleep_for(std::chrono::microseconds(200));
  std::ostringstream log;
  int gave_up = 0;
  for (int i = 0; i < appends; ++i) {
    const std::string sql = "SELECT " + std::to_string(writer) + " AS w, " + std::to_string(i) +
                            " AS i, range AS j, 'row ' || range AS label FROM range(" + std::to_string(rows) + ")";
    const auto t0 = Clock::now();
    try {
      auto r = delta.append(session.lazy(sql));
      log << "a " << r.attempts << " "
          << std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count() << "\n";
    } catch (const nl::Error& e) {
      if (e.code() != nl::ErrorCode::Conflict || ++gave_up > 1000) throw;
      log << "g " << std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count() << "\n";
      --i;
    }
  }
  std::ofstream(out) << log.str();
  return 0;
}

struct RunResult {
  double seconds = 0;
  int appends = 0;
  std::vector<double> ms;
  std::map<int, int> attempts;  // attempts -> appends
  int gave_up = 0;
  double gave_up_seconds = 0;  // time spent in appends that gave up
};

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

RunResult run(const fs::path& work, int writers, int total_appends, int rows) {
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string table = (work / "t").string();
  {
    nl::Session session(writer_options());
    nl::DeltaWriter(session, table)
        .create({{"w", nl::DataType::int64()}, {"i", nl::DataType::int64()}, {"j", nl::DataType::int64()},
                 {"label", nl::DataType::string()}});
  }
  const int per_writer = total_appends / writers;
  const fs::path self = fs::read_symlink("/proc/self/exe");
  std::vector<pid_t> pids;
  for (int w = 0; w < writers; ++w) {
    pids.push_back(spawn({self.string(), "--writer", table, std::to_string(w), std::to_string(per_writer),
                          std::to_string(rows), (work / ("ready" + std::to_string(w))).string(),
                          (work / "go").string(), (work / ("out" + std::to_string(w))).string()}));
  }
  for (int w = 0; w < writers; ++w) {
    while (!fs::exists(work / ("ready" + std::to_string(w)))) {
      int status = 0;
      if (waitpid(pids[w], &status, WNOHANG) == pids[w]) throw std::runtime_error("a writer ended before it was ready");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  const auto t0 = Clock::now();
  std::ofstream(work / "go").put('\n');
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a writer failed");
  }
  RunResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (int w = 0; w < writers; ++w) {
    std::ifstream in(work / ("out" + std::to_string(w)));
    std::string kind;
    long long a = 0, micros = 0;
    while (in >> kind) {
      if (kind == "a" && in >> a >> micros) {
        ++r.appends;
        ++r.attempts[static_cast<int>(a)];
        r.ms.push_back(static_cast<double>(micros) / 1000.0);
      } else if (kind == "g" && in >> micros) {
        ++r.gave_up;
        r.gave_up_seconds += static_cast<double>(micros) / 1e6;
      }
    }
  }
  nl::Session check(writer_options());
  auto df = check.sql("SELECT count(*), count(DISTINCT (w, i)) FROM delta_scan('" + table + "')");
  const int64_t expect = static_cast<int64_t>(per_writer) * writers;
  if (r.appends != expect || df.value(0, 0).as<int64_t>() != expect * rows || df.value(0, 1).as<int64_t>() != expect)
    throw std::runtime_error("the table does not hold every append exactly once");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 9 && std::string(argv[1]) == "--writer") {
      return run_writer(argv[2], std::stoi(argv[3]), std::stoi(argv[4]), std::stoi(argv[5]), argv[6], argv[7], argv[8]);
    }
    int appends = 1000, rows = 100, runs = 3;
    fs::path dir = fs::temp_directory_path() / ("neuralake-delta-concurrency-" + std::to_string(::getpid()));
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (i + 1 >= argc) throw std::runtime_error("usage: " + std::string(argv[0]) +
                                                  " [--appends N] [--rows R] [--runs K] [--dir D]");
      const std::string v = argv[++i];
      if (a == "--appends") appends = std::stoi(v);
      else if (a == "--rows") rows = std::stoi(v);
      else if (a == "--runs") runs = std::stoi(v);
      else if (a == "--dir") dir = v;
      else throw std::runtime_error("unknown option " + a);
    }
    std::printf("Delta appends of %d rows on local disk, %d appends per run, %d runs per configuration (alternating)\n",
                rows, appends, runs);
    std::map<int, std::vector<RunResult>> results;
    for (int r = 0; r < runs; ++r)
      for (int writers : {1, 4}) results[writers].push_back(run(dir / "run", writers, appends, rows));
    fs::remove_all(dir);
    std::printf("%8s %12s %17s %10s %10s %26s %9s %11s\n", "writers", "commits/s", "min-max", "p50 ms", "p99 ms",
                "attempts:appends (pooled)", "gave up", "lost s/run");
    for (const auto& [writers, list] : results) {
      std::vector<double> rate, ms;
      std::map<int, int> attempts;
      int gave_up = 0;
      double lost = 0;
      for (const auto& r : list) {
        lost += r.gave_up_seconds / static_cast<double>(list.size());
        rate.push_back(r.appends / r.seconds);
        ms.insert(ms.end(), r.ms.begin(), r.ms.end());
        for (const auto& [a, n] : r.attempts) attempts[a] += n;
        gave_up += r.gave_up;
      }
      std::string hist;
      for (const auto& [a, n] : attempts) hist += (hist.empty() ? "" : " ") + std::to_string(a) + ":" + std::to_string(n);
      auto [lo, hi] = std::minmax_element(rate.begin(), rate.end());
      std::printf("%8d %12.1f %8.1f-%-8.1f %10.1f %10.1f %26s %9d %11.1f\n", writers, percentile(rate, 0.5), *lo, *hi,
                  percentile(ms, 0.5), percentile(ms, 0.99), hist.c_str(), gave_up, lost);
    }
    std::printf("(latency: one successful DeltaWriter::append, data file and commit; gave up: appends that failed\n"
                " with Conflict after max_commit_attempts and were made again, over all runs; lost s/run: the writer\n"
                " time those spent, per run)\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuralake_delta_concurrency_bench: %s\n", e.what());
    return 1;
  }
}
