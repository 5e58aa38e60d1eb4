#include "server/rest_query_sql.h"

#include "neuralake/expr.h"
#include "neuralake/suggest.h"
#include "neuralake/value.h"
#include "server/api_error.h"

namespace neuralake::server {

namespace {

namespace kind = api_error_kind;

constexpr const char* kTimestampSyntax = "YYYY-MM-DD[THH:MM:SS[.ffffff]][Z|+HH:MM]";

const Field& find_column(const Schema& schema, const std::string& name, const char* error_kind,
                         const std::string& parameter) {
  for (const Field& f : schema) {
    if (f.name == name) return f;
  }
  std::vector<std::string> names;
  names.reserve(schema.size());
  for (const Field& f : schema) names.push_back(f.name);
  throw ApiError(error_kind, ErrorCode::NotFound, name,
                 "query parameter '" + parameter + "': no column '" + name + "' in the table" +
                     did_you_mean(name, names));
}

[[noreturn]] void mismatch(const RestFilter& f, const Field& column, const std::string& why) {
  throw ApiError(kind::kInvalidFilter, ErrorCode::InvalidArgument, f.column,
                 "query parameter '" + f.parameter + "': column '" + column.name + "' is " +
                     column.type.polars_name() + "; " + why);
}

bool is_string_column(const DataType& t) { return t.id() == TypeId::String; }

// The SQL literal of `v` compared with `column`, or a mismatch error.
std::string literal_for(const RestFilter& f, const Field& column, const Value& v) {
  const DataType& t = column.type;
  if (t.is_nested()) mismatch(f, column, "only isnull filters apply to it");
  if (v.is<bool>()) {
    if (t.id() != TypeId::Boolean) mismatch(f, column, "it cannot be compared with " + v.to_string());
    return sql_literal(v);
  }
  if (v.is<int64_t>() || v.is<double>()) {
    if (t.is_numeric()) return sql_literal(v);
    if (is_string_column(t)) {
      mismatch(f, column, "a string column takes a quoted value, e.g. '" + v.to_string() + "'");
    }
    mismatch(f, column, "it cannot be compared with the number " + v.to_string());
  }
  const std::string& s = v.as<std::string>();
  if (is_string_column(t)) return sql_string_literal(s);
  if (t.is_numeric()) {
    Value number;
    try {
      number = parse_rest_value(s, f.parameter);
    } catch (const Error&) {
    }
    if (!number.is<int64_t>() && !number.is<double>()) mismatch(f, column, "'" + s + "' is not a number");
    return sql_literal(number);
  }
  switch (t.id()) {
    case TypeId::Boolean:
      mismatch(f, column, "give true or false, unquoted, not '" + s + "'");
    case TypeId::Date:
      try {
        return sql_literal(Value(parse_date(s)));
      } catch (const Error&) {
      }
      [[fallthrough]];  // a timestamp compares with a date too
    case TypeId::Timestamp:
      try {
        return sql_literal(Value(parse_timestamp(s)));
      } catch (const Error&) {
        mismatch(f, column, "'" + s + "' is not an ISO-8601 date or timestamp (" + kTimestampSyntax + ")");
      }
    case TypeId::TimestampTz:
      try {
        return "TIMESTAMPTZ '" + format_timestamp(parse_timestamp(s)) + "+00'";
      } catch (const Error&) {
        mismatch(f, column, "'" + s + "' is not an ISO-8601 timestamp (" + kTimestampSyntax + ")");
      }
    default:
      // Time, interval, binary, engine types: the engine reads the text as the column's type.
      return "CAST(" + sql_string_literal(s) + " AS " + t.sql_name() + ")";
  }
}

std::string predicate(const RestFilter& f, const Schema& schema) {
  const Field& column = find_column(schema, f.column, kind::kInvalidFilter, f.parameter);
  const std::string name = quote_identifier(column.name);
  switch (f.op) {
    case FilterOp::IsNull:
      return name + (f.values.at(0).as<bool>() ? " IS NULL" : " IS NOT NULL");
    case FilterOp::Like:
      if (!is_string_column(column.type)) mismatch(f, column, "like applies to string columns only");
      return name + " LIKE " + literal_for(f, column, f.values.at(0));
    case FilterOp::In: {
      std::string list;
      for (const Value& v : f.values) list += (list.empty() ? "" : ", ") + literal_for(f, column, v);
      return name + " IN (" + list + ")";
    }
    default:
      return name + " " + to_sql(f.op) + " " + literal_for(f, column, f.values.at(0));
  }
}

}  // namespace

std::string rest_query_to_sql(const RestQuery& query, std::string_view table_ref, const Schema& schema) {
  std::string sql = "SELECT ";
  if (query.columns) {
    for (size_t i = 0; i < query.columns->size(); ++i) {
      const Field& c = find_column(schema, (*query.columns)[i], kind::kInvalidProjection, "columns");
      sql += (i ? ", " : "") + quote_identifier(c.name);
    }
  } else {
    sql += "*";
  }
  sql += " FROM ";
  sql += table_ref;
  for (size_t i = 0; i < query.filters.size(); ++i) {
    sql += (i ? " AND " : " WHERE ") + predicate(query.filters[i], schema);
  }
  for (size_t i = 0; i < query.sort.size(); ++i) {
    const SortKey& k = query.sort[i];
    const Field& c = find_column(schema, k.column, kind::kInvalidSort, "sort");
    sql += (i ? ", " : " ORDER BY ") + quote_identifier(c.name) + (k.descending ? " DESC" : " ASC") + " NULLS FIRST";
  }
  if (query.limit) sql += " LIMIT " + std::to_string(*query.limit);
  if (query.offset != 0) sql += " OFFSET " + std::to_string(query.offset);
  return sql;
}

}  // namespace neuralake::server
