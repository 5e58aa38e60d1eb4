// Hash aggregates sized from statistics: DuckDB's perfect hash aggregate
// (one slot per key in the range the statistics state) for a grouping on one
// integer key whose range is too wide for DuckDB's default but fits a budget.
#pragma once

#include <vector>

#include "duckdb.hpp"
#include "duckdb/planner/logical_operator.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"

namespace neuralake::engine::rewrites {

// Raises this query's perfect_ht_threshold where the aggregates of `plan`
// qualify (restored when the query ends); records what it chose.
void size_aggregates(duckdb::ClientContext& context, duckdb::LogicalOperator& plan);

// The bits DuckDB's perfect hash needs for one key whose values span
// [min, min + width] (its rule: the bits of width + 2).
uint64_t perfect_hash_bits(uint64_t width);

// The bytes one key of `aggregate` takes in a table of its aggregate states:
// the states, each aligned, and a flag saying the key has rows.
uint64_t slot_bytes(const duckdb::LogicalAggregate& aggregate);

// The key bits up to which DuckDB plans a perfect hash aggregate for this
// query (its perfect_ht_threshold, 12 by default).
uint64_t perfect_hash_threshold(duckdb::ClientContext& context);

// The memory that tables allocated outside DuckDB's buffer manager may take
// for one query: a quarter of memory_limit, at most 1 GiB.
uint64_t unmanaged_table_budget(duckdb::ClientContext& context);

// The threads one query may run on.
uint64_t query_threads(duckdb::ClientContext& context);

// Puts back a threshold size_aggregates() raised on `context` for an earlier
// query that did not end normally; nothing otherwise.
void restore_aggregate_sizing(duckdb::ClientContext& context);

}  // namespace neuralake::engine::rewrites
