// Parsing _delta_log file names from one listing of the log directory.
#include "delta/log_listing.h"

#include <cctype>

namespace neuralake::delta {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int64_t to_int(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string padded_version(int64_t version) {
  std::string s = std::to_string(version);
  return std::string(s.size() < 20 ? 20 - s.size() : 0, '0') + s;
}

std::string LogListing::commit_key(int64_t version) const { return log_prefix + padded_version(version) + ".json"; }

LogListing list_log(const TableLocation& table, std::optional<int64_t> after_version) {
  LogListing out;
  out.log_prefix = (table.key.empty() ? "" : table.key + "/") + "_delta_log/";
  // Keys of version v all start with its padded number, so listing after the
  // bare number returns v's checkpoint and everything later.
  const std::string start_after = after_version ? out.log_prefix + padded_version(*after_version) : std::string();
  for (const auto& info : table.store->list(out.log_prefix, start_after)) {
    out.empty = false;
    std::string_view name = std::string_view(info.key).substr(out.log_prefix.size());
    if (name.find('/') != std::string_view::npos) continue;  // .tmp/, _sidecars/, ...
    if (name == "_last_checkpoint") {
      out.has_last_checkpoint = true;
      continue;
    }
    if (name.size() < 21 || !all_digits(name.substr(0, 20)) || name[20] != '.') continue;
    const int64_t version = to_int(name.substr(0, 20));
    const std::string_view rest = name.substr(21);
    if (rest == "json") {
      if (after_version && version <= *after_version) continue;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          info.last_modified.time_since_epoch()).count();
      out.commits[version] = {info.key, ms};
    } else if (rest == "checkpoint.parquet") {
      auto& cp = out.checkpoints[version];
      if (cp.v2 || !cp.keys.empty()) continue;
      cp.keys = {info.key};
    } else if (rest.rfind("checkpoint.", 0) == 0) {
      const std::string_view tail = rest.substr(11);
      // Multi-part: checkpoint.<part:10>.<parts:10>.parquet
      if (tail.size() == 10 + 1 + 10 + 8 && all_digits(tail.substr(0, 10)) && all_digits(tail.substr(11, 10)) &&
          tail.substr(21) == ".parquet") {
        const int part = static_cast<int>(to_int(tail.substr(0, 10)));
        const int parts = static_cast<int>(to_int(tail.substr(11, 10)));
        auto& cp = out.checkpoints[version];
        if (!cp.keys.empty() && cp.expected_parts != parts) continue;  // a rival set; keep the first
        cp.expected_parts = parts;
        if (part >= 1 && part <= parts) cp.keys.push_back(info.key);  // listing order is part order
      } else if (tail.size() > 5 && (tail.ends_with(".json") || tail.ends_with(".parquet"))) {
        auto& cp = out.checkpoints[version];
        cp.v2 = true;
        cp.keys = {info.key};
      }
    }
  }
  return out;
}

}  // namespace neuralake::delta
