// delta_test_writer: one process appending many small batches to one Delta
// table through one session, for the concurrency and crash tests (the CLI
// starts a session per append, about 0.2 s each). Through the public API only.
//
//   delta_test_writer <table> --writer W --first F --count N [--rows R]
//                     [--txn-app-id A] [--start-file PATH] [--threads T]
//                     [--retry-gave-up] [--max-attempts M]
//
// Batch k (F <= k < F + N) appends the rows (w = W, i = k, j = 0..R-1) with
// columns w, i, j (INTEGER); with --txn-app-id each append carries the
// transaction (A, k), so a batch retried after a crash commits once. The
// session comes from the environment (SessionOptions::from_environment(), so
// s3:// tables use the AWS variables). It prints "ready" once the session is
// up, waits for --start-file to exist if given, then one line per batch:
//   batch <k> version <v> attempts <a> skipped <0|1> micros <latency of the append>
// With --retry-gave-up, an append that gave up (Conflict: other writers took
// every version it tried) prints "gave-up batch <k> micros <time lost>" and is
// made again, as an application would retry it; nothing of it was committed.
// On any other error it prints "error batch <k> <code>: <message>" to stderr
// and exits 1. --max-attempts sets DeltaWriteOptions::max_commit_attempts.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "neuralake/delta_writer.h"
#include "neuralake/error.h"
#include "neuralake/session.h"

namespace nl = neuralake;

namespace {

int usage(const char* self) {
  std::fprintf(stderr,
               "usage: %s <table> --writer W --first F --count N [--rows R] [--txn-app-id A] [--start-file PATH] "
               "[--threads T]\n",
               self);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0]);
  const std::string table = argv[1];
  long writer = 0, first = 1, count = 0, rows = 1;
  int threads = 1;
  bool retry_gave_up = false;
  std::string app_id, start_file;
  int max_attempts = 0;
  for (int a = 2; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--retry-gave-up") {
      retry_gave_up = true;
      continue;
    }
    if (a + 1 >= argc) return usage(argv[0]);
    const std::string value = argv[++a];
    if (arg == "--writer") writer = std::stol(value);
    else if (arg == "--first") first = std::stol(value);
    else if (arg == "--count") count = std::stol(value);
    else if (arg == "--rows") rows = std::stol(value);
    else if (arg == "--txn-app-id") app_id = value;
    else if (arg == "--max-attempts") max_attempts = std::stoi(value);
    else if (arg == "--start-file") start_file = value;
    else if (arg == "--threads") threads = std::stoi(value);
    else return usage(argv[0]);
  }

  long batch = first;
  try {
    nl::SessionOptions options = nl::SessionOptions::from_environment();
    options.threads = threads;
    nl::Session session(options);
    nl::DeltaWriter delta(session, table);
    std::printf("ready\n");
    std::fflush(stdout);
    if (!start_file.empty()) {
      while (!std::filesystem::exists(start_file)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (; batch < first + count; ++batch) {
      const std::string sql = "SELECT " + std::to_string(writer) + "::INTEGER AS w, " + std::to_string(batch) +
                              "::INTEGER AS i, range::INTEGER AS j FROM range(" + std::to_string(rows) + ")";
      nl::DeltaWriteOptions o;
      if (!app_id.empty()) o.transaction = nl::DeltaTransaction{app_id, batch};
      if (max_attempts > 0) o.max_commit_attempts = max_attempts;
      const auto t0 = std::chrono::steady_clock::now();
      auto micros = [&] {
        return static_cast<long long>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
      };
      nl::DeltaWriteResult r;
      try {
        r = delta.append(session.lazy(sql), o);
      } catch (const nl::Error& e) {
        if (!retry_gave_up || e.code() != nl::ErrorCode::Conflict ||
            std::string(e.what()).find("gave up") == std::string::npos)
          throw;
        std::printf("gave-up batch %ld micros %lld\n", batch, micros());
        std::fflush(stdout);
        --batch;  // the same batch again
        continue;
      }
      std::printf("batch %ld version %lld attempts %d skipped %d micros %lld\n", batch,
                  static_cast<long long>(r.version), r.attempts, r.skipped ? 1 : 0, micros());
      std::fflush(stdout);
    }
  } catch (const nl::Error& e) {
    std::fprintf(stderr, "error batch %ld %s: %s\n", batch, nl::to_string(e.code()), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error batch %ld: %s\n", batch, e.what());
    return 1;
  }
  return 0;
}
