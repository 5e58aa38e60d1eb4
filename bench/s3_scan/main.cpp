// S3 scan benchmark: a ~6M-row Parquet file scanned whole and column-pruned over
// a local S3 server (started and stopped here) and from local disk, with bytes fetched.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "testing/local_s3_process.h"
#include "neuralake/config.h"
#include "neuralake/data_frame.h"
#include "neuralake/session.h"

using namespace neuralake;
namespace fs = std::filesystem;

namespace {

struct Run {
  double ms = 0;
  uint64_t bytes = 0;
  uint64_t requests = 0;
};

// Best of `reps` runs of `sql`, with the bytes and read requests of the last.
Run time_query(Session& s, const std::string& sql, int reps = 3) {
  Run best{1e300, 0, 0};
  for (int i = 0; i < reps; ++i) {
    s.reset_io_stats();
    auto t0 = std::chrono::steady_clock::now();
    s.sql(sql);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    IoStats io = s.total_io_stats();
    best = {std::min(best.ms, ms), io.bytes_read, io.read_requests};
  }
  return best;
}

}  // namespace

int main() {
  const fs::path source = NEURALAKE_SOURCE_DIR;
  const fs::path work = fs::temp_directory_path() / ("neuralake-s3-scan-" + std::to_string(::getpid()));
  fs::create_directories(work / "s3");
  int rc = 0;
  try {
    neuralake::testing::LocalS3Process server(source / "scripts" / "local-s3", work / "s3", "bench");
    Environment env{{{"NEURALAKE_ENV", "minio"}, {"AWS_ENDPOINT_URL", server.endpoint()}, {"AWS_EC2_METADATA_DISABLED", "true"}}};
    SessionOptions o;
    o.config = Config::resolve(env);
    o.warehouse = (work / "warehouse").string();
    Session s(o);

    // A file:// URI so local reads go through the same counted adapter as s3://.
    const std::string local = "file://" + (work / "scan.parquet").string();
    const std::string remote = "s3://bench/scan.parquet";
    const std::string gen = "SELECT range AS id, (range * 7919) % 1000003 / 7.0 AS amount, 'customer-' || (range % 50000) AS name, "
                            "(range % 97)::INTEGER AS qty FROM range(6000000)";
    s.sql("COPY (" + gen + ") TO '" + local + "' (FORMAT parquet)");
    s.sql("COPY (SELECT * FROM read_parquet('" + local + "')) TO '" + remote + "' (FORMAT parquet)");
    const uint64_t file_size = fs::file_size(work / "scan.parquet");
    // The footer (Thrift metadata, its length and "PAR1") is read by any scan.
    uint64_t footer = 8;
    {
      std::FILE* f = std::fopen((work / "scan.parquet").c_str(), "rb");
      unsigned char len[4] = {0, 0, 0, 0};
      if (f && std::fseek(f, -8, SEEK_END) == 0 && std::fread(len, 1, 4, f) == 4) {
        footer += len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<uint64_t>(len[3]) << 24);
      }
      if (f) std::fclose(f);
    }

    auto needed = [&](const std::string& file, const std::string& column) {
      return std::stoull(s.sql("SELECT sum(total_compressed_size) FROM parquet_metadata('" + file + "') WHERE path_in_schema = '" +
                               column + "'").value(0, 0).to_string());
    };
    const uint64_t qty_local = needed(local, "qty"), qty_remote = needed(remote, "qty");

    const std::string full = "SELECT sum(id), sum(amount), count(DISTINCT name), sum(qty) FROM read_parquet('%s')";
    const std::string pruned = "SELECT sum(qty) FROM read_parquet('%s')";
    auto with = [](std::string sql, const std::string& file) { return sql.replace(sql.find("%s"), 2, file); };
    Run full_local = time_query(s, with(full, local)), full_s3 = time_query(s, with(full, remote));
    Run pruned_local = time_query(s, with(pruned, local)), pruned_s3 = time_query(s, with(pruned, remote));

    std::printf("s3_scan: 6,000,000 rows, 4 columns, %.1f MB Parquet (local s3rver at %s)\n", file_size / 1e6,
                server.endpoint().c_str());
    std::printf("  %-22s %10s %14s %10s\n", "", "ms (best/3)", "bytes fetched", "requests");
    std::printf("  %-22s %10.1f %14llu %10llu\n", "full scan, local", full_local.ms, (unsigned long long)full_local.bytes,
                (unsigned long long)full_local.requests);
    std::printf("  %-22s %10.1f %14llu %10llu\n", "full scan, S3", full_s3.ms, (unsigned long long)full_s3.bytes,
                (unsigned long long)full_s3.requests);
    std::printf("  %-22s %10.1f %14llu %10llu\n", "pruned (qty), local", pruned_local.ms, (unsigned long long)pruned_local.bytes,
                (unsigned long long)pruned_local.requests);
    std::printf("  %-22s %10.1f %14llu %10llu\n", "pruned (qty), S3", pruned_s3.ms, (unsigned long long)pruned_s3.bytes,
                (unsigned long long)pruned_s3.requests);
    const double ratio = static_cast<double>(pruned_s3.bytes) / static_cast<double>(qty_remote);
    std::printf("  full-scan time S3/local: %.2fx\n", full_s3.ms / full_local.ms);
    std::printf("  pruned scan on S3 fetched %llu bytes = %.3fx the qty column chunks (%llu bytes; local file's: %llu) "
                "[target <= 1.2x: %s]\n",
                (unsigned long long)pruned_s3.bytes, ratio, (unsigned long long)qty_remote, (unsigned long long)qty_local,
                ratio <= 1.2 ? "met" : "MISSED");
    std::printf("  with the %llu-byte footer counted as needed: %.3fx\n", (unsigned long long)footer,
                static_cast<double>(pruned_s3.bytes) / static_cast<double>(qty_remote + footer));
    rc = ratio <= 1.2 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "s3_scan: %s\n", e.what());
    rc = 2;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return rc;
}
