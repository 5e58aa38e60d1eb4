// The TPC-H-like generator: sizes, schema, key ranges, determinism by seed,
// the ship-year partitioned layout, replacement of old output and bad options.
#include "neuralake/generate.h"

#include <algorithm>

#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::TempDir;

namespace {

nl::GenerateOptions small(const std::string& dir, uint64_t rows = 1000, uint64_t seed = 7) {
  nl::GenerateOptions o;
  o.rows = rows;
  o.seed = seed;
  o.out_dir = dir;
  o.rows_per_file = 300;
  o.progress = false;
  return o;
}

int64_t scalar(nl::Session& s, const std::string& sql) {
  nl::DataFrame df = s.sql(sql);
  EXPECT_EQ(df.num_rows(), 1u) << sql;
  auto v = df.column(0).at<int64_t>(0);
  EXPECT_TRUE(v.has_value()) << sql;
  return v.value_or(-1);
}

std::string scan(const TempDir& dir, const std::string& table) {
  return "read_parquet('" + dir.str() + "/" + table + "/*.parquet')";
}

const nl::GeneratedTable& find(const std::vector<nl::GeneratedTable>& tables, const std::string& name) {
  auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.name == name; });
  if (it == tables.end()) throw std::runtime_error("no table " + name);
  return *it;
}

}  // namespace

TEST(Generate, WritesFourTablesScaledLikeTpch) {
  TempDir dir;
  auto tables = nl::generate_tpch(small(dir.str()));
  ASSERT_EQ(tables.size(), 4u);
  EXPECT_EQ(find(tables, "lineitem").rows, 1000u);
  EXPECT_EQ(find(tables, "orders").rows, 250u);
  EXPECT_EQ(find(tables, "part").rows, 33u);     // 1000 / 30
  EXPECT_EQ(find(tables, "supplier").rows, 5u);  // at least five
  // 1000 rows at 300 per file: four files, named in order.
  const auto& files = find(tables, "lineitem").files;
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0], dir.str() + "/lineitem/part-00000.parquet");
  EXPECT_EQ(files[3], dir.str() + "/lineitem/part-00003.parquet");
  for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(f)) << f;

  nl::Session s;
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "lineitem")), 1000);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "orders")), 250);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "part")), 33);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "supplier")), 5);
  // No partial directories are left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_NE(e.path().filename().string().front(), '.') << e.path();
}

TEST(Generate, ColumnsHaveTpchNamesAndTypes) {
  TempDir dir;
  nl::generate_tpch(small(dir.str()));
  nl::Session s;
  nl::Schema li = s.describe("SELECT * FROM " + scan(dir, "lineitem"));
  std::vector<std::string> names;
  for (const auto& f : li) names.push_back(f.name + ":" + f.type.sql_name());
  std::vector<std::string> want = {
      "l_orderkey:BIGINT",      "l_partkey:BIGINT",      "l_suppkey:BIGINT",     "l_linenumber:INTEGER",
      "l_quantity:DOUBLE",      "l_extendedprice:DOUBLE", "l_discount:DOUBLE",   "l_tax:DOUBLE",
      "l_returnflag:VARCHAR",   "l_linestatus:VARCHAR",  "l_shipdate:DATE",      "l_commitdate:DATE",
      "l_receiptdate:DATE",     "l_shipinstruct:VARCHAR", "l_shipmode:VARCHAR",  "l_comment:VARCHAR"};
  EXPECT_EQ(names, want);
  auto columns = [&](const std::string& table) {
    std::vector<std::string> out;
    for (const auto& f : s.describe("SELECT * FROM " + scan(dir, table))) out.push_back(f.name);
    return out;
  };
  EXPECT_EQ(columns("orders"), (std::vector<std::string>{"o_orderkey", "o_custkey", "o_orderstatus", "o_totalprice",
                                                         "o_orderdate", "o_orderpriority", "o_clerk",
                                                         "o_shippriority", "o_comment"}));
  EXPECT_EQ(columns("part"), (std::vector<std::string>{"p_partkey", "p_name", "p_mfgr", "p_brand", "p_type", "p_size",
                                                       "p_container", "p_retailprice", "p_comment"}));
  EXPECT_EQ(columns("supplier"), (std::vector<std::string>{"s_suppkey", "s_name", "s_address", "s_nationkey",
                                                           "s_phone", "s_acctbal", "s_comment"}));
}

TEST(Generate, KeysAndValuesStayInRange) {
  TempDir dir;
  nl::generate_tpch(small(dir.str(), 3000));
  nl::Session s;
  const std::string li = scan(dir, "lineitem");
  // Primary keys are dense and unique.
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT p_partkey) FROM " + scan(dir, "part")), 100);
  EXPECT_EQ(scalar(s, "SELECT min(p_partkey) + max(p_partkey) FROM " + scan(dir, "part")), 101);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT o_orderkey) FROM " + scan(dir, "orders")), 750);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT (l_orderkey, l_linenumber)) FROM " + li), 3000);
  // Every foreign key finds its row.
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li + " ANTI JOIN " + scan(dir, "part") + " ON l_partkey = p_partkey"), 0);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li + " ANTI JOIN " + scan(dir, "supplier") + " ON l_suppkey = s_suppkey"), 0);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li + " ANTI JOIN " + scan(dir, "orders") + " ON l_orderkey = o_orderkey"), 0);
  // Values look like TPC-H's.
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li +
                          " WHERE l_quantity NOT BETWEEN 1 AND 50 OR l_discount NOT BETWEEN 0 AND 0.10"
                          " OR l_tax NOT BETWEEN 0 AND 0.08 OR l_linenumber NOT BETWEEN 1 AND 4"
                          " OR l_receiptdate <= l_shipdate OR l_extendedprice <= 0"),
            0);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li + " JOIN " + scan(dir, "orders") +
                          " ON l_orderkey = o_orderkey WHERE l_shipdate <= o_orderdate"),
            0);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT l_returnflag) FROM " + li), 3);
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT l_shipmode) FROM " + li), 7);
  EXPECT_EQ(scalar(s, "SELECT min(year(l_shipdate)) FROM " + li), 1992);
  EXPECT_EQ(scalar(s, "SELECT max(year(l_shipdate)) FROM " + li), 1998);
  // Prices follow the part's retail price.
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + li + " JOIN " + scan(dir, "part") +
                          " ON l_partkey = p_partkey WHERE abs(l_extendedprice - l_quantity * p_retailprice) > 0.01"),
            0);
}

