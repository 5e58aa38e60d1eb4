// neuralake_delta_bench: Delta snapshot load (cold, incremental refresh,
// memory) on a 100k-file log against DuckDB merely reading the same log
// files, and a selective query with file skipping against a full scan.
// Every measurement runs in its own child process (this binary re-run with
// --child), so RSS figures are per case and caches start cold.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/process_usage.h"
#include "delta/log_replay.h"
#include "duckdb.hpp"
#include "engine/delta_checkpoint_reader.h"
#include "log_generator.h"
#include "neuralake/expr.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"

namespace fs = std::filesystem;
namespace nd = neuralake::delta;
using neuralake::sql_string_literal;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Resident anonymous memory (heap, not mapped library code) in bytes.
int64_t rss_anon_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stoll(line.substr(8)) * 1024;
  }
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

nd::TableLocation locate(const fs::path& table) {
  return {neuralake::make_local_store("/"), table.string().substr(1), table.string()};
}

// Child: snapshot load, refresh and memory. Prints key=value pairs.
int child_load(const fs::path& table) {
  auto reader = neuralake::engine::make_standalone_checkpoint_reader();
  const auto where = locate(table);
  malloc_trim(0);
  const int64_t rss0 = rss_anon_bytes();
  const double cpu0 = bench::process_cpu_ms();
  auto t0 = Clock::now();
  auto snap = nd::load_snapshot(where, *reader);
  const double cold_ms = ms_since(t0);
  const double cold_cpu_ms = bench::process_cpu_ms() - cpu0;
  const double cold_peak_mb = bench::process_peak_rss_mb();
  malloc_trim(0);
  const int64_t rss1 = rss_anon_bytes();
  // Further snapshots held beside the first: their growth is the snapshots
  // alone (DuckDB's buffers and code pages are already there from the first
  // load). Several, so that what allocators keep cached from one load's
  // transient buffers is spread rather than charged to one snapshot.
  constexpr int kHeld = 3;
  std::vector<nd::SnapshotPtr> held;
  for (int i = 0; i < kHeld; ++i) held.push_back(nd::load_snapshot(where, *reader));
  malloc_trim(0);
  const int64_t rss2 = rss_anon_bytes();
  std::vector<double> warm;
  for (int i = 0; i < 3; ++i) {
    auto t = Clock::now();
    auto s = nd::load_snapshot(where, *reader);
    warm.push_back(ms_since(t));
  }
  // Refresh after one new commit of 10 files.
  const int64_t next = snap->version + 1;
  bench::delta::append_commit(table, next, 10);
  auto t1 = Clock::now();
  auto refreshed = nd::refresh_snapshot(snap, *reader);
  const double refresh_ms = ms_since(t1);
  auto t2 = Clock::now();
  auto unchanged = nd::refresh_snapshot(refreshed, *reader);
  const double refresh_none_ms = ms_since(t2);
  fs::remove(table / "_delta_log" / (std::string(20 - std::to_string(next).size(), '0') + std::to_string(next) + ".json"));
  std::printf("files=%zu version=%lld cold_ms=%.1f cold_cpu_ms=%.1f warm_ms=%.1f refresh_ms=%.2f refresh_none_ms=%.2f "
              "refreshed_files=%zu first_growth=%lld second_growth=%lld cold_peak_mb=%.1f peak_mb=%.1f\n",
              snap->num_files(), static_cast<long long>(snap->version), cold_ms, cold_cpu_ms, median(warm), refresh_ms,
              refresh_none_ms, refreshed->num_files(), static_cast<long long>(rss1 - rss0),
              static_cast<long long>((rss2 - rss1) / kHeld), cold_peak_mb, bench::process_peak_rss_mb());
  for (const auto& h : held) {
    if (h->num_files() != snap->num_files()) return 1;
  }
  return unchanged == refreshed ? 0 : 1;
}

// Child: the cold load alone, checkpoints decoded as `decoder` says
// ("native": neuralake's own decoder, no fallback; "duckdb": DuckDB's
// Parquet reader), so the two are measured the same way.
int child_cold(const fs::path& table, const std::string& decoder) {
  auto reader = neuralake::engine::make_standalone_checkpoint_reader(neuralake::engine::parse_checkpoint_decoder(decoder, "--child cold"));
  const auto where = locate(table);
  const double cpu0 = bench::process_cpu_ms();
  auto t0 = Clock::now();
  auto snap = nd::load_snapshot(where, *reader);
  const double cold_ms = ms_since(t0);
  std::printf("files=%zu cold_ms=%.1f cold_cpu_ms=%.1f peak_mb=%.1f\n", snap->num_files(), cold_ms,
              bench::process_cpu_ms() - cpu0, bench::process_peak_rss_mb());
  return 0;
}

