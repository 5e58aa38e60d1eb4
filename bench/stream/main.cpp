// Streaming results and per-query cancellation, measured.
//
// 1. A result of 1 GB (12.5 M rows: an id and two 32-character strings
//    per row, plus a double) consumed in a fresh process each time:
//      stream  - Session::stream(), DataFrame batches
//      arrow   - Session::stream() handed to an Arrow C stream
//      collect - Session::sql(), the whole result in memory (for contrast)
//      duckdb  - raw DuckDB: Connection::SendQuery() + Fetch(), the baseline
//    Each reports wall time and the process's peak RSS; sides alternate run by
//    run. Target: the streamed sides' peak RSS stays under a quarter of the
//    result. Their time is reported against raw DuckDB's stream, which only
//    reads its strings in place; the streamed sides copy them out.
// 2. Two queries in one session: a long one cancelled through its own
//    CancelHandle, and another that must run on to its correct result. Reports
//    how long the cancelled query took to stop after cancel().
//
//   neuralake_stream_bench [--rows N] [--runs R] [--cancels C]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.h"
#include "common/process_usage.h"
#include "duckdb.hpp"
#include "neuralake/arrow_c.h"
#include "neuralake/neuralake.h"

namespace nl = neuralake;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// 80 bytes of values per row (id, two 32-character strings, a double): 1 GB at 12.5 M rows.
std::string result_sql(long rows) {
  return "SELECT range AS id, md5(range::VARCHAR) AS a, md5((range * 7)::VARCHAR) AS b, range / 3.0 AS x "
         "FROM range(" + std::to_string(rows) + ")";
}

constexpr double kBytesPerRow = 8 + 32 + 32 + 8;

struct Consumed {
  uint64_t rows = 0;
  uint64_t bytes = 0;  // string bytes seen, so nothing is optimised away
};

Consumed consume_stream(nl::Session& s, const std::string& sql) {
  Consumed c;
  auto stream = s.stream(sql);
  while (auto batch = stream.next()) {
    c.rows += batch->num_rows();
    for (size_t col : {size_t{1}, size_t{2}})
      c.bytes += std::get<nl::StringColumn>(batch->column(col).storage()).byte_size();
  }
  return c;
}

Consumed consume_arrow(nl::Session& s, const std::string& sql) {
  Consumed c;
  ArrowArrayStream out{};
  s.stream(sql).to_arrow(&out);
  for (;;) {
    ArrowArray batch{};
    if (out.get_next(&out, &batch) != 0) {
      std::string error = out.get_last_error(&out);
      out.release(&out);
      throw std::runtime_error(error);
    }
    if (!batch.release) break;
    c.rows += static_cast<uint64_t>(batch.length);
    for (int col : {1, 2}) {
      const ArrowArray* a = batch.children[col];
      auto* offsets = static_cast<const int32_t*>(a->buffers[1]);  // the engine's utf8: 32-bit offsets
      c.bytes += static_cast<uint64_t>(offsets[a->offset + a->length] - offsets[a->offset]);
    }
    batch.release(&batch);
  }
  out.release(&out);
  return c;
}

Consumed consume_collect(nl::Session& s, const std::string& sql) {
  auto df = s.sql(sql);
  Consumed c;
  c.rows = df.num_rows();
  for (size_t col : {size_t{1}, size_t{2}}) c.bytes += std::get<nl::StringColumn>(df.column(col).storage()).byte_size();
  return c;
}

Consumed consume_duckdb(const std::string& sql) {
  duckdb::DBConfig config;
  config.options.maximum_threads = 2;
  duckdb::DuckDB db(nullptr, &config);
  duckdb::Connection con(db);
  auto result = con.SendQuery(sql);
  if (result->HasError()) throw std::runtime_error(result->GetError());
  Consumed c;
  for (;;) {
    auto chunk = result->Fetch();
    if (!chunk || chunk->size() == 0) break;
    c.rows += chunk->size();
    for (duckdb::idx_t col : {duckdb::idx_t{1}, duckdb::idx_t{2}}) {
      duckdb::UnifiedVectorFormat f;
      chunk->data[col].ToUnifiedFormat(chunk->size(), f);
      auto data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(f);
      for (duckdb::idx_t i = 0; i < chunk->size(); ++i) c.bytes += data[f.sel->get_index(i)].GetSize();
    }
  }
  if (result->HasError()) throw std::runtime_error(result->GetError());
  return c;
}

// One side in this (fresh) process: prints "ms rows bytes".
int run_side(const std::string& side, long rows) {
  const std::string sql = result_sql(rows);
  nl::SessionOptions options;
  options.threads = 2;
  auto t0 = Clock::now();
  Consumed c;
  if (side == "duckdb") {
    c = consume_duckdb(sql);
  } else {
    nl::Session s(options);
    if (side == "stream") c = consume_stream(s, sql);
    else if (side == "arrow") c = consume_arrow(s, sql);
    else if (side == "collect") c = consume_collect(s, sql);
    else throw std::runtime_error("unknown side " + side);
  }
  std::printf("%.1f %llu %llu\n", ms_since(t0), static_cast<unsigned long long>(c.rows),
              static_cast<unsigned long long>(c.bytes));
  return 0;
}

struct SideRuns {
  std::vector<double> ms, rss_mb;
  uint64_t rows = 0, bytes = 0;
};

