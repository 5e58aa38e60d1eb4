// The benchmark queries, TPC-H flavoured: Q1-like scan+aggregate, a selective
// filter, a join, a group-by, a window, a partition-pruned scan, a top-N, and
// the whole of lineitem collected (the heaviest result).
#include "queries.h"

#include <stdexcept>

#include "neuralake/neuralake.h"

namespace nl = neuralake;

namespace bench {

namespace {

std::string parquet(const std::string& dir) { return "read_parquet('" + dir + "/*.parquet')"; }

const nl::Database& tpch(const nl::Catalog& c) { return c.db("tpch"); }

std::vector<Query> make_queries() {
  std::vector<Query> q;
  q.push_back({"q1_pricing", "TPC-H Q1: scan, filter on ship date, 8 aggregates by flag/status",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem")
                     .filter(nl::Expr("l_shipdate <= DATE '1998-09-02'"))
                     .group_by({nl::col("l_returnflag"), nl::col("l_linestatus")})
                     .agg({nl::col("l_quantity").sum().alias("sum_qty"),
                           nl::col("l_extendedprice").sum().alias("sum_base_price"),
                           nl::Expr("l_extendedprice * (1 - l_discount)").sum().alias("sum_disc_price"),
                           nl::Expr("l_extendedprice * (1 - l_discount) * (1 + l_tax)").sum().alias("sum_charge"),
                           nl::col("l_quantity").mean().alias("avg_qty"),
                           nl::col("l_extendedprice").mean().alias("avg_price"),
                           nl::col("l_discount").mean().alias("avg_disc"), nl::count_rows().alias("count_order")})
                     .sort({"l_returnflag", "l_linestatus"});
               },
               [](const DataLayout& d) {
                 return "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
                        "sum(l_extendedprice) AS sum_base_price, "
                        "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
                        "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
                        "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, "
                        "avg(l_discount) AS avg_disc, count(*) AS count_order FROM " +
                        parquet(d.flat("lineitem")) +
                        " WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus "
                        "ORDER BY l_returnflag, l_linestatus";
               }});
  q.push_back({"selective_filter", "one part's lines (~30 rows of N), four columns",
               [](const nl::Catalog& c) {
                 return tpch(c).table("lineitem", {nl::Filter("l_partkey", "=", 4242)},
                                      {"l_orderkey", "l_partkey", "l_quantity", "l_extendedprice"});
               },
               [](const DataLayout& d) {
                 return "SELECT l_orderkey, l_partkey, l_quantity, l_extendedprice FROM " +
                        parquet(d.flat("lineitem")) + " WHERE l_partkey = 4242";
               }});
  q.push_back({"join_orders", "lineitem JOIN orders for one order year, revenue by priority",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem")
                     .join(tpch(c).table("orders"), "l_orderkey", "o_orderkey")
                     .filter(nl::Expr("o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1996-01-01'"))
                     .group_by({nl::col("o_orderpriority")})
                     .agg({nl::count_rows().alias("lines"),
                           nl::Expr("l_extendedprice * (1 - l_discount)").sum().alias("revenue")})
                     .sort({"o_orderpriority"});
               },
               [](const DataLayout& d) {
                 return "SELECT o_orderpriority, count(*) AS lines, "
                        "sum(l_extendedprice * (1 - l_discount)) AS revenue FROM " +
                        parquet(d.flat("lineitem")) + " JOIN " + parquet(d.flat("orders")) +
                        " ON l_orderkey = o_orderkey WHERE o_orderdate >= DATE '1995-01-01' "
                        "AND o_orderdate < DATE '1996-01-01' GROUP BY o_orderpriority ORDER BY o_orderpriority";
               }});
  q.push_back({"group_by", "revenue and line count per supplier (N/600 groups)",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem")
                     .group_by({nl::col("l_suppkey")})
                     .agg({nl::col("l_extendedprice").sum().alias("total"), nl::count_rows().alias("lines")})
                     .sort({"l_suppkey"});
               },
               [](const DataLayout& d) {
                 return "SELECT l_suppkey, sum(l_extendedprice) AS total, count(*) AS lines FROM " +
                        parquet(d.flat("lineitem")) + " GROUP BY l_suppkey ORDER BY l_suppkey";
               }});
  q.push_back({"window", "rank lines by price within each supplier, keep the top 3",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem", {}, {"l_suppkey", "l_orderkey", "l_linenumber", "l_extendedprice"})
                     .with_column(nl::rank().over({"l_suppkey"}, {"l_extendedprice"}, /*descending=*/true), "r")
                     .filter(nl::col("r") <= nl::lit(3));
               },
               [](const DataLayout& d) {
                 return "SELECT * FROM (SELECT l_suppkey, l_orderkey, l_linenumber, l_extendedprice, "
                        "rank() OVER (PARTITION BY l_suppkey ORDER BY l_extendedprice DESC) AS r FROM " +
                        parquet(d.flat("lineitem")) + ") WHERE r <= 3";
               }});
  q.push_back({"partition_pruned", "ship year 1995 only (1 of 7 hive partitions), revenue by ship mode",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem_by_year", {nl::Filter("l_shipyear", "=", 1995)})
                     .group_by({nl::col("l_shipmode")})
                     .agg({nl::Expr("l_extendedprice * (1 - l_discount)").sum().alias("revenue"),
                           nl::count_rows().alias("lines")})
                     .sort({"l_shipmode"});
               },
               [](const DataLayout& d) {
                 return "SELECT l_shipmode, sum(l_extendedprice * (1 - l_discount)) AS revenue, count(*) AS lines "
                        "FROM read_parquet('" +
                        d.partitioned_lineitem() +
                        "/*/*.parquet', hive_partitioning = true, hive_types = {'l_shipyear': 'INTEGER'}) "
                        "WHERE l_shipyear = 1995 GROUP BY l_shipmode ORDER BY l_shipmode";
               }});
  q.push_back({"top_n", "the 100 most expensive lines",
               [](const nl::Catalog& c) {
                 return tpch(c)
                     .table("lineitem", {}, {"l_orderkey", "l_linenumber", "l_extendedprice", "l_shipdate"})
                     .sort({nl::SortKey(nl::col("l_extendedprice"), true), nl::SortKey("l_orderkey"),
                            nl::SortKey("l_linenumber")})
                     .limit(100);
               },
               [](const DataLayout& d) {
                 return "SELECT l_orderkey, l_linenumber, l_extendedprice, l_shipdate FROM " +
                        parquet(d.flat("lineitem")) +
                        " ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber LIMIT 100";
               }});
  q.push_back({"whole_table", "every line, all 16 columns (5 of them strings) collected: the heavy result",
               [](const nl::Catalog& c) { return tpch(c).table("lineitem"); },
               [](const DataLayout& d) { return "SELECT * FROM " + parquet(d.flat("lineitem")); }});
  return q;
}

}  // namespace

const std::vector<Query>& queries() {
  static const std::vector<Query> all = make_queries();
  return all;
}

const Query& find_query(const std::string& name) {
  for (const auto& q : queries())
    if (q.name == name) return q;
  throw std::invalid_argument("unknown query '" + name + "'");
}

nl::Catalog make_catalog(const DataLayout& layout, int threads, bool rewrites) {
  nl::SessionOptions options;
  options.rewrites = rewrites ? nl::PlanRewrites{} : nl::PlanRewrites::none();
  options.warehouse = layout.root;
  options.threads = threads;
  nl::Database tpch({
      nl::ParquetTable("lineitem", "{warehouse}/lineitem/"),
      nl::ParquetTable("orders", "{warehouse}/orders/"),
      nl::ParquetTable("part", "{warehouse}/part/"),
      nl::ParquetTable("supplier", "{warehouse}/supplier/"),
      nl::ParquetTable("lineitem_by_year", "{warehouse}/partitioned/lineitem/")
          .partition_columns({{"l_shipyear", nl::DataType::int32()}}),
  });
  return nl::Catalog({{"tpch", tpch}}, options);
}

}  // namespace bench
