// neuralake_serve_bench: `neuralake serve` under load with wrk, against the
// same queries run in a loop in-process on the same machine, and a large
// result streamed to a client in bounded server memory.
//
//   lookup     GET /api/tables/tpch_lineitem?filter[l_orderkey]eq=K&filter[l_linenumber]eq=1
//   aggregate  POST /api/sql: a grouped aggregate over the 6M rows
//   stream     POST /api/sql: every row of lineitem twice (NDJSON about 4.4 GB,
//              Arrow 1.9 GB, Parquet 0.4 GB), and 6M rows of 1.2 KB strings
//
// Targets (the API server's acceptance): zero non-2xx answers and no crash;
// with one connection (wrk -t1 -c1) the server's median latency within 1 ms
// of the in-process median; with four (wrk -t2 -c4) at least 0.6x the
// in-process rate with four threads; a stream's peak server RSS < 200 MB (or,
// where raw DuckDB reading the same stream already needs about that, at most
// 1.25x raw DuckDB's).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "common/child_process.h"
#include "neuralake/neuralake.h"
#include "neuralake/plugin.h"
#include "serve/raw_stream.h"

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const char* kLookupSql = "SELECT * FROM tpch.lineitem WHERE l_orderkey = 4000 AND l_linenumber = 1";
const char* kLookupPath = "/api/tables/tpch_lineitem?filter[l_orderkey]eq=4000&filter[l_linenumber]eq=1";
const char* kAggregateSql =
    "SELECT l_returnflag, l_linestatus, count(*) AS n, sum(l_quantity) AS qty, avg(l_extendedprice) AS price "
    "FROM tpch.lineitem GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus";

struct LoopResult {
  double p50_ms = 0, p99_ms = 0, rate = 0;
};

// The query in a loop on `threads` threads for `seconds`.
LoopResult in_process(neuralake::Session& session, const std::string& sql, int threads, double seconds) {
  std::vector<std::vector<double>> lat(threads);
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!stop) {
        auto a = Clock::now();
        neuralake::DataFrame df = session.sql(sql);
        lat[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  LoopResult r;
  r.p50_ms = all[all.size() / 2];
  r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  r.rate = static_cast<double>(all.size()) / elapsed;
  return r;
}

struct Server {
  pid_t pid = -1;
  int port = 0;
};

Server start_server(const std::string& cli, const std::string& plugin) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::vector<std::string> args = {cli,           "--catalog",        plugin, "serve", "--port", "0", "--quiet",
                                   "--workers",   "8",                "--max-queries", "64", "--max-result-mb", "0",
                                   "--max-result-rows", "0", "--query-timeout", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Server s;
  if (posix_spawn(&s.pid, cli.c_str(), &fa, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + cli);
  close(fds[1]);
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  close(fds[0]);
  auto colon = line.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("the server printed no address: " + line);
  s.port = std::stoi(line.substr(colon + 1));
  return s;
}

long proc_status_kb(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key) + 1));
  return -1;
}

bool alive(pid_t pid) { return kill(pid, 0) == 0 && waitpid(pid, nullptr, WNOHANG) == 0; }

std::string run_capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + command);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// wrk's latency figures are "1.23ms", "456.00us" or "1.02s".
double wrk_ms(const std::string& text) {
  double v = std::stod(text);
  if (text.find("us") != std::string::npos) return v / 1000;
  if (text.find("ms") != std::string::npos) return v;
  if (text.find('s') != std::string::npos) return v * 1000;
  return v;
}

struct WrkResult {
  double rate = 0, p50_ms = 0, p99_ms = 0;
  long requests = 0, non_2xx = 0, socket_errors = 0;
};

WrkResult run_wrk(int threads, int connections, int seconds, const std::string& url, const std::string& script) {
  std::string cmd = "wrk -t" + std::to_string(threads) + " -c" + std::to_string(connections) + " -d" +
                    std::to_string(seconds) + "s --timeout 60s --latency " + (script.empty() ? "" : "-s " + script + " ") + "'" +
                    url + "' 2>&1";
  std::string out = run_capture(cmd);
  WrkResult r;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "50%") {
      std::string v;
      words >> v;
      r.p50_ms = wrk_ms(v);
    } else if (first == "99%") {
      std::string v;
      words >> v;
      r.p99_ms = wrk_ms(v);
    } else if (first == "Requests/sec:") {
      words >> r.rate;
    } else if (line.find("requests in") != std::string::npos) {
      r.requests = std::stol(first);
    } else if (line.find("Non-2xx") != std::string::npos) {
      r.non_2xx = std::stol(line.substr(line.rfind(':') + 1));
    } else if (first == "Socket") {
      // "Socket errors: connect 0, read 0, write 0, timeout 0"
      for (const char* k : {"connect ", "read ", "write ", "timeout "}) {
        auto p = line.find(k);
        if (p != std::string::npos) r.socket_errors += std::stol(line.substr(p + std::strlen(k)));
      }
    }
  }
  if (r.requests == 0) throw std::runtime_error("wrk gave no result:\n" + out);
  return r;
}