bool large_result(const std::string& self, long rows, int runs) {
  const std::vector<std::string> sides = {"duckdb", "stream", "arrow", "collect"};
  std::map<std::string, SideRuns> got;
  std::printf("A %.2f GB result (%ld rows) consumed in a fresh process, %d runs per side, sides alternating\n",
              rows * kBytesPerRow / 1e9, rows, runs);
  for (int r = 0; r < runs; ++r) {
    for (const auto& side : sides) {
      auto child = bench::run_child({self, "--side", side, "--rows", std::to_string(rows)});
      if (child.exit_code != 0) throw std::runtime_error(side + " failed (exit " + std::to_string(child.exit_code) + ")");
      double ms = 0;
      unsigned long long n = 0, bytes = 0;
      if (std::sscanf(child.out.c_str(), "%lf %llu %llu", &ms, &n, &bytes) != 3)
        throw std::runtime_error(side + " printed '" + child.out + "'");
      auto& g = got[side];
      g.ms.push_back(ms);
      g.rss_mb.push_back(static_cast<double>(child.peak_rss_kb) / 1024.0);
      g.rows = n;
      g.bytes = bytes;
    }
  }
  const auto& base = got["duckdb"];
  bool ok = true;
  std::printf("%-9s %10s %19s %13s %12s %10s\n", "side", "median ms", "min-max ms", "peak RSS MB", "vs duckdb", "rows");
  for (const auto& side : sides) {
    const auto& g = got[side];
    auto [lo, hi] = std::minmax_element(g.ms.begin(), g.ms.end());
    std::printf("%-9s %10.0f %9.0f-%-9.0f %13.0f %11.2fx %10llu\n", side.c_str(), median(g.ms), *lo, *hi,
                median(g.rss_mb), median(g.ms) / median(base.ms), static_cast<unsigned long long>(g.rows));
    if (g.rows != static_cast<uint64_t>(rows) || g.bytes != base.bytes) {
      std::printf("  MISMATCH: %s consumed %llu rows / %llu string bytes, raw DuckDB %llu / %llu\n", side.c_str(),
                  static_cast<unsigned long long>(g.rows), static_cast<unsigned long long>(g.bytes),
                  static_cast<unsigned long long>(base.rows), static_cast<unsigned long long>(base.bytes));
      ok = false;
    }
  }
  const double result_mb = rows * kBytesPerRow / 1e6;
  for (const std::string side : {"stream", "arrow"}) {
    double rss = median(got[side].rss_mb);
    double ratio = median(got[side].ms) / median(base.ms);
    std::printf("%s: peak RSS %.0f MB = %.1f%% of the %.0f MB result (target < 25%%); time %.2fx raw DuckDB's stream, which reads its strings in place where this side copies them out\n",
                side.c_str(), rss, 100 * rss / result_mb, result_mb, ratio);
    if (rss > 0.25 * result_mb) ok = false;
  }
  return ok;
}

// A query that runs for minutes unless stopped.
const char* kLong = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";
// One that finishes, with a known answer: sum of 0..N-1 where N = 50 M.
const char* kOther = "SELECT sum(range)::HUGEINT::VARCHAR AS s FROM range(50000000)";
const char* kOtherAnswer = "1249999975000000";

bool cancellation(int reps) {
  std::printf("\nCancelling one query through its own handle while another runs in the same session (%d reps)\n", reps);
  nl::SessionOptions options;
  options.threads = 2;
  nl::Session s(options);
  std::vector<double> stop_ms;
  bool ok = true;
  for (int r = 0; r < reps; ++r) {
    nl::CancelHandle handle;
    std::string other_result, long_error;
    Clock::time_point cancelled_at;
    double long_end_ms = 0;
    std::thread other([&] {
      try {
        other_result = *s.sql(kOther).column("s").at<std::string>(0);
      } catch (const std::exception& e) {
        other_result = std::string("error: ") + e.what();
      }
    });
    std::thread victim([&] {
      try {
        nl::QueryOptions query;
        query.cancel = handle;
        s.sql(kLong, query);
        long_error = "finished without being cancelled";
      } catch (const nl::Error& e) {
        long_error = e.code() == nl::ErrorCode::Cancelled ? "" : e.what();
      }
      long_end_ms = ms_since(cancelled_at);
    });
    // Cancel once the query is surely running, mid-work.
    while (handle.running() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancelled_at = Clock::now();
    handle.cancel();
    victim.join();
    other.join();
    stop_ms.push_back(long_end_ms);
    if (!long_error.empty() || other_result != kOtherAnswer) {
      std::printf("  rep %d: cancelled query: %s; other query: %s (want %s)\n", r, long_error.empty() ? "cancelled" : long_error.c_str(),
                  other_result.c_str(), kOtherAnswer);
      ok = false;
    }
  }
  auto [lo, hi] = std::minmax_element(stop_ms.begin(), stop_ms.end());
  std::printf("cancel() to the query's Cancelled error: median %.1f ms (min %.1f, max %.1f); the other query's result "
              "was correct in %s\n",
              median(stop_ms), *lo, *hi, ok ? "every rep" : "NOT every rep");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 12500000;
  int runs = 3, cancels = 9;
  std::string side;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--rows") rows = std::stol(value());
    else if (a == "--runs") runs = std::stoi(value());
    else if (a == "--cancels") cancels = std::stoi(value());
    else if (a == "--side") side = value();
    else {
      std::fprintf(stderr, "usage: %s [--rows N] [--runs R] [--cancels C]\n", argv[0]);
      return 2;
    }
  }
  try {
    if (!side.empty()) return run_side(side, rows);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    bool ok = large_result(self, rows, runs);
    ok = cancellation(cancels) && ok;
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuralake_stream_bench: %s\n", e.what());
    return 1;
  }
}
