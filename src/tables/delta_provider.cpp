// Delta tables: delta_scan over the table's root, optionally at an older
// version or time. Files are skipped inside delta_scan by their partition
// values and stats through the pruning module (src/engine/delta_scan.cpp
// translates DuckDB's filters), so the scan itself is never narrowed here.
#include "neuralake/expr.h"
#include "tables/file_scan.h"
#include "tables/table_provider.h"

namespace neuralake::tables {

namespace {

class DeltaProvider : public TableProvider {
 public:
  std::string kind() const override { return table_kind::delta; }

  void validate(const TableDef& def) const override { require_location(def); }

  std::string scan_sql(ScanContext& ctx, const ScanTarget& target) const override {
    return "delta_scan(" + sql_string_literal(ctx.expand_location(target.table.def().location)) +
           (target.version_args.empty() ? "" : ", " + target.version_args) + ")";
  }

  bool versions() const override { return true; }

  TableDescription describe(const ScanContext& ctx, const TableDef& def) const override {
    TableDescription d = TableProvider::describe(ctx, def);
    d.partitioning.clear();  // the log's partition columns, not a declaration: see delta_table_info()
    return d;
  }
};

}  // namespace

REGISTER_TABLE_PROVIDER(DeltaProvider);

}  // namespace neuralake::tables