TEST(Generate, SameSeedGivesIdenticalFilesOtherSeedDiffers) {
  TempDir a, b, c;
  auto ta = nl::generate_tpch(small(a.str(), 2000, 11));
  auto tb = nl::generate_tpch(small(b.str(), 2000, 11));
  auto tc = nl::generate_tpch(small(c.str(), 2000, 12));
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t t = 0; t < ta.size(); ++t) {
    ASSERT_EQ(ta[t].files.size(), tb[t].files.size());
    for (size_t f = 0; f < ta[t].files.size(); ++f) {
      EXPECT_EQ(nl::testing::read_file(ta[t].files[f]), nl::testing::read_file(tb[t].files[f])) << ta[t].files[f];
      EXPECT_NE(nl::testing::read_file(ta[t].files[f]), nl::testing::read_file(tc[t].files[f])) << tc[t].files[f];
    }
  }
}

TEST(Generate, OutputDoesNotDependOnThreads) {
  TempDir a, b;
  auto o1 = small(a.str(), 5000);
  o1.rows_per_file = 5000;
  o1.threads = 1;
  auto o4 = o1;
  o4.out_dir = b.str();
  o4.threads = 4;
  nl::generate_tpch(o1);
  nl::generate_tpch(o4);
  EXPECT_EQ(nl::testing::read_file(a.path() / "lineitem/part-00000.parquet"),
            nl::testing::read_file(b.path() / "lineitem/part-00000.parquet"));
}

TEST(Generate, PartitionedLineitemHasOneDirectoryPerShipYear) {
  TempDir dir, flat;
  auto o = small(dir.str(), 2000);
  o.partitioned = true;
  o.tables = {"lineitem"};
  auto tables = nl::generate_tpch(o);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].rows, 2000u);
  std::vector<std::string> dirs;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "lineitem")) {
    EXPECT_TRUE(e.is_directory()) << e.path();
    dirs.push_back(e.path().filename().string());
  }
  std::sort(dirs.begin(), dirs.end());
  EXPECT_EQ(dirs, (std::vector<std::string>{"l_shipyear=1992", "l_shipyear=1993", "l_shipyear=1994",
                                            "l_shipyear=1995", "l_shipyear=1996", "l_shipyear=1997",
                                            "l_shipyear=1998"}));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "orders"));

  nl::Session s;
  const std::string hive = "read_parquet('" + dir.str() + "/lineitem/*/*.parquet', hive_partitioning = true)";
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + hive), 2000);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + hive + " WHERE l_shipyear <> year(l_shipdate)"), 0);
  // The same rows as the flat layout for the same seed.
  auto f = small(flat.str(), 2000);
  f.tables = {"lineitem"};
  nl::generate_tpch(f);
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM (SELECT * EXCLUDE (l_shipyear) FROM " + hive + " EXCEPT ALL SELECT * FROM " +
                          scan(flat, "lineitem") + ")"),
            0);
}

TEST(Generate, ReplacesEarlierOutput) {
  TempDir dir;
  nl::generate_tpch(small(dir.str(), 3000));
  auto o = small(dir.str(), 200);
  o.tables = {"lineitem"};
  nl::generate_tpch(o);
  nl::Session s;
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "lineitem")), 200);
  // Tables not asked for are left alone.
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM " + scan(dir, "orders")), 750);
}

TEST(Generate, BadOptionsAreClearErrors) {
  TempDir dir;
  EXPECT_NL_ERROR(nl::generate_tpch(small(dir.str(), 0)), InvalidArgument, "rows");
  auto o = small(dir.str());
  o.rows_per_file = 0;
  EXPECT_NL_ERROR(nl::generate_tpch(o), InvalidArgument, "rows_per_file");
  o = small(dir.str());
  o.tables = {"lineitems"};
  EXPECT_NL_ERROR(nl::generate_tpch(o), InvalidArgument, "lineitems");
  o = small(dir.str());
  o.threads = -1;
  EXPECT_NL_ERROR(nl::generate_tpch(o), InvalidArgument, "threads");
  o = small("s3://bucket/tpch");
  EXPECT_NL_ERROR(nl::generate_tpch(o), NotSupported, "s3://bucket/tpch");
}

TEST(Generate, UnwritableDirectoryIsIoErrorNamingIt) {
  TempDir dir;
  // A path below a regular file cannot be created, even by root.
  nl::testing::write_file(dir.path() / "file", "x");
  const std::string bad = (dir.path() / "file" / "tpch").string();
  EXPECT_NL_ERROR(nl::generate_tpch(small(bad)), IOError, bad);
}
