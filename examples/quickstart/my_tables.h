// The quickstart's table declarations (the blueprint's my_tables.py).
#pragma once

#include "neuralake/table.h"

namespace quickstart {

// TPC-H parts, read from the warehouse's parts.parquet.
neuralake::Table part();
// Suppliers computed in C++: s_suppkey 1..5, s_name Supplier#i,
// s_nationkey i % 3, s_acctbal 100.0 * i.
neuralake::Table supplier();

}  // namespace quickstart
