// Log replay per the Delta protocol: the newest usable checkpoint, then each
// commit in order (replay.h applies them; checkpoint_load.h reads a
// checkpoint). This file finds what to read and checks the log is whole.
#include "delta/log_replay.h"

#include <algorithm>
#include <cstdio>

#include "delta/checkpoint_load.h"
#include "delta/last_checkpoint.h"
#include "delta/log_listing.h"
#include "delta/replay.h"
#include "neuralake/error.h"

namespace neuralake::delta {

const std::vector<std::string>& supported_reader_features() {
  static const std::vector<std::string> features = {"columnMapping", "deletionVectors", "timestampNtz",
                                                    "vacuumProtocolCheck"};
  return features;
}

namespace {

// The latest version the listing shows; NotFound if there is none.
int64_t latest_version(const TableLocation& table, const LogListing& listing) {
  if (listing.empty) {
    throw Error(ErrorCode::NotFound, table.name,
                "'" + table.name + "' is not a Delta table: it has no _delta_log entries");
  }
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    throw Error(ErrorCode::NotFound, table.name,
                "'" + table.name + "' is not a Delta table: _delta_log holds no commits");
  }
  if (listing.commits.empty()) return listing.checkpoints.rbegin()->first;
  return std::max(listing.commits.rbegin()->first,
                  listing.checkpoints.empty() ? -1 : listing.checkpoints.rbegin()->first);
}

// The key of a checkpoint `last` names that the listing lacks: the
// single-part file, or the first missing part.
std::string missing_checkpoint_key(const LogListing& listing, const LastCheckpoint& last, int64_t& parts) {
  auto it = listing.checkpoints.find(last.version);
  const std::string base = listing.log_prefix + padded_version(last.version) + ".checkpoint";
  parts = it != listing.checkpoints.end() ? it->second.expected_parts : last.parts.value_or(1);
  for (int64_t p = 1; parts > 1 && p <= parts; ++p) {
    char name[64];
    std::snprintf(name, sizeof name, ".%010lld.%010lld.parquet", static_cast<long long>(p),
                  static_cast<long long>(parts));
    const std::string part = base + name;
    const bool present = it != listing.checkpoints.end() &&
                         std::find(it->second.keys.begin(), it->second.keys.end(), part) != it->second.keys.end();
    if (!present) return part;
  }
  return base + ".parquet";
}

// NotFound if _last_checkpoint names a checkpoint at or before `target`
// that is missing or incomplete.
void check_last_checkpoint(const TableLocation& table, const LogListing& listing, const Snapshot& snap,
                           int64_t target) {
  const auto& last = snap.last_checkpoint;
  if (!last || last->version > target) return;
  auto it = listing.checkpoints.find(last->version);
  if (it != listing.checkpoints.end() && it->second.complete()) return;
  int64_t parts = 1;
  const std::string key = missing_checkpoint_key(listing, *last, parts);
  throw Error(ErrorCode::NotFound, key,
              "Delta table '" + table.name + "': the checkpoint of version " + std::to_string(last->version) +
                  " named by _last_checkpoint is missing " + (parts > 1 ? "part " : "") + key);
}

// The newest complete checkpoint at or before `target` (null: none), and its version.
const CheckpointFiles* newest_checkpoint(const LogListing& listing, int64_t target, int64_t& version) {
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->first <= target && it->second.complete()) {
      version = it->first;
      return &it->second;
    }
  }
  version = -1;
  return nullptr;
}

// Every commit in [start, target] must be listed: NotFound if the log was
// cleaned up before `start`, Corruption for a gap.
void check_commits_present(const TableLocation& table, const LogListing& listing, int64_t start, int64_t target) {
  for (int64_t v = start; v <= target; ++v) {
    if (listing.commits.count(v)) continue;
    if (v == 0 || listing.commits.empty() || v < listing.commits.begin()->first) {
      throw Error(ErrorCode::NotFound, table.name,
                  "Delta table '" + table.name + "': version " + std::to_string(target) +
                      " cannot be reconstructed: log entries before version " +
                      std::to_string(listing.commits.empty() ? target : listing.commits.begin()->first) +
                      " were cleaned up and no checkpoint covers them");
    }
    throw Error(ErrorCode::Corruption, listing.commit_key(v),
                "Delta table '" + table.name + "' has missing log entries: " + listing.commit_key(v) +
                    " is absent but later commits exist");
  }
}

}  // namespace

SnapshotPtr load_snapshot(const TableLocation& table, CheckpointReader& checkpoints, std::optional<int64_t> version) {
  const LogListing listing = list_log(table);
  const int64_t latest = latest_version(table, listing);
  const int64_t target = version.value_or(latest);
  if (target < 0 || target > latest) {
    throw Error(ErrorCode::NotFound, table.name,
                "Delta table '" + table.name + "' has no version " + std::to_string(target) +
                    " (latest is " + std::to_string(latest) + ")");
  }
  auto snap = std::make_shared<Snapshot>();
  snap->location = table;
  snap->version = target;
  snap->last_checkpoint = read_last_checkpoint(table, listing);
  check_last_checkpoint(table, listing, *snap, target);
  int64_t checkpoint_version = -1;
  const CheckpointFiles* cp = newest_checkpoint(listing, target, checkpoint_version);
  check_commits_present(table, listing, checkpoint_version + 1, target);
  if (cp) {
    load_from_checkpoint(*snap, checkpoints, listing, checkpoint_version, *cp, target);
    return snap;
  }
  Replay replay(table, *snap);
  for (int64_t v = 0; v <= target; ++v) {
    const std::string& key = listing.commits.at(v).key;
    replay.apply_commit(key, read_commit_text(table, key));
  }
  finish_snapshot(replay, *snap, listing, target);
  return snap;
}

SnapshotPtr refresh_snapshot(const SnapshotPtr& base, CheckpointReader& checkpoints) {
  const TableLocation& table = base->location;
  const LogListing listing = list_log(table, base->version);
  if (listing.commits.empty()) return base;
  // Only an unbroken run of commits after `base` can be applied incrementally.
  int64_t expect = base->version + 1;
  for (const auto& [v, f] : listing.commits) {
    if (v != expect) return load_snapshot(table, checkpoints);
    ++expect;
  }
  auto snap = std::make_shared<Snapshot>(*base);
  snap->checkpoint.reset();
  snap->num_files_ = 0;
  Replay replay(table, *snap);
  replay.have_metadata = replay.have_protocol = true;
  replay.compute_partition_keys();
  for (const auto& [v, f] : listing.commits) {
    replay.apply_commit(f.key, read_commit_text(table, f.key));
    snap->version = v;
  }
  // Files of older segments were encoded for the old schema: a schema or
  // partitioning change is rare enough to simply replay from scratch.
  if (!same_file_layout(snap->metadata, base->metadata)) {
    return load_snapshot(table, checkpoints);
  }
  check_protocol(*snap, table.name);
  const size_t old_segments = snap->segments.size();
  finish_segment(replay, *snap);
  snap->num_files_ += base->num_files_;
  remove_from_older(replay, *snap, old_segments);
  auto c = listing.commits.rbegin();
  snap->timestamp_ms = replay.in_commit_timestamp ? *replay.in_commit_timestamp : c->second.mtime_ms;
  return snap;
}

}  // namespace neuralake::delta
