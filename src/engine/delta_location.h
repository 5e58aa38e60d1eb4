// A Delta table's root as the log reader and writer address it, from a
// location as a catalog or a user writes it ("{warehouse}/t", "s3://b/t",
// "/abs/t", "./rel/t").
#pragma once

#include <string>

#include "delta/snapshot.h"
#include "neuralake/session.h"

namespace neuralake::engine {

// The store serving `location` in `session` and the table root's key in it;
// `name` names the table in errors (the URI when empty). Defined in
// delta_table_info.cpp.
delta::TableLocation locate_delta_table(Session& session, const std::string& location, const std::string& name);

}  // namespace neuralake::engine
