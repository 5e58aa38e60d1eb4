// Filter construction, rendering, coercion to column types, and SQL.
#include <charconv>
#include <cmath>
#include <limits>

#include "catalog/filter_sql.h"
#include "neuralake/suggest.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/filter.h"

namespace neuralake {

namespace {
struct OpName {
  const char* text;
  FilterOp op;
};
constexpr OpName kOps[] = {
    {"=", FilterOp::Eq},          {"==", FilterOp::Eq},          {"!=", FilterOp::NotEq},
    {"<>", FilterOp::NotEq},      {"<", FilterOp::Lt},           {"<=", FilterOp::LtEq},
    {">", FilterOp::Gt},          {">=", FilterOp::GtEq},        {"in", FilterOp::In},
    {"not in", FilterOp::NotIn},  {"contains", FilterOp::Contains}, {"includes", FilterOp::Includes},
    {"includes any", FilterOp::IncludesAny}, {"includes all", FilterOp::IncludesAll},
    {"is null", FilterOp::IsNull}, {"is not null", FilterOp::IsNotNull},
};

bool takes_list(FilterOp op) {
  return op == FilterOp::In || op == FilterOp::NotIn || op == FilterOp::IncludesAny || op == FilterOp::IncludesAll;
}
bool takes_nothing(FilterOp op) { return op == FilterOp::IsNull || op == FilterOp::IsNotNull; }
}  // namespace

FilterOp parse_filter_op(const std::string& op) {
  std::string norm;
  for (char c : op) norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& o : kOps)
    if (norm == o.text) return o.op;
  std::vector<std::string> names;
  for (const auto& o : kOps) names.emplace_back(o.text);
  throw Error(ErrorCode::InvalidArgument, op, "unknown filter operator '" + op + "'" + did_you_mean(norm, names));
}

const char* to_string(FilterOp op) {
  for (const auto& o : kOps)
    if (o.op == op) return o.text;
  return "?";
}

Filter::Filter(std::string column, const std::string& op, Value value)
    : column_(std::move(column)), op_(parse_filter_op(op)) {
  if (takes_nothing(op_)) {
    throw Error(ErrorCode::InvalidArgument, column_, "filter '" + column_ + " " + op + "' takes no value");
  }
  if (takes_list(op_)) {
    // A list Value is accepted as the operand list.
    if (!value.is<ValueList>()) {
      throw Error(ErrorCode::InvalidArgument, column_,
                  "filter '" + column_ + " " + op + "' needs a list of values, got " + value.to_string());
    }
    values_ = value.as<ValueList>();
  } else {
    value_ = std::move(value);
  }
}

Filter::Filter(std::string column, const std::string& op, std::vector<Value> values)
    : column_(std::move(column)), op_(parse_filter_op(op)) {
  if (!takes_list(op_)) {
    if (values.size() == 1) {
      *this = Filter(column_, op, values[0]);
      return;
    }
    throw Error(ErrorCode::InvalidArgument, column_,
                "filter '" + column_ + " " + op + "' takes one value, got a list of " + std::to_string(values.size()));
  }
  values_ = std::move(values);
}

Filter::Filter(std::string column, const std::string& op) : column_(std::move(column)), op_(parse_filter_op(op)) {
  if (!takes_nothing(op_)) {
    throw Error(ErrorCode::InvalidArgument, column_, "filter '" + column_ + " " + op + "' needs a value");
  }
}

std::string Filter::to_string() const {
  std::string s = column_ + " " + neuralake::to_string(op_);
  if (takes_nothing(op_)) return s;
  if (takes_list(op_)) {
    s += " (";
    for (size_t i = 0; i < values_.size(); ++i) s += (i ? ", " : "") + values_[i].to_string();
    return s + ")";
  }
  return s + " " + value_.to_string();
}

std::string Filters::to_string() const {
  std::string s;
  for (size_t i = 0; i < any_of_.size(); ++i) {
    if (i) s += " OR ";
    if (any_of_.size() > 1) s += "(";
    for (size_t j = 0; j < any_of_[i].size(); ++j) s += (j ? " AND " : "") + any_of_[i][j].to_string();
    if (any_of_.size() > 1) s += ")";
  }
  return s;
}

