// The quickstart's tables: one Parquet file and one table computed by a function.
#include "my_tables.h"

#include "neuralake/data_frame.h"

namespace nl = neuralake;

namespace quickstart {

nl::Table part() {
  return nl::ParquetTable("part", "{warehouse}/parts.parquet")
      .describe("Parts from the TPC-H benchmark")
      .data_input("Part master data, written by `neuralake sample-data`")
      .latency_info("Static sample data")
      .unique_columns({"p_partkey"})
      .docs_filters({nl::Filter("p_brand", "=", "Brand#1")})
      .owner("data-platform")
      .tags({"tpch", "sample"});
}

nl::Table supplier() {
  nl::Schema schema = {{"s_suppkey", nl::DataType::int64()},
                       {"s_name", nl::DataType::string()},
                       {"s_nationkey", nl::DataType::int64()},
                       {"s_acctbal", nl::DataType::float64()}};
  return nl::FunctionTable("supplier", schema,
                           [](const nl::ScanRequest&) {
                             std::vector<int64_t> key, nation;
                             std::vector<std::string> name;
                             std::vector<double> balance;
                             for (int64_t i = 1; i <= 5; ++i) {
                               key.push_back(i);
                               name.push_back("Supplier#" + std::to_string(i));
                               nation.push_back(i % 3);
                               balance.push_back(100.0 * static_cast<double>(i));
                             }
                             return nl::make_batch_reader(nl::DataFrame::from_columns({
                                 nl::Series("s_suppkey", std::move(key)),
                                 nl::Series("s_name", std::move(name)),
                                 nl::Series("s_nationkey", std::move(nation)),
                                 nl::Series("s_acctbal", std::move(balance)),
                             }));
                           })
      .describe("Suppliers, computed by a C++ function")
      .data_input("Generated in code")
      .unique_columns({"s_suppkey"});
}

}  // namespace quickstart
