// Hive partition directories ("k=v/") that a filter allows, so that a scan
// lists only those prefixes instead of the whole table (datarepo's
// partition-prefix construction). Engine-free.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/types.h"
#include "pruning/predicate.h"

namespace neuralake::pruning {

// The relative directory prefixes ("p=1/q=a") that `predicate` allows on
// the leading columns of `partition_columns` (in their order), when it is a
// conjunction whose "=" or "IN" conditions fix one or more leading columns.
// std::nullopt when no such restriction applies, when a value cannot be
// written as a path one-to-one (only letters, digits, '-', '_' and '.'
// are), or when the prefixes would exceed `max_prefixes`. Values must
// already have their column's type.
std::optional<std::vector<std::string>> hive_prefixes(const Predicate& predicate,
                                                      const std::vector<Field>& partition_columns,
                                                      size_t max_prefixes = 1024);

}  // namespace neuralake::pruning
