// Writes classic single-file Delta checkpoints: the table's state at one
// version (protocol, metaData, the latest txn per appId, live adds and the
// remove tombstones not yet expired) as one Parquet file, built by a DuckDB
// query over the previous checkpoint and the JSON commits after it, then
// _delta_log/_last_checkpoint pointing at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "delta/snapshot.h"

namespace duckdb {
class DatabaseInstance;
}

namespace neuralake {
class Session;
}

namespace neuralake::engine {

struct CheckpointWritten {
  int64_t version = 0;
  int64_t adds = 0, removes = 0, txns = 0;  // rows written of each kind
  int64_t rows = 0;                         // every row (also protocol, metaData, domainMetadata)
  int64_t size_bytes = 0;                   // the checkpoint file's size
};

// Writes the classic single-file checkpoint of `table` at `version`
// (<table>/_delta_log/<20-digit version>.checkpoint.parquet), then
// _delta_log/_last_checkpoint (left alone if it names a newer checkpoint).
// `db` serves the table's store URIs (the session's database). The state is
// read from the newest complete classic or multi-part checkpoint at or before
// `version` and the JSON commits after it; file actions are reconciled by
// (path, deletion vector id), the newest winning. Tombstones are kept while
// deletionTimestamp is within delta.deletedFileRetentionDuration (default
// "interval 1 week") of `now_ms` (default: the system clock). The file is
// published whole (the object-store filesystem publishes on close), and only
// then is _last_checkpoint written.
// Errors name the table: NotFound for a version that does not exist or
// cannot be reconstructed (commits missing), NotSupported for a table with
// v2 checkpoints, InvalidArgument for a malformed retention setting, and the
// store's or the engine's errors otherwise.
CheckpointWritten write_delta_checkpoint(duckdb::DatabaseInstance& db, const delta::TableLocation& table,
                                         int64_t version, std::optional<int64_t> now_ms = std::nullopt);
// The same through `session`'s database.
CheckpointWritten write_delta_checkpoint(Session& session, const delta::TableLocation& table, int64_t version,
                                         std::optional<int64_t> now_ms = std::nullopt);

// A Spark calendar-interval setting (delta.deletedFileRetentionDuration,
// delta.logRetentionDuration) in milliseconds: "interval 1 week",
// "7 days", "interval 2 hours 30 minutes"; units week, day, hour, minute,
// second, millisecond, microsecond (singular or plural, any case). Months and
// years (no fixed length) and negative durations are refused: InvalidArgument
// naming `setting` and the value.
int64_t parse_interval_ms(std::string_view value, std::string_view setting);

}  // namespace neuralake::engine
