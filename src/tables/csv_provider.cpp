// CSV tables: read_csv over a file, a glob or a directory, with a header
// row and delimiter as declared, and the declared schema as its columns.
#include "neuralake/expr.h"
#include "tables/file_scan.h"
#include "tables/table_provider.h"

namespace neuralake::tables {

namespace {

class CsvProvider : public TableProvider {
 public:
  std::string kind() const override { return table_kind::csv; }

  void validate(const TableDef& def) const override { require_location(def); }

  std::string scan_sql(ScanContext& ctx, const ScanTarget& target) const override {
    const TableDef& def = target.table.def();
    std::string loc = ctx.file_pattern(ctx.expand_location(def.location), "csv");
    std::string scan = "read_csv(" + sql_string_literal(loc) + ", header = " +
                       (def.file_options.header ? "true" : "false") +
                       ", delim = " + sql_string_literal(std::string(1, def.file_options.delimiter));
    if (def.metadata.schema) scan += ", columns = " + columns_map(*def.metadata.schema);
    if (def.file_options.hive_partitioning) scan += ", hive_partitioning = true";
    return scan + ")";
  }

  TableDescription describe(const ScanContext& ctx, const TableDef& def) const override {
    TableDescription d = TableProvider::describe(ctx, def);
    d.options.emplace_back("delimiter", std::string(1, def.file_options.delimiter));
    d.options.emplace_back("header", def.file_options.header ? "true" : "false");
    return d;
  }
};

}  // namespace

REGISTER_TABLE_PROVIDER(CsvProvider);

}  // namespace neuralake::tables
