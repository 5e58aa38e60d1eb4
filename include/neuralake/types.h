// Column types and schemas, independent of any engine.
// Names follow Polars where Polars has one (i64, str, datetime[μs], ...).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

enum class TypeId {
  Null,
  Boolean,
  Int8, Int16, Int32, Int64, Int128,
  UInt8, UInt16, UInt32, UInt64,
  Float32, Float64,
  Decimal,       // precision() and scale()
  String,
  Binary,
  Date,          // days since 1970-01-01
  Time,          // microseconds since midnight
  Timestamp,     // time_unit() since the epoch, no time zone
  TimestampTz,   // microseconds since the epoch, UTC
  Interval,
  List,          // children()[0] is the element
  Struct,        // children() are the fields
  Map,           // children()[0] key, children()[1] value
  Other,         // an engine type with no neuralake equivalent; see engine_name()
};

enum class TimeUnit { Seconds, Milliseconds, Microseconds, Nanoseconds };

struct Field;

// A value type. Cheap to copy; compares by structure.
class DataType {
 public:
  DataType() = default;
  explicit DataType(TypeId id) : id_(id) {}

  static DataType boolean() { return DataType(TypeId::Boolean); }
  static DataType int32() { return DataType(TypeId::Int32); }
  static DataType int64() { return DataType(TypeId::Int64); }
  static DataType float64() { return DataType(TypeId::Float64); }
  static DataType string() { return DataType(TypeId::String); }
  static DataType date() { return DataType(TypeId::Date); }
  static DataType timestamp(TimeUnit unit = TimeUnit::Microseconds);
  static DataType timestamp_tz();
  static DataType decimal(int precision, int scale);
  static DataType list(DataType element);
  static DataType structure(std::vector<Field> fields);
  static DataType map(DataType key, DataType value);
  // A type only the engine knows, kept by its SQL name (e.g. "UUID").
  static DataType other(std::string engine_name);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  TimeUnit time_unit() const { return unit_; }
  const std::vector<Field>& children() const { return *children_; }
  const std::string& engine_name() const { return engine_name_; }

  bool is_integer() const;
  bool is_numeric() const;
  bool is_temporal() const;
  bool is_nested() const { return id_ == TypeId::List || id_ == TypeId::Struct || id_ == TypeId::Map; }

  // Polars' dtype name ("i64", "str", "datetime[μs]", "list[i64]"); for a type
  // Polars does not have, the lowercase engine name ("interval", "map(...)").
  std::string polars_name() const;
  // The SQL type name DuckDB understands ("BIGINT", "DECIMAL(10,2)", "INTEGER[]").
  std::string sql_name() const;

  bool operator==(const DataType& other) const;

 private:
  TypeId id_ = TypeId::Null;
  int precision_ = 0;
  int scale_ = 0;
  TimeUnit unit_ = TimeUnit::Microseconds;
  std::shared_ptr<const std::vector<Field>> children_ = empty_children();
  std::string engine_name_;

  static std::shared_ptr<const std::vector<Field>> empty_children();
};

struct Field {
  std::string name;
  DataType type;
  bool operator==(const Field& other) const = default;
};

// An ordered list of named, typed columns.
using Schema = std::vector<Field>;

}  // namespace neuralake
#pragma GCC visibility pop
