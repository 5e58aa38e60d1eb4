// The peer benchmark's line protocol; see runner_protocol.h.
#include "runner_protocol.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace peers {
namespace {

long proc_status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = field + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  return -1;
}

// Resets VmHWM to the current RSS; where the kernel refuses, hwm_kb stays the
// process-lifetime peak.
void reset_peak_rss() {
  if (FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

std::string json_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string checksum_json(size_t rows, const std::vector<ColumnSum>& cols) {
  std::string out = "{\"rows\":" + std::to_string(rows) + ",\"cols\":[";
  for (size_t i = 0; i < cols.size(); ++i) {
    const ColumnSum& c = cols[i];
    if (i) out += ",";
    out += "{\"name\":" + json_string(c.name) + ",\"kind\":\"" + c.kind + "\",\"nulls\":" + std::to_string(c.nulls) +
           ",\"sum\":" + json_number(c.sum) + ",\"wsum\":" + json_number(c.wsum) + "}";
  }
  return out + "]}";
}

std::string answer(Engine& engine, const std::string& id, const std::string& sql, bool check, bool reset_peak) {
  try {
    if (reset_peak) reset_peak_rss();
    const auto t0 = std::chrono::steady_clock::now();
    Answer a = engine.run(sql);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::string out = "{\"q\":" + json_string(id) + ",\"ms\":" + json_number(ms) + ",\"rows\":" + std::to_string(a.rows) +
                      ",\"hwm_kb\":" + std::to_string(proc_status_kb("VmHWM")) +
                      ",\"rss_kb\":" + std::to_string(proc_status_kb("VmRSS"));
    if (check) out += ",\"check\":" + checksum_json(a.rows, a.checksum());
    return out + "}";
  } catch (const std::exception& e) {
    return "{\"q\":" + json_string(id) + ",\"error\":" + json_string(e.what()) + "}";
  }
}

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << message << "\nusage: runner --data DIR --queries FILE [--threads N] [--once QID [--check]]\n";
  std::exit(2);
}

}  // namespace

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 0x811c9dc5u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

RunnerOptions parse_options(int argc, char** argv, const std::vector<std::string>& extra_flags) {
  RunnerOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--data") {
      o.data = value();
    } else if (a == "--queries") {
      o.queries = value();
    } else if (a == "--threads") {
      const std::string v = value();
      try {
        o.threads = std::stoi(v);
      } catch (const std::exception&) {
        usage_error("--threads takes a number, got '" + v + "'");
      }
    } else if (a == "--once") {
      o.once = value();
    } else if (a == "--check") {
      o.check = true;
    } else {
      bool known = false;
      for (const std::string& f : extra_flags)
        if (a == f) {
          o.extra[f] = value();
          known = true;
        }
      if (!known) usage_error("unknown argument '" + a + "'");
    }
  }
  if (o.data.empty()) usage_error("--data DIR is required");
  if (o.queries.empty()) usage_error("--queries FILE is required");
  return o;
}

std::map<std::string, std::string> load_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the queries file " + path);
  std::map<std::string, std::string> out;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("-- @", 0) == 0) {
      std::istringstream header(line.substr(4));
      header >> current;
      out[current];
      continue;
    }
    if (current.empty() || line.rfind("--", 0) == 0) continue;
    out[current] += line + "\n";
  }
  if (out.empty()) throw std::runtime_error("no '-- @QID' query headers in " + path);
  return out;
}

int serve(const RunnerOptions& options, Engine& engine) {
  const auto queries = load_queries(options.queries);
  if (!options.once.empty()) {
    auto it = queries.find(options.once);
    if (it == queries.end()) {
      std::cerr << "unknown query '" << options.once << "' (not in " << options.queries << ")\n";
      return 2;
    }
    std::cout << answer(engine, it->first, it->second, options.check, false) << std::endl;
    return 0;
  }
  std::cout << "{\"ready\":true,\"engine\":" << json_string(engine.name) << ",\"version\":" << json_string(engine.version)
            << ",\"threads\":" << options.threads << "}" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string id, flag;
    words >> id >> flag;
    if (id.empty()) continue;
    if (id == "quit") break;
    if (id == "ping") {
      engine.ping();
      std::cout << "{\"pong\":true}" << std::endl;
      continue;
    }
    auto it = queries.find(id);
    if (it == queries.end()) {
      std::cout << "{\"q\":" << json_string(id) << ",\"error\":\"unknown query\"}" << std::endl;
      continue;
    }
    std::cout << answer(engine, id, it->second, flag == "check", true) << std::endl;
  }
  return 0;
}

}  // namespace peers
