// _delta_log/_last_checkpoint: which checkpoint a load starts from.
#pragma once

#include <optional>
#include <string_view>

#include "delta/log_listing.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

// Parses the text of `_last_checkpoint` (its key `key` named in errors).
// version is a required integer; size, parts, sizeInBytes and numOfAddFiles
// optional integers (or null; the reader only sizes buffers by them, so a
// writer that leaves size out is read); other fields (checkpointSchema,
// checksum, ...) are ignored. The file is a pointer the reader relies on
// (a checkpoint it names must exist), so a malformed one is Corruption
// naming the file and the field, not silently bypassed by listing.
// Engine-free and store-free: any bytes may be passed.
LastCheckpoint parse_last_checkpoint(std::string_view key, std::string_view text);

// The table's _last_checkpoint if the listing showed one (nullopt if it is
// gone since).
std::optional<LastCheckpoint> read_last_checkpoint(const TableLocation& table, const LogListing& listing);

}  // namespace neuralake::delta
