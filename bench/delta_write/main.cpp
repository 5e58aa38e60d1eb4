// neuralake_delta_write_bench: the Delta writer against raw DuckDB and
// against its absolute targets.
//
//  1. A 6M-row lineitem query appended as a new Delta table vs raw DuckDB's
//     COPY (same query) TO Parquet with the same compression, row groups and
//     file size: time and peak RSS, each side in a fresh process, sides
//     alternating run by run (targets: time <= 1.15x, RSS <= 1.2x).
//  2. 1,000 appends of 100 rows, commit latency p50/p99, on local disk
//     (target: p50 <= 15 ms) and on the local S3 server (reported).
//  3. The cold snapshot load of the table those appends made, in a fresh
//     process (reported against the reader's 1,000-commit figure).
//
// Exits non-zero when a target is missed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "bench_data.h"
#include "common/child_process.h"
#include "duckdb.hpp"
#include "neuralake/config.h"
#include "neuralake/delta.h"
#include "neuralake/delta_writer.h"
#include "neuralake/session.h"
#include "testing/local_s3_process.h"

namespace fs = std::filesystem;
namespace nl = neuralake;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

fs::path self_exe() { return fs::read_symlink("/proc/self/exe"); }

constexpr uint64_t kFileSize = 128ull << 20;
constexpr uint64_t kRowGroup = 122880;

std::string source_query(const std::string& lineitem) {
  return "SELECT * FROM read_parquet('" + lineitem + "/*.parquet')";
}

// One side of the large write, in this (fresh) process; prints "<ms> <rows> <bytes>".
int run_side(const std::string& side, const std::string& lineitem, const std::string& out, int threads) {
  auto t0 = Clock::now();
  unsigned long long rows = 0, bytes = 0;
  if (side == "neuralake") {
    nl::SessionOptions o;
    o.threads = threads;
    nl::Session s(o);
    nl::DeltaWriter w(s, out);
    nl::DeltaWriteOptions wo;
    wo.create = nl::DeltaCreateOptions{};
    wo.target_file_size = kFileSize;
    wo.row_group_rows = kRowGroup;
    auto r = w.append(s.lazy(source_query(lineitem)), wo);
    rows = static_cast<unsigned long long>(r.rows);
    bytes = static_cast<unsigned long long>(r.bytes);
  } else if (side == "duckdb") {
    duckdb::DBConfig config;
    config.options.maximum_threads = static_cast<duckdb::idx_t>(threads);
    duckdb::DuckDB db(nullptr, &config);
    duckdb::Connection con(db);
    auto r = con.Query("COPY (" + source_query(lineitem) + ") TO '" + out +
                       "' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE " + std::to_string(kRowGroup) +
                       ", FILE_SIZE_BYTES " + std::to_string(kFileSize) + ", RETURN_STATS true)");
    if (r->HasError()) throw std::runtime_error(r->GetError());
    for (size_t i = 0; i < r->RowCount(); ++i) {
      rows += r->GetValue(1, i).GetValue<uint64_t>();
      bytes += r->GetValue(2, i).GetValue<uint64_t>();
    }
  } else {
    throw std::runtime_error("unknown side " + side);
  }
  std::printf("%.1f %llu %llu\n", ms_since(t0), rows, bytes);
  return 0;
}

bool large_write(const std::string& lineitem, const fs::path& work, int runs, int threads) {
  std::printf("1. The 6M-row lineitem scan written as a new Delta table vs raw DuckDB COPY ... TO Parquet\n"
              "   (snappy, %llu-row groups, %llu MB files; fresh process per run, %d runs per side, alternating, %d threads)\n",
              static_cast<unsigned long long>(kRowGroup), static_cast<unsigned long long>(kFileSize >> 20), runs, threads);
  std::map<std::string, std::vector<double>> ms, rss;
  std::map<std::string, std::pair<unsigned long long, unsigned long long>> sizes;
  for (int r = 0; r < runs; ++r) {
    for (const std::string side : {"duckdb", "neuralake"}) {
      const fs::path out = work / ("large-" + side);
      fs::remove_all(out);
      auto child = bench::run_child({self_exe().string(), "--side", side, "--lineitem", lineitem, "--out", out.string(),
                                     "--threads", std::to_string(threads)});
      if (child.exit_code != 0) throw std::runtime_error(side + " failed (exit " + std::to_string(child.exit_code) + ")");
      double t = 0;
      unsigned long long rows = 0, bytes = 0;
      if (std::sscanf(child.out.c_str(), "%lf %llu %llu", &t, &rows, &bytes) != 3)
        throw std::runtime_error(side + " printed '" + child.out + "'");
      ms[side].push_back(t);
      rss[side].push_back(static_cast<double>(child.peak_rss_kb) / 1024.0);
      sizes[side] = {rows, bytes};
    }
  }
  std::printf("   %-10s %10s %19s %13s %10s %12s\n", "side", "median ms", "min-max ms", "peak RSS MB", "rows", "bytes");
  for (const std::string side : {"duckdb", "neuralake"}) {
    auto [lo, hi] = std::minmax_element(ms[side].begin(), ms[side].end());
    std::printf("   %-10s %10.0f %9.0f-%-9.0f %13.0f %10llu %12llu\n", side.c_str(), median(ms[side]), *lo, *hi,
                median(rss[side]), sizes[side].first, sizes[side].second);
  }
  const double time_ratio = median(ms["neuralake"]) / median(ms["duckdb"]);
  const double rss_ratio = median(rss["neuralake"]) / median(rss["duckdb"]);
  const bool ok = time_ratio <= 1.15 && rss_ratio <= 1.2 && sizes["neuralake"].first == sizes["duckdb"].first;
  std::printf("   neuralake vs raw DuckDB: time %.2fx (target <= 1.15x), peak RSS %.2fx (target <= 1.2x), rows %s: %s\n\n",
              time_ratio, rss_ratio, sizes["neuralake"].first == sizes["duckdb"].first ? "equal" : "DIFFER",
              ok ? "met" : "MISSED");
  return ok;
}

