// JSON tables: newline-delimited JSON through read_json over a file, a glob
// or a directory, with the declared schema as its columns.
#include "neuralake/expr.h"
#include "tables/file_scan.h"
#include "tables/table_provider.h"

namespace neuralake::tables {

namespace {

class JsonProvider : public TableProvider {
 public:
  std::string kind() const override { return table_kind::json; }

  void validate(const TableDef& def) const override { require_location(def); }

  std::string scan_sql(ScanContext& ctx, const ScanTarget& target) const override {
    const TableDef& def = target.table.def();
    std::string loc = ctx.file_pattern(ctx.expand_location(def.location), "json");
    std::string scan = "read_json(" + sql_string_literal(loc) + ", format = 'newline_delimited'";
    if (def.metadata.schema) scan += ", columns = " + columns_map(*def.metadata.schema);
    return scan + ")";
  }

  TableDescription describe(const ScanContext& ctx, const TableDef& def) const override {
    TableDescription d = TableProvider::describe(ctx, def);
    d.options.emplace_back("format", "newline_delimited");
    return d;
  }
};

}  // namespace

REGISTER_TABLE_PROVIDER(JsonProvider);

}  // namespace neuralake::tables
