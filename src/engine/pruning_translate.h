// DuckDB's pushed-down filters, and our Filters, as the engine-free pruning
// predicate (src/pruning/). Only translation lives here: whether a file can
// match is decided by the pruning module.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "duckdb.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/table_filter.hpp"
#include "neuralake/filter.h"
#include "neuralake/types.h"
#include "pruning/predicate.h"

namespace neuralake::engine {

// A DuckDB constant as an engine-free value; std::nullopt for NULL and for
// types pruning does not order (those conditions keep every file).
std::optional<Value> pruning_value(const duckdb::Value& v);

// The pruning operator of a DuckDB comparison (=, <>, <, <=, >, >=), or
// std::nullopt for any other expression type.
std::optional<pruning::CompareOp> compare_op(duckdb::ExpressionType type);

// One column's table filter (comparisons, IN, IS [NOT] NULL, AND/OR,
// optional filters); anything else becomes an unknown condition.
pruning::Predicate predicate_from_table_filter(const std::string& column, const duckdb::TableFilter& filter);

// The AND of a scan's table filters; `names` and `column_ids` as DuckDB
// hands them to a multi-file list's pushdown.
pruning::Predicate predicate_from_table_filters(const duckdb::TableFilterSet& filters,
                                                const duckdb::vector<duckdb::string>& names,
                                                const duckdb::vector<duckdb::column_t>& column_ids);

// A bound filter expression over the scan's columns: comparisons with
// constants, IN / NOT IN lists, IS [NOT] NULL, NOT, AND and OR become the
// module's conditions; `column_of` names a column reference (std::nullopt:
// not one pruning can see). Any other sub-expression whose columns are all
// visible becomes an evaluated condition, run by `evaluate` over a file's
// constants; with no `evaluate`, an unknown one.
using ColumnOf = std::function<std::optional<std::string>(const duckdb::BoundColumnRefExpression&)>;
using EvaluatorFor = std::function<pruning::Predicate::Evaluator(const duckdb::Expression&)>;
pruning::Predicate predicate_from_expression(const duckdb::Expression& expr, const ColumnOf& column_of,
                                             const EvaluatorFor& evaluate = nullptr);

// Our datarepo-style filters as a predicate, each value coerced to its
// column's type in `schema`. Never throws: a filter on an unknown column, a
// value that does not fit, or an operator pruning cannot read (contains,
// includes...) becomes an unknown condition; the query reports those.
pruning::Predicate predicate_from_filters(const Filters& filters, const Schema& schema);

}  // namespace neuralake::engine