void must(duckdb::unique_ptr<duckdb::MaterializedQueryResult> r) {
  if (r->HasError()) throw std::runtime_error(r->GetError());
}

// Child: DuckDB alone reading the same log files, count only and with the
// columns a snapshot needs.
int child_floor(const fs::path& table) {
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  const std::string ckpt = sql_string_literal((table / "_delta_log" / "00000000000000000000.checkpoint.parquet").string());
  const std::string commits = sql_string_literal((table / "_delta_log" / "0000000000000000*.json").string());
  auto t0 = Clock::now();
  must(con.Query("SELECT count(*) FROM read_parquet(" + ckpt + ")"));
  must(con.Query("SELECT count(*) FROM read_json(" + commits + ", format = 'newline_delimited')"));
  const double count_ms = ms_since(t0);
  auto t1 = Clock::now();
  // The stats column the snapshot reads: the typed one where present.
  auto described = con.Query("SELECT count(*) FROM (DESCRIBE SELECT add.stats_parsed FROM read_parquet(" + ckpt + "))");
  const std::string stats = described->HasError() ? "add.stats" : "add.stats_parsed";
  must(con.Query("SELECT count(add.path), count(add.partitionValues), sum(add.size), count(" + stats +
                 ") FROM read_parquet(" + ckpt + ")"));
  must(con.Query("SELECT count(add), count(remove) FROM read_json(" + commits + ", format = 'newline_delimited')"));
  const double columns_ms = ms_since(t1);
  std::printf("floor_count_ms=%.1f floor_columns_ms=%.1f peak_mb=%.1f\n", count_ms, columns_ms, bench::process_peak_rss_mb());
  return 0;
}

// Child: DuckDB alone reading the log columns a snapshot needs the way a
// load does, in three concurrent queries (the checkpoint's adds, its stats,
// the commits), in a fresh process: what DuckDB's decoding costs before any
// of the snapshot's own work.
int child_floor_parallel(const fs::path& table) {
  duckdb::DuckDB db(nullptr);
  const std::string ckpt = sql_string_literal((table / "_delta_log" / "00000000000000000000.checkpoint.parquet").string());
  const std::string commits = sql_string_literal((table / "_delta_log" / "0000000000000000*.json").string());
  std::string stats = "add.stats";
  {
    duckdb::Connection con(db);
    auto described = con.Query("SELECT count(*) FROM (DESCRIBE SELECT add.stats_parsed FROM read_parquet(" + ckpt + "))");
    if (!described->HasError()) stats = "add.stats_parsed";
  }
  auto run = [&](const std::string& sql) {
    duckdb::Connection con(db);
    must(con.Query(sql));
  };
  auto t0 = Clock::now();
  std::thread stats_query([&] { run("SELECT count(" + stats + ") FROM read_parquet(" + ckpt + ")"); });
  std::thread commits_query(
      [&] { run("SELECT count(add), count(remove) FROM read_json(" + commits + ", format = 'newline_delimited')"); });
  run("SELECT count(add.path), count(add.partitionValues), sum(add.size) FROM read_parquet(" + ckpt + ")");
  stats_query.join();
  commits_query.join();
  std::printf("floor_parallel_ms=%.1f\n", ms_since(t0));
  return 0;
}

// Child: a selective query (one file's id range) against a full scan.
int child_scan(const fs::path& table) {
  neuralake::SessionOptions options;
  options.warehouse = table.parent_path().string();
  neuralake::Session session(options);
  const std::string scan = "delta_scan(" + sql_string_literal("file://" + table.string()) + ")";
  const std::string glob = "read_parquet(" + sql_string_literal("file://" + (table / "data" / "*.parquet").string()) + ")";
  session.sql("SELECT count(*) FROM " + scan);  // loads the snapshot once; later queries reuse it
  auto measure = [&](const std::string& sql, neuralake::IoStats& io) {
    std::vector<double> t;
    for (int i = 0; i < 3; ++i) {
      session.reset_io_stats();
      auto t0 = Clock::now();
      session.sql(sql);
      t.push_back(ms_since(t0));
      io = session.total_io_stats();
    }
    return median(t);
  };
  neuralake::IoStats sel, full, raw_sel;
  const double sel_ms = measure("SELECT sum(x), count(*) FROM " + scan + " WHERE id BETWEEN 500000 AND 509999", sel);
  const double full_ms = measure("SELECT sum(x), count(*) FROM " + scan, full);
  const double raw_ms = measure("SELECT sum(x), count(*) FROM " + glob + " WHERE id BETWEEN 500000 AND 509999", raw_sel);
  std::printf("selective_ms=%.1f selective_files=%llu selective_bytes=%llu full_ms=%.1f full_files=%llu "
              "full_bytes=%llu raw_selective_ms=%.1f raw_selective_files=%llu raw_selective_bytes=%llu peak_mb=%.1f\n",
              sel_ms, static_cast<unsigned long long>(sel.files_opened), static_cast<unsigned long long>(sel.bytes_read),
              full_ms, static_cast<unsigned long long>(full.files_opened),
              static_cast<unsigned long long>(full.bytes_read), raw_ms,
              static_cast<unsigned long long>(raw_sel.files_opened),
              static_cast<unsigned long long>(raw_sel.bytes_read), bench::process_peak_rss_mb());
  return 0;
}

