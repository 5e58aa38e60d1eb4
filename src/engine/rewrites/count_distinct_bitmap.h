// count(DISTINCT x) of an integer-like column counted over a bitmap of the
// column's range (from the scan's min/max), instead of hashing every value.
#pragma once

#include "duckdb.hpp"
#include "duckdb/planner/logical_operator.hpp"

namespace neuralake::engine::rewrites {

// Registers nl_count_distinct_bitmap(x, lo, hi) in the database's catalog:
// the number of distinct non-NULL x (0 on empty input), with a bitmap over
// [lo, hi] and a hash set for values outside it, so bounds that do not hold
// cost speed, never the count. lo and hi are constants of x's type.
void register_count_distinct_bitmap(duckdb::DatabaseInstance& db);

// Replaces each count(DISTINCT column) in `aggregate` (a LogicalAggregate)
// whose column's scan states a range narrow enough by
// nl_count_distinct_bitmap over that range; records what it replaced.
void rewrite_count_distinct(duckdb::ClientContext& context, duckdb::LogicalOperator& aggregate);

}  // namespace neuralake::engine::rewrites
