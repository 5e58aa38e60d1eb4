// The table schema as Delta's log states it (metaData.schemaString), with the
// column-mapping names and ids that tell a reader which Parquet column is which.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/types.h"

namespace neuralake::delta {

enum class ColumnMappingMode { None, Name, Id };
const char* to_string(ColumnMappingMode mode);

// One Delta type: a primitive name ("integer", "decimal(10,2)") or a nested type.
struct DeltaType {
  enum class Kind { Primitive, Struct, Array, Map };
  Kind kind = Kind::Primitive;
  std::string primitive;  // Kind::Primitive: the Delta name, e.g. "long", "decimal(10,2)"
  struct Field;
  std::vector<Field> fields;             // Struct
  std::shared_ptr<DeltaType> element;    // Array: element; Map: key
  std::shared_ptr<DeltaType> value;      // Map: value
  bool contains_null = true;             // Array elements / map values may be null
};

struct DeltaType::Field {
  std::string name;           // logical name, what users see
  DeltaType type;
  bool nullable = true;
  std::string physical_name;  // column mapping: the Parquet name; else == name
  std::optional<int64_t> field_id;  // column mapping "id" mode
};

using DeltaField = DeltaType::Field;

struct DeltaSchema {
  std::vector<DeltaField> fields;

  // Index of the top-level column `name`, or -1 if absent.
  int find(const std::string& name) const;
};

// Parses a schemaString. Throws Corruption naming `object` (the table) if the
// JSON is malformed, NotSupported naming the type for a type we cannot read.
DeltaSchema parse_schema(const std::string& schema_string, const std::string& object);

// The Delta type as a serialised string: "integer", "struct<a:integer>",
// "array<string>", "map<string,long>" (what EXPECTED.json and describe show).
std::string type_name(const DeltaType& type);
// The DuckDB SQL type a column surfaces as, e.g. "INTEGER", "DECIMAL(10,2)",
// "TIMESTAMP WITH TIME ZONE", "STRUCT(\"a\" INTEGER)", "VARCHAR[]".
std::string duckdb_type_name(const DeltaType& type);
// The same type with Parquet (physical) names for struct fields: what a file
// under column mapping holds.
std::string duckdb_physical_type_name(const DeltaType& type);
// The engine-independent type.
DataType to_data_type(const DeltaType& type);
Schema to_schema(const DeltaSchema& schema);

}  // namespace neuralake::delta
