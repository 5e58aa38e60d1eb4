// Filters in the style of Neuralink's datarepo: (column, operator, value).
// A flat list of filters is an AND; a list of lists is an OR of ANDs; an empty
// list means no filter.
//
// Semantics (SQL three-valued logic): a row whose column is NULL matches no
// comparison, so `!=` and `not in` do NOT return NULL rows; use "is null".
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "neuralake/value.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

enum class FilterOp {
  Eq, NotEq, Lt, LtEq, Gt, GtEq,  // "=", "!=", "<", "<=", ">", ">="
  In, NotIn,                      // "in", "not in": value is a list
  Contains,                       // "contains": substring of a string column
  Includes,                       // "includes": list column holds the value
  IncludesAny, IncludesAll,       // "includes any" / "includes all": value is a list
  IsNull, IsNotNull,              // "is null" / "is not null": no value
};

// Parses an operator as written in datarepo ("=", "not in", "includes any"...).
// Throws InvalidArgument naming the operator if unknown.
FilterOp parse_filter_op(const std::string& op);
const char* to_string(FilterOp op);

// One predicate on one column. Values are coerced to the column's type when
// that is lossless ('2024-01-02' for a DATE, 1 for a DOUBLE); anything else
// fails at plan time with InvalidArgument naming the column, value and type.
class Filter {
 public:
  Filter(std::string column, const std::string& op, Value value);
  Filter(std::string column, const std::string& op, std::vector<Value> values);
  // Filter("p_partkey", "in", {1, 2, 3}).
  Filter(std::string column, const std::string& op, std::initializer_list<Value> values)
      : Filter(std::move(column), op, std::vector<Value>(values)) {}
  // For "is null" / "is not null".
  Filter(std::string column, const std::string& op);

  const std::string& column() const { return column_; }
  FilterOp op() const { return op_; }
  // The single operand (comparisons, contains, includes).
  const Value& value() const { return value_; }
  // The operand list (in, not in, includes any/all).
  const std::vector<Value>& values() const { return values_; }

  std::string to_string() const;  // e.g. p_partkey in (1, 2, 3)

 private:
  std::string column_;
  FilterOp op_;
  Value value_;
  std::vector<Value> values_;
};

// A disjunction of conjunctions of filters.
class Filters {
 public:
  Filters() = default;
  Filters(std::vector<Filter> all_of) {  // NOLINT: a flat list is an AND
    if (!all_of.empty()) any_of_.push_back(std::move(all_of));
  }
  Filters(std::vector<std::vector<Filter>> any_of) : any_of_(std::move(any_of)) {}  // NOLINT
  Filters(std::initializer_list<Filter> all_of) : Filters(std::vector<Filter>(all_of)) {}

  bool empty() const { return any_of_.empty(); }
  const std::vector<std::vector<Filter>>& any_of() const { return any_of_; }
  std::string to_string() const;

 private:
  std::vector<std::vector<Filter>> any_of_;
};

}  // namespace neuralake
#pragma GCC visibility pop
