// S3 streaming benchmark: our client's ranged GETs and sequential reader vs
// curl on one large object from a local S3 server, and the peak RSS of
// `neuralake s3 cp` (both ways) and of a Parquet scan over S3, each run as a
// child process.
//
// The curl baseline is libcurl in this process, used the way a program reading
// S3 with curl would: one easy handle for a whole pass, so its connection is
// reused from range to range, curl's own SigV4 signing (CURLOPT_AWS_SIGV4), the
// body written by the write callback straight into the caller's buffer, the
// same receive buffer size as our client's (256 KiB), and libcurl's defaults
// otherwise: no process per range, no file output.
//   - Ranged reads (1, 8 and 32 MB): both sides read the same ranges in order
//     into one buffer of the range's size (ours through read_range, which
//     splits a range longer than read_part_size into parts fetched in
//     parallel); only the read calls are timed, the checksum of each range
//     runs between them, off the clock, on both sides.
//   - Sequential reads: ours is open_reader read 8 MB at a time; curl's is one
//     GET of the whole object, its bytes gathered into an 8 MB buffer. Both are
//     timed end to end, open and checksum of every 8 MB included, so work the
//     reader overlaps with its consumer counts only as much as it saves.
// Rounds alternate which side goes first; each ratio is ours over curl's
// median of the same run, with min-max over the rounds.
#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
// The consumer's buffer for sequential reads, on both sides.
constexpr size_t kSequentialBuffer = 8u << 20;
// curl's receive buffer: the size our client gives libcurl (HttpOptions::
// receive_buffer), so that both read the socket the same way.
constexpr long kReceiveBuffer = 256 << 10;

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
  std::vector<char> buf(kSequentialBuffer);
  bench::Checksum c;
  Pass p;
  auto t0 = Clock::now();
  auto reader = store.open_reader(key);
  for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) c.update(buf.data(), n);
  p.seconds = seconds_since(t0);
  p.bytes = c.bytes();
  p.sum = c.finish();
  return p;
}

// The curl baseline: one libcurl easy handle kept for a whole pass, so each
// request after the first goes over the same connection, as in our pool.
class CurlReader {
 public:
  explicit CurlReader(const std::string& url) : curl_(curl_easy_init()) {
    if (!curl_) throw std::runtime_error("curl_easy_init failed");
    // s3rver does not check signatures, but curl signs as a real client would.
    // curl 7.88's SigV4 omits x-amz-content-sha256, which s3rver requires; an
    // explicit UNSIGNED-PAYLOAD header is signed along with the rest.
    headers_ = curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(curl_, CURLOPT_USERPWD, "minioadmin:minioadmin");
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, kReceiveBuffer);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, this);
  }
  ~CurlReader() {
    curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
  }
  CurlReader(const CurlReader&) = delete;
  CurlReader& operator=(const CurlReader&) = delete;

  // One ranged GET straight into `out`; the bytes received.
  size_t read_range(uint64_t offset, uint64_t length, char* out) {
    const std::string range = std::to_string(offset) + "-" + std::to_string(offset + length - 1);
    curl_easy_setopt(curl_, CURLOPT_RANGE, range.c_str());
    sink_ = {out, static_cast<size_t>(length), 0, {}};
    perform(206);
    return sink_.filled;
  }

  // One GET of the whole object, its bytes gathered into `buf` and handed to
  // `full` each time it fills (and once more for the rest).
  void read_all(std::vector<char>& buf, const std::function<void(const char*, size_t)>& full) {
    curl_easy_setopt(curl_, CURLOPT_RANGE, nullptr);
    sink_ = {buf.data(), buf.size(), 0, full};
    perform(200);
    if (sink_.filled > 0) full(buf.data(), sink_.filled);
  }

 private:
  struct Sink {
    char* data = nullptr;
    size_t capacity = 0;
    size_t filled = 0;
    std::function<void(const char*, size_t)> full;  // empty: a fixed buffer, more is an error
  };

  static size_t on_body(char* data, size_t size, size_t n, void* user) {
    Sink& s = static_cast<CurlReader*>(user)->sink_;
    size_t len = size * n;
    while (len > 0) {
      if (s.filled == s.capacity) {
        if (!s.full) return 0;  // more than asked for: fail the transfer
        s.full(s.data, s.filled);
        s.filled = 0;
      }
      size_t take = std::min(len, s.capacity - s.filled);
      std::memcpy(s.data + s.filled, data, take);
      s.filled += take;
      data += take;
      len -= take;
    }
    return size * n;
  }

  void perform(long want_status) {
    CURLcode rc = curl_easy_perform(curl_);
    if (rc != CURLE_OK) throw std::runtime_error(std::string("curl: ") + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != want_status) throw std::runtime_error("curl: HTTP " + std::to_string(status));
  }

  CURL* curl_;
  curl_slist* headers_ = nullptr;
  Sink sink_;
};

