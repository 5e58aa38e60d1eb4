// Appending one series' values to another's buffers, shared by
// DataFrame::append and the engine's result collector.
#pragma once

#include "neuralake/data_frame.h"

namespace neuralake::detail {

// Appends `from`'s values and validity to `to`, whose storage is of the same
// kind (the caller checks the types). Buffers grow at least geometrically,
// and the part newly written is mapped in one call (populate_pages), not a
// page fault per 4 KiB page.
void append_values(Series& to, const Series& from);

}  // namespace neuralake::detail
