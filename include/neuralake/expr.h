// Column expressions for LazyFrame: a small builder over SQL expression text.
// Expr("price * qty") is raw SQL; col("price") quotes an identifier.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "neuralake/value.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Expr {
 public:
  // Raw SQL expression text, e.g. Expr("l_extendedprice * (1 - l_discount)").
  Expr(std::string sql) : sql_(std::move(sql)) {}  // NOLINT
  Expr(const char* sql) : sql_(sql) {}              // NOLINT

  const std::string& sql() const { return sql_; }
  // The output name: the alias if set, else the column name for col(), else "".
  const std::string& name() const { return name_; }

  Expr alias(std::string name) const;

  // Aggregations (for group_by().agg() or over a whole frame).
  Expr sum() const;
  Expr mean() const;
  Expr min() const;
  Expr max() const;
  Expr count() const;  // non-null values
  Expr n_unique() const;
  Expr first() const;
  Expr last() const;

  // Window: this expression computed over partitions, optionally ordered.
  // col("x").sum().over({"g"}) or rank().over({"g"}, {"x"}).
  Expr over(std::vector<std::string> partition_by, std::vector<std::string> order_by = {},
            bool descending = false) const;

  Expr operator+(const Expr& o) const;
  Expr operator-(const Expr& o) const;
  Expr operator*(const Expr& o) const;
  Expr operator/(const Expr& o) const;
  Expr operator==(const Expr& o) const;
  Expr operator!=(const Expr& o) const;
  Expr operator<(const Expr& o) const;
  Expr operator<=(const Expr& o) const;
  Expr operator>(const Expr& o) const;
  Expr operator>=(const Expr& o) const;
  Expr operator&&(const Expr& o) const;
  Expr operator||(const Expr& o) const;

 private:
  friend Expr col(const std::string& name);
  std::string sql_;
  std::string name_;
};

// A column reference by name (quoted, so any name works).
Expr col(const std::string& name);
// A literal value.
Expr lit(const Value& v);
// Window ranking functions; use with .over(...).
Expr rank();
Expr dense_rank();
Expr row_number();
// count(*) of rows.
Expr count_rows();

// Quotes an identifier for SQL: p_name -> "p_name".
std::string quote_identifier(const std::string& name);
// Quotes text as a SQL string literal, doubling single quotes: it's -> 'it''s'.
std::string sql_string_literal(std::string_view text);
// Renders a Value as a SQL literal, e.g. 'it''s', DATE '2024-01-02'.
std::string sql_literal(const Value& v);

}  // namespace neuralake
#pragma GCC visibility pop