std::string post_script(const std::string& dir, const std::string& sql) {
  std::string path = dir + "/post.lua";
  std::ofstream f(path);
  std::string escaped;
  for (char c : sql) escaped += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  f << "wrk.method = \"POST\"\nwrk.body = \"" << escaped << "\"\nwrk.headers[\"Content-Type\"] = \"text/plain\"\n";
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 30;
  uint64_t rows = 6'000'000;
  std::string data_dir;
  const int engine_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (argc == 3 && std::string(argv[1]) == "--raw-stream") {  // a child run: the baseline
    try {
      std::printf("%llu\n", static_cast<unsigned long long>(serve_bench::raw_duckdb_stream(argv[2], engine_threads)));
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "raw DuckDB stream: %s\n", e.what());
      return 1;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--seconds") seconds = std::stoi(next());
    else if (a == "--rows") rows = std::stoull(next());
    else if (a == "--data-dir") data_dir = next();
    else {
      std::fprintf(stderr, "usage: %s [--seconds S] [--rows LINEITEM_ROWS] [--data-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  try {
    if (system("command -v wrk >/dev/null 2>&1") != 0)
      throw std::runtime_error("wrk is not installed (scripts/bootstrap installs it)");
    const std::string cache = data_dir.empty() ? std::string(NEURALAKE_BENCH_DIR) : data_dir;
    auto layout = bench::ensure_data(cache, rows, 42, 0);
    bench::warm_page_cache(layout.flat("lineitem"));
    setenv("NEURALAKE_BENCH_LINEITEM", layout.flat("lineitem").c_str(), 1);
    const std::string work = (fs::temp_directory_path() / ("neuralake-serve-bench-" + std::to_string(getpid()))).string();
    fs::create_directories(work);
    const std::string script = post_script(work, kAggregateSql);

    std::printf("neuralake serve under wrk: %llu lineitem rows, %d s per run\n",
                static_cast<unsigned long long>(rows), seconds);
    neuralake::Catalog catalog = neuralake::load_catalog_plugin(SERVE_BENCH_PLUGIN);
    neuralake::Session session(catalog, catalog.options());
    bool ok = true;

    Server server = start_server(NEURALAKE_CLI, SERVE_BENCH_PLUGIN);
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port);
    long rss_before = proc_status_kb(server.pid, "VmRSS:");
    struct Case {
      const char* name;
      std::string sql, url, script;
    } cases[] = {{"lookup", kLookupSql, base + kLookupPath, ""}, {"aggregate", kAggregateSql, base + "/api/sql", script}};
    for (const auto& c : cases) {
      LoopResult one = in_process(session, c.sql, 1, seconds);
      LoopResult four = in_process(session, c.sql, 4, seconds);
      WrkResult w1 = run_wrk(1, 1, seconds, c.url, c.script);
      WrkResult w4 = run_wrk(2, 4, seconds, c.url, c.script);
      double gap = w1.p50_ms - one.p50_ms;
      double ratio = w4.rate / four.rate;
      bool case_ok = w1.non_2xx == 0 && w4.non_2xx == 0 && w1.socket_errors == 0 && w4.socket_errors == 0 &&
                     gap <= 1.0 && ratio >= 0.6;
      ok = ok && case_ok;
      std::printf(
          "%-9s in-process: p50 %.3f ms, p99 %.3f ms, %.0f q/s (1 thread); %.0f q/s (4 threads)\n"
          "%-9s wrk -c1:    p50 %.3f ms, p99 %.3f ms, %.0f req/s, %ld requests, %ld non-2xx, %ld socket errors\n"
          "%-9s wrk -c4:    p50 %.3f ms, p99 %.3f ms, %.0f req/s, %ld requests, %ld non-2xx, %ld socket errors\n"
          "%-9s p50 gap %+.3f ms (target <= 1 ms), -c4 rate %.2fx in-process (target >= 0.6x): %s\n",
          c.name, one.p50_ms, one.p99_ms, one.rate, four.rate, "", w1.p50_ms, w1.p99_ms, w1.rate, w1.requests,
          w1.non_2xx, w1.socket_errors, "", w4.p50_ms, w4.p99_ms, w4.rate, w4.requests, w4.non_2xx, w4.socket_errors,
          "", gap, ratio, case_ok ? "ok" : "MISSED");
    }
    bool survived = alive(server.pid);
    long rss_after = proc_status_kb(server.pid, "VmRSS:");
    std::printf("server RSS before %.1f MB, after %.1f MB; %s\n", rss_before / 1024.0, rss_after / 1024.0,
                survived ? "still running" : "CRASHED");
    ok = ok && survived;
    kill(server.pid, SIGTERM);
    waitpid(server.pid, nullptr, 0);

    // Large results to a client, each in a fresh server so its peak RSS is
    // the stream's: every row of lineitem twice in three encodings, and rows
    // of 1.2 KB strings (l_comment repeated) as NDJSON and Parquet.
    struct Stream {
      const char* label;
      const char* format;
      const char* sql;
    } streams[] = {
        {"lineitem x2", "ndjson", "SELECT l.*, copy FROM tpch.lineitem l, range(2) r(copy)"},
        {"lineitem x2", "arrow", "SELECT l.*, copy FROM tpch.lineitem l, range(2) r(copy)"},
        {"lineitem x2", "parquet", "SELECT l.*, copy FROM tpch.lineitem l, range(2) r(copy)"},
        {"wide rows", "ndjson", "SELECT l_orderkey, repeat(l_comment, 50) AS c FROM tpch.lineitem"},
        {"wide rows", "parquet", "SELECT l_orderkey, repeat(l_comment, 50) AS c FROM tpch.lineitem"},
    };
    const std::string raw_table = "read_parquet('" + layout.flat("lineitem") + "/*.parquet')";
    for (const Stream& st : streams) {
      std::string raw_sql = st.sql;
      raw_sql.replace(raw_sql.find("tpch.lineitem"), std::string("tpch.lineitem").size(), raw_table);
      auto raw = bench::run_child({argv[0], "--raw-stream", raw_sql});
      if (raw.exit_code != 0) throw std::runtime_error("the raw DuckDB stream failed: " + raw_sql);
      Server fresh = start_server(NEURALAKE_CLI, SERVE_BENCH_PLUGIN);
      std::string cmd = "curl -s --noproxy '*' -o /dev/null -w '%{http_code} %{size_download} %{time_total}' -X POST "
                        "--data '" + std::string(st.sql) + "' 'http://127.0.0.1:" + std::to_string(fresh.port) +
                        "/api/sql?format=" + st.format + "'";
      std::istringstream got(run_capture(cmd));
      int status = 0;
      double bytes = 0, secs = 0;
      got >> status >> bytes >> secs;
      long peak = proc_status_kb(fresh.pid, "VmHWM:");
      // Target: under 200 MB. Where raw DuckDB's own stream of the result
      // (its ordered buffer holds whole row groups of wide rows) already
      // comes near that, the server may add at most a quarter to it.
      const double ratio = raw.peak_rss_kb > 0 ? static_cast<double>(peak) / raw.peak_rss_kb : 0;
      bool stream_ok = status == 200 && peak > 0 && (peak < 200 * 1024 || ratio <= 1.25);
      ok = ok && stream_ok;
      std::printf("stream     %-11s %-7s HTTP %d, %.2f GB in %.1f s (%.0f MB/s); server peak RSS %.1f MB, "
                  "raw DuckDB's stream %.1f MB (%.2fx) (target < 200 MB or <= 1.25x raw): %s\n",
                  st.label, st.format, status, bytes / 1e9, secs, bytes / 1e6 / std::max(secs, 1e-9), peak / 1024.0,
                  raw.peak_rss_kb / 1024.0, ratio, stream_ok ? "ok" : "MISSED");
      kill(fresh.pid, SIGTERM);
      waitpid(fresh.pid, nullptr, 0);
    }
    fs::remove_all(work);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuralake_serve_bench: %s\n", e.what());
    return 1;
  }
}
