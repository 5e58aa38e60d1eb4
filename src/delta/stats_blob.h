// The compact stats blob a FileEntry keeps (format described in
// stats_blob.cpp); decode_column_stats() in file_stats.h reads it back.
#pragma once

#include <string>
#include <string_view>

#include "delta/file_stats.h"

namespace neuralake::delta {

// Encodes `stats` for `layout` into `buffer` (grown as needed, reused
// between calls); returns the blob, a view of `buffer`. Equal stats give
// equal bytes, whichever input they came from.
std::string_view encode_stats_blob(const TypedStats& stats, const StatsLayout& layout, std::string& buffer);

}  // namespace neuralake::delta
