// The statistics a scan states for a column the plan refers to, followed from
// an operator's input binding down to the scan that produces it.
#pragma once

#include "duckdb.hpp"
#include "duckdb/planner/column_binding.hpp"
#include "duckdb/planner/logical_operator.hpp"
#include "duckdb/storage/statistics/base_statistics.hpp"

namespace neuralake::engine::rewrites {

// The statistics of the column `binding` as the scan below `op` states them
// for the whole scan (filters between only narrow the values, so the scan's
// range still bounds them). Followed through projections of a plain column,
// filters, joins, ordering and limits; nullptr where the binding is computed
// (an expression, an aggregate, a set operation) or the scan states nothing
// (e.g. a Parquet glob of several files).
duckdb::unique_ptr<duckdb::BaseStatistics> scan_column_stats(duckdb::ClientContext& context,
                                                            duckdb::LogicalOperator& op,
                                                            const duckdb::ColumnBinding& binding);

}  // namespace neuralake::engine::rewrites
