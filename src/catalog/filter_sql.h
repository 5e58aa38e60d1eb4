// Turns datarepo-style filters into a SQL predicate over a known schema,
// coercing each value to its column's type when that is lossless.
#pragma once

#include <string>

#include "neuralake/filter.h"
#include "neuralake/types.h"

namespace neuralake::detail {

// The predicate for `filters` (without WHERE), or "" when they are empty.
// Throws NotFound for an unknown column (with a suggestion) and
// InvalidArgument naming the column, the value and the type for a value that
// does not fit, or an operator that does not apply to the column's type.
std::string filters_to_sql(const Filters& filters, const Schema& schema, const std::string& table);

// `value` converted to `type` if that loses nothing; throws InvalidArgument
// naming `column`, the value and the type otherwise.
Value coerce_value(const Value& value, const DataType& type, const std::string& column);

}  // namespace neuralake::detail
