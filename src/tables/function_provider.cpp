// Function tables: rows computed by C++ (a TableSource), read through the
// engine's __neuralake_function_scan table function, which hands the source
// the projection and the filters.
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "tables/table_provider.h"

namespace neuralake::tables {

namespace {

class FunctionProvider : public TableProvider {
 public:
  std::string kind() const override { return table_kind::function; }

  void validate(const TableDef& def) const override {
    if (!def.source)
      throw Error(ErrorCode::InvalidArgument, def.name, "function table '" + def.name + "' has no source");
  }

  std::string scan_sql(ScanContext&, const ScanTarget& target) const override {
    return "__neuralake_function_scan(" + sql_string_literal(target.database) + ", " +
           sql_string_literal(target.table.name()) + ")";
  }

  // The declared schema is the source's own: nothing to check it against.
  bool checks_declared_schema() const override { return false; }

  TableDescription describe(const ScanContext& ctx, const TableDef& def) const override {
    TableDescription d = TableProvider::describe(ctx, def);
    d.location.clear();
    d.resolved_location.clear();
    return d;
  }
};

}  // namespace

REGISTER_TABLE_PROVIDER(FunctionProvider);

}  // namespace neuralake::tables
