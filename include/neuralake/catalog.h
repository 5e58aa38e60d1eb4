// The catalog as code: Catalog -> Database -> Table.
//
// Thread safety: a Catalog is immutable once constructed and may be shared
// and queried from any number of threads. Its default session (session())
// is created on first use and is itself safe for concurrent queries.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "neuralake/filter.h"
#include "neuralake/lazy_frame.h"
#include "neuralake/options.h"
#include "neuralake/table.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Catalog;
class Session;
struct CatalogState;

// A named group of tables; becomes a SQL schema ("tpch.part").
class Database {
 public:
  // Throws InvalidArgument naming the table if two tables share a name.
  explicit Database(std::vector<Table> tables, std::string description = "");

  const std::string& name() const { return name_; }  // empty until in a catalog
  const std::string& description() const { return description_; }
  const std::vector<Table>& tables() const { return tables_; }
  std::vector<std::string> table_names() const;
  // Throws NotFound "unknown table 'db.t'; did you mean 'x'?" if absent.
  const Table& get(const std::string& table) const;

  // A lazy scan of `table` with filters and a projection (empty: all columns),
  // run in the catalog's default session. Throws NotFound for an unknown
  // table or column; InvalidArgument for a filter value that does not fit
  // its column's type. Requires a database obtained from Catalog::db().
  LazyFrame table(const std::string& table, const Filters& filters = {},
                  const std::vector<std::string>& columns = {}) const;

 private:
  friend class Catalog;
  std::string name_;
  std::string description_;
  std::vector<Table> tables_;
  std::unordered_map<std::string, size_t> index_;  // table name -> position in tables_
  std::weak_ptr<const CatalogState> catalog_;
};

class Catalog {
 public:
  // Throws InvalidArgument if a database name is empty or repeated.
  Catalog(std::vector<std::pair<std::string, Database>> databases, SessionOptions options = SessionOptions::from_environment());
  Catalog(const Catalog&) = default;
  Catalog& operator=(const Catalog&) = default;
  ~Catalog();

  // The catalog's name, shown by the site and the exports. A plugin's catalog
  // without one is named after its file ("libsales.so" -> "sales").
  const std::string& name() const { return name_; }
  // A copy of this catalog (sharing its tables and session) under `name`.
  Catalog named(std::string name) const;

  std::vector<std::string> database_names() const;
  // Throws NotFound "unknown database 'x'; did you mean 'y'?" if absent.
  const Database& db(const std::string& name) const;
  // Looks up "db.table". Throws NotFound / InvalidArgument for a bad name.
  const Table& table(const std::string& qualified_name) const;

  // The default session over this catalog (created on first use).
  Session& session() const;
  // SQL over the whole catalog: databases are schemas ("SELECT * FROM tpch.part").
  LazyFrame sql(const std::string& query) const;

  const SessionOptions& options() const;
  const std::shared_ptr<const CatalogState>& state() const { return state_; }

 private:
  friend class Database;
  static Session& session_of(const CatalogState& state);
  std::shared_ptr<const CatalogState> state_;
  std::string name_;
};

}  // namespace neuralake
#pragma GCC visibility pop
