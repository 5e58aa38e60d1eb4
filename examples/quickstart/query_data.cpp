// The quickstart (the blueprint's query_data.py): query the part table, then a
// federated join with the function-computed supplier table, an aggregation and
// a window function.
#include <iostream>

#include "my_catalog.h"
#include "neuralake/neuralake.h"

namespace nl = neuralake;

int main() {
  try {
    nl::Catalog catalog = quickstart::make_catalog();
    const auto& tpch = catalog.db("tpch");

    std::cout << "--- Querying 'part' table from " << catalog.options().warehouse << " ---\n\n";
    nl::DataFrame parts = tpch.table("part").sort({"p_partkey"}).collect();
    std::cout << parts << "\n\n";

    std::cout << "--- Federated join: part (Parquet) with supplier (C++ function) on p_partkey = s_suppkey ---\n\n";
    std::cout << tpch.table("part")
                     .join(tpch.table("supplier"), "p_partkey", "s_suppkey")
                     .sort({"p_partkey"})
                     .collect()
              << "\n\n";

    std::cout << "--- Aggregation: parts per brand ---\n\n";
    std::cout << tpch.table("part")
                     .group_by({nl::col("p_brand")})
                     .agg({nl::count_rows().alias("n_parts"), nl::col("p_retailprice").sum().alias("total_price"),
                           nl::col("p_retailprice").mean().alias("avg_price")})
                     .sort({"p_brand"})
                     .collect()
              << "\n\n";

    std::cout << "--- Window: price rank within each brand ---\n\n";
    std::cout << tpch.table("part")
                     .with_column(nl::col("p_retailprice").sum().over({"p_brand"}), "brand_total")
                     .with_column(nl::dense_rank().over({"p_brand"}, {"p_retailprice"}, /*descending=*/true),
                                  "brand_rank")
                     .sort({"p_partkey"})
                     .collect()
              << "\n";
    return 0;
  } catch (const nl::Error& e) {
    std::cerr << "query_data: " << e.what() << "\n";
    return 1;
  }
}
