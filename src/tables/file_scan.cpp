// Helpers the file-table providers share.
#include "tables/file_scan.h"

#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake::tables {

std::string columns_map(const Schema& schema) {
  std::string s = "{";
  for (size_t i = 0; i < schema.size(); ++i)
    s += (i ? ", " : "") + sql_string_literal(schema[i].name) + ": " + sql_string_literal(schema[i].type.sql_name());
  return s + "}";
}

void require_location(const TableDef& def) {
  if (def.location.empty())
    throw Error(ErrorCode::InvalidArgument, def.name, "table '" + def.name + "' has an empty location");
}

}  // namespace neuralake::tables
