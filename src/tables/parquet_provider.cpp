// Parquet tables: read_parquet over a file, a glob or a directory, with
// declared Hive partition columns; filters that fix leading partition
// columns narrow the scan to those partition directories (pruning::hive_prefixes),
// so that only they are listed.
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "pruning/hive.h"
#include "storage/store_registry.h"
#include "tables/file_scan.h"
#include "tables/table_provider.h"

namespace neuralake::tables {

namespace {

class ParquetProvider : public TableProvider {
 public:
  std::string kind() const override { return table_kind::parquet; }

  void validate(const TableDef& def) const override { require_location(def); }

  std::string scan_sql(ScanContext& ctx, const ScanTarget& target) const override {
    const TableDef& def = target.table.def();
    return scan_of(def, sql_string_literal(ctx.file_pattern(ctx.expand_location(def.location), "parquet")));
  }

  std::optional<std::string> pruned_scan_sql(ScanContext& ctx, const ScanTarget& target,
                                             const pruning::Predicate& filter) const override {
    const TableDef& def = target.table.def();
    const auto& parts = def.file_options.partition_columns;
    if (parts.empty()) return std::nullopt;
    std::string base = ctx.expand_location(def.location);
    // Declared partitions mean a directory location; a glob or a file is taken as written.
    if (base.find_first_of("*?[") != std::string::npos || base.ends_with(".parquet")) return std::nullopt;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (!ctx.stores().handles(base)) return std::nullopt;
    auto prefixes = pruning::hive_prefixes(filter, parts);
    if (!prefixes) return std::nullopt;
    // Keep the prefixes that exist: a glob that matches nothing is an error.
    std::string list;
    for (const auto& prefix : *prefixes) {
      const std::string dir = base + "/" + prefix;
      auto r = ctx.stores().resolve(dir + "/");
      auto level = r.store->list_level(r.key);
      if (level.objects.empty() && level.prefixes.empty()) continue;
      list += (list.empty() ? "" : ", ") + sql_string_literal(dir + "/**/*.parquet");
    }
    if (list.empty()) return std::nullopt;  // no partition matches: the full scan finds no rows
    return scan_of(def, "[" + list + "]");
  }

  // The first file (in name order) whose own schema lacks the column or has
  // it with another type.
  std::string file_with_mismatch(ScanContext& ctx, const TableDef& def, const Field& want) const override {
    std::string loc = ctx.file_pattern(ctx.expand_location(def.location), "parquet");
    try {
      DataFrame files = ctx.run_sql("SELECT file FROM glob(" + sql_string_literal(loc) + ") ORDER BY file");
      for (size_t i = 0; i < files.num_rows(); ++i) {
        std::string f = *files.column(0).at<std::string>(i);
        Schema s = ctx.describe_sql("SELECT * FROM read_parquet(" + sql_string_literal(f) + ")");
        bool ok = false;
        for (const auto& c : s)
          if (c.name == want.name && c.type == want.type) ok = true;
        if (!ok) return f;
      }
    } catch (const Error&) {
      // Keep the location as the best name we have.
    }
    return def.location;
  }

 private:
  // read_parquet over `files` (a SQL string or list literal).
  static std::string scan_of(const TableDef& def, const std::string& files) {
    std::string scan = "read_parquet(" + files;
    if (def.file_options.hive_partitioning) {
      scan += ", hive_partitioning = true";
      if (!def.file_options.partition_columns.empty())
        scan += ", hive_types = " + columns_map(def.file_options.partition_columns);
    }
    return scan + ")";
  }
};

}  // namespace

REGISTER_TABLE_PROVIDER(ParquetProvider);

}  // namespace neuralake::tables
