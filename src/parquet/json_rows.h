// Rows of a Parquet file's top-level columns as JSON objects: for the few
// structured rows of a Delta checkpoint (protocol, metaData, txn, remove),
// in the shape of the commit files' actions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/parquet_file.h"

namespace neuralake::parquet {

// Calls `row` with one JSON object per row in which any of the top-level
// columns `fields` is not null, holding those that are not, e.g.
// {"metaData":{"id":"..","format":{"provider":"parquet","options":{}},..}}.
// Groups become objects (null fields as null), LIST groups arrays, MAP groups
// objects. Returns false, having called `row` for nothing, when a column's
// shape is beyond this (nested repetition; values other than strings,
// booleans, integers and floating point). Throws FormatError for corrupt data.
bool json_rows(const ParquetFile& file, const std::vector<std::string>& fields,
               const std::function<void(std::string_view)>& row);

}  // namespace neuralake::parquet