// Runs this binary as a child and returns its key=value output.
std::map<std::string, double> run_child(const std::string& self, const std::string& mode, const fs::path& table,
                                        const std::string& arg = "") {
  const std::string cmd = "'" + self + "' --child " + mode + " '" + table.string() + "'" + (arg.empty() ? "" : " " + arg);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (pclose(p) != 0) throw std::runtime_error("child failed: " + cmd + "\n" + out);
  std::map<std::string, double> kv;
  std::istringstream in(out);
  std::string item;
  while (in >> item) {
    auto eq = item.find('=');
    if (eq != std::string::npos) kv[item.substr(0, eq)] = std::stod(item.substr(eq + 1));
  }
  return kv;
}

const char* verdict(bool ok) { return ok ? "ok" : "MISSED"; }

}  // namespace

int main(int argc, char** argv) {
  try {
    if ((argc == 4 || argc == 5) && std::string(argv[1]) == "--child") {
      const std::string mode = argv[2];
      if (mode == "load") return child_load(argv[3]);
      if (mode == "cold" && argc == 5) return child_cold(argv[3], argv[4]);
      if (mode == "floor") return child_floor(argv[3]);
      if (mode == "floor_parallel") return child_floor_parallel(argv[3]);
      if (mode == "scan") return child_scan(argv[3]);
      return 2;
    }
    // --reps N: child processes per measurement (default 3; the median is reported).
    int reps = 3;
    for (int i = 1; i + 1 < argc; ++i) {
      if (std::string(argv[i]) == "--reps") reps = std::max(1, std::atoi(argv[i + 1]));
    }
    const std::string self = fs::canonical("/proc/self/exe").string();
    // Generated tables go next to the other benchmark data, in the build
    // folder (build/bench-data/delta), unless NEURALAKE_BENCH_DIR says otherwise.
    const char* env = std::getenv("NEURALAKE_BENCH_DIR");
    const fs::path dir =
        fs::absolute(env && *env ? fs::path(env) : fs::path(self).parent_path().parent_path() / "bench-data" / "delta");
    const fs::path scan = dir / "scan_1000";
    // The same log three ways: checkpoint stats as JSON text (add.stats),
    // as typed structs only (add.stats_parsed), and both (the reader then
    // reads the structs).
    struct Variant {
      const char* dir;
      const char* label;
      bench::delta::BigLogSpec spec;
    };
    std::vector<Variant> variants = {{"log_100k", "checkpoint stats as JSON (add.stats)", {}},
                                     {"log_100k_parsed", "checkpoint stats typed only (add.stats_parsed)", {}},
                                     {"log_100k_both", "checkpoint with add.stats and add.stats_parsed", {}}};
    variants[1].spec.stats_json = false;
    variants[1].spec.stats_parsed = true;
    variants[2].spec.stats_parsed = true;
    for (const auto& v : variants) {
      const fs::path big = dir / v.dir;
      if (!fs::exists(big / "_delta_log" / "_last_checkpoint")) {
        std::fprintf(stderr, "generating the 100k-file log in %s ...\n", big.c_str());
        fs::remove_all(big);
        bench::delta::write_big_log(big, v.spec);
      }
    }
    if (!fs::exists(scan / "_delta_log" / "00000000000000000000.json")) {
      std::fprintf(stderr, "generating the 1,000-file table in %s ...\n", scan.c_str());
      fs::remove_all(scan);
      bench::delta::write_scan_table(scan, 1000, 20000);
    }

    for (const auto& variant : variants) {
      const fs::path big = dir / variant.dir;
      std::vector<std::map<std::string, double>> loads, floors, parallel_floors, native_colds, duckdb_colds;
      for (int i = 0; i < reps; ++i) {
        loads.push_back(run_child(self, "load", big));
        floors.push_back(run_child(self, "floor", big));
        parallel_floors.push_back(run_child(self, "floor_parallel", big));
        native_colds.push_back(run_child(self, "cold", big, "native"));
        duckdb_colds.push_back(run_child(self, "cold", big, "duckdb"));
      }
      auto med = [](const std::vector<std::map<std::string, double>>& runs, const std::string& key) {
        std::vector<double> v;
        for (const auto& r : runs) v.push_back(r.at(key));
        return median(v);
      };
      const double files = loads[0].at("files");
      const double cold = med(loads, "cold_ms"), refresh = med(loads, "refresh_ms");
      const double floor_count = med(floors, "floor_count_ms"), floor_cols = med(floors, "floor_columns_ms");
      const double per_file_first = med(loads, "first_growth") / files, per_file = med(loads, "second_growth") / files;
      std::printf("Delta snapshot of a %.0f-file log (90k adds in a checkpoint + 1,000 commits of 10, 1%% removes), "
                  "%s, median of %d child processes:\n", files, variant.label, reps);
      std::printf("  cold load            %8.1f ms   (target <= 1000 ms: %s); CPU time %.1f ms, all threads\n", cold,
                  verdict(cold <= 1000), med(loads, "cold_cpu_ms"));
      std::printf("  warm reload          %8.1f ms\n", med(loads, "warm_ms"));
      std::printf("  DuckDB floor, count  %8.1f ms   cold/floor %.2fx (target <= 3x: %s)\n", floor_count,
                  cold / floor_count, verdict(cold <= 3 * floor_count));
      std::printf("  DuckDB floor, columns%8.1f ms   cold/floor %.2fx (the columns a snapshot needs, one query after"
                  " another)\n", floor_cols, cold / floor_cols);
      const double floor_par = med(parallel_floors, "floor_parallel_ms");
      std::printf("  DuckDB, same columns %8.1f ms   cold/that %.2fx (three concurrent queries in a fresh process, as a"
                  " load reads them; %.2fx the count floor)\n", floor_par, cold / floor_par, floor_par / floor_count);
      const double native_cold = med(native_colds, "cold_ms"), duckdb_cold = med(duckdb_colds, "cold_ms");
      std::printf("  cold, native decoder %8.1f ms   cold/floor %.2fx; CPU %.1f ms (checkpoint decoded by neuralake's"
                  " Parquet decoder only)\n", native_cold, native_cold / floor_count, med(native_colds, "cold_cpu_ms"));
      std::printf("  cold, DuckDB reader  %8.1f ms   cold/floor %.2fx; CPU %.1f ms (checkpoint read by DuckDB's Parquet"
                  " reader)\n", duckdb_cold, duckdb_cold / floor_count, med(duckdb_colds, "cold_cpu_ms"));
      std::printf("  native/DuckDB        %8.2fx     (the decoder's gain on the cold load: below 1 is faster)\n",
                  native_cold / duckdb_cold);
      std::printf("  refresh, 1 commit    %8.2f ms   (target <= 20 ms: %s); no new commit %.2f ms\n", refresh,
                  verdict(refresh <= 20), med(loads, "refresh_none_ms"));
      std::printf("  snapshot memory      %8.0f B/file as RSS growth per further snapshot held, 3 held (target <= 400: %s);"
                  " first load incl. reader buffers %.0f B/file\n",
                  per_file, verdict(per_file <= 400), per_file_first);
      std::printf("  peak RSS             %8.1f MB after the cold load (the process, DuckDB included), %.1f MB at the"
                  " end of the load child (5 snapshots held), %.1f MB (floor child)\n",
                  med(loads, "cold_peak_mb"), med(loads, "peak_mb"), med(floors, "peak_mb"));
    }

    auto s = run_child(self, "scan", scan);
    std::printf("Selective query vs full scan over 1,000 files x 20k rows (median of 3, warm snapshot):\n");
    std::printf("  delta_scan, id in one file's range  %8.1f ms  files opened %.0f, bytes read %.0f\n",
                s.at("selective_ms"), s.at("selective_files"), s.at("selective_bytes"));
    std::printf("  delta_scan, full scan               %8.1f ms  files opened %.0f, bytes read %.0f\n",
                s.at("full_ms"), s.at("full_files"), s.at("full_bytes"));
    std::printf("  read_parquet glob, same selection   %8.1f ms  files opened %.0f, bytes read %.0f\n",
                s.at("raw_selective_ms"), s.at("raw_selective_files"), s.at("raw_selective_bytes"));
    std::printf("  peak RSS (scan child) %.1f MB\n", s.at("peak_mb"));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuralake_delta_bench: %s\n", e.what());
    return 1;
  }
}
