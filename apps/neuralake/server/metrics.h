// The API server's Prometheus metrics (text exposition format 0.0.4):
// requests by route and status, a latency histogram, errors by kind, rows
// and bytes sent, and the queries running now. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace neuralake::server {

class Metrics {
 public:
  // One finished request: its route ("/api/tables/{table}", …), status and duration.
  void request_done(const std::string& route, int status, double seconds);
  void error(const std::string& kind);
  void rows_sent(uint64_t n) { rows_ += n; }
  void bytes_sent(uint64_t n) { bytes_ += n; }
  void query_started() { ++running_; }
  void query_finished() { --running_; }
  void rejected_busy() { ++busy_; }
  int64_t queries_running() const { return running_; }

  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
  std::map<std::string, uint64_t> errors_;
  std::atomic<uint64_t> rows_{0}, bytes_{0}, busy_{0};
  std::atomic<int64_t> running_{0};
};

}  // namespace neuralake::server
