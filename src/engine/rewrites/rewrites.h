// The engine's plan rewrites: an optimizer pass that runs after DuckDB's own
// on every query of a session, applying each rewrite its PlanRewrites switch
// leaves on, only where the rewritten plan gives the same rows.
#pragma once

#include "duckdb.hpp"
#include "neuralake/options.h"

namespace neuralake::engine::rewrites {

// Registers the rewrites (and the functions they plan with) on an open
// database. DuckDB drops optimizer extensions set on the DBConfig passed to
// its constructor, so this is called once the database exists.
void register_rewrites(duckdb::DatabaseInstance& db, const PlanRewrites& switches);

}  // namespace neuralake::engine::rewrites
