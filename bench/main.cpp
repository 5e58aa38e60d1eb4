// neuralake_bench: each query through our catalog/lazy-frame API and as raw
// DuckDB SQL on the same generated files, each run in its own child process.
//
//   neuralake_bench [--rows N] [--seed S] [--reps R] [--threads T] [--rewrites on|off]
//                   [--data-dir DIR] [--queries a,b,...]
// Prints per query the median query time and the peak RSS of both paths and
// their ratios (ours / raw), then a summary against the targets.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "child.h"
#include "neuralake/error.h"
#include "queries.h"

namespace fs = std::filesystem;

namespace {

// Targets at ~6M lineitem rows: ours / raw.
constexpr double kTimeTarget = 1.05;
constexpr double kMemoryTarget = 1.10;

struct Args {
  uint64_t rows = 6'000'000;
  uint64_t seed = 42;
  int reps = 5;
  int threads = 0;
  bool rewrites = true;  // off: PlanRewrites::none(), the plan DuckDB would run
  std::string data_dir;
  std::vector<std::string> queries;
  // Child mode.
  std::string child;  // "ours" or "raw"
  std::string query;
  std::string data;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
      return argv[++i];
    };
    if (k == "--rows") a.rows = std::stoull(value());
    else if (k == "--seed") a.seed = std::stoull(value());
    else if (k == "--reps") a.reps = std::stoi(value());
    else if (k == "--threads") a.threads = std::stoi(value());
    else if (k == "--data-dir") a.data_dir = value();
    else if (k == "--rewrites") {
      const std::string v = value();
      if (v != "on" && v != "off") throw std::invalid_argument("--rewrites takes on or off, got '" + v + "'");
      a.rewrites = v == "on";
    }
    else if (k == "--queries") a.queries = split(value(), ',');
    else if (k == "--child") a.child = value();
    else if (k == "--query") a.query = value();
    else if (k == "--data") a.data = value();
    else if (k == "--help" || k == "-h") {
      std::cout << "usage: neuralake_bench [--rows N (6000000)] [--seed S (42)] [--reps R (5)]\n"
                   "                       [--threads T (all cores)] [--data-dir DIR (build/bench-data)]\n"
                   "                       [--rewrites on|off (on)]\n"
                   "                       [--queries name,...]\nqueries:";
      for (const auto& q : bench::queries()) std::cout << " " << q.name;
      std::cout << "\n";
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown option '" + k + "' (see --help)");
    }
  }
  if (a.rows == 0) throw std::invalid_argument("--rows must be positive");
  if (a.reps <= 0) throw std::invalid_argument("--reps must be positive");
  if (a.threads < 0) throw std::invalid_argument("--threads must be 0 (all cores) or positive");
  return a;
}

fs::path self_exe() { return fs::read_symlink("/proc/self/exe"); }

struct ChildRun {
  bench::RunResult result;
  double max_rss_mb = 0;
};

// Runs this binary in --child mode and reads its result line and peak RSS.
ChildRun run_child(const std::string& side, const std::string& query, const bench::DataLayout& layout, int threads,
                   bool rewrites) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const std::string exe = self_exe().string();
  std::vector<std::string> args = {exe, "--child", side, "--query", query, "--data", layout.root,
                                   "--threads", std::to_string(threads), "--rewrites", rewrites ? "on" : "off"};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) < 0) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(side + " child for " + query + " failed (status " + std::to_string(status) + ")");
  ChildRun run;
  auto line = out.substr(0, out.find('\n'));
  run.result = bench::parse_result(line);
  run.max_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int child_main(const Args& a) {
  bench::DataLayout layout{a.data};
  const bench::Query& q = bench::find_query(a.query);
  bench::RunResult r = a.child == "ours" ? bench::run_ours(q, layout, a.threads, a.rewrites)
                       : a.child == "raw" ? bench::run_raw(q, layout, a.threads)
                                          : throw std::invalid_argument("--child must be ours or raw");
  std::cout << bench::format_result(r) << std::endl;
  return 0;
}

