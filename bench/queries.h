// The benchmark's fixed query set: each query once through the catalog and
// lazy-frame API, and once as the raw SQL a DuckDB user would write.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "neuralake/catalog.h"

namespace bench {

// Where the generated data lives: flat tables under `root`, the ship-year
// partitioned lineitem under `root`/partitioned/lineitem.
struct DataLayout {
  std::string root;
  std::string flat(const std::string& table) const { return root + "/" + table; }
  std::string partitioned_lineitem() const { return root + "/partitioned/lineitem"; }
};

struct Query {
  std::string name;
  std::string what;
  // Builds the query on the catalog's "tpch" database (building is timed:
  // it binds the plan).
  std::function<neuralake::LazyFrame(const neuralake::Catalog&)> ours;
  // Plain DuckDB SQL over the same files.
  std::function<std::string(const DataLayout&)> raw;
};

const std::vector<Query>& queries();
// Throws std::invalid_argument naming the query if `name` is not one.
const Query& find_query(const std::string& name);

// The catalog the "ours" side queries: tpch.{lineitem, orders, part,
// supplier, lineitem_by_year}.
neuralake::Catalog make_catalog(const DataLayout& layout, int threads, bool rewrites = true);

}  // namespace bench
