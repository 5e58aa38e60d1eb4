// Parsing Delta's schemaString and naming its types for DuckDB and for users.
#include "delta/schema.h"

#include <simdjson.h>

#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake::delta {

const char* to_string(ColumnMappingMode mode) {
  switch (mode) {
    case ColumnMappingMode::None: return "none";
    case ColumnMappingMode::Name: return "name";
    case ColumnMappingMode::Id: return "id";
  }
  return "none";
}

int DeltaSchema::find(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

bool parse_decimal(const std::string& s, int& precision, int& scale) {
  return std::sscanf(s.c_str(), "decimal(%d,%d)", &precision, &scale) == 2 ||
         std::sscanf(s.c_str(), "decimal(%d, %d)", &precision, &scale) == 2;
}

bool is_known_primitive(const std::string& s) {
  static const char* const kNames[] = {"string", "long",    "integer", "short", "byte",
                                       "float",  "double",  "boolean", "binary", "date",
                                       "timestamp", "timestamp_ntz"};
  for (const char* n : kNames) {
    if (s == n) return true;
  }
  int p = 0, sc = 0;
  return s.rfind("decimal", 0) == 0 && parse_decimal(s, p, sc);
}

// Reading the schema JSON; a shape the protocol does not allow is
// Corruption naming the table and where in the schema it is.
using JsonElement = simdjson::dom::element;

[[noreturn]] void malformed_schema(const std::string& object, const std::string& where, const std::string& problem) {
  throw Error(ErrorCode::Corruption, object,
              "Delta table '" + object + "' has a malformed schemaString: " + where + " " + problem);
}

JsonElement member(const JsonElement& j, const char* key, const std::string& where, const std::string& object) {
  JsonElement e;
  if (j[key].get(e) != simdjson::SUCCESS) malformed_schema(object, where + "." + key, "is missing");
  return e;
}

std::string string_member(const JsonElement& j, const char* key, const std::string& where, const std::string& object) {
  std::string_view s;
  if (member(j, key, where, object).get(s) != simdjson::SUCCESS) {
    malformed_schema(object, where + "." + key, "is not a string");
  }
  return std::string(s);
}

bool bool_member(const JsonElement& j, const char* key, bool fallback, const std::string& where,
                 const std::string& object) {
  JsonElement e;
  if (j[key].get(e) != simdjson::SUCCESS || e.is_null()) return fallback;
  bool b = fallback;
  if (e.get(b) != simdjson::SUCCESS) malformed_schema(object, where + "." + key, "is not a boolean");
  return b;
}

DeltaType parse_type(const JsonElement& j, const std::string& where, const std::string& object);

DeltaField parse_field(const JsonElement& j, const std::string& where, const std::string& object) {
  if (!j.is_object()) malformed_schema(object, where, "is not an object");
  DeltaField f;
  f.name = string_member(j, "name", where, object);
  f.type = parse_type(member(j, "type", where, object), where + ".type", object);
  f.nullable = bool_member(j, "nullable", true, where, object);
  f.physical_name = f.name;
  simdjson::dom::object m;
  if (j["metadata"].get(m) == simdjson::SUCCESS) {
    std::string_view p;
    if (m["delta.columnMapping.physicalName"].get(p) == simdjson::SUCCESS) f.physical_name = std::string(p);
    int64_t id = 0;
    if (m["delta.columnMapping.id"].get(id) == simdjson::SUCCESS) f.field_id = id;
  }
  return f;
}

std::vector<DeltaField> parse_fields(const JsonElement& j, const std::string& where, const std::string& object) {
  simdjson::dom::array fields;
  if (member(j, "fields", where, object).get(fields) != simdjson::SUCCESS) {
    malformed_schema(object, where + ".fields", "is not an array");
  }
  std::vector<DeltaField> out;
  size_t i = 0;
  for (JsonElement f : fields) out.push_back(parse_field(f, where + ".fields[" + std::to_string(i++) + "]", object));
  return out;
}

DeltaType parse_type(const JsonElement& j, const std::string& where, const std::string& object) {
  DeltaType t;
  std::string_view primitive;
  if (j.get(primitive) == simdjson::SUCCESS) {
    t.primitive = std::string(primitive);
    if (!is_known_primitive(t.primitive)) {
      throw Error(ErrorCode::NotSupported, object,
                  "Delta table '" + object + "' has a column of type '" + t.primitive +
                      "', which this reader does not support");
    }
    return t;
  }
  if (!j.is_object()) malformed_schema(object, where, "is neither a type name nor an object");
  const std::string kind = string_member(j, "type", where, object);
  if (kind == "struct") {
    t.kind = DeltaType::Kind::Struct;
    t.fields = parse_fields(j, where, object);
  } else if (kind == "array") {
    t.kind = DeltaType::Kind::Array;
    t.element = std::make_shared<DeltaType>(parse_type(member(j, "elementType", where, object), where + ".elementType", object));
    t.contains_null = bool_member(j, "containsNull", true, where, object);
  } else if (kind == "map") {
    t.kind = DeltaType::Kind::Map;
    t.element = std::make_shared<DeltaType>(parse_type(member(j, "keyType", where, object), where + ".keyType", object));
    t.value = std::make_shared<DeltaType>(parse_type(member(j, "valueType", where, object), where + ".valueType", object));
    t.contains_null = bool_member(j, "valueContainsNull", true, where, object);
  } else {
    throw Error(ErrorCode::NotSupported, object,
                "Delta table '" + object + "' has a column of type '" + kind +
                    "', which this reader does not support");
  }
  return t;
}


std::string duckdb_name(const DeltaType& t, bool physical) {
  switch (t.kind) {
    case DeltaType::Kind::Struct: {
      std::string s = "STRUCT(";
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) s += ", ";
        s += quote_identifier(physical ? t.fields[i].physical_name : t.fields[i].name) + " " +
             duckdb_name(t.fields[i].type, physical);
      }
      return s + ")";
    }
    case DeltaType::Kind::Array: return duckdb_name(*t.element, physical) + "[]";
    case DeltaType::Kind::Map:
      return "MAP(" + duckdb_name(*t.element, physical) + ", " + duckdb_name(*t.value, physical) + ")";
    case DeltaType::Kind::Primitive: break;
  }
  const std::string& p = t.primitive;
  if (p == "string") return "VARCHAR";
  if (p == "long") return "BIGINT";
  if (p == "integer") return "INTEGER";
  if (p == "short") return "SMALLINT";
  if (p == "byte") return "TINYINT";
  if (p == "float") return "FLOAT";
  if (p == "double") return "DOUBLE";
  if (p == "boolean") return "BOOLEAN";
  if (p == "binary") return "BLOB";
  if (p == "date") return "DATE";
  if (p == "timestamp") return "TIMESTAMP WITH TIME ZONE";
  if (p == "timestamp_ntz") return "TIMESTAMP";
  int precision = 0, scale = 0;
  parse_decimal(p, precision, scale);
  return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
}

}  // namespace

