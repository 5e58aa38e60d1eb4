#include "engine/rewrites/dense_grouping.h"

#include <optional>
#include <string>

#include "duckdb/planner/expression/bound_aggregate_expression.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"
#include "engine/rewrites/aggregate_sizing.h"
#include "engine/rewrites/applied.h"
#include "engine/rewrites/column_stats.h"
#include "engine/rewrites/dense_group_by.h"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

// The range may hold at most 4 keys per estimated input row: a range far
// wider than its rows is mostly empty blocks, which a hash table does better.
constexpr uint64_t kMaxSlotsPerRow = 4;
// And at most 2^31 keys.
constexpr uint64_t kMaxSlots = uint64_t(1) << 31;

// The key range of `aggregate` when a dense grouping may replace it.
std::optional<DenseKeyRange> dense_range(ClientContext& context, LogicalAggregate& aggregate) {
  if (aggregate.groups.size() != 1 || aggregate.grouping_sets.size() > 1 || !aggregate.grouping_functions.empty())
    return std::nullopt;
  if (!dense_key_type(aggregate.groups[0]->return_type)) return std::nullopt;
  for (auto& e : aggregate.expressions) {
    if (e->GetExpressionClass() != ExpressionClass::BOUND_AGGREGATE) return std::nullopt;
    auto& aggr = e->Cast<BoundAggregateExpression>();
    if (aggr.IsDistinct() || aggr.filter || aggr.order_bys || !aggr.function.update || !aggr.function.combine ||
        !aggr.function.finalize || !aggr.function.state_size || !aggr.function.initialize)
      return std::nullopt;
  }
  if (aggregate.group_stats.size() != 1 || !aggregate.group_stats[0]) return std::nullopt;
  // In stored values (a DATE's days), which fit int64 for a dense key.
  const auto bounds = stored_integer_bounds(aggregate.groups[0]->return_type.InternalType(), *aggregate.group_stats[0]);
  if (!bounds || bounds->second < bounds->first) return std::nullopt;
  const hugeint_t width = bounds->second - bounds->first;
  if (width >= hugeint_t(int64_t(kMaxSlots))) return std::nullopt;
  const uint64_t slots = uint64_t(width.lower) + 1;

  // Ranges DuckDB already groups with its perfect hash stay with it.
  if (perfect_hash_bits(slots - 1) <= perfect_hash_threshold(context)) return std::nullopt;

  const uint64_t rows = aggregate.children[0]->EstimateCardinality(context);
  if (slots > kMaxSlotsPerRow * rows) return std::nullopt;
  // At worst every thread makes every block of the range.
  if (slots * slot_bytes(aggregate) * query_threads(context) > unmanaged_table_budget(context)) return std::nullopt;
  return DenseKeyRange{int64_t(bounds->first.lower), slots};
}

}  // namespace

void rewrite_dense_groupings(ClientContext& context, unique_ptr<LogicalOperator>& op) {
  for (auto& child : op->children) rewrite_dense_groupings(context, child);
  if (op->type != LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY) return;
  auto& aggregate = op->Cast<LogicalAggregate>();
  auto range = dense_range(context, aggregate);
  if (!range) return;
  record_applied(context, {"dense_grouping", aggregate.groups[0]->GetName() + " in " + to_string(*range)});
  op = make_dense_group_by(aggregate, *range);
}

}  // namespace neuralake::engine::rewrites