struct Latencies {
  std::vector<double> ms;
  int64_t last_version = -1;
};

Latencies many_appends(nl::Session& s, const std::string& uri, int appends, int rows) {
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions create;
  create.create = nl::DeltaCreateOptions{};
  Latencies out;
  for (int i = 0; i < appends; ++i) {
    const std::string q = "SELECT range + " + std::to_string(i * rows) + " AS id, 'event ' || range AS label, now() AS at FROM range(" +
                          std::to_string(rows) + ")";
    auto t0 = Clock::now();
    auto r = w.append(s.lazy(q), i == 0 ? create : nl::DeltaWriteOptions{});
    out.ms.push_back(ms_since(t0));
    out.last_version = r.version;
  }
  return out;
}

void print_latencies(const char* where, const Latencies& l) {
  std::printf("   %-22s p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %7.1f ms  (%zu commits, last version %lld)\n", where,
              percentile(l.ms, 0.5), percentile(l.ms, 0.9), percentile(l.ms, 0.99), percentile(l.ms, 1.0), l.ms.size(),
              static_cast<long long>(l.last_version));
}

// The cold snapshot load, in this (fresh) process, the session already open:
// prints "<ms> <version> <files> <checkpoint version or -1>".
int run_load(const std::string& uri) {
  nl::Session s;
  s.sql("SELECT 1");
  auto t0 = Clock::now();
  auto info = nl::delta_table_info(s, uri);
  std::printf("%.1f %lld %zu %lld\n", ms_since(t0), static_cast<long long>(info.version), info.num_files,
              static_cast<long long>(info.checkpoint_version.value_or(-1)));
  return 0;
}

// The reader's floor, in this (fresh) process: raw DuckDB merely counting the
// rows of the same log files a load reads (the checkpoint, and the JSON
// commits after it). Prints "<ms>".
int run_floor(const std::string& dir, long long checkpoint) {
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  con.Query("SELECT 1");
  std::vector<std::string> commits;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name.size() == 25 && name.substr(20) == ".json" && std::stoll(name.substr(0, 20)) > checkpoint)
      commits.push_back(e.path().string());
  }
  auto t0 = Clock::now();
  if (checkpoint >= 0) {
    char name[64];
    std::snprintf(name, sizeof name, "%020lld.checkpoint.parquet", checkpoint);
    auto r = con.Query("SELECT count(*) FROM read_parquet('" + (fs::path(dir) / "_delta_log" / name).string() + "')");
    if (r->HasError()) throw std::runtime_error(r->GetError());
  }
  if (!commits.empty()) {
    std::string list;
    for (const auto& c : commits) list += (list.empty() ? "'" : ", '") + c + "'";
    auto r = con.Query("SELECT count(*) FROM read_json_objects([" + list + "], format = 'newline_delimited')");
    if (r->HasError()) throw std::runtime_error(r->GetError());
  }
  std::printf("%.1f\n", ms_since(t0));
  return 0;
}

