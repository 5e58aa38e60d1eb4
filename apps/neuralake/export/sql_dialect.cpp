#include "export/sql_dialect.h"

#include "neuralake/error.h"

namespace neuralake::cli {

const char* to_string(SqlDialect dialect) { return dialect == SqlDialect::Trino ? "trino" : "spark"; }

std::string quote_identifier(const std::string& name, SqlDialect dialect) {
  const char q = dialect == SqlDialect::Trino ? '"' : '`';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out += q;
    out += c;
  }
  return out + q;
}

std::string string_literal(const std::string& text, SqlDialect dialect) {
  std::string out = "'";
  for (char c : text) {
    if (dialect == SqlDialect::Trino) {
      if (c == '\'') out += '\'';
      out += c;
      continue;
    }
    switch (c) {
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "'";
}

std::string sql_type(const DataType& type, SqlDialect dialect) {
  const bool trino = dialect == SqlDialect::Trino;
  auto decimal = [&](int precision, int scale) {
    return std::string(trino ? "decimal(" : "DECIMAL(") + std::to_string(precision) + "," + std::to_string(scale) + ")";
  };
  switch (type.id()) {
    case TypeId::Boolean: return trino ? "boolean" : "BOOLEAN";
    case TypeId::Int8: return trino ? "tinyint" : "TINYINT";
    case TypeId::Int16:
    case TypeId::UInt8: return trino ? "smallint" : "SMALLINT";
    case TypeId::Int32:
    case TypeId::UInt16: return trino ? "integer" : "INT";
    case TypeId::Int64:
    case TypeId::UInt32: return trino ? "bigint" : "BIGINT";
    case TypeId::UInt64: return decimal(20, 0);
    case TypeId::Int128: return decimal(38, 0);
    case TypeId::Float32: return trino ? "real" : "FLOAT";
    case TypeId::Float64: return trino ? "double" : "DOUBLE";
    case TypeId::Decimal: return decimal(type.precision(), type.scale());
    case TypeId::String: return trino ? "varchar" : "STRING";
    case TypeId::Binary: return trino ? "varbinary" : "BINARY";
    case TypeId::Date: return trino ? "date" : "DATE";
    case TypeId::Timestamp: return trino ? "timestamp(3)" : "TIMESTAMP_NTZ";
    case TypeId::TimestampTz: return trino ? "timestamp(3)" : "TIMESTAMP";
    case TypeId::List: {
      std::string element = sql_type(type.children().at(0).type, dialect);
      return trino ? "array(" + element + ")" : "ARRAY<" + element + ">";
    }
    case TypeId::Map: {
      std::string key = sql_type(type.children().at(0).type, dialect);
      std::string value = sql_type(type.children().at(1).type, dialect);
      return trino ? "map(" + key + ", " + value + ")" : "MAP<" + key + ", " + value + ">";
    }
    case TypeId::Struct: {
      std::string out = trino ? "row(" : "STRUCT<";
      bool first = true;
      for (const auto& f : type.children()) {
        out += (first ? "" : ", ") + quote_identifier(f.name, dialect) + (trino ? " " : ": ") +
               sql_type(f.type, dialect);
        first = false;
      }
      return out + (trino ? ")" : ">");
    }
    default:
      throw Error(ErrorCode::NotSupported, type.polars_name(),
                  std::string(trino ? "Trino" : "Spark") + " tables have no type for " + type.polars_name());
  }
}

}  // namespace neuralake::cli
