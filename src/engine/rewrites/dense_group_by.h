// A grouping on one integer-like key whose statistics bound its range, run
// without hashing: each thread keeps its groups' aggregate states in blocks
// of 2,048 consecutive keys, made when a key of the block first arrives, and
// threads combine by handing whole blocks over. Keys outside the stated range
// (statistics that lie) and the NULL key get states of their own, so the
// rows are exact whatever the statistics say. The aggregates are DuckDB's
// own functions, updated, combined and finalized as its hash tables do.
#pragma once

#include <cstdint>
#include <string>

#include "duckdb.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"

namespace neuralake::engine::rewrites {

// The keys a dense grouping indexes directly: [lo, lo + slots).
struct DenseKeyRange {
  int64_t lo = 0;
  uint64_t slots = 0;
};

// "[lo, hi]", as explain() shows the range.
std::string to_string(const DenseKeyRange& range);

// Keys per block.
inline constexpr uint64_t kDenseBlockKeys = 2048;

// Whether `type` can be a dense grouping's key: an integer type of at most
// 64 bits whose values fit int64 (not UBIGINT).
bool dense_key_type(const duckdb::LogicalType& type);

// The operator that replaces `aggregate` (one group, aggregates without
// DISTINCT, FILTER or ORDER BY; the caller checks), taking its child and
// giving the same bindings and types.
duckdb::unique_ptr<duckdb::LogicalOperator> make_dense_group_by(duckdb::LogicalAggregate& aggregate,
                                                               DenseKeyRange range);

}  // namespace neuralake::engine::rewrites
