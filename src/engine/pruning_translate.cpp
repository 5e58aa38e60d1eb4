// Translation of DuckDB's filters and our Filters into pruning predicates.
#include "engine/pruning_translate.h"

#include "catalog/filter_sql.h"
#include "duckdb/planner/expression/bound_comparison_expression.hpp"
#include "duckdb/planner/expression/bound_conjunction_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/expression/bound_operator_expression.hpp"
#include "duckdb/planner/expression_iterator.hpp"
#include "duckdb/planner/filter/conjunction_filter.hpp"
#include "duckdb/planner/filter/constant_filter.hpp"
#include "duckdb/planner/filter/in_filter.hpp"
#include "duckdb/planner/filter/optional_filter.hpp"
#include "neuralake/error.h"

namespace neuralake::engine {

using pruning::CompareOp;
using pruning::Predicate;

std::optional<Value> pruning_value(const duckdb::Value& v) {
  if (v.IsNull()) return std::nullopt;
  switch (v.type().id()) {
    case duckdb::LogicalTypeId::TINYINT: case duckdb::LogicalTypeId::SMALLINT:
    case duckdb::LogicalTypeId::INTEGER: case duckdb::LogicalTypeId::BIGINT:
      return Value(v.GetValue<int64_t>());
    case duckdb::LogicalTypeId::FLOAT: case duckdb::LogicalTypeId::DOUBLE:
      return Value(v.GetValue<double>());
    case duckdb::LogicalTypeId::VARCHAR: return Value(v.GetValue<std::string>());
    case duckdb::LogicalTypeId::DATE: return Value(Date{v.GetValue<duckdb::date_t>().days});
    // Both are microseconds since the epoch in UTC; GetValue<timestamp_t>()
    // refuses TIMESTAMP WITH TIME ZONE, so the raw value is read.
    case duckdb::LogicalTypeId::TIMESTAMP: case duckdb::LogicalTypeId::TIMESTAMP_TZ:
      return Value(Timestamp{v.GetValueUnsafe<int64_t>()});
    default: return std::nullopt;
  }
}

std::optional<CompareOp> compare_op(duckdb::ExpressionType type) {
  using duckdb::ExpressionType;
  switch (type) {
    case ExpressionType::COMPARE_EQUAL: return CompareOp::Eq;
    case ExpressionType::COMPARE_NOTEQUAL: return CompareOp::NotEq;
    case ExpressionType::COMPARE_LESSTHAN: return CompareOp::Lt;
    case ExpressionType::COMPARE_LESSTHANOREQUALTO: return CompareOp::LtEq;
    case ExpressionType::COMPARE_GREATERTHAN: return CompareOp::Gt;
    case ExpressionType::COMPARE_GREATERTHANOREQUALTO: return CompareOp::GtEq;
    default: return std::nullopt;
  }
}

static std::optional<std::vector<Value>> pruning_values(const duckdb::vector<duckdb::Value>& in) {
  std::vector<Value> out;
  for (const auto& v : in) {
    auto p = pruning_value(v);
    if (!p) return std::nullopt;
    out.push_back(std::move(*p));
  }
  return out;
}

Predicate predicate_from_table_filter(const std::string& column, const duckdb::TableFilter& filter) {
  switch (filter.filter_type) {
    case duckdb::TableFilterType::CONJUNCTION_AND: {
      std::vector<Predicate> children;
      for (const auto& child : filter.Cast<duckdb::ConjunctionAndFilter>().child_filters)
        children.push_back(predicate_from_table_filter(column, *child));
      return Predicate::all_of(std::move(children));
    }
    case duckdb::TableFilterType::CONJUNCTION_OR: {
      std::vector<Predicate> children;
      for (const auto& child : filter.Cast<duckdb::ConjunctionOrFilter>().child_filters)
        children.push_back(predicate_from_table_filter(column, *child));
      return Predicate::any_of(std::move(children));
    }
    // An optional filter is a hint that DuckDB keeps enforcing above the
    // scan; its child is still a predicate every result row satisfies.
    case duckdb::TableFilterType::OPTIONAL_FILTER: {
      const auto& child = filter.Cast<duckdb::OptionalFilter>().child_filter;
      return child ? predicate_from_table_filter(column, *child) : Predicate::unknown();
    }
    case duckdb::TableFilterType::IN_FILTER: {
      auto values = pruning_values(filter.Cast<duckdb::InFilter>().values);
      return values ? Predicate::in(column, std::move(*values)) : Predicate::unknown();
    }
    case duckdb::TableFilterType::IS_NULL: return Predicate::is_null(column);
    case duckdb::TableFilterType::IS_NOT_NULL: return Predicate::is_not_null(column);
    case duckdb::TableFilterType::CONSTANT_COMPARISON: {
      const auto& f = filter.Cast<duckdb::ConstantFilter>();
      const auto op = compare_op(f.comparison_type);
      auto c = pruning_value(f.constant);
      if (!op || !c) return Predicate::unknown();
      return Predicate::compare(column, *op, std::move(*c));
    }
    default: return Predicate::unknown();
  }
}

Predicate predicate_from_table_filters(const duckdb::TableFilterSet& filters,
                                       const duckdb::vector<duckdb::string>& names,
                                       const duckdb::vector<duckdb::column_t>& column_ids) {
  std::vector<Predicate> all;
  for (const auto& [idx, filter] : filters.filters) {
    if (idx >= column_ids.size() || column_ids[idx] >= names.size()) continue;
    all.push_back(predicate_from_table_filter(names[column_ids[idx]], *filter));
  }
  return Predicate::all_of(std::move(all));
}

namespace {

struct ExpressionTranslator {
  const ColumnOf& column_of;
  const EvaluatorFor& evaluate;

