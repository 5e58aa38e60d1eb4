// The schema side of writing a Delta table: which Delta type holds each of
// our types (or why none does), the schemaString that declares it, and
// whether incoming data casts losslessly to a table's column.
#pragma once

#include <string>

#include "delta/schema.h"
#include "neuralake/types.h"

namespace neuralake::delta {

// The Delta type a column of `type` is written as. Unsigned integers widen to
// the next signed type (UInt64 to decimal(20,0)), timestamps of any unit to
// timestamp_ntz in microseconds, timestamps with a time zone to timestamp.
// Throws NotSupported naming `column` and the type for what Delta cannot
// hold: 128-bit integers, TIME, INTERVAL, UUID and other engine types, NULL.
DeltaType delta_type_for(const DataType& type, const std::string& column);

// A DeltaSchema (all columns nullable except `not_null`) for a Schema.
DeltaSchema delta_schema_for(const Schema& schema, const std::vector<std::string>& not_null = {});

// metaData.schemaString for `schema`, in the field order and JSON shape
// Spark writes ({"type":"struct","fields":[{"name","type","nullable","metadata"}]}).
std::string schema_json(const DeltaSchema& schema);

// True if `type` (or a nested field) is timestamp_ntz: the table then needs
// the timestampNtz feature.
bool uses_timestamp_ntz(const DeltaSchema& schema);

// Whether a column of `from` can be written into a column of Delta type `to`
// without losing values: the same type, a wider integer, float to double,
// an integer or decimal to a decimal that holds it, timestamps of any unit to
// timestamp_ntz, and nested types whose parts qualify (struct fields matched by name).
bool casts_losslessly(const DataType& from, const DeltaType& to);

}  // namespace neuralake::delta
