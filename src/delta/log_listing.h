// What a table's _delta_log directory holds: commits, checkpoints (classic,
// multi-part, v2) and _last_checkpoint, parsed from one listing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/snapshot.h"

namespace neuralake::delta {

struct CommitFile {
  std::string key;
  int64_t mtime_ms = 0;
};

struct CheckpointFiles {
  std::vector<std::string> keys;  // all parts, in part order
  int expected_parts = 1;
  bool v2 = false;
  bool complete() const { return static_cast<int>(keys.size()) == expected_parts; }
};

struct LogListing {
  std::string log_prefix;                        // "<table>/_delta_log/"
  std::map<int64_t, CommitFile> commits;         // by version
  std::map<int64_t, CheckpointFiles> checkpoints;  // by version
  bool has_last_checkpoint = false;
  bool empty = true;                             // nothing at all under _delta_log/

  // "<prefix>00000000000000000007.json"
  std::string commit_key(int64_t version) const;
};

// Lists `table`'s log; with `after_version`, only entries of later versions
// (and of that version's checkpoint). Ignores temp files and sidecars.
LogListing list_log(const TableLocation& table, std::optional<int64_t> after_version = std::nullopt);

// The 20-digit zero-padded version as used in log file names.
std::string padded_version(int64_t version);

}  // namespace neuralake::delta