DeltaSchema parse_schema(const std::string& schema_string, const std::string& object) {
  simdjson::dom::parser parser;
  JsonElement root;
  if (parser.parse(schema_string).get(root) != simdjson::SUCCESS) {
    malformed_schema(object, "the text", "is not JSON");
  }
  if (!root.is_object()) malformed_schema(object, "the schema", "is not an object");
  DeltaSchema schema;
  schema.fields = parse_fields(root, "schema", object);
  return schema;
}

std::string type_name(const DeltaType& t) {
  switch (t.kind) {
    case DeltaType::Kind::Primitive: return t.primitive;
    case DeltaType::Kind::Array: return "array<" + type_name(*t.element) + ">";
    case DeltaType::Kind::Map: return "map<" + type_name(*t.element) + "," + type_name(*t.value) + ">";
    case DeltaType::Kind::Struct: {
      std::string s = "struct<";
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) s += ",";
        s += t.fields[i].name + ":" + type_name(t.fields[i].type);
      }
      return s + ">";
    }
  }
  return t.primitive;
}

std::string duckdb_type_name(const DeltaType& type) { return duckdb_name(type, false); }
std::string duckdb_physical_type_name(const DeltaType& type) { return duckdb_name(type, true); }

DataType to_data_type(const DeltaType& t) {
  switch (t.kind) {
    case DeltaType::Kind::Struct: {
      std::vector<Field> fields;
      for (const auto& f : t.fields) fields.push_back({f.name, to_data_type(f.type)});
      return DataType::structure(std::move(fields));
    }
    case DeltaType::Kind::Array: return DataType::list(to_data_type(*t.element));
    case DeltaType::Kind::Map: return DataType::map(to_data_type(*t.element), to_data_type(*t.value));
    case DeltaType::Kind::Primitive: break;
  }
  const std::string& p = t.primitive;
  if (p == "string") return DataType::string();
  if (p == "long") return DataType::int64();
  if (p == "integer") return DataType::int32();
  if (p == "short") return DataType(TypeId::Int16);
  if (p == "byte") return DataType(TypeId::Int8);
  if (p == "float") return DataType(TypeId::Float32);
  if (p == "double") return DataType::float64();
  if (p == "boolean") return DataType::boolean();
  if (p == "binary") return DataType(TypeId::Binary);
  if (p == "date") return DataType::date();
  if (p == "timestamp") return DataType::timestamp_tz();
  if (p == "timestamp_ntz") return DataType::timestamp();
  int precision = 0, scale = 0;
  parse_decimal(p, precision, scale);
  return DataType::decimal(precision, scale);
}

Schema to_schema(const DeltaSchema& schema) {
  Schema out;
  for (const auto& f : schema.fields) out.push_back({f.name, to_data_type(f.type)});
  return out;
}

}  // namespace neuralake::delta
