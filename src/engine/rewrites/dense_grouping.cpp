#include "engine/rewrites/dense_grouping.h"

#include <optional>
#include <string>
#include <utility>

#include "duckdb/planner/expression/bound_aggregate_expression.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"
#include "engine/rewrites/aggregate_sizing.h"
#include "engine/rewrites/applied.h"
#include "engine/rewrites/dense_group_by.h"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

// The range may hold at most 4 keys per estimated input row: a range far
// wider than its rows is mostly empty blocks, which a hash table does better.
constexpr uint64_t kMaxSlotsPerRow = 4;
// And at most 2^31 keys.
constexpr uint64_t kMaxSlots = uint64_t(1) << 31;

// The bytes one key's states take in a block, its flag included.
uint64_t key_bytes(const LogicalAggregate& aggregate) {
  uint64_t bytes = 1;
  for (auto& e : aggregate.expressions) {
    auto& aggr = e->Cast<BoundAggregateExpression>();
    bytes += AlignValue(aggr.function.state_size(aggr.function));
  }
  return bytes;
}

// The [min, max] the statistics state, in the key's physical values widened
// to int64 (a DATE's days, say).
std::optional<std::pair<int64_t, int64_t>> key_bounds(PhysicalType type, BaseStatistics& stats) {
  auto get = [&](auto zero) {
    using T = decltype(zero);
    return std::pair<int64_t, int64_t>(int64_t(NumericStats::GetMin<T>(stats)), int64_t(NumericStats::GetMax<T>(stats)));
  };
  switch (type) {
    case PhysicalType::INT8: return get(int8_t(0));
    case PhysicalType::INT16: return get(int16_t(0));
    case PhysicalType::INT32: return get(int32_t(0));
    case PhysicalType::INT64: return get(int64_t(0));
    case PhysicalType::UINT8: return get(uint8_t(0));
    case PhysicalType::UINT16: return get(uint16_t(0));
    case PhysicalType::UINT32: return get(uint32_t(0));
    default: return std::nullopt;
  }
}

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
  auto& stats = *aggregate.group_stats[0];
  if (!NumericStats::HasMinMax(stats)) return std::nullopt;
  const auto bounds = key_bounds(aggregate.groups[0]->return_type.InternalType(), stats);
  if (!bounds || bounds->second < bounds->first) return std::nullopt;
  const auto [lo, hi] = *bounds;
  const uint64_t width = uint64_t(hi) - uint64_t(lo);  // hi - lo, exact in uint64
  if (width >= kMaxSlots) return std::nullopt;
  const uint64_t slots = width + 1;

  // Ranges DuckDB already groups with its perfect hash (its rule: the bits of
  // max - min + 2) stay with it.
  uint64_t bits = 0;
  for (uint64_t n = slots + 1; n > 0; n >>= 1) bits++;
  if (bits <= perfect_hash_threshold(context)) return std::nullopt;

  const uint64_t rows = aggregate.children[0]->EstimateCardinality(context);
  if (slots > kMaxSlotsPerRow * rows) return std::nullopt;
  // At worst every thread makes every block of the range.
  if (slots * key_bytes(aggregate) * query_threads(context) > unmanaged_table_budget(context)) return std::nullopt;
  return DenseKeyRange{lo, slots};
}

}  // namespace

void rewrite_dense_groupings(ClientContext& context, unique_ptr<LogicalOperator>& op) {
  for (auto& child : op->children) rewrite_dense_groupings(context, child);
  if (op->type != LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY) return;
  auto& aggregate = op->Cast<LogicalAggregate>();
  auto range = dense_range(context, aggregate);
  if (!range) return;
  record_applied(context, {"dense_grouping", aggregate.groups[0]->GetName() + " in [" + std::to_string(range->lo) +
                                                 ", " + std::to_string(int64_t(uint64_t(range->lo) + range->slots - 1)) +
                                                 "]"});
  op = make_dense_group_by(aggregate, *range);
}

}  // namespace neuralake::engine::rewrites
