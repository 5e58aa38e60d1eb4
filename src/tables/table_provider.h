// One provider per table kind: how a table of that kind becomes a scan for
// the engine, how it skips data by partition and statistics (through the
// pruning module), and how it describes itself. The engine asks the
// registry for a table's provider by its kind name and never switches on
// the kind; adding a kind is adding one file that defines a provider and
// registers it (see REGISTER_TABLE_PROVIDER).
//
// Providers are engine-free: a scan is SQL text calling a table function
// the engine has registered (read_parquet, delta_scan, ...), and what they
// need from the session comes through a ScanContext.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/table.h"
#include "neuralake/types.h"
#include "pruning/predicate.h"

namespace neuralake {
class StoreRegistry;
}

namespace neuralake::tables {

// What a provider may use of the session it builds a scan in. Implemented
// by the engine; methods throw neuralake::Error.
class ScanContext {
 public:
  virtual ~ScanContext() = default;
  // `location` with "{warehouse}" replaced by the session's warehouse root.
  virtual std::string expand_location(const std::string& location) const = 0;
  // A directory location (ending in '/', a local directory, or a prefix
  // with objects below it) as a recursive glob of its files ending in
  // ".`extension`"; a file or a glob as written.
  virtual std::string file_pattern(const std::string& location, const std::string& extension) const = 0;
  // The stores the session reads locations through.
  virtual StoreRegistry& stores() const = 0;
  // The output schema of `sql`, bound but not run.
  virtual Schema describe_sql(const std::string& sql) = 0;
  // Runs `sql` and collects its rows.
  virtual DataFrame run_sql(const std::string& sql) = 0;
};

// The table a scan is built for.
struct ScanTarget {
  const std::string& database;
  const Table& table;
  // Arguments selecting an older version of the data ("version := 3");
  // empty for the current data. Only kinds with versions() accept them.
  std::string version_args;
};

class TableProvider {
 public:
  virtual ~TableProvider() = default;

  // The kind name tables use to pick this provider ("parquet").
  virtual std::string kind() const = 0;

  // Checks a table's declaration when a session opens; throws
  // InvalidArgument naming the table if the kind cannot read it.
  virtual void validate(const TableDef& def) const;

  // The FROM item that reads the table's rows: a table function call.
  virtual std::string scan_sql(ScanContext& ctx, const ScanTarget& target) const = 0;

  // A narrower FROM item that reads only the data `filter` can match, when
  // the kind can skip partitions before the engine lists or opens them;
  // std::nullopt to read everything (the engine's scan may still skip
  // files by their statistics). The rows it yields must be a superset of
  // the matching rows of scan_sql(): the filter is applied above it.
  virtual std::optional<std::string> pruned_scan_sql(ScanContext& ctx, const ScanTarget& target,
                                                     const pruning::Predicate& filter) const;

  // True if the kind reads older versions (time travel through
  // ScanTarget::version_args).
  virtual bool versions() const { return false; }

  // True if a declared schema is checked against the data when the table
  // is first read; false for kinds whose schema is the declaration.
  virtual bool checks_declared_schema() const { return true; }
  // The file to name when the data disagrees with the declared column
  // `want` (by default the table's location).
  virtual std::string file_with_mismatch(ScanContext& ctx, const TableDef& def, const Field& want) const;

  // Kind, location, partitioning and options, for describe. By default the
  // kind, the location (expanded through `ctx`) and declared partitioning.
  virtual TableDescription describe(const ScanContext& ctx, const TableDef& def) const;
};

// Adds `provider` under its kind name. Throws AlreadyExists naming the kind
// if another provider has it. Thread-safe.
void register_table_provider(std::shared_ptr<const TableProvider> provider);
// The provider of `kind`, or nullptr.
const TableProvider* find_table_provider(const std::string& kind);
// The provider for `def`'s kind; throws InvalidArgument naming the table and
// its kind (and listing the known kinds) if none is registered.
const TableProvider& table_provider(const TableDef& def);
// Every registered kind name, sorted.
std::vector<std::string> table_provider_kinds();

// Registers a provider when its translation unit is loaded. Object files
// that only hold a registrar must be linked whole (an OBJECT library, or
// WHOLE_ARCHIVE for a static archive), or the linker drops them.
struct TableProviderRegistrar {
  explicit TableProviderRegistrar(std::shared_ptr<const TableProvider> provider) {
    register_table_provider(std::move(provider));
  }
};

}  // namespace neuralake::tables

#define NEURALAKE_TABLE_PROVIDER_CONCAT2(a, b) a##b
#define NEURALAKE_TABLE_PROVIDER_CONCAT(a, b) NEURALAKE_TABLE_PROVIDER_CONCAT2(a, b)
// REGISTER_TABLE_PROVIDER(ParquetProvider); at namespace scope in the provider's file.
#define REGISTER_TABLE_PROVIDER(Type)                                                                   \
  static const ::neuralake::tables::TableProviderRegistrar NEURALAKE_TABLE_PROVIDER_CONCAT(            \
      table_provider_registrar_, __LINE__)(std::make_shared<Type>())
