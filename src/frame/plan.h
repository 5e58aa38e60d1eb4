// A lazy plan is the SQL text of one query; every LazyFrame operation wraps
// its input as a subquery and the engine's optimizer flattens the nesting,
// pushing filters and projections down to the scans.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "neuralake/types.h"

namespace neuralake {

struct PlanNode {
  explicit PlanNode(std::string q) : sql(std::move(q)) {}
  std::string sql;
  // The output schema, bound once on first need.
  mutable std::once_flag schema_once;
  mutable Schema schema;
};

}  // namespace neuralake
