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

// The table's documentation, one "key: value" line each (every key is always
// printed; "-" when unset), then its schema with Polars dtypes, read through
// `session` (declared schema, or inferred from the data, extra columns
// included). Throws NotFound (with a suggestion) for an unknown table and
// InvalidArgument for a name not written as db.table. If the schema cannot be
// read (e.g. the data is missing) the documentation is still written, then
// that error is thrown.
void write_table_description(std::ostream& out, const Catalog& catalog, Session& session,
                             const std::string& qualified_name);

}  // namespace neuralake::cli