Pass curl_ranges(const std::string& url, uint64_t size, size_t range) {
  CurlReader curl(url);
  std::vector<char> buf(range);
  bench::Checksum c;
  Pass p;
  for (uint64_t off = 0; off < size; off += range) {
    auto t0 = Clock::now();
    size_t n = curl.read_range(off, std::min<uint64_t>(range, size - off), buf.data());
    p.seconds += seconds_since(t0);
    if (n == 0) break;
    c.update(buf.data(), n);
  }
  p.bytes = c.bytes();
  p.sum = c.finish();
  return p;
}

Pass curl_sequential(const std::string& url) {
  std::vector<char> buf(kSequentialBuffer);
  bench::Checksum c;
  Pass p;
  auto t0 = Clock::now();
  CurlReader curl(url);
  curl.read_all(buf, [&](const char* data, size_t n) { c.update(data, n); });
  p.seconds = seconds_since(t0);
  p.bytes = c.bytes();
  p.sum = c.finish();
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
  const int reps = std::getenv("NEURALAKE_S3_STREAM_REPS") ? std::stoi(std::getenv("NEURALAKE_S3_STREAM_REPS")) : 9;
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

    // 1. Throughput: each comparison is a pair (ours, curl) run back to back in
    // every round, the side that goes first alternating from round to round.
    const std::string url = server.endpoint() + "/bench/stream.parquet";
    struct Side {
      std::function<Pass()> run;
      std::vector<double> rates;
    };
    struct Comparison {
      std::string name;
      Side ours, curl;
    };
    std::vector<Comparison> comparisons;
    for (size_t range_mb : {1, 8, 32}) {
      const size_t range = range_mb << 20;
      comparisons.push_back({"read_range " + std::to_string(range_mb) + " MB",
                             {[&, range] { return read_ranges(*store, key, original.size, range); }, {}},
                             {[&, range] { return curl_ranges(url, original.size, range); }, {}}});
    }
    comparisons.push_back({"open_reader (sequential)",
                           {[&] { return read_sequential(*store, key); }, {}},
                           {[&] { return curl_sequential(url); }, {}}});
    for (int r = 0; r < reps; ++r) {
      for (auto& cmp : comparisons) {
        for (int i = 0; i < 2; ++i) {
          const bool ours = (i == 0) == (r % 2 == 0);
          Side& side = ours ? cmp.ours : cmp.curl;
          Pass p = side.run();
          const std::string who = cmp.name + (ours ? " (ours)" : " (curl)");
          check(p.bytes == original.size, who + ": size");
          check(p.sum == original.sum, who + ": checksum");
          side.rates.push_back(size_mb / p.seconds);
        }
      }
    }
    auto range_of = [](const std::vector<double>& v) {
      char s[48];
      std::snprintf(s, sizeof s, "%.0f-%.0f", *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
      return std::string(s);
    };
    std::printf("\n  throughput, MB/s: median (min-max) of %d rounds, ours and curl alternating; every pass size- and checksum-verified\n", reps);
    std::printf("  %-26s %8s %12s %8s %12s %8s %12s\n", "", "ours", "", "curl", "", "ratio", "");
    bool all_met = true;
    for (const auto& cmp : comparisons) {
      std::vector<double> ratios;
      for (size_t i = 0; i < cmp.ours.rates.size(); ++i) ratios.push_back(cmp.ours.rates[i] / cmp.curl.rates[i]);
      const double ratio = median(cmp.ours.rates) / median(cmp.curl.rates);
      char rr[48];
      std::snprintf(rr, sizeof rr, "%.2f-%.2f", *std::min_element(ratios.begin(), ratios.end()),
                    *std::max_element(ratios.begin(), ratios.end()));
      const bool met = ratio >= kRatioTarget;
      all_met = all_met && met;
      std::printf("  %-26s %8.0f %12s %8.0f %12s %7.2fx %12s [>= %.1fx: %s]\n", cmp.name.c_str(), median(cmp.ours.rates),
                  ("(" + range_of(cmp.ours.rates) + ")").c_str(), median(cmp.curl.rates),
                  ("(" + range_of(cmp.curl.rates) + ")").c_str(), ratio, ("(" + std::string(rr) + ")").c_str(), kRatioTarget,
                  met ? "met" : "MISSED");
    }
    std::printf("  ratio: ours' median over curl's; in brackets, the range of the per-round ratios\n");
    if (!all_met) rc = 1;

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