namespace detail {

[[noreturn]] static void mismatch(const Value& v, const DataType& t, const std::string& column) {
  throw Error(ErrorCode::InvalidArgument, column,
              "filter value " + v.to_string() + " does not fit column '" + column + "' of type " + t.polars_name());
}

template <class T>
static bool parse_number(const std::string& s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

static bool int_in_range(__int128 v, const DataType& t) {
  switch (t.id()) {
    case TypeId::Int8: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeId::Int16: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::Int32: return v >= INT32_MIN && v <= INT32_MAX;
    case TypeId::Int64: return v >= INT64_MIN && v <= INT64_MAX;
    case TypeId::Int128: return true;
    case TypeId::UInt8: return v >= 0 && v <= UINT8_MAX;
    case TypeId::UInt16: return v >= 0 && v <= UINT16_MAX;
    case TypeId::UInt32: return v >= 0 && v <= UINT32_MAX;
    case TypeId::UInt64: return v >= 0 && v <= static_cast<__int128>(UINT64_MAX);
    default: return false;
  }
}

static Value integer_value(__int128 v, const DataType& t) {
  if (t.id() == TypeId::UInt64 && v > INT64_MAX) return Value(static_cast<uint64_t>(v));
  return Value(static_cast<int64_t>(v));
}

Value coerce_value(const Value& value, const DataType& type, const std::string& column) {
  if (value.is_null()) return value;
  const auto& s = value.storage();
  if (type.is_integer()) {
    __int128 v;
    if (auto* i = std::get_if<int64_t>(&s)) v = *i;
    else if (auto* u = std::get_if<uint64_t>(&s)) v = *u;
    else if (auto* d = std::get_if<double>(&s)) {
      if (!std::isfinite(*d) || std::trunc(*d) != *d || std::fabs(*d) > 9.2e18) mismatch(value, type, column);
      v = static_cast<__int128>(*d);
    } else if (auto* str = std::get_if<std::string>(&s)) {
      int64_t parsed;
      if (!parse_number(*str, parsed)) mismatch(value, type, column);
      v = parsed;
    } else {
      mismatch(value, type, column);
    }
    if (!int_in_range(v, type)) mismatch(value, type, column);
    return integer_value(v, type);
  }
  switch (type.id()) {
    case TypeId::Float32:
    case TypeId::Float64: {
      constexpr int64_t kExact = int64_t{1} << (std::numeric_limits<double>::digits);
      if (auto* i = std::get_if<int64_t>(&s)) {
        if (*i > kExact || *i < -kExact) mismatch(value, type, column);
        return Value(static_cast<double>(*i));
      }
      if (auto* u = std::get_if<uint64_t>(&s)) {
        if (*u > static_cast<uint64_t>(kExact)) mismatch(value, type, column);
        return Value(static_cast<double>(*u));
      }
      if (auto* d = std::get_if<double>(&s)) {
        if (type.id() == TypeId::Float32 && std::isfinite(*d) && static_cast<double>(static_cast<float>(*d)) != *d)
          mismatch(value, type, column);
        return value;
      }
      if (auto* str = std::get_if<std::string>(&s)) {
        double d;
        if (!parse_number(*str, d)) mismatch(value, type, column);
        return Value(d);
      }
      if (auto* dec = std::get_if<Decimal>(&s)) {
        double d = static_cast<double>(dec->unscaled) / std::pow(10.0, dec->scale);
        return Value(d);
      }
      mismatch(value, type, column);
    }
    case TypeId::Decimal: {
      // Represent the value at the column's scale exactly, or refuse. Every
      // step is checked: a value beyond 128 bits does not fit any column.
      __int128 scale = 1;
      for (int i = 0; i < type.scale(); ++i) scale *= 10;
      __int128 unscaled;
      if (auto* i = std::get_if<int64_t>(&s)) {
        if (__builtin_mul_overflow(static_cast<__int128>(*i), scale, &unscaled)) mismatch(value, type, column);
      } else if (auto* dec = std::get_if<Decimal>(&s)) {
        if (dec->scale < 0 || dec->scale > type.scale()) mismatch(value, type, column);
        __int128 up = 1;
        for (int i = dec->scale; i < type.scale(); ++i) up *= 10;
        if (__builtin_mul_overflow(dec->unscaled, up, &unscaled)) mismatch(value, type, column);
      } else if (auto* d = std::get_if<double>(&s)) {
        double scaled = *d * static_cast<double>(scale);
        // Beyond 1e38 no precision holds it (and the conversion would overflow).
        if (!std::isfinite(scaled) || std::nearbyint(scaled) != scaled || std::fabs(scaled) >= 1e38)
          mismatch(value, type, column);
        unscaled = static_cast<__int128>(scaled);
        if (static_cast<double>(unscaled) / static_cast<double>(scale) != *d) mismatch(value, type, column);
      } else if (auto* str = std::get_if<std::string>(&s)) {
        // "12.34": digits, at most scale fraction digits.
        std::string t = *str;
        bool neg = !t.empty() && t[0] == '-';
        if (neg || (!t.empty() && t[0] == '+')) t = t.substr(1);
        auto dot = t.find('.');
        std::string ip = t.substr(0, dot), fp = dot == std::string::npos ? "" : t.substr(dot + 1);
        if ((ip.empty() && fp.empty()) || int(fp.size()) > type.scale()) mismatch(value, type, column);
        for (char c : ip + fp)
          if (c < '0' || c > '9') mismatch(value, type, column);
        fp.append(size_t(type.scale()) - fp.size(), '0');
        unscaled = 0;
        for (char c : ip + fp) {
          if (__builtin_mul_overflow(unscaled, 10, &unscaled) || __builtin_add_overflow(unscaled, c - '0', &unscaled))
            mismatch(value, type, column);
        }
        if (neg) unscaled = -unscaled;
      } else {
        mismatch(value, type, column);
      }
      __int128 limit = 1;
      for (int i = 0; i < type.precision(); ++i) limit *= 10;
      if (unscaled >= limit || unscaled <= -limit) mismatch(value, type, column);
      return Value(Decimal{unscaled, type.scale()});
    }
    case TypeId::String:
      if (value.is<std::string>()) return value;
      mismatch(value, type, column);
    case TypeId::Boolean:
      if (value.is<bool>()) return value;
      if (auto* str = std::get_if<std::string>(&s)) {
        if (*str == "true") return Value(true);
        if (*str == "false") return Value(false);
      }
      mismatch(value, type, column);
    case TypeId::Date:
      if (value.is<Date>()) return value;
      if (auto* str = std::get_if<std::string>(&s)) {
        try {
          return Value(parse_date(*str));
        } catch (const Error&) {
          mismatch(value, type, column);
        }
      }
      if (auto* ts = std::get_if<Timestamp>(&s)) {
        if (ts->micros % 86400000000LL != 0) mismatch(value, type, column);
        return Value(Date{static_cast<int32_t>(ts->micros / 86400000000LL)});
      }
      mismatch(value, type, column);
    case TypeId::Timestamp:
    case TypeId::TimestampTz:
      if (value.is<Timestamp>()) return value;
      if (auto* d = std::get_if<Date>(&s)) {
        // Days beyond +-106751 (year 2262) have no microsecond timestamp.
        constexpr int64_t kMaxDays = std::numeric_limits<int64_t>::max() / 86400000000LL;
        if (d->days > kMaxDays || d->days < -kMaxDays) mismatch(value, type, column);
        return Value(Timestamp{int64_t{d->days} * 86400000000LL});
      }
      if (auto* str = std::get_if<std::string>(&s)) {
        try {
          return Value(parse_timestamp(*str));
        } catch (const Error&) {
          mismatch(value, type, column);
        }
      }
      mismatch(value, type, column);
    case TypeId::Binary:
      if (value.is<Bytes>()) return value;
      if (auto* str = std::get_if<std::string>(&s)) return Value(Bytes{*str});
      mismatch(value, type, column);
    default:
      // Other types (time, interval, nested): only the exact alternative.
      if (type.id() == TypeId::Time && value.is<Time>()) return value;
      if (type.id() == TypeId::Interval && value.is<Interval>()) return value;
      if (type.id() == TypeId::List && value.is<ValueList>()) {
        ValueList out;
        for (const auto& item : value.as<ValueList>())
          out.push_back(coerce_value(item, type.children()[0].type, column));
        return Value(std::move(out));
      }
      mismatch(value, type, column);
  }
}

// A literal typed as the column, so the engine compares without surprises.
static std::string typed_literal(const Value& v, const DataType& type) {
  if (v.is_null()) return "NULL";
  if (type.id() == TypeId::Decimal || type.id() == TypeId::Float32 || (type.is_integer() && type.id() != TypeId::Int64))
    return "CAST(" + sql_literal(v) + " AS " + type.sql_name() + ")";
  if (type.id() == TypeId::TimestampTz) return "CAST(" + sql_literal(v) + " AS TIMESTAMPTZ)";
  if (type.id() == TypeId::Timestamp && type.time_unit() != TimeUnit::Microseconds)
    return "CAST(" + sql_literal(v) + " AS " + type.sql_name() + ")";
  return sql_literal(v);
}

static std::string one_filter_sql(const Filter& f, const Schema& schema, const std::string& table) {
  const Field* field = nullptr;
  for (const auto& fl : schema)
    if (fl.name == f.column()) field = &fl;
  if (!field) {
    std::vector<std::string> names;
    for (const auto& fl : schema) names.push_back(fl.name);
    throw Error(ErrorCode::NotFound, f.column(),
                "unknown column '" + f.column() + "' in " + table + did_you_mean(f.column(), names));
  }
  const std::string c = quote_identifier(field->name);
  const DataType& t = field->type;
  auto lit_of = [&](const Value& v, const DataType& as) { return typed_literal(coerce_value(v, as, f.column()), as); };
  auto need = [&](bool ok, const char* what) {
    if (!ok)
      throw Error(ErrorCode::InvalidArgument, f.column(),
                  std::string("filter operator '") + to_string(f.op()) + "' needs " + what + ", but column '" +
                      f.column() + "' is " + t.polars_name());
  };
  auto list_of = [&](const std::vector<Value>& vals, const DataType& as) {
    std::string s;
    for (size_t i = 0; i < vals.size(); ++i) s += (i ? ", " : "") + lit_of(vals[i], as);
    return s;
  };
  auto compare = [&](const char* op) {
    if (f.value().is_null())
      throw Error(ErrorCode::InvalidArgument, f.column(),
                  "filter '" + f.to_string() + "' compares with null, which matches no row; use 'is null'");
    return c + " " + op + " " + lit_of(f.value(), t);
  };
  switch (f.op()) {
    case FilterOp::Eq: return compare("=");
    case FilterOp::NotEq: return compare("<>");
    case FilterOp::Lt: return compare("<");
    case FilterOp::LtEq: return compare("<=");
    case FilterOp::Gt: return compare(">");
    case FilterOp::GtEq: return compare(">=");
    case FilterOp::In:
      if (f.values().empty()) return "FALSE";
      return c + " IN (" + list_of(f.values(), t) + ")";
    case FilterOp::NotIn:
      // SQL semantics: NULL rows never pass "not in".
      if (f.values().empty()) return c + " IS NOT NULL";
      return c + " NOT IN (" + list_of(f.values(), t) + ")";
    case FilterOp::Contains:
      need(t.id() == TypeId::String, "a string column");
      return "contains(" + c + ", " + lit_of(f.value(), t) + ")";
    case FilterOp::Includes:
      need(t.id() == TypeId::List, "a list column");
      return "list_contains(" + c + ", " + lit_of(f.value(), t.children()[0].type) + ")";
    case FilterOp::IncludesAny:
      need(t.id() == TypeId::List, "a list column");
      if (f.values().empty()) return "FALSE";
      return "list_has_any(" + c + ", [" + list_of(f.values(), t.children()[0].type) + "])";
    case FilterOp::IncludesAll:
      need(t.id() == TypeId::List, "a list column");
      if (f.values().empty()) return c + " IS NOT NULL";
      return "list_has_all(" + c + ", [" + list_of(f.values(), t.children()[0].type) + "])";
    case FilterOp::IsNull: return c + " IS NULL";
    case FilterOp::IsNotNull: return c + " IS NOT NULL";
  }
  return "TRUE";
}

std::string filters_to_sql(const Filters& filters, const Schema& schema, const std::string& table) {
  std::string out;
  for (size_t i = 0; i < filters.any_of().size(); ++i) {
    const auto& conj = filters.any_of()[i];
    std::string part;
    for (size_t j = 0; j < conj.size(); ++j) part += (j ? " AND " : "") + ("(" + one_filter_sql(conj[j], schema, table) + ")");
    if (part.empty()) part = "TRUE";
    out += (i ? " OR " : "") + ("(" + part + ")");
  }
  return out;
}

}  // namespace detail
}  // namespace neuralake
