#include "server/metrics.h"

#include <cstdio>

namespace neuralake::server {

namespace {

// A label value with \, " and newlines escaped, as the exposition format asks.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void Metrics::request_done(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::error(const std::string& kind) {
  std::lock_guard lock(mu_);
  ++errors_[kind];
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP neuralake_http_requests_total Requests answered, by route and status.\n";
  out += "# TYPE neuralake_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "neuralake_http_requests_total{route=\"" + label(key.first) + "\",status=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(n) + "\n";
  out += "# HELP neuralake_http_request_duration_seconds Time from a request's arrival to its last byte.\n";
  out += "# TYPE neuralake_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string r = label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out += "neuralake_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(h.counts[i]) + "\n";
    out += "neuralake_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "neuralake_http_request_duration_seconds_sum{route=\"" + r + "\"} " + number(h.sum) + "\n";
    out += "neuralake_http_request_duration_seconds_count{route=\"" + r + "\"} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP neuralake_http_errors_total Error answers, by kind.\n";
  out += "# TYPE neuralake_http_errors_total counter\n";
  for (const auto& [kind, n] : errors_)
    out += "neuralake_http_errors_total{kind=\"" + label(kind) + "\"} " + std::to_string(n) + "\n";
  out += "# HELP neuralake_rows_sent_total Result rows sent.\n# TYPE neuralake_rows_sent_total counter\n";
  out += "neuralake_rows_sent_total " + std::to_string(rows_.load()) + "\n";
  out += "# HELP neuralake_bytes_sent_total Result body bytes sent.\n# TYPE neuralake_bytes_sent_total counter\n";
  out += "neuralake_bytes_sent_total " + std::to_string(bytes_.load()) + "\n";
  out += "# HELP neuralake_queries_running Queries running now.\n# TYPE neuralake_queries_running gauge\n";
  out += "neuralake_queries_running " + std::to_string(running_.load()) + "\n";
  out += "# HELP neuralake_queries_rejected_total Queries refused because max_queries were running.\n";
  out += "# TYPE neuralake_queries_rejected_total counter\n";
  out += "neuralake_queries_rejected_total " + std::to_string(busy_.load()) + "\n";
  return out;
}

}  // namespace neuralake::server
