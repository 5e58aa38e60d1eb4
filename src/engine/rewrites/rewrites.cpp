#include "engine/rewrites/rewrites.h"

#include "duckdb/optimizer/optimizer_extension.hpp"
#include "engine/rewrites/aggregate_sizing.h"
#include "engine/rewrites/count_distinct_bitmap.h"
#include "engine/rewrites/dense_grouping.h"

namespace neuralake::engine::rewrites {

namespace {

struct Switches : public duckdb::OptimizerExtensionInfo {
  explicit Switches(const PlanRewrites& s) : switches(s) {}
  PlanRewrites switches;
};

void rewrite_aggregates(duckdb::ClientContext& context, duckdb::LogicalOperator& op) {
  for (auto& child : op.children) rewrite_aggregates(context, *child);
  if (op.type == duckdb::LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY) rewrite_count_distinct(context, op);
}

void optimize(duckdb::OptimizerExtensionInput& input, duckdb::unique_ptr<duckdb::LogicalOperator>& plan) {
  const auto& switches = static_cast<Switches&>(*input.info).switches;
  restore_aggregate_sizing(input.context);
  if (switches.count_distinct_bitmap) rewrite_aggregates(input.context, *plan);
  // After the distinct counts are rewritten: their aggregates may then be dense.
  if (switches.dense_grouping) rewrite_dense_groupings(input.context, plan);
  // An aggregate left without DISTINCT may use a perfect hash table.
  if (switches.aggregate_sizing) size_aggregates(input.context, *plan);
}

}  // namespace

void register_rewrites(duckdb::DatabaseInstance& db, const PlanRewrites& switches) {
  register_count_distinct_bitmap(db);
  duckdb::OptimizerExtension extension;
  extension.optimize_function = optimize;
  extension.optimizer_info = duckdb::make_shared_ptr<Switches>(switches);
  duckdb::DBConfig::GetConfig(db).optimizer_extensions.push_back(std::move(extension));
}

}  // namespace neuralake::engine::rewrites
