#include "delta/writer/schema_out.h"

#include <algorithm>
#include <cstdio>

#include "delta/writer/json_out.h"
#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

DeltaType primitive(std::string name) {
  DeltaType t;
  t.primitive = std::move(name);
  return t;
}

[[noreturn]] void refuse(const std::string& column, const DataType& type, const std::string& why) {
  throw Error(ErrorCode::NotSupported, column,
              "column '" + column + "' has type " + type.sql_name() + ", which Delta Lake cannot hold: " + why);
}

void write_type(JsonOut& j, const DeltaType& t);

void write_fields(JsonOut& j, const std::vector<DeltaField>& fields) {
  j.begin_object().key("type").string("struct").key("fields").begin_array();
  for (const auto& f : fields) {
    j.begin_object().key("name").string(f.name).key("type");
    write_type(j, f.type);
    j.key("nullable").boolean(f.nullable).key("metadata").begin_object().end_object().end_object();
  }
  j.end_array().end_object();
}

void write_type(JsonOut& j, const DeltaType& t) {
  switch (t.kind) {
    case DeltaType::Kind::Primitive: j.string(t.primitive); return;
    case DeltaType::Kind::Struct: write_fields(j, t.fields); return;
    case DeltaType::Kind::Array:
      j.begin_object().key("type").string("array").key("elementType");
      write_type(j, *t.element);
      j.key("containsNull").boolean(t.contains_null).end_object();
      return;
    case DeltaType::Kind::Map:
      j.begin_object().key("type").string("map").key("keyType");
      write_type(j, *t.element);
      j.key("valueType");
      write_type(j, *t.value);
      j.key("valueContainsNull").boolean(t.contains_null).end_object();
      return;
  }
}

bool ntz_in(const DeltaType& t) {
  switch (t.kind) {
    case DeltaType::Kind::Primitive: return t.primitive == "timestamp_ntz";
    case DeltaType::Kind::Struct:
      return std::any_of(t.fields.begin(), t.fields.end(), [](const DeltaField& f) { return ntz_in(f.type); });
    case DeltaType::Kind::Array: return ntz_in(*t.element);
    case DeltaType::Kind::Map: return ntz_in(*t.element) || ntz_in(*t.value);
  }
  return false;
}

int integer_rank(TypeId id) {
  switch (id) {
    case TypeId::Int8: return 1;
    case TypeId::Int16: case TypeId::UInt8: return 2;
    case TypeId::Int32: case TypeId::UInt16: return 3;
    case TypeId::Int64: case TypeId::UInt32: return 4;
    default: return 0;
  }
}

int rank_of(const std::string& p) {
  if (p == "byte") return 1;
  if (p == "short") return 2;
  if (p == "integer") return 3;
  if (p == "long") return 4;
  return 0;
}

int digits_of(TypeId id) {
  switch (id) {
    case TypeId::Int8: case TypeId::UInt8: return 3;
    case TypeId::Int16: case TypeId::UInt16: return 5;
    case TypeId::Int32: case TypeId::UInt32: return 10;
    case TypeId::Int64: return 19;
    case TypeId::UInt64: return 20;
    default: return 0;
  }
}

bool parse_decimal_name(const std::string& p, int& precision, int& scale) {
  return std::sscanf(p.c_str(), "decimal(%d,%d)", &precision, &scale) == 2 ||
         std::sscanf(p.c_str(), "decimal(%d, %d)", &precision, &scale) == 2;
}

}  // namespace

