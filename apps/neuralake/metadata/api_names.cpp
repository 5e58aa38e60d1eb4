#include "metadata/api_names.h"

#include "neuralake/error.h"

namespace neuralake::cli {

std::string api_table_name(const std::string& database, const Table& table) {
  const std::string& override_name = table.def().metadata.roapi.override_name;
  return override_name.empty() ? database + "_" + table.name() : override_name;
}

ApiNames::ApiNames(const std::vector<const Catalog*>& catalogs) {
  for (size_t c = 0; c < catalogs.size(); ++c) {
    for (const auto& db_name : catalogs[c]->database_names()) {
      for (const auto& table : catalogs[c]->db(db_name).tables()) {
        Entry e{c, db_name, &table, api_table_name(db_name, table)};
        std::string qualified = db_name + "." + table.name();
        if (auto [it, fresh] = by_api_name_.emplace(e.api_name, entries_.size()); !fresh) {
          const Entry& other = entries_[it->second];
          throw Error(ErrorCode::InvalidArgument, e.api_name,
                      "tables '" + other.database + "." + other.table->name() + "' and '" + qualified +
                          "' both have the API name '" + e.api_name +
                          "'; rename one or give it RoapiOptions::override_name");
        }
        // Two catalogs may both hold "db.table": the first one wins for the dotted form.
        by_qualified_name_.emplace(qualified, entries_.size());
        entries_.push_back(std::move(e));
      }
    }
  }
}

const ApiNames::Entry* ApiNames::find(const std::string& name) const {
  if (auto it = by_api_name_.find(name); it != by_api_name_.end()) return &entries_[it->second];
  if (auto it = by_qualified_name_.find(name); it != by_qualified_name_.end()) return &entries_[it->second];
  return nullptr;
}

std::vector<std::string> ApiNames::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size() * 2);
  for (const auto& e : entries_) {
    out.push_back(e.api_name);
    out.push_back(e.database + "." + e.table->name());
  }
  return out;
}

}  // namespace neuralake::cli
