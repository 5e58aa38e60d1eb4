// What `neuralake tables` and `neuralake describe` print: a catalog's tables
// with their descriptions, and one table's schema and documentation.
#pragma once

#include <iosfwd>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/session.h"

namespace neuralake::cli {

// One line per table, "db.table  description", names padded to one column,
// in declaration order.
void write_table_list(std::ostream& out, const Catalog& catalog);

// The table's name, then its documentation, one "key: value" line each
// (every key is always printed; "-" when unset). `locations` expands
// "{warehouse}" in the location; it needs no catalog. Throws NotFound (with a
// suggestion) for an unknown table and InvalidArgument for a name not
// written as db.table.
void write_table_docs(std::ostream& out, const Catalog& catalog, const std::string& qualified_name,
                      const Session& locations);

// "schema:" and one "name  dtype" line per column (Polars dtypes), read
// through `session`, a session over `catalog`: the declared schema, or the
// one inferred from the data, extra columns included. Throws what the engine
// reports when the schema cannot be read (e.g. NotFound for missing data).
void write_table_schema(std::ostream& out, const Catalog& catalog, Session& session,
                        const std::string& qualified_name);

// One "  key: value" line of the layout above, for other commands' facts.
void write_doc_line(std::ostream& out, const std::string& key, const std::string& value);

// "schema:" and one "name  dtype" line per column, as write_table_schema().
void write_column_list(std::ostream& out, const Schema& schema);

}  // namespace neuralake::cli
