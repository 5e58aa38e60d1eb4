#include "engine/rewrites/column_stats.h"

#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/planner/operator/logical_projection.hpp"
#include "duckdb/common/types/hugeint.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

bool produces(LogicalOperator& op, const ColumnBinding& binding) {
  for (auto& b : op.GetColumnBindings())
    if (b == binding) return true;
  return false;
}

// Operators whose output columns are their inputs' columns, unchanged.
bool passes_bindings_through(LogicalOperatorType type) {
  switch (type) {
    case LogicalOperatorType::LOGICAL_FILTER:
    case LogicalOperatorType::LOGICAL_COMPARISON_JOIN:
    case LogicalOperatorType::LOGICAL_CROSS_PRODUCT:
    case LogicalOperatorType::LOGICAL_ANY_JOIN:
    case LogicalOperatorType::LOGICAL_ORDER_BY:
    case LogicalOperatorType::LOGICAL_TOP_N:
    case LogicalOperatorType::LOGICAL_LIMIT:
      return true;
    default:
      return false;
  }
}

unique_ptr<BaseStatistics> stats_of(ClientContext& context, LogicalOperator& op, const ColumnBinding& binding,
                                    int depth) {
  if (depth > 64) return nullptr;
  if (op.type == LogicalOperatorType::LOGICAL_GET) {
    auto& get = op.Cast<LogicalGet>();
    if (get.table_index != binding.table_index || !get.function.statistics) return nullptr;
    const auto& ids = get.GetColumnIds();
    if (binding.column_index >= ids.size()) return nullptr;
    const auto& id = ids[binding.column_index];
    if (id.IsRowIdColumn() || id.IsVirtualColumn() || id.HasChildren()) return nullptr;
    return get.function.statistics(context, get.bind_data.get(), id.GetPrimaryIndex());
  }
  if (op.type == LogicalOperatorType::LOGICAL_PROJECTION) {
    auto& proj = op.Cast<LogicalProjection>();
    if (proj.table_index != binding.table_index || binding.column_index >= proj.expressions.size()) return nullptr;
    auto& expr = *proj.expressions[binding.column_index];
    if (expr.GetExpressionClass() != ExpressionClass::BOUND_COLUMN_REF) return nullptr;
    return stats_of(context, *proj.children[0], expr.Cast<BoundColumnRefExpression>().binding, depth + 1);
  }
  if (!passes_bindings_through(op.type)) return nullptr;
  for (auto& child : op.children)
    if (produces(*child, binding)) return stats_of(context, *child, binding, depth + 1);
  return nullptr;
}

}  // namespace

unique_ptr<BaseStatistics> scan_column_stats(ClientContext& context, LogicalOperator& op,
                                             const ColumnBinding& binding) {
  try {
    return stats_of(context, op, binding, 0);
  } catch (const std::exception&) {
    return nullptr;  // a source that cannot state statistics has none
  }
}

std::optional<std::pair<hugeint_t, hugeint_t>> stored_integer_bounds(PhysicalType type, const BaseStatistics& stats) {
  if (stats.GetStatsType() != StatisticsType::NUMERIC_STATS || stats.GetType().InternalType() != type)
    return std::nullopt;
  std::optional<std::pair<hugeint_t, hugeint_t>> bounds;
  with_integer_type(type, [&](auto zero) {
    // HasMinMax compares the bounds as values of the stats' own type, so it
    // is asked only of integer-stored numeric statistics (a VARCHAR key's
    // string statistics would make DuckDB throw).
    if (!NumericStats::HasMinMax(stats)) return;
    using T = decltype(zero);
    bounds.emplace(Hugeint::Convert(NumericStats::GetMin<T>(stats)), Hugeint::Convert(NumericStats::GetMax<T>(stats)));
  });
  return bounds;
}

}  // namespace neuralake::engine::rewrites
