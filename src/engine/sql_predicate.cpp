#include "engine/sql_predicate.h"

#include "duckdb.hpp"
#include "duckdb/parser/expression/list.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/parser.hpp"
#include "engine/column_lookup.h"
#include "engine/conversion.h"
#include "engine/pruning_translate.h"
#include "neuralake/error.h"

namespace neuralake::engine {

namespace {

using duckdb::ExpressionClass;
using duckdb::ExpressionType;
using duckdb::ParsedExpression;
using pruning::CompareOp;
using pruning::Predicate;

struct Translator {
  const Schema& schema;
  const std::string& text;

  const Field* column(const std::string& name) const { return find_column(schema, name); }

  // The column a bare column reference names, or nullptr (not a column).
  const Field* column_of(const ParsedExpression& e) const {
    if (e.GetExpressionClass() != ExpressionClass::COLUMN_REF) return nullptr;
    const auto& ref = e.Cast<duckdb::ColumnRefExpression>();
    const std::string name = ref.GetColumnName();
    const Field* f = column(name);
    if (!f) {
      throw Error(ErrorCode::InvalidArgument, name, "the condition '" + text + "' names column '" + name + "', which the table does not have");
    }
    return f;
  }

  // A constant (or a cast of one), cast to `type`; nullopt if it is not a
  // constant or does not fit.
  std::optional<duckdb::Value> constant_of(const ParsedExpression& e, const DataType& type) const {
    duckdb::Value v;
    if (e.GetExpressionClass() == ExpressionClass::CONSTANT) {
      v = e.Cast<duckdb::ConstantExpression>().value;
    } else if (e.GetExpressionClass() == ExpressionClass::CAST) {
      const auto& cast = e.Cast<duckdb::CastExpression>();
      if (cast.child->GetExpressionClass() != ExpressionClass::CONSTANT) return std::nullopt;
      v = cast.child->Cast<duckdb::ConstantExpression>().value;
      duckdb::Value cast_to;
      if (!v.DefaultTryCastAs(cast.cast_type, cast_to, nullptr, true)) return std::nullopt;
      v = cast_to;
    } else {
      return std::nullopt;
    }
    duckdb::Value out;
    if (!v.DefaultTryCastAs(to_duckdb_type(type), out, nullptr, true)) return std::nullopt;
    return out;
  }

  std::optional<Value> value_of(const ParsedExpression& e, const DataType& type) const {
    auto v = constant_of(e, type);
    if (!v) return std::nullopt;
    if (v->IsNull()) return Value();
    return pruning_value(*v);
  }

  // Checks every column reference below `e` names a column of the table.
  void check_columns(const ParsedExpression& e) const {
    if (e.GetExpressionClass() == ExpressionClass::COLUMN_REF) column_of(e);
    duckdb::ParsedExpressionIterator::EnumerateChildren(e, [&](const ParsedExpression& child) { check_columns(child); });
  }

  Predicate translate(const ParsedExpression& e) const {
    switch (e.GetExpressionClass()) {
      case ExpressionClass::CONJUNCTION: {
        const auto& c = e.Cast<duckdb::ConjunctionExpression>();
        std::vector<Predicate> children;
        for (const auto& child : c.children) children.push_back(translate(*child));
        return e.GetExpressionType() == ExpressionType::CONJUNCTION_AND ? Predicate::all_of(std::move(children))
                                                                       : Predicate::any_of(std::move(children));
      }
      case ExpressionClass::COMPARISON: {
        const auto& c = e.Cast<duckdb::ComparisonExpression>();
        auto op = compare_op(e.GetExpressionType());
        if (!op) break;
        const Field* left = column_of(*c.left);
        const Field* right = column_of(*c.right);
        if (left && !right) {
          if (auto v = value_of(*c.right, left->type)) return Predicate::compare(left->name, *op, *v);
        } else if (right && !left) {
          if (auto v = value_of(*c.left, right->type)) return Predicate::compare(right->name, pruning::flip(*op), *v);
        }
        break;
      }
      case ExpressionClass::BETWEEN: {
        const auto& b = e.Cast<duckdb::BetweenExpression>();
        const Field* f = column_of(*b.input);
        if (!f) break;
        auto lo = value_of(*b.lower, f->type), hi = value_of(*b.upper, f->type);
        if (!lo || !hi) break;
        return Predicate::all_of(
            {Predicate::compare(f->name, CompareOp::GtEq, *lo), Predicate::compare(f->name, CompareOp::LtEq, *hi)});
      }
      case ExpressionClass::OPERATOR: {
        const auto& o = e.Cast<duckdb::OperatorExpression>();
        const auto t = e.GetExpressionType();
        if (t == ExpressionType::OPERATOR_NOT && o.children.size() == 1) return Predicate::negate(translate(*o.children[0]));
        if ((t == ExpressionType::OPERATOR_IS_NULL || t == ExpressionType::OPERATOR_IS_NOT_NULL) && o.children.size() == 1) {
          if (const Field* f = column_of(*o.children[0])) {
            return t == ExpressionType::OPERATOR_IS_NULL ? Predicate::is_null(f->name) : Predicate::is_not_null(f->name);
          }
          break;
        }
        if ((t == ExpressionType::COMPARE_IN || t == ExpressionType::COMPARE_NOT_IN) && !o.children.empty()) {
          const Field* f = column_of(*o.children[0]);
          if (!f) break;
          std::vector<Value> values;
          for (size_t i = 1; i < o.children.size(); ++i) {
            auto v = value_of(*o.children[i], f->type);
            if (!v) return Predicate::unknown();
            values.push_back(*v);
          }
          return t == ExpressionType::COMPARE_IN ? Predicate::in(f->name, std::move(values))
                                                 : Predicate::not_in(f->name, std::move(values));
        }
        break;
      }
      default:
        break;
    }
    return Predicate::unknown();
  }
};

}  // namespace

pruning::Predicate predicate_from_sql(const std::string& sql, const Schema& schema) {
  duckdb::vector<duckdb::unique_ptr<ParsedExpression>> parsed;
  try {
    parsed = duckdb::Parser::ParseExpressionList(sql);
  } catch (const std::exception& e) {
    duckdb::ErrorData err(e);
    throw Error(ErrorCode::InvalidArgument, sql, "the condition '" + sql + "' does not parse: " + err.RawMessage());
  }
  if (parsed.size() != 1) {
    throw Error(ErrorCode::InvalidArgument, sql, "the condition '" + sql + "' must be one boolean expression");
  }
  Translator t{schema, sql};
  t.check_columns(*parsed[0]);
  return t.translate(*parsed[0]);
}

}  // namespace neuralake::engine