DeltaType delta_type_for(const DataType& type, const std::string& column) {
  switch (type.id()) {
    case TypeId::Boolean: return primitive("boolean");
    case TypeId::Int8: return primitive("byte");
    case TypeId::Int16: case TypeId::UInt8: return primitive("short");
    case TypeId::Int32: case TypeId::UInt16: return primitive("integer");
    case TypeId::Int64: case TypeId::UInt32: return primitive("long");
    case TypeId::UInt64: return primitive("decimal(20,0)");
    case TypeId::Float32: return primitive("float");
    case TypeId::Float64: return primitive("double");
    case TypeId::Decimal:
      if (type.precision() > 38) refuse(column, type, "decimals hold at most 38 digits");
      return primitive("decimal(" + std::to_string(type.precision()) + "," + std::to_string(type.scale()) + ")");
    case TypeId::String: return primitive("string");
    case TypeId::Binary: return primitive("binary");
    case TypeId::Date: return primitive("date");
    case TypeId::Timestamp: return primitive("timestamp_ntz");
    case TypeId::TimestampTz: return primitive("timestamp");
    case TypeId::List: {
      DeltaType t;
      t.kind = DeltaType::Kind::Array;
      t.element = std::make_shared<DeltaType>(delta_type_for(type.children()[0].type, column + ".element"));
      return t;
    }
    case TypeId::Map: {
      DeltaType t;
      t.kind = DeltaType::Kind::Map;
      t.element = std::make_shared<DeltaType>(delta_type_for(type.children()[0].type, column + ".key"));
      t.value = std::make_shared<DeltaType>(delta_type_for(type.children()[1].type, column + ".value"));
      return t;
    }
    case TypeId::Struct: {
      DeltaType t;
      t.kind = DeltaType::Kind::Struct;
      for (const auto& f : type.children()) {
        DeltaField field;
        field.name = f.name;
        field.physical_name = f.name;
        field.type = delta_type_for(f.type, column + "." + f.name);
        t.fields.push_back(std::move(field));
      }
      return t;
    }
    case TypeId::Int128: refuse(column, type, "it has no 128-bit integers (cast to DECIMAL(38,0) or BIGINT)");
    case TypeId::Time: refuse(column, type, "it has no time-of-day type (cast to VARCHAR or a timestamp)");
    case TypeId::Interval: refuse(column, type, "it has no interval type (cast to BIGINT microseconds or VARCHAR)");
    case TypeId::Null: refuse(column, type, "the column has no type (every value is NULL; cast it)");
    case TypeId::Other: refuse(column, type, "it has no such type (cast it, e.g. a UUID to VARCHAR)");
  }
  refuse(column, type, "unsupported type");
}

DeltaSchema delta_schema_for(const Schema& schema, const std::vector<std::string>& not_null) {
  DeltaSchema out;
  for (const auto& f : schema) {
    DeltaField field;
    field.name = f.name;
    field.physical_name = f.name;
    field.type = delta_type_for(f.type, f.name);
    field.nullable = std::find(not_null.begin(), not_null.end(), f.name) == not_null.end();
    out.fields.push_back(std::move(field));
  }
  for (const auto& n : not_null) {
    if (out.find(n) < 0) throw Error(ErrorCode::InvalidArgument, n, "not-null column '" + n + "' is not in the schema");
  }
  return out;
}

std::string schema_json(const DeltaSchema& schema) {
  JsonOut j;
  write_fields(j, schema.fields);
  return j.take();
}

bool uses_timestamp_ntz(const DeltaSchema& schema) {
  return std::any_of(schema.fields.begin(), schema.fields.end(), [](const DeltaField& f) { return ntz_in(f.type); });
}

bool casts_losslessly(const DataType& from, const DeltaType& to) {
  switch (to.kind) {
    case DeltaType::Kind::Array:
      return from.id() == TypeId::List && casts_losslessly(from.children()[0].type, *to.element);
    case DeltaType::Kind::Map:
      return from.id() == TypeId::Map && casts_losslessly(from.children()[0].type, *to.element) &&
             casts_losslessly(from.children()[1].type, *to.value);
    case DeltaType::Kind::Struct: {
      if (from.id() != TypeId::Struct) return false;
      for (const auto& f : from.children()) {
        auto it = std::find_if(to.fields.begin(), to.fields.end(), [&](const DeltaField& d) { return d.name == f.name; });
        if (it == to.fields.end() || !casts_losslessly(f.type, it->type)) return false;
      }
      return true;
    }
    case DeltaType::Kind::Primitive: break;
  }
  const std::string& p = to.primitive;
  const TypeId id = from.id();
  if (id == TypeId::Null) return true;  // an all-null column of no type fits anywhere
  if (int r = rank_of(p)) return integer_rank(id) && integer_rank(id) <= r;
  if (p == "float") return id == TypeId::Float32;
  if (p == "double") return id == TypeId::Float32 || id == TypeId::Float64;
  if (p == "string") return id == TypeId::String;
  if (p == "binary") return id == TypeId::Binary;
  if (p == "boolean") return id == TypeId::Boolean;
  if (p == "date") return id == TypeId::Date;
  if (p == "timestamp") return id == TypeId::TimestampTz;
  if (p == "timestamp_ntz") return id == TypeId::Timestamp;
  int precision = 0, scale = 0;
  if (parse_decimal_name(p, precision, scale)) {
    if (id == TypeId::Decimal) return from.scale() <= scale && from.precision() - from.scale() <= precision - scale;
    if (int d = digits_of(id)) return d <= precision - scale;
  }
  return false;
}

}  // namespace neuralake::delta
