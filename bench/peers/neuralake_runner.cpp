// neuralake in the peer benchmark: the data declared as a catalog through the
// public API (four Parquet tables and lineitem partitioned by ship year, Hive
// style), every query run with Session::sql() and collected into a DataFrame.
//
//   neuralake_peers_neuralake --data DIR --queries queries.sql [--threads 2]
//                             [--rewrites on|off] [--once QID [--check]]
//
// The query texts name the tables unqualified (lineitem); views in the main
// schema over the catalog's tables (peers.lineitem) make them resolve, created
// once at start, untimed. --rewrites off runs the plan DuckDB would run
// (PlanRewrites::none()).
#include <iostream>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "neuralake/neuralake.h"
#include "runner_protocol.h"

namespace nl = neuralake;

namespace {

nl::Catalog peer_catalog(const nl::SessionOptions& options) {
  nl::Database peers({
      nl::ParquetTable("lineitem", "{warehouse}/lineitem.parquet").describe("Order lines, ~6M rows per scale factor"),
      nl::ParquetTable("orders", "{warehouse}/orders.parquet").describe("Orders, 1.5M rows per scale factor"),
      nl::ParquetTable("part", "{warehouse}/part.parquet").describe("Parts, 200k rows per scale factor"),
      nl::ParquetTable("supplier", "{warehouse}/supplier.parquet").describe("Suppliers, 10k rows per scale factor"),
      nl::ParquetTable("lineitem_hive", "{warehouse}/lineitem_hive")
          .partition_columns({{"l_shipyear", nl::DataType::int64()}})
          .describe("lineitem partitioned by year(l_shipdate), one l_shipyear=YYYY directory per year"),
  });
  return nl::Catalog({{"peers", std::move(peers)}}, options);
}

double numeric_value(const nl::Value& v) {
  return std::visit(
      [&](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) return x ? 1.0 : 0.0;
        else if constexpr (std::is_arithmetic_v<T>) return static_cast<double>(x);
        else return std::stod(v.to_string());  // 128-bit integers, decimals
      },
      v.storage());
}

std::vector<peers::ColumnSum> checksum(const nl::DataFrame& df) {
  std::vector<peers::ColumnSum> cols;
  for (const nl::Series& s : df.columns()) {
    peers::ColumnSum sum;
    sum.name = s.name();
    const nl::TypeId type = s.type().id();
    if (type == nl::TypeId::String) sum.kind = "str";
    if (type == nl::TypeId::Date) sum.kind = "date";
    std::visit(
        [&](const auto& values) {
          using C = std::decay_t<decltype(values)>;
          for (size_t r = 0; r < values.size(); ++r) {
            if (s.is_null(r)) {
              ++sum.nulls;
              continue;
            }
            if constexpr (std::is_same_v<C, nl::StringColumn>) {
              sum.add(r, static_cast<double>(peers::fnv1a(values[r])));
            } else if constexpr (std::is_same_v<C, std::vector<nl::Value>>) {
              sum.add(r, numeric_value(values[r]));
            } else {
              sum.add(r, static_cast<double>(values[r]));  // dates are days, booleans 0/1
            }
          }
        },
        s.storage());
    cols.push_back(std::move(sum));
  }
  return cols;
}

}  // namespace

int main(int argc, char** argv) {
  const peers::RunnerOptions options = peers::parse_options(argc, argv, {"--rewrites"});
  const std::string rewrites = options.extra.count("--rewrites") ? options.extra.at("--rewrites") : "on";
  if (rewrites != "on" && rewrites != "off") {
    std::cerr << "--rewrites takes on or off, got '" << rewrites << "'\n";
    return 2;
  }
  try {
    nl::SessionOptions so;
    so.warehouse = options.data;
    so.threads = options.threads;
    so.rewrites = rewrites == "on" ? nl::PlanRewrites{} : nl::PlanRewrites::none();
    nl::Catalog catalog = peer_catalog(so);
    nl::Session session(catalog, so);
    for (const std::string& t : catalog.db("peers").table_names())
      session.execute("CREATE VIEW " + t + " AS SELECT * FROM peers." + t);

    peers::Engine engine;
    engine.name = rewrites == "on" ? "neuralake" : "neuralake (no rewrites)";
    engine.version = "on DuckDB " + session.sql("SELECT version() AS v").column(0).at<std::string>(0).value_or("?");
    engine.run = [&](const std::string& sql) {
      auto df = std::make_shared<nl::DataFrame>(session.sql(sql));
      peers::Answer a;
      a.rows = df->num_rows();
      a.checksum = [df] { return checksum(*df); };
      return a;
    };
    engine.ping = [&] { session.sql("SELECT 42"); };
    return peers::serve(options, engine);
  } catch (const std::exception& e) {
    std::cerr << "neuralake_peers_neuralake: " << e.what() << "\n";
    return 1;
  }
}
