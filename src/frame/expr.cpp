// Expr: SQL expression text with an optional output name.
#include "neuralake/expr.h"

#include <cmath>
#include <cstdio>

#include "common/civil_time.h"
#include "neuralake/error.h"

namespace neuralake {

// `text` between `quote` characters, each quote inside doubled: SQL's one
// escaping rule for identifiers (") and string literals (').
static std::string quoted(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

std::string quote_identifier(const std::string& name) { return quoted(name, '"'); }

std::string sql_string_literal(std::string_view text) { return quoted(text, '\''); }

std::string format_decimal(const Decimal& d);  // value.cpp

std::string sql_literal(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(bool b) const { return b ? "TRUE" : "FALSE"; }
    std::string operator()(int64_t i) const {
      // The most negative BIGINT has no positive literal; cast its text.
      if (i == INT64_MIN) return "CAST('-9223372036854775808' AS BIGINT)";
      return std::to_string(i);
    }
    std::string operator()(uint64_t i) const { return std::to_string(i) + "::UBIGINT"; }
    std::string operator()(double d) const {
      if (std::isnan(d)) return "'NaN'::DOUBLE";
      if (std::isinf(d)) return d > 0 ? "'Infinity'::DOUBLE" : "'-Infinity'::DOUBLE";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      return std::string(buf) + "::DOUBLE";
    }
    std::string operator()(const std::string& s) const { return sql_string_literal(s); }
    std::string operator()(Date d) const { return "DATE '" + format_date(d) + "'"; }
    std::string operator()(Time t) const { return "TIME '" + civil::format_time_of_day(t.micros) + "'"; }
    std::string operator()(Timestamp t) const { return "TIMESTAMP '" + format_timestamp(t) + "'"; }
    std::string operator()(const Decimal& d) const {
      return "CAST('" + format_decimal(d) + "' AS DECIMAL(38," + std::to_string(d.scale) + "))";
    }
    std::string operator()(const Interval& i) const {
      return "(INTERVAL " + std::to_string(i.months) + " MONTH + INTERVAL " + std::to_string(i.days) +
             " DAY + INTERVAL " + std::to_string(i.micros) + " MICROSECOND)";
    }
    std::string operator()(const Bytes& b) const {
      std::string out = "'";
      char hex[8];
      for (unsigned char c : b.data) {
        std::snprintf(hex, sizeof hex, "\\x%02X", c);
        out += hex;
      }
      return out + "'::BLOB";
    }
    std::string operator()(const ValueList& l) const {
      std::string s = "[";
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + sql_literal(l[i]);
      return s + "]";
    }
    std::string operator()(const ValueStruct& st) const {
      std::string s = "{";
      for (size_t i = 0; i < st.size(); ++i) s += (i ? ", " : "") + sql_string_literal(st[i].first) + ": " + sql_literal(st[i].second);
      return s + "}";
    }
  };
  return std::visit(Visitor{}, v.storage());
}

Expr col(const std::string& name) {
  Expr e(quote_identifier(name));
  e.name_ = name;
  return e;
}

Expr lit(const Value& v) { return Expr(sql_literal(v)); }
Expr rank() { return Expr("rank()"); }
Expr dense_rank() { return Expr("dense_rank()"); }
Expr row_number() { return Expr("row_number()"); }
Expr count_rows() { return Expr("count(*)").alias("count"); }

Expr Expr::alias(std::string name) const {
  Expr e = *this;
  e.name_ = std::move(name);
  return e;
}

// Aggregates keep the input column's name, as Polars does (col("x").sum() is "x").
static Expr wrap(const Expr& e, const char* fn, const std::string& name) {
  return Expr(std::string(fn) + "(" + e.sql() + ")").alias(name);
}
Expr Expr::sum() const { return wrap(*this, "sum", name_); }
Expr Expr::mean() const { return wrap(*this, "avg", name_); }
Expr Expr::min() const { return wrap(*this, "min", name_); }
Expr Expr::max() const { return wrap(*this, "max", name_); }
Expr Expr::count() const { return wrap(*this, "count", name_); }
Expr Expr::first() const { return wrap(*this, "first", name_); }
Expr Expr::last() const { return wrap(*this, "last", name_); }
Expr Expr::n_unique() const { return Expr("count(DISTINCT " + sql_ + ")").alias(name_); }

Expr Expr::over(std::vector<std::string> partition_by, std::vector<std::string> order_by, bool descending) const {
  std::string s = sql_ + " OVER (";
  if (!partition_by.empty()) {
    s += "PARTITION BY ";
    for (size_t i = 0; i < partition_by.size(); ++i) s += (i ? ", " : "") + quote_identifier(partition_by[i]);
  }
  if (!order_by.empty()) {
    s += partition_by.empty() ? "ORDER BY " : " ORDER BY ";
    for (size_t i = 0; i < order_by.size(); ++i)
      s += (i ? ", " : "") + quote_identifier(order_by[i]) + (descending ? " DESC" : " ASC");
  }
  return Expr(s + ")").alias(name_);
}

static Expr binary(const Expr& a, const char* op, const Expr& b) {
  return Expr("(" + a.sql() + " " + op + " " + b.sql() + ")").alias(a.name());
}
Expr Expr::operator+(const Expr& o) const { return binary(*this, "+", o); }
Expr Expr::operator-(const Expr& o) const { return binary(*this, "-", o); }
Expr Expr::operator*(const Expr& o) const { return binary(*this, "*", o); }
Expr Expr::operator/(const Expr& o) const { return binary(*this, "/", o); }
Expr Expr::operator==(const Expr& o) const { return binary(*this, "=", o); }
Expr Expr::operator!=(const Expr& o) const { return binary(*this, "<>", o); }
Expr Expr::operator<(const Expr& o) const { return binary(*this, "<", o); }
Expr Expr::operator<=(const Expr& o) const { return binary(*this, "<=", o); }
Expr Expr::operator>(const Expr& o) const { return binary(*this, ">", o); }
Expr Expr::operator>=(const Expr& o) const { return binary(*this, ">=", o); }
Expr Expr::operator&&(const Expr& o) const { return binary(*this, "AND", o); }
Expr Expr::operator||(const Expr& o) const { return binary(*this, "OR", o); }

}  // namespace neuralake
