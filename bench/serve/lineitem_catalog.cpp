// The catalog the API server benchmark serves: tpch.lineitem from the
// benchmark's generated Parquet files (the folder in NEURALAKE_BENCH_LINEITEM).
#include <cstdlib>

#include "neuralake/neuralake.h"
#include "neuralake/plugin.h"

namespace {

neuralake::Catalog make_catalog() {
  const char* dir = std::getenv("NEURALAKE_BENCH_LINEITEM");
  if (!dir || !*dir)
    throw neuralake::Error(neuralake::ErrorCode::InvalidArgument, "NEURALAKE_BENCH_LINEITEM",
                           "set NEURALAKE_BENCH_LINEITEM to the lineitem Parquet folder");
  auto lineitem = neuralake::ParquetTable("lineitem", std::string(dir) + "/").describe("TPC-H-like line items");
  return neuralake::Catalog({{"tpch", neuralake::Database({lineitem})}}).named("bench");
}

}  // namespace

NEURALAKE_CATALOG_PLUGIN(make_catalog)