bool commits(const fs::path& work, int appends, int rows, int runs) {
  std::printf("2. %d appends of %d rows each: the latency of DeltaWriter::append (write + commit)\n", appends, rows);
  bool ok = true;
  const fs::path local = work / "appends-local";
  fs::remove_all(local);
  Latencies disk;
  {
    nl::Session s;
    disk = many_appends(s, local.string(), appends, rows);
  }
  print_latencies("local disk:", disk);
  if (percentile(disk.ms, 0.5) > 15) ok = false;
  std::printf("   local disk p50 target <= 15 ms: %s\n", percentile(disk.ms, 0.5) <= 15 ? "met" : "MISSED");
  try {
    const fs::path source = NEURALAKE_SOURCE_DIR;
    fs::create_directories(work / "s3");
    nl::testing::LocalS3Process server(source / "scripts" / "local-s3", work / "s3", "bench");
    nl::Environment env{{{"NEURALAKE_ENV", "minio"},
                         {"AWS_ENDPOINT_URL", server.endpoint()},
                         {"AWS_EC2_METADATA_DISABLED", "true"},
                         // The local S3 server ignores conditional writes: one writer, as here.
                         {"NEURALAKE_S3_SINGLE_WRITER", "true"}}};
    nl::SessionOptions o;
    o.config = nl::Config::resolve(env);
    nl::Session s(o);
    print_latencies("local S3 server:", many_appends(s, "s3://bench/appends", appends / 4, rows));
    std::printf("   (the local S3 server: %d appends, a quarter of the local-disk count, to keep the run short)\n", appends / 4);
  } catch (const std::exception& e) {
    std::printf("   local S3 server: not measured: %s\n", e.what());
  }

  std::printf("\n3. Cold snapshot load of that %lld-version table in a fresh process (%d runs)\n",
              static_cast<long long>(disk.last_version), runs);
  std::vector<double> load_ms, load_rss, floor_ms;
  std::string facts;
  for (int r = 0; r < runs; ++r) {
    auto child = bench::run_child({self_exe().string(), "--load", local.string()});
    if (child.exit_code != 0) throw std::runtime_error("snapshot load failed");
    double t = 0;
    long long version = 0, checkpoint = -1;
    size_t files = 0;
    if (std::sscanf(child.out.c_str(), "%lf %lld %zu %lld", &t, &version, &files, &checkpoint) != 4)
      throw std::runtime_error("load printed '" + child.out + "'");
    load_ms.push_back(t);
    load_rss.push_back(static_cast<double>(child.peak_rss_kb) / 1024.0);
    facts = "version " + std::to_string(version) + ", " + std::to_string(files) + " live files, checkpoint " +
            (checkpoint < 0 ? std::string("none") : "at " + std::to_string(checkpoint));
    auto floor = bench::run_child({self_exe().string(), "--floor", local.string(), "--checkpoint", std::to_string(checkpoint)});
    if (floor.exit_code != 0) throw std::runtime_error("floor failed");
    floor_ms.push_back(std::stod(floor.out));
  }
  const double ratio = median(load_ms) / std::max(0.1, median(floor_ms));
  std::printf("   delta_table_info() in a fresh process: median %.1f ms, peak RSS %.0f MB (%s)\n"
              "   floor (raw DuckDB counting the rows of the same checkpoint and commits): median %.1f ms\n"
              "   cold load %.2fx the floor; the reader's targets: <= 1 s and <= 3x the floor: %s\n",
              median(load_ms), median(load_rss), facts.c_str(), median(floor_ms), ratio,
              median(load_ms) <= 1000 && ratio <= 3 ? "met" : "MISSED");
  if (median(load_ms) > 1000 || ratio > 3) ok = false;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string side, lineitem, out, load, data_dir, floor_dir;
  long long checkpoint = -1;
  int runs = 5, appends = 1000, rows = 100, threads = 2;
  uint64_t lineitem_rows = 6000000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--side") side = next();
    else if (a == "--lineitem") lineitem = next();
    else if (a == "--out") out = next();
    else if (a == "--load") load = next();
    else if (a == "--floor") floor_dir = next();
    else if (a == "--checkpoint") checkpoint = std::stoll(next());
    else if (a == "--runs") runs = std::stoi(next());
    else if (a == "--appends") appends = std::stoi(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--rows") lineitem_rows = std::stoull(next());
    else if (a == "--data-dir") data_dir = next();
    else {
      std::fprintf(stderr, "usage: %s [--runs R] [--appends N] [--threads T] [--rows LINEITEM_ROWS] [--data-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  try {
    if (!side.empty()) return run_side(side, lineitem, out, threads);
    if (!load.empty()) return run_load(load);
    if (!floor_dir.empty()) return run_floor(floor_dir, checkpoint);
    const std::string cache =
        data_dir.empty() ? (self_exe().parent_path().parent_path() / "bench-data").string() : data_dir;
    auto layout = bench::ensure_data(cache, lineitem_rows, 42, threads);
    bench::warm_page_cache(layout.flat("lineitem"));
    const fs::path work = fs::temp_directory_path() / ("neuralake-delta-write-" + std::to_string(::getpid()));
    fs::create_directories(work);
    bool ok = large_write(layout.flat("lineitem"), work, runs, threads);
    ok = commits(work, appends, rows, runs) && ok;
    fs::remove_all(work);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuralake_delta_write_bench: %s\n", e.what());
    return 1;
  }
}
