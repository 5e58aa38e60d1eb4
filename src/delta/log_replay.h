// Builds Delta snapshots from a table's _delta_log: _last_checkpoint, Parquet
// checkpoints, then the JSON commits after them; refreshes a snapshot by
// reading only newer commits; resolves time travel and lists the history.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/checkpoint_reader.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

// Reader features this reader implements; any other one is refused.
const std::vector<std::string>& supported_reader_features();

// The snapshot at `version`, or the latest one. Errors (each naming the table
// and the object at fault):
//  - NotFound: not a Delta table (no _delta_log entries); `version` does not
//    exist or its log entries were cleaned up; a checkpoint named by
//    _last_checkpoint is missing;
//  - Corruption: a commit line that is not JSON, or an action missing a
//    field the protocol requires or holding one of the wrong JSON type
//    (file, line and field named; log_actions.h), a malformed
//    _last_checkpoint, a gap in the commit versions ("missing log entries");
//  - NotSupported: a reader version or reader feature we do not implement
//    (the feature named), a v2 checkpoint.
SnapshotPtr load_snapshot(const TableLocation& table, CheckpointReader& checkpoints,
                          std::optional<int64_t> version = std::nullopt);

// `base` advanced to the latest version by reading only commits newer than
// it; returns `base` itself if there are none. Unchanged files are shared.
SnapshotPtr refresh_snapshot(const SnapshotPtr& base, CheckpointReader& checkpoints);

// The newest version whose commit timestamp is at or before `timestamp_ms`
// (ms since the epoch). The commit timestamp is the in-commit timestamp
// (commitInfo.inCommitTimestamp) for versions where that feature is enabled,
// otherwise the commit file's modification time; a timestamp after the latest
// commit gives the latest version. Throws NotFound naming the table and the
// time if it is before the earliest available commit.
int64_t version_at_timestamp(const TableLocation& table, int64_t timestamp_ms);

struct CommitInfo {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  // as version_at_timestamp() defines it
  std::string operation;     // commitInfo.operation, or empty
  std::string parameters;    // commitInfo.operationParameters as JSON, or empty
  std::string engine;        // commitInfo.engineInfo, or empty
  int64_t adds = 0, removes = 0;
};

// The commits still in the log, newest first, at most `limit` (0: all).
std::vector<CommitInfo> history(const TableLocation& table, size_t limit = 0);

}  // namespace neuralake::delta
