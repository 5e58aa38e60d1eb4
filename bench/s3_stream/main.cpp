// S3 streaming benchmark: our client's ranged GETs and sequential reader vs curl
// on one large object from a local S3 server, and the peak RSS of `neuralake s3 cp`
// (both ways) and of a Parquet scan over S3, each run as a child process.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/child_process.h"
#include "testing/local_s3_process.h"
#include "neuralake/config.h"
#include "neuralake/data_frame.h"
#include "neuralake/session.h"

using namespace neuralake;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kRssTargetMb = 200;
constexpr double kRatioTarget = 0.9;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One timed pass over the whole object: the seconds spent in read calls only
// (checksumming happens between them, off the clock) and what was read.
struct Pass {
  double seconds = 0;
  uint64_t bytes = 0;
  uint64_t sum = 0;
};

Pass read_ranges(ObjectStore& store, const std::string& key, uint64_t size, size_t range) {
  std::vector<char> buf(range);
  bench::Checksum c;
  Pass p;
  for (uint64_t off = 0; off < size; off += range) {
    auto t0 = Clock::now();
    size_t n = store.read_range(key, off, std::min<uint64_t>(range, size - off), buf.data());
    p.seconds += seconds_since(t0);
    if (n == 0) break;
    c.update(buf.data(), n);
  }
  p.bytes = c.bytes();
  p.sum = c.finish();
  return p;
}

Pass read_sequential(ObjectStore& store, const std::string& key) {
  std::vector<char> buf(8u << 20);
  bench::Checksum c;
  Pass p;
  auto t0 = Clock::now();
  auto reader = store.open_reader(key);
  for (;;) {
    size_t n = reader->read(buf.data(), buf.size());
    p.seconds += seconds_since(t0);
    if (n == 0) break;
    c.update(buf.data(), n);
    t0 = Clock::now();
  }
  p.bytes = c.bytes();
  p.sum = c.finish();
  return p;
}

// curl's own transfer time (time_total) for the object, body to `out`.
Pass curl_get(const std::string& url, const std::string& out) {
  // s3rver does not check signatures, but curl signs as a real client would.
  // curl 7.88's SigV4 omits x-amz-content-sha256, which s3rver requires; an
  // explicit UNSIGNED-PAYLOAD header is signed along with the rest.
  auto r = bench::run_child({"curl", "-sS", "--fail", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "--aws-sigv4",
                             "aws:amz:us-east-1:s3", "--user", "minioadmin:minioadmin", "-o", out, "-w",
                             "%{size_download} %{time_total}", url});
  if (r.exit_code != 0) throw std::runtime_error("curl " + url + " exited with " + std::to_string(r.exit_code));
  Pass p;
  unsigned long long bytes = 0;
  if (std::sscanf(r.out.c_str(), "%llu %lf", &bytes, &p.seconds) != 2) throw std::runtime_error("curl -w output: " + r.out);
  p.bytes = bytes;
  return p;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("data check failed: " + what);
}

std::string mb(double kb) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f", kb / 1024.0);
  return s;
}

}  // namespace

