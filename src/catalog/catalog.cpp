// Catalog and Database: name lookup with suggestions, and the default session.

#include "catalog/catalog_state.h"
#include "neuralake/suggest.h"
#include "neuralake/error.h"

namespace neuralake {

Database::Database(std::vector<Table> tables, std::string description)
    : description_(std::move(description)), tables_(std::move(tables)) {
  index_.reserve(tables_.size());
  for (size_t i = 0; i < tables_.size(); ++i) {
    const Table& t = tables_[i];
    if (!index_.emplace(t.name(), i).second)
      throw Error(ErrorCode::InvalidArgument, t.name(), "table '" + t.name() + "' is declared twice in one database");
  }
}

std::vector<std::string> Database::table_names() const {
  std::vector<std::string> names;
  for (const auto& t : tables_) names.push_back(t.name());
  return names;
}

const Table& Database::get(const std::string& table) const {
  if (auto it = index_.find(table); it != index_.end()) return tables_[it->second];
  std::string qualified = name_.empty() ? table : name_ + "." + table;
  throw Error(ErrorCode::NotFound, qualified,
              "unknown table '" + qualified + "'" + did_you_mean(table, table_names()));
}

LazyFrame Database::table(const std::string& table, const Filters& filters,
                          const std::vector<std::string>& columns) const {
  auto state = catalog_.lock();
  if (!state) {
    throw Error(ErrorCode::InvalidArgument, name_.empty() ? table : name_,
                "database is not part of a live catalog; use catalog.db(\"name\").table(...)");
  }
  get(table);  // NotFound with a suggestion before anything else
  return Catalog::session_of(*state).table(name_, table, filters, columns);
}

Catalog::Catalog(std::vector<std::pair<std::string, Database>> databases, SessionOptions options) {
  auto state = std::make_shared<CatalogState>();
  state->options = std::move(options);
  for (auto& [name, db] : databases) {
    if (name.empty()) throw Error(ErrorCode::InvalidArgument, "database", "database name must not be empty");
    for (char c : name)
      if (c == '.' || c == '"')
        throw Error(ErrorCode::InvalidArgument, name, "database name '" + name + "' must not contain '.' or '\"'");
    if (!state->database_index.emplace(name, state->databases.size()).second)
      throw Error(ErrorCode::InvalidArgument, name, "database '" + name + "' is declared twice");
    db.name_ = name;
    state->databases.push_back(std::move(db));
  }
  for (auto& db : state->databases) db.catalog_ = state;
  state_ = std::move(state);
}

Catalog::~Catalog() = default;

Catalog Catalog::named(std::string name) const {
  Catalog copy = *this;
  copy.name_ = std::move(name);
  return copy;
}

std::vector<std::string> Catalog::database_names() const {
  std::vector<std::string> names;
  for (const auto& d : state_->databases) names.push_back(d.name());
  return names;
}

const Database& Catalog::db(const std::string& name) const {
  if (auto it = state_->database_index.find(name); it != state_->database_index.end())
    return state_->databases[it->second];
  throw Error(ErrorCode::NotFound, name, "unknown database '" + name + "'" + did_you_mean(name, database_names()));
}

const Table& Catalog::table(const std::string& qualified_name) const {
  auto dot = qualified_name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == qualified_name.size()) {
    throw Error(ErrorCode::InvalidArgument, qualified_name,
                "table name '" + qualified_name + "' must be written as database.table");
  }
  return db(qualified_name.substr(0, dot)).get(qualified_name.substr(dot + 1));
}

Session& Catalog::session_of(const CatalogState& state) {
  std::call_once(state.session_once, [&] {
    // The session keeps its own copy of the (immutable) declarations.
    state.session = std::make_shared<Session>(state.databases, state.options);
  });
  return *state.session;
}

Session& Catalog::session() const { return session_of(*state_); }

LazyFrame Catalog::sql(const std::string& query) const { return session().lazy(query); }

const SessionOptions& Catalog::options() const { return state_->options; }

}  // namespace neuralake
