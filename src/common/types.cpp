// DataType construction and naming (Polars' and SQL's).
#include <algorithm>
#include <cctype>

#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/types.h"

namespace neuralake {

std::shared_ptr<const std::vector<Field>> DataType::empty_children() {
  static const auto empty = std::make_shared<const std::vector<Field>>();
  return empty;
}

DataType DataType::timestamp(TimeUnit unit) {
  DataType t(TypeId::Timestamp);
  t.unit_ = unit;
  return t;
}

DataType DataType::timestamp_tz() { return DataType(TypeId::TimestampTz); }

DataType DataType::decimal(int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw Error(ErrorCode::InvalidArgument, "decimal",
                "invalid decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                    "): precision must be 1..38 and scale 0..precision");
  }
  DataType t(TypeId::Decimal);
  t.precision_ = precision;
  t.scale_ = scale;
  return t;
}

DataType DataType::list(DataType element) {
  DataType t(TypeId::List);
  t.children_ = std::make_shared<const std::vector<Field>>(std::vector<Field>{{"element", std::move(element)}});
  return t;
}

DataType DataType::structure(std::vector<Field> fields) {
  DataType t(TypeId::Struct);
  t.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return t;
}

DataType DataType::map(DataType key, DataType value) {
  DataType t(TypeId::Map);
  t.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{{"key", std::move(key)}, {"value", std::move(value)}});
  return t;
}

DataType DataType::other(std::string engine_name) {
  DataType t(TypeId::Other);
  t.engine_name_ = std::move(engine_name);
  return t;
}

bool DataType::is_integer() const {
  switch (id_) {
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64: case TypeId::Int128:
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64:
      return true;
    default:
      return false;
  }
}

bool DataType::is_numeric() const {
  return is_integer() || id_ == TypeId::Float32 || id_ == TypeId::Float64 || id_ == TypeId::Decimal;
}

bool DataType::is_temporal() const {
  return id_ == TypeId::Date || id_ == TypeId::Time || id_ == TypeId::Timestamp || id_ == TypeId::TimestampTz;
}

static std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string DataType::polars_name() const {
  switch (id_) {
    case TypeId::Null: return "null";
    case TypeId::Boolean: return "bool";
    case TypeId::Int8: return "i8";
    case TypeId::Int16: return "i16";
    case TypeId::Int32: return "i32";
    case TypeId::Int64: return "i64";
    case TypeId::Int128: return "i128";
    case TypeId::UInt8: return "u8";
    case TypeId::UInt16: return "u16";
    case TypeId::UInt32: return "u32";
    case TypeId::UInt64: return "u64";
    case TypeId::Float32: return "f32";
    case TypeId::Float64: return "f64";
    case TypeId::Decimal: return "decimal[" + std::to_string(precision_) + "," + std::to_string(scale_) + "]";
    case TypeId::String: return "str";
    case TypeId::Binary: return "binary";
    case TypeId::Date: return "date";
    case TypeId::Time: return "time";
    case TypeId::Timestamp:
      switch (unit_) {
        case TimeUnit::Milliseconds: return "datetime[ms]";
        case TimeUnit::Microseconds: return "datetime[μs]";
        case TimeUnit::Nanoseconds: return "datetime[ns]";
        case TimeUnit::Seconds: return "timestamp_s";  // Polars has no seconds unit
      }
      return "datetime[μs]";
    case TypeId::TimestampTz: return "datetime[μs, UTC]";
    case TypeId::Interval: return "interval";
    case TypeId::List: return "list[" + children()[0].type.polars_name() + "]";
    case TypeId::Struct: return "struct[" + std::to_string(children().size()) + "]";
    case TypeId::Map: return lower(sql_name());
    case TypeId::Other: return lower(engine_name_);
  }
  return "unknown";
}

std::string DataType::sql_name() const {
  switch (id_) {
    case TypeId::Null: return "\"NULL\"";
    case TypeId::Boolean: return "BOOLEAN";
    case TypeId::Int8: return "TINYINT";
    case TypeId::Int16: return "SMALLINT";
    case TypeId::Int32: return "INTEGER";
    case TypeId::Int64: return "BIGINT";
    case TypeId::Int128: return "HUGEINT";
    case TypeId::UInt8: return "UTINYINT";
    case TypeId::UInt16: return "USMALLINT";
    case TypeId::UInt32: return "UINTEGER";
    case TypeId::UInt64: return "UBIGINT";
    case TypeId::Float32: return "FLOAT";
    case TypeId::Float64: return "DOUBLE";
    case TypeId::Decimal: return "DECIMAL(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::String: return "VARCHAR";
    case TypeId::Binary: return "BLOB";
    case TypeId::Date: return "DATE";
    case TypeId::Time: return "TIME";
    case TypeId::Timestamp:
      switch (unit_) {
        case TimeUnit::Seconds: return "TIMESTAMP_S";
        case TimeUnit::Milliseconds: return "TIMESTAMP_MS";
        case TimeUnit::Microseconds: return "TIMESTAMP";
        case TimeUnit::Nanoseconds: return "TIMESTAMP_NS";
      }
      return "TIMESTAMP";
    case TypeId::TimestampTz: return "TIMESTAMP WITH TIME ZONE";
    case TypeId::Interval: return "INTERVAL";
    case TypeId::List: return children()[0].type.sql_name() + "[]";
    case TypeId::Struct: {
      std::string s = "STRUCT(";
      for (size_t i = 0; i < children().size(); ++i) {
        if (i) s += ", ";
        s += quote_identifier(children()[i].name) + " " + children()[i].type.sql_name();
      }
      return s + ")";
    }
    case TypeId::Map: return "MAP(" + children()[0].type.sql_name() + ", " + children()[1].type.sql_name() + ")";
    case TypeId::Other: return engine_name_;
  }
  return "VARCHAR";
}

bool DataType::operator==(const DataType& other) const {
  return id_ == other.id_ && precision_ == other.precision_ && scale_ == other.scale_ && unit_ == other.unit_ &&
         engine_name_ == other.engine_name_ && *children_ == *other.children_;
}

}  // namespace neuralake
