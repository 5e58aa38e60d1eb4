// A lazy plan is the SQL text of one query; every LazyFrame operation wraps
// its input as a subquery and the engine's optimizer flattens the nesting,
// pushing filters and projections down to the scans.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "neuralake/types.h"

namespace neuralake {

// A frame that is exactly one catalog table's scan (Session::table()), kept so
// that time travel can re-aim the scan at an older version of a Delta table.
struct TableScanOrigin {
  std::string database;
  std::string table;
  std::string items;  // the select list ("*" or quoted columns)
  std::string where;  // the filters as SQL, or empty
};

struct PlanNode {
  explicit PlanNode(std::string q) : sql(std::move(q)) {}
  std::string sql;
  std::optional<TableScanOrigin> origin;  // set only on plain table scans
  // The output schema, bound once on first need.
  mutable std::once_flag schema_once;
  mutable Schema schema;
};

}  // namespace neuralake
