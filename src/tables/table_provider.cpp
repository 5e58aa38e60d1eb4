// The registry of table providers by kind name, and the providers' defaults.
#include "tables/table_provider.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "neuralake/error.h"

namespace neuralake::tables {

namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const TableProvider>> by_kind;
};

// Constructed on first use, so registrars in any translation unit may run first.
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_table_provider(std::shared_ptr<const TableProvider> provider) {
  if (!provider) throw Error(ErrorCode::InvalidArgument, "table provider", "a table provider must not be null");
  const std::string kind = provider->kind();
  if (kind.empty()) throw Error(ErrorCode::InvalidArgument, "table provider", "a table provider needs a kind name");
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (!r.by_kind.emplace(kind, std::move(provider)).second)
    throw Error(ErrorCode::AlreadyExists, kind, "a provider for table kind '" + kind + "' is already registered");
}

const TableProvider* find_table_provider(const std::string& kind) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.by_kind.find(kind);
  return it == r.by_kind.end() ? nullptr : it->second.get();
}

std::vector<std::string> table_provider_kinds() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> out;
  for (const auto& [kind, p] : r.by_kind) out.push_back(kind);
  return out;
}

const TableProvider& table_provider(const TableDef& def) {
  if (const auto* p = find_table_provider(def.kind)) return *p;
  std::string known;
  for (const auto& k : table_provider_kinds()) known += (known.empty() ? "" : ", ") + k;
  throw Error(ErrorCode::InvalidArgument, def.name,
              "table '" + def.name + "' has kind '" + def.kind + "', which no table provider reads (known kinds: " +
                  known + ")");
}

void TableProvider::validate(const TableDef&) const {}

std::optional<std::string> TableProvider::pruned_scan_sql(ScanContext&, const ScanTarget&,
                                                          const pruning::Predicate&) const {
  return std::nullopt;
}

std::string TableProvider::file_with_mismatch(ScanContext&, const TableDef& def, const Field&) const {
  return def.location;
}

TableDescription TableProvider::describe(const ScanContext& ctx, const TableDef& def) const {
  TableDescription d;
  d.kind = def.kind;
  d.location = def.location;
  if (!def.location.empty()) d.resolved_location = ctx.expand_location(def.location);
  const auto& fo = def.file_options;
  for (const auto& f : fo.partition_columns) d.partitioning.push_back(f.name + " " + f.type.polars_name());
  if (fo.partition_columns.empty() && fo.hive_partitioning) d.partitioning.push_back("hive (detected from paths)");
  for (const auto& [k, v] : def.options) d.options.emplace_back(k, v);
  return d;
}

}  // namespace neuralake::tables
