// dense_grouping: a GROUP BY on one integer-like key whose statistics bound
// its range becomes a dense grouping (dense_group_by.h) instead of DuckDB's
// hash aggregate, where the range fits a memory budget.
#pragma once

#include "duckdb.hpp"
#include "duckdb/planner/logical_operator.hpp"

namespace neuralake::engine::rewrites {

// Replaces the qualifying aggregates of `plan`; records each one applied.
void rewrite_dense_groupings(duckdb::ClientContext& context, duckdb::unique_ptr<duckdb::LogicalOperator>& plan);

}  // namespace neuralake::engine::rewrites
