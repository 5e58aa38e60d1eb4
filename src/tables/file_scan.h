// Helpers the file-table providers (Parquet, CSV, JSON) share.
#pragma once

#include <string>

#include "neuralake/table.h"
#include "neuralake/types.h"

namespace neuralake::tables {

// A DuckDB MAP literal of column names to SQL type names:
// {'id': 'BIGINT', 'day': 'DATE'}, for read_csv's columns and hive_types.
std::string columns_map(const Schema& schema);

// Throws InvalidArgument naming the table if a file table has no location.
void require_location(const TableDef& def);

}  // namespace neuralake::tables
