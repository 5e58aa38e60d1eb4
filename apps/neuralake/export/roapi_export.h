// `neuralake export roapi`: the catalog's file tables as ROAPI's `tables:`
// configuration (YAML), with the fields datarepo's exporter writes.
#pragma once

#include <optional>
#include <string>

#include "export/export_result.h"
#include "neuralake/catalog.h"
#include "neuralake/session.h"
#include "neuralake/types.h"

namespace neuralake::cli {

// One entry per Parquet, Delta, CSV and JSON table, in declaration order:
//   name              api_table_name(): "{db}_{table}" or RoapiOptions::override_name
//   uri               the location `session` resolves ({warehouse} expanded), absolute
//   option            format (parquet, delta, csv, ndjson) and use_memory_table
//   reload_interval   {secs, nanos: 0}: RoapiOptions::reload_interval_seconds; Delta: 60 when unset
//   partition_columns the declared Hive partition columns with their Arrow type names
//   schema_from_files the partition directory the docs filters pin down (see roapi_schema_fragment())
// Tables with RoapiOptions::disable are left out silently; function tables
// and tables ROAPI cannot read as declared are listed in `skipped` and as
// comments. Reads no data. Throws InvalidArgument naming both tables when two
// tables have one API name.
ExportResult export_roapi(const Catalog& catalog, const Session& session);

// Why ROAPI cannot read `table` as declared (function tables, kinds without a
// ROAPI format, partition types without an Arrow name there), or nothing.
// RoapiOptions::disable is not a reason here: the caller decides about it.
std::optional<std::string> roapi_skip_reason(const Table& table);

// The Arrow type name ROAPI's configuration takes for a partition column
// ("Int64", "Utf8", "Date32"...); NotSupported naming the type for a type
// without a plain name there (timestamps, decimals, nested types).
std::string arrow_type_name(const DataType& type);

// The Hive partition directory ("k1=v1/k2=v2/") that the table's docs filters
// fix by equality, leading partition columns first, as datarepo's
// build_file_fragment() does; empty if the first partition column is not fixed.
std::string roapi_schema_fragment(const Table& table);

// `text` as a double-quoted YAML scalar.
std::string yaml_string(const std::string& text);

}  // namespace neuralake::cli
