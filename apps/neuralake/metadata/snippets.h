// Code that gets a table's data, built from its docs_filters: C++ against the
// lazy-frame API, a `neuralake sql` command line, and a request to
// `neuralake serve` in ROAPI's REST syntax (or its SQL endpoint when the
// filters need more than REST expresses).
#pragma once

#include <string>

#include "neuralake/filter.h"

namespace neuralake::cli {

struct SnippetTarget {
  std::string database;
  std::string table;
  std::string api_name;     // the table's name in the API server
  std::string plugin;       // the catalog plugin as the CLI is given it
  std::string api_url;      // e.g. "http://127.0.0.1:8080"
  Filters filters;          // the table's docs_filters
  size_t limit = 100;
};

std::string cpp_snippet(const SnippetTarget& t);
std::string cli_snippet(const SnippetTarget& t);
std::string rest_snippet(const SnippetTarget& t);

// The filters as a SQL condition (DuckDB syntax, identifiers and strings
// quoted); empty when there are none.
std::string filters_to_sql(const Filters& filters);
// "SELECT * FROM db.table [WHERE …] LIMIT n".
std::string select_sql(const SnippetTarget& t);

}  // namespace neuralake::cli
