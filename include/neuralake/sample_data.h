// The quickstart's sample data (the TPC-H-like generator is in generate.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "neuralake/session.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// Writes the quickstart's files into the session's warehouse, replacing them:
// parts.parquet (p_partkey 1..5, p_name Part#i, p_brand Brand#1,2,3,1,2,
// p_retailprice 10.0..50.0). Returns the URIs written. Throws IOError naming
// the path if the warehouse cannot be written.
std::vector<std::string> write_sample_data(Session& session);

}  // namespace neuralake
#pragma GCC visibility pop
