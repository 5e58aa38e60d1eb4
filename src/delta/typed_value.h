// Delta's string encodings of typed values (partition values, stats bounds,
// URL-encoded paths) and how two such values compare, for file pruning.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "delta/schema.h"
#include "neuralake/value.h"

namespace neuralake::delta {

// Decodes %XX escapes once: "x=A%252FA/f.parquet" -> "x=A%2FA/f.parquet".
std::string url_decode(std::string_view path);

// A partition value as the log writes it, typed per the column's primitive
// type. A missing value or "" is null. Throws Corruption naming `object`
// (the table and column) when the text does not parse as that type.
Value parse_partition_value(const std::optional<std::string>& text, const DeltaType& type,
                            const std::string& object);

}  // namespace neuralake::delta