int main() {
  const fs::path source = NEURALAKE_SOURCE_DIR;
  const std::string cli = NEURALAKE_CLI;
  // NEURALAKE_S3_STREAM_MB: the object's approximate size (default 1024); NEURALAKE_S3_STREAM_REPS: runs per method.
  const uint64_t target_mb = std::getenv("NEURALAKE_S3_STREAM_MB") ? std::stoull(std::getenv("NEURALAKE_S3_STREAM_MB")) : 1024;
  const int reps = std::getenv("NEURALAKE_S3_STREAM_REPS") ? std::stoi(std::getenv("NEURALAKE_S3_STREAM_REPS")) : 5;
  const fs::path work = fs::temp_directory_path() / ("neuralake-s3-stream-" + std::to_string(::getpid()));
  fs::create_directories(work / "s3");
  int rc = 0;
  try {
    neuralake::testing::LocalS3Process server(source / "scripts" / "local-s3", work / "s3", "bench");
    const std::map<std::string, std::string> child_env = {{"NEURALAKE_ENV", "minio"},
                                                          {"AWS_ENDPOINT_URL", server.endpoint()},
                                                          {"AWS_EC2_METADATA_DISABLED", "true"},
                                                          {"NEURALAKE_WAREHOUSE", (work / "warehouse").string()}};
    Environment env{{child_env.begin(), child_env.end()}};
    SessionOptions o;
    o.config = Config::resolve(env);
    o.warehouse = (work / "warehouse").string();
    Session s(o);

    // A Parquet file of random 64-bit values (incompressible, ~8 bytes a row):
    // the large object for every measurement, and a real file to scan.
    const fs::path local = work / "data.parquet";
    const uint64_t rows = target_mb * 1000000 / 8;
    auto t0 = Clock::now();
    s.execute("COPY (SELECT hash(range) AS x FROM range(" + std::to_string(rows) + ")) TO 'file://" + local.string() +
              "' (FORMAT parquet)");
    const bench::FileSum original = bench::checksum_file(local);
    const double size_mb = original.size / 1e6;
    std::printf("s3_stream: %.1f MB Parquet object (%llu rows of random BIGINT), local s3rver at %s, made in %.1f s\n",
                size_mb, (unsigned long long)rows, server.endpoint().c_str(), seconds_since(t0));

    // Written once through our store's streaming writer.
    auto [store, key] = s.resolve_store("s3://bench/stream.parquet");
    {
      std::vector<char> buf(8u << 20);
      std::FILE* f = std::fopen(local.c_str(), "rb");
      if (!f) throw std::runtime_error("cannot read " + local.string());
      t0 = Clock::now();
      auto w = store->open_writer(key);
      size_t n;
      while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) w->write(buf.data(), n);
      std::fclose(f);
      w->close();
      std::printf("  upload through open_writer (multipart): %.0f MB/s\n", size_mb / seconds_since(t0));
    }
    auto info = store->head(key);
    check(info && info->size == original.size, "uploaded object size");

    // 1. Throughput, alternating methods within each round; medians over rounds.
    const std::string url = server.endpoint() + "/bench/stream.parquet";
    const fs::path curl_copy = work / "curl.bin";
    check(curl_get(url, curl_copy.string()).bytes == original.size, "curl download size");
    const bench::FileSum via_curl = bench::checksum_file(curl_copy);
    check(via_curl.size == original.size && via_curl.sum == original.sum, "curl download checksum");
    fs::remove(curl_copy);

    struct Method {
      std::string name;
      std::function<Pass()> run;
      bool checked;  // whether the pass's checksum can be compared
    };
    std::vector<Method> methods = {
        {"curl (1 GET, 1 connection)", [&] { return curl_get(url, "/dev/null"); }, false},
        {"ours read_range 8 MB", [&] { return read_ranges(*store, key, original.size, 8u << 20); }, true},
        {"ours read_range 32 MB", [&] { return read_ranges(*store, key, original.size, 32u << 20); }, true},
        {"ours read_range 64 MB", [&] { return read_ranges(*store, key, original.size, 64u << 20); }, true},
        {"ours open_reader", [&] { return read_sequential(*store, key); }, true},
    };
    std::vector<std::vector<double>> rates(methods.size());
    for (int r = 0; r < reps; ++r) {
      for (size_t m = 0; m < methods.size(); ++m) {
        Pass p = methods[m].run();
        check(p.bytes == original.size, methods[m].name + ": size");
        if (methods[m].checked) check(p.sum == original.sum, methods[m].name + ": checksum");
        rates[m].push_back(size_mb / p.seconds);
      }
    }
    const double curl_rate = median(rates[0]);
    std::printf("\n  ranged-GET throughput, %d alternating rounds (every pass size- and checksum-verified)\n", reps);
    std::printf("  %-28s %12s %10s %10s %10s\n", "", "MB/s median", "min", "max", "vs curl");
    double best_ratio = 0;
    for (size_t m = 0; m < methods.size(); ++m) {
      const double med = median(rates[m]);
      const double ratio = med / curl_rate;
      if (m > 0) best_ratio = std::max(best_ratio, ratio);
      std::printf("  %-28s %12.0f %10.0f %10.0f %9.2fx\n", methods[m].name.c_str(), med,
                  *std::min_element(rates[m].begin(), rates[m].end()), *std::max_element(rates[m].begin(), rates[m].end()),
                  ratio);
    }
    const double open_reader_ratio = median(rates.back()) / curl_rate;
    const double range8_ratio = median(rates[1]) / curl_rate;
    std::printf("  target ours/curl >= %.1fx: read_range 8 MB %.2fx, open_reader %.2fx, best %.2fx [%s]\n", kRatioTarget,
                range8_ratio, open_reader_ratio, best_ratio, best_ratio >= kRatioTarget ? "met" : "MISSED");
    if (best_ratio < kRatioTarget) rc = 1;

    // 2. Children with their peak RSS: a scan over S3, then s3 cp both ways.
    std::printf("\n  child processes (peak RSS from wait4)\n");
    std::printf("  %-40s %10s %10s %12s  %s\n", "", "seconds", "MB/s", "peak RSS MB", "data check");
    auto report = [&](const std::string& name, const bench::ChildResult& r, const std::string& verdict) {
      const double rss_mb = r.peak_rss_kb / 1024.0;
      std::printf("  %-40s %10.1f %10.0f %12s  %s [RSS < %.0f MB: %s]\n", name.c_str(), r.wall_ms / 1e3,
                  size_mb / (r.wall_ms / 1e3), mb(r.peak_rss_kb).c_str(), verdict.c_str(), kRssTargetMb,
                  rss_mb < kRssTargetMb ? "met" : "MISSED");
      if (rss_mb >= kRssTargetMb) rc = 1;
    };

    const std::string scan = "SELECT count(*) AS n, sum(x) AS s FROM read_parquet('%s')";
    auto with = [](std::string sql, const std::string& file) { return sql.replace(sql.find("%s"), 2, file); };
    auto expected = s.sql(with(scan, "file://" + local.string()));
    const std::string want = expected.value(0, 0).to_string() + "," + expected.value(0, 1).to_string();
    auto scanned = bench::run_child({cli, "sql", "--format", "csv", with(scan, "s3://bench/stream.parquet")}, child_env);
    if (scanned.exit_code != 0) throw std::runtime_error("neuralake sql over s3 exited with " + std::to_string(scanned.exit_code));
    const bool scan_ok = scanned.out.find(want) != std::string::npos;
    report("neuralake sql count+sum over s3://", scanned, scan_ok ? "result = local file's" : "WRONG RESULT");
    check(scan_ok, "scan result " + scanned.out + " vs " + want);
    store->remove(key);

    auto up = bench::run_child({cli, "s3", "cp", local.string(), "s3://bench/cp.parquet"}, child_env);
    if (up.exit_code != 0) throw std::runtime_error("neuralake s3 cp (upload) exited with " + std::to_string(up.exit_code));
    auto up_info = store->head("cp.parquet");
    const bool up_ok = up_info && up_info->size == original.size;
    report("neuralake s3 cp local -> s3", up, up_ok ? "size ok" : "WRONG SIZE");
    check(up_ok, "uploaded size");

    const fs::path copy = work / "copy.parquet";
    auto down = bench::run_child({cli, "s3", "cp", "s3://bench/cp.parquet", copy.string()}, child_env);
    if (down.exit_code != 0) throw std::runtime_error("neuralake s3 cp (download) exited with " + std::to_string(down.exit_code));
    const bench::FileSum got = bench::checksum_file(copy);
    // The download is of the uploaded object, so this checks both directions.
    const bool down_ok = got.size == original.size && got.sum == original.sum;
    report("neuralake s3 cp s3 -> local", down, down_ok ? "size+checksum ok (" + bench::hex64(got.sum) + ")" : "MISMATCH");
    check(down_ok, "round-trip checksum");
    fs::remove(copy);
    store->remove("cp.parquet");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "s3_stream: %s\n", e.what());
    rc = 2;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return rc;
}
