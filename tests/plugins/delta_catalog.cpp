// A catalog plugin with Delta tables under {warehouse} (plain, partitioned,
// with deletion vectors) and one Parquet table, for the Delta CLI commands.
#include "neuralake/neuralake.h"
#include "neuralake/plugin.h"

namespace nl = neuralake;

namespace {

nl::Catalog make_catalog() {
  auto events = nl::DeltaTable("events", "{warehouse}/events").describe("Events kept as a Delta table");
  auto parts = nl::DeltaTable("parts", "{warehouse}/parts");
  auto deleted = nl::DeltaTable("deleted", "{warehouse}/deleted");
  auto flat = nl::ParquetTable("flat", "{warehouse}/flat.parquet");
  return nl::Catalog({{"lake", nl::Database({events, parts, deleted, flat})}});
}

}  // namespace

NEURALAKE_CATALOG_PLUGIN(make_catalog)