int parent_main(const Args& a) {
  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string cache = a.data_dir.empty() ? (self_exe().parent_path().parent_path() / "bench-data").string() : a.data_dir;
  bench::DataLayout layout = bench::ensure_data(cache, a.rows, a.seed, threads);
  uint64_t warmed = bench::warm_page_cache(layout.root);

  std::vector<const bench::Query*> selected;
  if (a.queries.empty()) {
    for (const auto& q : bench::queries()) selected.push_back(&q);
  } else {
    for (const auto& n : a.queries) selected.push_back(&bench::find_query(n));
  }

  std::printf("neuralake_bench: %llu lineitem rows, seed %llu, %d threads, %d reps per path (alternating), "
              "plan rewrites %s, data %s (%.0f MB, read once before timing)\n\n",
              static_cast<unsigned long long>(a.rows), static_cast<unsigned long long>(a.seed), threads, a.reps,
              a.rewrites ? "on" : "off",
              layout.root.c_str(), static_cast<double>(warmed) / 1e6);
  std::printf("%-17s %9s %9s %6s  %9s %9s %6s  %8s %8s %6s  %8s %8s  %s\n", "query", "ours ms", "raw ms", "ratio",
              "ours MB", "raw MB", "ratio", "ours cpu", "raw cpu", "ratio", "setup", "setup", "rows");
  std::printf("%-17s %9s %9s %6s  %9s %9s %6s  %8s %8s %6s  %8s %8s\n", "", "(median)", "(median)", "", "(peak)",
              "(peak)", "", "ms", "ms", "", "ours ms", "raw ms");
  std::fflush(stdout);

  int time_misses = 0, memory_misses = 0, mismatches = 0;
  double log_time = 0, log_memory = 0, worst_time = 0, worst_memory = 0;
  for (const auto* q : selected) {
    // One untimed run of each path first: loads the code and the files' metadata paths.
    run_child("ours", q->name, layout, threads, a.rewrites);
    run_child("raw", q->name, layout, threads, a.rewrites);
    std::vector<double> ours_ms, raw_ms, ours_mb, raw_mb, ours_setup, raw_setup, ours_cpu, raw_cpu;
    bench::RunResult ours_last, raw_last;
    for (int rep = 0; rep < a.reps; ++rep) {
      // Alternate which path goes first, so drift (heat, other load) hits both alike.
      for (int k = 0; k < 2; ++k) {
        bool ours = (rep + k) % 2 == 0;
        ChildRun run = run_child(ours ? "ours" : "raw", q->name, layout, threads, a.rewrites);
        (ours ? ours_ms : raw_ms).push_back(run.result.query_ms);
        (ours ? ours_mb : raw_mb).push_back(run.max_rss_mb);
        (ours ? ours_setup : raw_setup).push_back(run.result.setup_ms);
        (ours ? ours_cpu : raw_cpu).push_back(run.result.query_cpu_ms);
        (ours ? ours_last : raw_last) = run.result;
      }
    }
    double t_ours = median(ours_ms), t_raw = median(raw_ms);
    double m_ours = median(ours_mb), m_raw = median(raw_mb);
    double tr = t_ours / t_raw, mr = m_ours / m_raw;
    bool same = ours_last.rows == raw_last.rows && ours_last.columns == raw_last.columns;
    double c_ours = median(ours_cpu), c_raw = median(raw_cpu);
    std::printf("%-17s %9.1f %9.1f %5.2fx  %9.1f %9.1f %5.2fx  %8.1f %8.1f %5.2fx  %8.1f %8.1f  %llu%s%s%s\n",
                q->name.c_str(), t_ours, t_raw, tr, m_ours, m_raw, mr, c_ours, c_raw, c_ours / c_raw,
                median(ours_setup), median(raw_setup),
                static_cast<unsigned long long>(ours_last.rows), tr > kTimeTarget ? "  TIME>target" : "",
                mr > kMemoryTarget ? "  MEM>target" : "",
                same ? "" : ("  RESULT MISMATCH (raw " + std::to_string(raw_last.rows) + "x" +
                             std::to_string(raw_last.columns) + ")")
                                .c_str());
    std::fflush(stdout);
    time_misses += tr > kTimeTarget;
    memory_misses += mr > kMemoryTarget;
    mismatches += !same;
    log_time += std::log(tr);
    log_memory += std::log(mr);
    worst_time = std::max(worst_time, tr);
    worst_memory = std::max(worst_memory, mr);
  }
  const double n = static_cast<double>(selected.size());
  std::printf("\nsummary: %zu queries; time ratio geomean %.3fx, worst %.3fx (target <= %.2fx, %d over); "
              "peak RSS ratio geomean %.3fx, worst %.3fx (target <= %.2fx, %d over)%s\n",
              selected.size(), std::exp(log_time / n), worst_time, kTimeTarget, time_misses,
              std::exp(log_memory / n), worst_memory, kMemoryTarget, memory_misses,
              mismatches ? "; RESULT MISMATCHES" : "");
  std::printf("(ms: median wall time of the query inside the child, excluding process start and setup; cpu: "
              "median user+system time over the same span; setup: catalog + session vs. database + connection; "
              "MB: the child's peak RSS, median over runs)\n");
  return mismatches ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    return a.child.empty() ? parent_main(a) : child_main(a);
  } catch (const neuralake::Error& e) {
    std::cerr << "neuralake_bench: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "neuralake_bench: " << e.what() << "\n";
    return 1;
  }
}
