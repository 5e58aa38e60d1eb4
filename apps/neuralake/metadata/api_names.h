// The one name each catalog table has in the ROAPI export and the API server:
// "{db}_{table}", or the table's RoapiOptions::override_name.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "neuralake/catalog.h"

namespace neuralake::cli {

// "{db}_{table}" unless the table overrides it.
std::string api_table_name(const std::string& database, const Table& table);

// Every table of a set of catalogs under its API name.
class ApiNames {
 public:
  struct Entry {
    size_t catalog = 0;  // index into the catalogs given
    std::string database;
    const Table* table = nullptr;
    std::string api_name;
  };

  // Throws InvalidArgument naming both tables when two map to one API name.
  explicit ApiNames(const std::vector<const Catalog*>& catalogs);

  // The table an API name or a "db.table" name refers to; nullptr if none.
  const Entry* find(const std::string& name) const;
  // In declaration order: catalogs, then databases, then tables.
  const std::vector<Entry>& entries() const { return entries_; }
  // Every name find() accepts, for suggestions.
  std::vector<std::string> names() const;

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> by_api_name_;
  std::unordered_map<std::string, size_t> by_qualified_name_;
};

}  // namespace neuralake::cli