  std::optional<std::string> column(const duckdb::Expression& e) const {
    if (e.GetExpressionClass() != duckdb::ExpressionClass::BOUND_COLUMN_REF) return std::nullopt;
    return column_of(e.Cast<duckdb::BoundColumnRefExpression>());
  }
  static std::optional<Value> constant(const duckdb::Expression& e) {
    if (e.GetExpressionClass() != duckdb::ExpressionClass::BOUND_CONSTANT) return std::nullopt;
    return pruning_value(e.Cast<duckdb::BoundConstantExpression>().value);
  }

  // The visible columns `e` reads, or std::nullopt if it reads another.
  bool columns_read(const duckdb::Expression& e, std::vector<std::string>& out) const {
    if (e.GetExpressionClass() == duckdb::ExpressionClass::BOUND_COLUMN_REF) {
      auto name = column(e);
      if (!name) return false;
      if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
      return true;
    }
    bool ok = true;
    duckdb::ExpressionIterator::EnumerateChildren(e, [&](const duckdb::Expression& child) {
      ok = ok && columns_read(child, out);
    });
    return ok;
  }

  Predicate opaque(const duckdb::Expression& e) const {
    std::vector<std::string> cols;
    if (!evaluate || !columns_read(e, cols) || cols.empty()) return Predicate::unknown();
    return Predicate::evaluated(std::move(cols), evaluate(e), e.ToString());
  }

