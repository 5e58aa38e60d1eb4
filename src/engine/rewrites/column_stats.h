// The statistics a scan states for a column the plan refers to, followed from
// an operator's input binding down to the scan that produces it; and the
// bounds statistics state for an integer-like column.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

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

// Calls f(T{}) with the C++ type of `type` when it is an integer of up to 64
// bits, signed or not (the storage of DATE, TIME, TIMESTAMP, ... too); false
// for other types.
template <class F>
bool with_integer_type(duckdb::PhysicalType type, F&& f) {
  switch (type) {
    case duckdb::PhysicalType::INT8: f(int8_t{}); return true;
    case duckdb::PhysicalType::INT16: f(int16_t{}); return true;
    case duckdb::PhysicalType::INT32: f(int32_t{}); return true;
    case duckdb::PhysicalType::INT64: f(int64_t{}); return true;
    case duckdb::PhysicalType::UINT8: f(uint8_t{}); return true;
    case duckdb::PhysicalType::UINT16: f(uint16_t{}); return true;
    case duckdb::PhysicalType::UINT32: f(uint32_t{}); return true;
    case duckdb::PhysicalType::UINT64: f(uint64_t{}); return true;
    default: return false;
  }
}

// The [min, max] `stats` states for a column stored as an integer (see
// with_integer_type), in stored values: a DATE's days, say. nullopt without
// min/max or for other types.
std::optional<std::pair<duckdb::hugeint_t, duckdb::hugeint_t>> stored_integer_bounds(duckdb::PhysicalType type,
                                                                                    const duckdb::BaseStatistics& stats);

}  // namespace neuralake::engine::rewrites
