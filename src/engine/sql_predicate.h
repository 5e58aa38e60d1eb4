// A SQL condition over a table's columns ("k = 1 AND day >= DATE '2024-01-01'")
// as the engine-free pruning predicate, for a Delta replaceWhere: which
// files it may touch, and whether a concurrent commit's files overlap it.
#pragma once

#include <map>
#include <string>

#include "neuralake/types.h"
#include "pruning/predicate.h"

namespace neuralake::engine {

// Parses `sql` (one boolean expression) and translates what pruning reads:
// comparisons of a column with a constant, IN / NOT IN, BETWEEN, IS [NOT]
// NULL, NOT, AND, OR. Constants are cast to the column's type in `schema`.
// Anything else (functions, column-to-column comparisons, casts of columns)
// becomes an unknown condition, which keeps every file: the answer stays
// conservative. Throws InvalidArgument naming the text if it does not parse
// as one expression, or names a column not in `schema`.
pruning::Predicate predicate_from_sql(const std::string& sql, const Schema& schema);

}  // namespace neuralake::engine
