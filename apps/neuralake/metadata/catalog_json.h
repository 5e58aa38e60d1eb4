// The catalog-metadata JSON (docs/catalog-metadata.md): every table of one or
// more catalogs with its documentation, schema, location and snippets, for
// the static site, the API server and `neuralake describe --json`.
//
// Declared schemas are read without starting the engine. Only tables without
// one (or with computed columns, whose types the engine derives) are read
// through a session, in parallel, each within a time limit; a table whose
// schema cannot be read is marked so and the rest goes on.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuralake/catalog.h"
#include "neuralake/options.h"

namespace neuralake::cli {

struct CatalogSource {
  const Catalog* catalog = nullptr;
  std::string plugin;  // the plugin path as given to the CLI, for snippets
};

struct CatalogJsonOptions {
  // Sample rows per table (through its docs_filters); 0: no previews.
  size_t preview_rows = 0;
  // Delta tables' version, last commit time and file count.
  bool table_facts = false;
  // Read schemas that are not declared (else they are reported unavailable).
  bool infer_schemas = true;
  // Time each table's engine work (schema, preview) may take.
  std::chrono::milliseconds table_time_limit{15000};
  // Tables read at once; 0: the hardware threads, at most 8.
  unsigned parallelism = 0;
  std::string api_url = "http://127.0.0.1:8080";
  // Adjusts a catalog's session options for the sessions opened here
  // (threads, memory); unset: the catalog's own.
  std::function<SessionOptions(const SessionOptions&)> session_options;
  // Called as tables that need the engine are done: (done, total).
  std::function<void(size_t, size_t)> progress;
};

// What a document holds, and what could not be read for it.
struct CatalogSummary {
  size_t databases = 0;
  size_t tables = 0;
  // "db.table: why" for each table whose schema, preview or table facts
  // could not be read.
  std::vector<std::string> problems;
};

// The whole document as JSON text, built table by table on a few threads
// (what the site writes and the server answers); `summary`, if given, is
// filled in.
std::string catalog_metadata_text(const std::vector<CatalogSource>& catalogs, const CatalogJsonOptions& options,
                                  CatalogSummary* summary = nullptr);

// The whole document. Throws InvalidArgument when two tables share an API
// name, or a column description names a column of a declared schema that
// does not exist.
nlohmann::json catalog_metadata_json(const std::vector<CatalogSource>& catalogs, const CatalogJsonOptions& options);

// One table's object, as it appears in the document.
nlohmann::json table_metadata_json(const CatalogSource& source, const std::string& qualified_name,
                                   const CatalogJsonOptions& options);

}  // namespace neuralake::cli
