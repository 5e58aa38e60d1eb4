// What the log says about its commits: their timestamps (time travel by
// time) and their commitInfo (history).
#include <algorithm>

#include "delta/commit_file.h"
#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "delta/replay.h"
#include "neuralake/error.h"
#include "neuralake/value.h"

namespace neuralake::delta {

namespace {

LogListing list_commits(const TableLocation& table) {
  LogListing listing = list_log(table);
  if (listing.commits.empty()) {
    throw Error(ErrorCode::NotFound, table.name, "'" + table.name + "' is not a Delta table: it has no commits");
  }
  return listing;
}

// Commit file times, made increasing (clock skew and copies can send them backwards).
std::vector<int64_t> increasing_times(const LogListing& listing) {
  std::vector<int64_t> times;
  for (const auto& [v, f] : listing.commits) {
    times.push_back(times.empty() ? f.mtime_ms : std::max(f.mtime_ms, times.back() + 1));
  }
  return times;
}

// The in-commit timestamp of commit `key`, from commitInfo (its first
// action where the feature is enabled).
std::optional<int64_t> in_commit_timestamp(const TableLocation& table, const std::string& key,
                                           simdjson::dom::parser& parser) {
  std::string text = read_commit_text(table, key);
  const size_t end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  std::optional<int64_t> ts;
  for_each_commit_action(parser, key, text, CommitPass::Metadata,
                         [&](std::string_view name, JsonObject action, const ActionSource& at) {
                           if (name == "commitInfo") ts = parse_commit_info(action, at);
                         });
  return ts;
}

[[noreturn]] void before_first_commit(const TableLocation& table, int64_t timestamp_ms) {
  throw Error(ErrorCode::NotFound, table.name,
              "Delta table '" + table.name + "' has no version at or before " +
                  format_timestamp(Timestamp{timestamp_ms * 1000}) + " (the earliest commit is later)");
}

// One commit's history entry: its commitInfo and how many files it adds and removes.
CommitInfo commit_info(const TableLocation& table, int64_t version, const std::string& key, int64_t file_time,
                       simdjson::dom::parser& parser) {
  CommitInfo info;
  info.version = version;
  info.timestamp_ms = file_time;
  const std::string text = read_commit_text(table, key);
  for_each_commit_action(parser, key, text, CommitPass::All, [&](std::string_view name, JsonObject a, const ActionSource& at) {
    info.adds += name == "add";
    info.removes += name == "remove";
    if (name != "commitInfo") return;
    std::string_view s;
    if (a["operation"].get(s) == simdjson::SUCCESS) info.operation = std::string(s);
    if (a["engineInfo"].get(s) == simdjson::SUCCESS) info.engine = std::string(s);
    simdjson::dom::element p;
    if (a["operationParameters"].get(p) == simdjson::SUCCESS) info.parameters = simdjson::to_string(p);
    if (auto t = parse_commit_info(a, at)) info.timestamp_ms = *t;
  });
  return info;
}

}  // namespace

int64_t version_at_timestamp(const TableLocation& table, int64_t timestamp_ms) {
  const LogListing listing = list_commits(table);
  std::vector<int64_t> versions;
  for (const auto& [v, f] : listing.commits) versions.push_back(v);
  const std::vector<int64_t> times = increasing_times(listing);
  simdjson::dom::parser parser;
  auto in_commit = [&](size_t i) { return in_commit_timestamp(table, listing.commits.at(versions[i]).key, parser); };
  if (in_commit(versions.size() - 1)) {
    // Binary search on commit timestamps, read only for the probed versions.
    size_t lo = 0, hi = versions.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (in_commit(mid).value_or(times[mid]) <= timestamp_ms) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) before_first_commit(table, timestamp_ms);
    return versions[lo - 1];
  }
  const auto it = std::upper_bound(times.begin(), times.end(), timestamp_ms);
  if (it == times.begin()) before_first_commit(table, timestamp_ms);
  return versions[static_cast<size_t>(it - times.begin()) - 1];
}

std::vector<CommitInfo> history(const TableLocation& table, size_t limit) {
  const LogListing listing = list_commits(table);
  const std::vector<int64_t> times = increasing_times(listing);
  simdjson::dom::parser parser;
  std::vector<CommitInfo> out;
  size_t i = times.size();
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    --i;
    if (limit && out.size() >= limit) break;
    out.push_back(commit_info(table, it->first, it->second.key, times[i], parser));
  }
  return out;
}

}  // namespace neuralake::delta
