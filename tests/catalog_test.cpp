// Catalog declarations: Hive partitions and pruning counted at the storage
// adapter, declared schemas checked against files, extra columns, directory
// locations, the {warehouse} root and name errors.
#include <map>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/recording_store.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::TempDir;

namespace {

nl::SessionOptions in(const TempDir& dir) {
  nl::SessionOptions o;
  o.warehouse = dir.str();
  return o;
}

using Dbs = std::vector<std::pair<std::string, nl::Database>>;

// sales/region=<r>/year=<y>/*.parquet: 3 regions x 2 years, 100 rows each.
void write_sales(nl::Session& s, const TempDir& dir) {
  s.execute("COPY (SELECT i AS id, ['eu','us','apac'][i % 3 + 1] AS region, 2023 + (i // 3) % 2 AS year, "
            "i * 1.5 AS amount FROM range(600) t(i)) TO '" + dir.str() +
            "/sales' (FORMAT parquet, PARTITION_BY (region, year))");
}

// Database "shop" with the sales table of write_sales(), partitioned by
// region (string) and year (int64).
nl::Catalog sales_catalog(const TempDir& dir) {
  nl::Session writer(in(dir));
  write_sales(writer, dir);
  auto sales = nl::ParquetTable("sales", "{warehouse}/sales")
                   .partition_columns({{"region", nl::DataType::string()}, {"year", nl::DataType::int64()}});
  return nl::Catalog(Dbs{{"shop", nl::Database({sales})}}, in(dir));
}

TEST(Catalog, HivePartitionPruningNeverOpensOtherPartitions) {
  TempDir dir;
  nl::Catalog c = sales_catalog(dir);
  auto& session = c.session();

  // Bind once (the engine reads one footer for the schema), then count a query.
  EXPECT_EQ(c.db("shop").table("sales").schema().size(), 4u);
  session.reset_io_stats();
  auto all = c.db("shop").table("sales").select({nl::Expr("sum(amount)").alias("s"), nl::count_rows().alias("n")}).collect();
  EXPECT_EQ(*all.column("n").at<int64_t>(0), 600);
  auto full = session.total_io_stats();

  session.reset_io_stats();
  auto eu = c.db("shop")
                .table("sales", {nl::Filter("region", "=", "eu"), nl::Filter("year", "=", 2024)})
                .select({nl::Expr("sum(amount)").alias("s"), nl::count_rows().alias("n")})
                .collect();
  EXPECT_EQ(*eu.column("n").at<int64_t>(0), 100);
  auto pruned = session.total_io_stats();
  EXPECT_GT(full.bytes_read, 0u);
  // One partition of six: far fewer files opened and bytes read.
  EXPECT_LE(pruned.files_opened * 4, full.files_opened) << pruned.files_opened << " vs " << full.files_opened;
  EXPECT_LE(pruned.bytes_read * 4, full.bytes_read) << pruned.bytes_read << " vs " << full.bytes_read;

  // Exactly, with every read recorded: the engine binds the view by reading
  // the first file's footer (its schema), and then reads data only from the
  // eu/2024 partition; no other partition's data is touched.
  auto recorder = std::make_shared<nl::testing::RecordingStore>(nl::make_local_store("/"));
  session.add_store("file://", recorder);
  c.db("shop").table("sales", {nl::Filter("region", "=", "eu"), nl::Filter("year", "=", 2024)}).collect();
  auto reads = recorder->take();
  ASSERT_FALSE(reads.empty());
  size_t other_files = 0;
  for (const auto& [key, bytes] : reads) {
    if (key.find("region=eu/year=2024/") != std::string::npos) continue;
    ++other_files;
    EXPECT_NE(key.find("region=apac/year=2023/"), std::string::npos) << "only the first file is bound: " << key;
    EXPECT_LT(bytes, 4096u) << "a footer, not data: " << key;
  }
  EXPECT_LE(other_files, 1u);

  // The partition column has its declared type.
  auto types = c.db("shop").table("sales").schema();
  for (const auto& f : types) {
    if (f.name == "year") { EXPECT_EQ(f.type, nl::DataType::int64()); }
  }
}

TEST(Catalog, PartitionFiltersListOnlyTheirPrefixes) {
  TempDir dir;
  nl::Catalog c = sales_catalog(dir);
  auto recorder = std::make_shared<nl::testing::RecordingStore>(nl::make_local_store("/"));
  c.session().add_store("file://", recorder);
  c.db("shop").table("sales").schema();  // bind the view once (lists the whole table)
  recorder->take_lists();

  auto eu = c.db("shop").table("sales", {nl::Filter("region", "in", {"eu", "us"}), nl::Filter("year", "=", 2024)});
  auto df = eu.select({nl::count_rows().alias("n")}).collect();
  EXPECT_EQ(*df.column("n").at<int64_t>(0), 200);
  auto listed = recorder->take_lists();
  ASSERT_FALSE(listed.empty());
  for (const auto& prefix : listed) {
    bool allowed = prefix.find("/sales/region=eu/year=2024") != std::string::npos ||
                   prefix.find("/sales/region=us/year=2024") != std::string::npos;
    EXPECT_TRUE(allowed) << "listed outside the filtered partitions: " << prefix;
  }
  // A partition value that does not exist gives no rows (and no error).
  auto none = c.db("shop").table("sales", {nl::Filter("region", "=", "mars")}).collect();
  EXPECT_EQ(none.num_rows(), 0u);
  // A filter on a non-leading partition column alone cannot narrow the prefix; it is still right.
  auto y = c.db("shop").table("sales", {nl::Filter("year", "=", 2023)}).collect();
  EXPECT_EQ(y.num_rows(), 300u);
}

TEST(Catalog, DeclaredSchemaMismatchNamesTableColumnAndFile) {
  TempDir dir;
  nl::Session writer(in(dir));
  writer.execute("COPY (SELECT 1::INTEGER AS a, 'x' AS b) TO 'file://" + dir.str() + "/t/f1.parquet' (FORMAT parquet)");
  auto wrong_type = nl::ParquetTable("t", "{warehouse}/t/*.parquet")
                        .schema({{"a", nl::DataType::int64()}, {"b", nl::DataType::string()}});
  auto missing = nl::ParquetTable("m", "{warehouse}/t/*.parquet")
                     .schema({{"a", nl::DataType::int32()}, {"zzz", nl::DataType::string()}});
  nl::Catalog c(Dbs{{"d", nl::Database({wrong_type, missing})}}, in(dir));
  EXPECT_NL_ERROR(c.db("d").table("t").collect(), InvalidArgument, "d.t");
  EXPECT_NL_ERROR(c.db("d").table("t").collect(), InvalidArgument, "'a'");
  EXPECT_NL_ERROR(c.db("d").table("t").collect(), InvalidArgument, "f1.parquet");
  EXPECT_NL_ERROR(c.db("d").table("m").collect(), InvalidArgument, "zzz");
}

TEST(Catalog, ExtraColumnsAreComputed) {
  TempDir dir;
  nl::Session writer(in(dir));
  writer.execute("COPY (SELECT 2.0 AS price, 3 AS qty) TO '" + dir.str() + "/o.parquet' (FORMAT parquet)");
  auto orders = nl::ParquetTable("orders", "{warehouse}/o.parquet").extra_column("total", "price * qty");
  nl::Catalog c(Dbs{{"d", nl::Database({orders})}}, in(dir));
  auto df = c.db("d").table("orders", {nl::Filter("total", ">", 5)}).collect();
  ASSERT_EQ(df.num_rows(), 1u);
  EXPECT_EQ(df.column_names(), (std::vector<std::string>{"price", "qty", "total"}));
}

TEST(Catalog, DirectoryLocationsReadEveryFileBelow) {
  TempDir dir;
  nl::Session writer(in(dir));
  writer.execute("COPY (SELECT 1 AS x) TO 'file://" + dir.str() + "/logs/a/1.json' (FORMAT json)");
  writer.execute("COPY (SELECT 2 AS x) TO 'file://" + dir.str() + "/logs/b/2.json' (FORMAT json)");
  writer.execute("COPY (SELECT 3 AS x) TO 'file://" + dir.str() + "/csv/1.csv' (FORMAT csv, HEADER)");
  writer.execute("COPY (SELECT 4 AS x) TO 'file://" + dir.str() + "/csv/2.csv' (FORMAT csv, HEADER)");
  nl::Catalog c(Dbs{{"d", nl::Database({nl::JsonTable("logs", "{warehouse}/logs"),
                                        nl::CsvTable("c", "{warehouse}/csv/")})}},
                in(dir));
  auto logs = c.sql("SELECT sum(x)::BIGINT AS s FROM d.logs").collect();
  EXPECT_EQ(*logs.column("s").at<int64_t>(0), 3);
  auto csv = c.sql("SELECT sum(x)::BIGINT AS s FROM d.c").collect();
  EXPECT_EQ(*csv.column("s").at<int64_t>(0), 7);
}

TEST(Catalog, MissingFilesAndBadDeclarations) {
  TempDir dir;
  nl::Catalog c(Dbs{{"d", nl::Database({nl::ParquetTable("gone", "{warehouse}/nothing-here.parquet")})}}, in(dir));
  EXPECT_NL_ERROR(c.db("d").table("gone").collect(), NotFound, "nothing-here.parquet");
  EXPECT_NL_ERROR(nl::Database({nl::ParquetTable("a", "x"), nl::ParquetTable("a", "y")}), InvalidArgument, "'a'");
  EXPECT_NL_ERROR(nl::ParquetTable("bad.name", "x"), InvalidArgument, "bad.name");
  EXPECT_NL_ERROR(nl::Catalog(Dbs{{"x", nl::Database({})}, {"x", nl::Database({})}}), InvalidArgument, "'x'");
  EXPECT_NL_ERROR(c.table("nodot"), InvalidArgument, "nodot");
  EXPECT_NL_ERROR(nl::Filter("a", "lookslike", 1), InvalidArgument, "lookslike");
}

TEST(Catalog, OneTableWithoutDataDoesNotBreakTheOthers) {
  TempDir dir;
  auto numbers = nl::FunctionTable("numbers", [](const nl::ScanRequest&) {
    return nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{1, 2, 3})});
  });
  nl::Catalog c(Dbs{{"d", nl::Database({nl::ParquetTable("later", "{warehouse}/later.parquet"), numbers})}}, in(dir));
  EXPECT_EQ(c.db("d").table("numbers").collect().num_rows(), 3u);
  EXPECT_NL_ERROR(c.db("d").table("later").collect(), NotFound, "later.parquet");
  // Once the data appears, the same session reads it.
  c.session().execute("COPY (SELECT 7 AS x) TO 'file://" + dir.str() + "/later.parquet' (FORMAT parquet)");
  auto df = c.sql("SELECT x FROM d.later").collect();
  EXPECT_EQ(*df.column("x").at<int32_t>(0), 7);
}

TEST(Catalog, ConcurrentQueriesShareOneCatalog) {
  TempDir dir;
  nl::Session writer(in(dir));
  write_sales(writer, dir);
  nl::Catalog c(Dbs{{"shop", nl::Database({nl::ParquetTable("sales", "{warehouse}/sales").hive_partitioning()})}},
                in(dir));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto df = c.db("shop").table("sales", {nl::Filter("id", "<", 10 * (t + 1))}).collect();
        if (df.num_rows() == static_cast<size_t>(10 * (t + 1))) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 20);
}

}  // namespace