  Predicate translate(const duckdb::Expression& e) const {
    using duckdb::ExpressionClass;
    using duckdb::ExpressionType;
    switch (e.GetExpressionClass()) {
      case ExpressionClass::BOUND_COMPARISON: {
        const auto& c = e.Cast<duckdb::BoundComparisonExpression>();
        const auto op = compare_op(e.GetExpressionType());
        if (!op) break;
        if (auto col = column(*c.left)) {
          if (auto v = constant(*c.right)) return Predicate::compare(*col, *op, std::move(*v));
        }
        if (auto col = column(*c.right)) {
          if (auto v = constant(*c.left)) return Predicate::compare(*col, pruning::flip(*op), std::move(*v));
        }
        break;
      }
      case ExpressionClass::BOUND_CONJUNCTION: {
        std::vector<Predicate> children;
        for (const auto& child : e.Cast<duckdb::BoundConjunctionExpression>().children)
          children.push_back(translate(*child));
        if (e.GetExpressionType() == ExpressionType::CONJUNCTION_AND) return Predicate::all_of(std::move(children));
        if (e.GetExpressionType() == ExpressionType::CONJUNCTION_OR) return Predicate::any_of(std::move(children));
        break;
      }
      case ExpressionClass::BOUND_OPERATOR: {
        const auto& children = e.Cast<duckdb::BoundOperatorExpression>().children;
        switch (e.GetExpressionType()) {
          case ExpressionType::OPERATOR_NOT:
            if (children.size() == 1) return Predicate::negate(translate(*children[0]));
            break;
          case ExpressionType::OPERATOR_IS_NULL:
          case ExpressionType::OPERATOR_IS_NOT_NULL: {
            if (children.size() != 1) break;
            auto col = column(*children[0]);
            if (!col) break;
            return e.GetExpressionType() == ExpressionType::OPERATOR_IS_NULL ? Predicate::is_null(*col)
                                                                            : Predicate::is_not_null(*col);
          }
          case ExpressionType::COMPARE_IN:
          case ExpressionType::COMPARE_NOT_IN: {
            if (children.empty()) break;
            auto col = column(*children[0]);
            if (!col) break;
            std::vector<Value> values;
            bool ok = true;
            for (size_t i = 1; i < children.size() && ok; ++i) {
              auto v = constant(*children[i]);
              ok = v.has_value();
              if (ok) values.push_back(std::move(*v));
            }
            if (!ok) break;
            return e.GetExpressionType() == ExpressionType::COMPARE_IN ? Predicate::in(*col, std::move(values))
                                                                       : Predicate::not_in(*col, std::move(values));
          }
          default: break;
        }
        break;
      }
      default: break;
    }
    return opaque(e);
  }
};

}  // namespace

Predicate predicate_from_expression(const duckdb::Expression& expr, const ColumnOf& column_of,
                                    const EvaluatorFor& evaluate) {
  return ExpressionTranslator{column_of, evaluate}.translate(expr);
}

static std::optional<CompareOp> filter_compare_op(FilterOp op) {
  switch (op) {
    case FilterOp::Eq: return CompareOp::Eq;
    case FilterOp::NotEq: return CompareOp::NotEq;
    case FilterOp::Lt: return CompareOp::Lt;
    case FilterOp::LtEq: return CompareOp::LtEq;
    case FilterOp::Gt: return CompareOp::Gt;
    case FilterOp::GtEq: return CompareOp::GtEq;
    default: return std::nullopt;
  }
}

static Predicate predicate_from_filter(const Filter& f, const Schema& schema) {
  const Field* field = nullptr;
  for (const auto& candidate : schema)
    if (candidate.name == f.column()) field = &candidate;
  if (!field) return Predicate::unknown();
  try {
    if (f.op() == FilterOp::IsNull) return Predicate::is_null(f.column());
    if (f.op() == FilterOp::IsNotNull) return Predicate::is_not_null(f.column());
    if (auto op = filter_compare_op(f.op())) {
      if (f.value().is_null()) return Predicate::unknown();  // refused when the query is built
      return Predicate::compare(f.column(), *op, detail::coerce_value(f.value(), field->type, f.column()));
    }
    if (f.op() == FilterOp::In || f.op() == FilterOp::NotIn) {
      std::vector<Value> values;
      for (const auto& v : f.values()) values.push_back(detail::coerce_value(v, field->type, f.column()));
      if (f.op() == FilterOp::In) return Predicate::in(f.column(), std::move(values));
      // As the query reads it: an empty "not in" keeps the non-null rows.
      if (values.empty()) return Predicate::is_not_null(f.column());
      return Predicate::not_in(f.column(), std::move(values));
    }
  } catch (const Error&) {
    // A value that does not fit its column: the query names it.
  }
  return Predicate::unknown();
}

Predicate predicate_from_filters(const Filters& filters, const Schema& schema) {
  if (filters.empty()) return Predicate::all_of({});
  std::vector<Predicate> any;
  for (const auto& group : filters.any_of()) {
    std::vector<Predicate> all;
    for (const auto& f : group) all.push_back(predicate_from_filter(f, schema));
    any.push_back(Predicate::all_of(std::move(all)));
  }
  return Predicate::any_of(std::move(any));
}

}  // namespace neuralake::engine
