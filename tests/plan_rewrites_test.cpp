// Plan rewrites (SessionOptions::rewrites): every query gives the same rows
// with the rewrites on as with PlanRewrites::none(), on the edge cases each
// rewrite must survive (NULLs, empty input, type limits, statistics missing
// or wrong), and explain() lists a rewrite exactly where it fired.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "neuralake/neuralake.h"
#include "testing/frame_text.h"
#include "testing/parquet_footer.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

nl::SessionOptions options(nl::PlanRewrites rewrites) {
  nl::SessionOptions o;
  o.threads = 2;
  o.rewrites = rewrites;
  return o;
}

class PlanRewritesTest : public ::testing::Test {
 protected:
  PlanRewritesTest() : on_(options(nl::PlanRewrites{})), off_(options(nl::PlanRewrites::none())) {}

  static void SetUpTestSuite() {
    dir_ = new nl::testing::TempDir();
    nl::Session s(options(nl::PlanRewrites::none()));
    // g: group; a: BIGINT with NULLs and negatives; b: INTEGER; t: TINYINT over
    // its whole range; u: UBIGINT up to its maximum; d: DATE; w: BIGINT from
    // INT64 min to max (too wide for a bitmap); n: NULL in group 'z' only.
    s.execute("COPY (SELECT CASE WHEN i % 5 = 0 THEN 'z' ELSE chr(97 + (i % 3)::INT) END AS g,"
              " CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000) - 500 END::BIGINT AS a,"
              " (i % 777)::INTEGER AS b,"
              " ((i % 256) - 128)::TINYINT AS t,"
              " (18446744073709551615::UBIGINT - (i % 300)::UBIGINT) AS u,"
              " (DATE '1992-01-01' + (i % 2000)::INT) AS d,"
              " CASE WHEN i = 0 THEN -9223372036854775808 WHEN i = 1 THEN 9223372036854775807 ELSE i END::BIGINT AS w,"
              " CASE WHEN i % 5 = 0 THEN NULL ELSE i % 11 END::BIGINT AS n"
              " FROM range(20000) r(i)) TO '" + path("ints.parquet") + "' (FORMAT parquet)");
    s.execute("COPY (SELECT * FROM read_parquet('" + path("ints.parquet") + "') LIMIT 0) TO '" +
              path("empty.parquet") + "' (FORMAT parquet)");
    s.execute("COPY (SELECT * FROM read_parquet('" + path("ints.parquet") + "')) TO '" + path("ints.csv") +
              "' (FORMAT csv)");
    std::filesystem::create_directories(path("two"));
    s.execute("COPY (SELECT * FROM read_parquet('" + path("ints.parquet") + "') WHERE b < 400) TO '" +
              path("two/1.parquet") + "' (FORMAT parquet)");
    s.execute("COPY (SELECT * FROM read_parquet('" + path("ints.parquet") + "') WHERE b >= 400) TO '" +
              path("two/2.parquet") + "' (FORMAT parquet)");
    // Group keys 0..39999 for the aggregate sizing, in one file.
    s.execute("COPY (SELECT i AS k, i % 10 AS v FROM range(40000) r(i)) TO '" + path("keys.parquet") +
              "' (FORMAT parquet)");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string ints() { return "read_parquet('" + path("ints.parquet") + "')"; }

  static std::string rows(nl::Session& s, const std::string& sql) { return nl::testing::all_rows(s, sql); }
  // The query's rows with the rewrites on, checked equal to those without.
  std::string same_rows(const std::string& sql) { return same_rows(sql, on_); }
  std::string same_rows(const std::string& sql, nl::Session& on) {
    std::string with = rows(on, sql);
    EXPECT_EQ(with, rows(off_, sql)) << sql;
    return with;
  }
  int64_t single_int(nl::Session& s, const std::string& sql) {
    auto df = s.sql(sql);
    EXPECT_EQ(df.num_rows(), 1u) << sql;
    return df.column(0).at<int64_t>(0).value_or(-1);
  }

  static nl::testing::TempDir* dir_;
  nl::Session on_;
  nl::Session off_;
};

nl::testing::TempDir* PlanRewritesTest::dir_ = nullptr;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- the aggregate itself ----------------------------------------------------

TEST_F(PlanRewritesTest, BitmapCountMatchesHashedCountInAndOutOfItsBounds) {
  const std::string values = "(VALUES (1), (2), (2), (NULL), (-7), (1000), (1000), (5)) v(x)";
  // Bounds that hold, bounds that miss values on both sides, a single-value range.
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, -7, 1000) FROM " + values), 5);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, 2, 3) FROM " + values), 5);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, 0, 0) FROM " + values), 5);
  // Empty input and all-NULL input count 0, not NULL.
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, 0, 10) FROM " + values + " WHERE x > 5000"), 0);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(NULL::INT, 0, 10)"), 0);
}

TEST_F(PlanRewritesTest, BitmapCountAtTheTypeLimits) {
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, (-128)::TINYINT, 127::TINYINT) FROM"
                            " (SELECT ((i % 256) - 128)::TINYINT AS x FROM range(1000) r(i))"),
            256);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, 9223372036854775707, 9223372036854775807) FROM"
                            " (VALUES (9223372036854775807), (-9223372036854775808), (9223372036854775707), (0)) v(x)"),
            4);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, -9223372036854775808, -9223372036854775800) FROM"
                            " (VALUES (9223372036854775807), (-9223372036854775808), (-9223372036854775800)) v(x)"),
            3);
  EXPECT_EQ(single_int(on_, "SELECT nl_count_distinct_bitmap(x, 18446744073709551515::UBIGINT,"
                            " 18446744073709551615::UBIGINT) FROM (VALUES (18446744073709551615::UBIGINT),"
                            " (0::UBIGINT), (18446744073709551515::UBIGINT), (18446744073709551615::UBIGINT)) v(x)"),
            3);
}

TEST_F(PlanRewritesTest, BitmapCountRefusesBadBounds) {
  try {
    on_.sql("SELECT nl_count_distinct_bitmap(x, 10, 1) FROM (VALUES (1)) v(x)");
    FAIL() << "an empty range was accepted";
  } catch (const nl::Error& e) {
    EXPECT_TRUE(has(e.what(), "nl_count_distinct_bitmap")) << e.what();
  }
  EXPECT_THROW(on_.sql("SELECT nl_count_distinct_bitmap(x, 0, 9223372036854775807) FROM (VALUES (1)) v(x)"),
               nl::Error);
  EXPECT_THROW(on_.sql("SELECT nl_count_distinct_bitmap(x, 0, 10) FROM (VALUES ('a')) v(x)"), nl::Error);
}

// --- count(DISTINCT) rewritten: same rows ------------------------------------

TEST_F(PlanRewritesTest, GroupedCountDistinctOfEveryIntegerType) {
  const std::string sql = "SELECT g, count(DISTINCT a), count(DISTINCT b), count(DISTINCT t), count(DISTINCT u),"
                          " count(DISTINCT d), count(DISTINCT w), count(DISTINCT n), count(*) FROM " +
                          ints() + " GROUP BY g ORDER BY g";
  const std::string out = same_rows(sql);
  EXPECT_TRUE(has(out, "256")) << out;  // the TINYINT column's values in a group that has them all
  const std::string plan = on_.explain(sql);
  for (const char* column : {"a in", "b in", "t in", "u in", "d in", "n in"})
    EXPECT_TRUE(has(plan, column)) << column << "\n" << plan;
  EXPECT_FALSE(has(plan, "w in")) << plan;  // INT64 min..max: too wide, left to DuckDB
}

TEST_F(PlanRewritesTest, UngroupedAndEmptyInput) {
  same_rows("SELECT count(DISTINCT a), count(DISTINCT t) FROM " + ints());
  const std::string empty = "read_parquet('" + path("empty.parquet") + "')";
  EXPECT_EQ(same_rows("SELECT count(DISTINCT a), count(DISTINCT b) FROM " + empty), rows(off_, "SELECT 0::BIGINT AS \"count(DISTINCT a)\", 0::BIGINT AS \"count(DISTINCT b)\""));
  same_rows("SELECT g, count(DISTINCT a) FROM " + empty + " GROUP BY g");
  // A filter that leaves nothing: the scan's bounds still hold.
  same_rows("SELECT count(DISTINCT a) FROM " + ints() + " WHERE b > 100000");
  same_rows("SELECT g, count(DISTINCT a) FROM " + ints() + " WHERE b > 100000 GROUP BY g");
}

TEST_F(PlanRewritesTest, AllNullGroupCountsZero) {
  const std::string out = same_rows("SELECT g, count(DISTINCT n) AS c FROM " + ints() + " GROUP BY g ORDER BY g");
  EXPECT_EQ(single_int(on_, "SELECT count(DISTINCT n) FROM " + ints() + " WHERE g = 'z'"), 0);
}

TEST_F(PlanRewritesTest, FilterClauseAndOrderByAreLeftToDuckDB) {
  const std::string sql = "SELECT g, count(DISTINCT a) FILTER (WHERE b > 100), count(DISTINCT b) FROM " + ints() +
                          " GROUP BY g ORDER BY g";
  same_rows(sql);
  const std::string plan = on_.explain(sql);
  EXPECT_TRUE(has(plan, "count_distinct_bitmap(b in")) << plan;
  EXPECT_FALSE(has(plan, "a in")) << plan;
}

TEST_F(PlanRewritesTest, DistinctOverAJoinAndAProjection) {
  const std::string sql = "SELECT x.g, count(DISTINCT y.b), count(DISTINCT x.a) FROM " + ints() + " x JOIN (SELECT b, g AS h FROM " +
                          ints() + " WHERE t > 0) y ON x.b = y.b AND x.g = y.h GROUP BY x.g ORDER BY x.g";
  same_rows(sql);
  EXPECT_TRUE(has(on_.explain(sql), "count_distinct_bitmap(")) << on_.explain(sql);
}

TEST_F(PlanRewritesTest, MixedWithOtherAggregatesAndExpressions) {
  same_rows("SELECT g, count(DISTINCT a) + 1, sum(b), count(DISTINCT a + 1), count(DISTINCT g), avg(DISTINCT b) FROM " +
            ints() + " GROUP BY g ORDER BY g");
  same_rows("SELECT g, count(DISTINCT a) FROM " + ints() + " GROUP BY ROLLUP (g) ORDER BY g NULLS LAST");
}

TEST_F(PlanRewritesTest, GroupsOfEverySizeAcrossThreads) {
  // 300,000 rows in several row groups: groups of a few values stay in their
  // hash sets, groups of thousands move to the bitmap, and threads combine both.
  const std::string file = path("sizes.parquet");
  off_.execute("COPY (SELECT i % 50 AS g50, i % 20000 AS g20k, ((i * 7919) % 250000)::BIGINT - 1 AS x"
               " FROM range(300000) r(i)) TO '" + file + "' (FORMAT parquet, ROW_GROUP_SIZE 20000)");
  const std::string src = "read_parquet('" + file + "')";
  for (const std::string g : {"g50", "g20k"}) {
    const std::string sql = "SELECT " + g + ", count(DISTINCT x) AS n FROM " + src + " GROUP BY " + g + " ORDER BY " + g;
    same_rows(sql);
    EXPECT_TRUE(has(on_.explain(sql), "count_distinct_bitmap(x in [-1, 249998])")) << on_.explain(sql);
  }
  EXPECT_EQ(single_int(on_, "SELECT count(DISTINCT x) FROM " + src), 250000);
}

// --- where it must not fire --------------------------------------------------

TEST_F(PlanRewritesTest, NoStatisticsNoRewrite) {
  // CSV states no statistics; neither does a Parquet glob of several files.
  for (const std::string& source : {"read_csv('" + path("ints.csv") + "')", "read_parquet('" + path("two/*.parquet") + "')"}) {
    const std::string sql = "SELECT g, count(DISTINCT a), count(DISTINCT b) FROM " + source + " GROUP BY g ORDER BY g";
    same_rows(sql);
    EXPECT_TRUE(has(on_.explain(sql), "Rewrites applied: none")) << source << "\n" << on_.explain(sql);
  }
}

TEST_F(PlanRewritesTest, SwitchedOffNothingFires) {
  const std::string sql = "SELECT g, count(DISTINCT a) FROM " + ints() + " GROUP BY g";
  EXPECT_TRUE(has(on_.explain(sql), "Rewrites applied: count_distinct_bitmap(a in [-500, 499])")) << on_.explain(sql);
  EXPECT_TRUE(has(off_.explain(sql), "Rewrites applied: none")) << off_.explain(sql);
  nl::PlanRewrites only_sizing = nl::PlanRewrites::none();
  only_sizing.aggregate_sizing = true;
  nl::Session s(options(only_sizing));
  EXPECT_TRUE(has(s.explain(sql), "Rewrites applied: none")) << s.explain(sql);
}

// --- statistics that lie -----------------------------------------------------

using nl::testing::patch_footer;

template <class T>
std::string le(T v) {
  return nl::testing::little_endian(v);
}

TEST_F(PlanRewritesTest, WrongStatisticsCostSpeedNotTheCount) {
  // x: 0..999 and two outliers; the footer then says x lies in [100, 200] (y: INTEGER alike).
  const std::string file = path("lying.parquet");
  off_.execute("COPY (SELECT CASE WHEN i = 0 THEN -77777777 WHEN i = 1 THEN 88888888 ELSE i END::BIGINT AS x,"
               " CASE WHEN i = 0 THEN -77777777 WHEN i = 1 THEN 88888888 ELSE i END::INTEGER AS y, i % 3 AS g"
               " FROM range(1000) r(i)) TO '" + file + "' (FORMAT parquet, COMPRESSION uncompressed)");
  patch_footer(file, le<int64_t>(-77777777), le<int64_t>(100));
  patch_footer(file, le<int64_t>(88888888), le<int64_t>(200));
  patch_footer(file, le<int32_t>(-77777777), le<int32_t>(100));
  patch_footer(file, le<int32_t>(88888888), le<int32_t>(200));
  const std::string src = "read_parquet('" + file + "')";
  EXPECT_TRUE(has(on_.explain("SELECT count(DISTINCT x) FROM " + src), "x in [100, 200]"))
      << on_.explain("SELECT count(DISTINCT x) FROM " + src);
  EXPECT_EQ(single_int(on_, "SELECT count(DISTINCT x) FROM " + src), 1000);
  EXPECT_EQ(single_int(on_, "SELECT count(DISTINCT y) FROM " + src), 1000);
  same_rows("SELECT g, count(DISTINCT x), count(DISTINCT y) FROM " + src + " GROUP BY g ORDER BY g");
}

// --- aggregate sizing ----------------------------------------------------------
// With dense_grouping off: it takes the single-key groupings first.

nl::PlanRewrites without_dense_grouping() {
  nl::PlanRewrites r;
  r.dense_grouping = false;
  return r;
}

TEST_F(PlanRewritesTest, AggregateSizingFiresOnAWideIntegerKey) {
  nl::Session on(options(without_dense_grouping()));
  const std::string keys = "read_parquet('" + path("keys.parquet") + "')";
  const std::string sql = "SELECT k, sum(v), count(*) FROM " + keys + " GROUP BY k HAVING sum(v) > 4 ORDER BY k";
  same_rows(sql, on);
  EXPECT_TRUE(has(on.explain(sql), "aggregate_sizing(perfect hash on k, 16 bits)")) << on.explain(sql);
  EXPECT_TRUE(has(on.explain(sql), "PERFECT_HASH_GROUP_BY")) << on.explain(sql);
  EXPECT_FALSE(has(off_.explain(sql), "PERFECT_HASH_GROUP_BY")) << off_.explain(sql);
}

TEST_F(PlanRewritesTest, AggregateSizingOnWrongStatisticsIsExactOrStops) {
  nl::Session on(options(without_dense_grouping()));
  // Keys 0..39998 and one more key; the footer says the keys end at 39999.
  auto lying_keys = [&](const std::string& name, int64_t extra) {
    const std::string file = path(name);
    off_.execute("COPY (SELECT CASE WHEN i = 39999 THEN " + std::to_string(extra) + " ELSE i END::BIGINT AS k,"
                 " i % 10 AS v FROM range(40000) r(i)) TO '" + file + "' (FORMAT parquet)");
    patch_footer(file, le<int64_t>(extra), le<int64_t>(39999));
    return "SELECT k, sum(v), count(*) FROM read_parquet('" + file + "') GROUP BY k ORDER BY k";
  };
  // A key past the stated maximum but inside the table's 2^16 slots has a slot of its own.
  const std::string inside = lying_keys("lying_keys_inside.parquet", 65000);
  EXPECT_TRUE(has(on.explain(inside), "aggregate_sizing(")) << on.explain(inside);
  const std::string out = same_rows(inside, on);
  EXPECT_TRUE(has(out, "65000")) << out;
  // A key beyond the table: DuckDB's own plan already narrows the key to the
  // stated range before grouping (compressed materialization), so the plain
  // plan loses that key too; the rewrite must give the plain plan's rows, or
  // stop with DuckDB's error on corrupt statistics, never other rows.
  const std::string beyond = lying_keys("lying_keys_beyond.parquet", 7777777);
  try {
    const std::string with = rows(on, beyond);
    EXPECT_EQ(with, rows(off_, beyond));
  } catch (const nl::Error& e) {
    EXPECT_TRUE(has(e.what(), "statistics")) << e.what();
  }
}

TEST_F(PlanRewritesTest, AggregateSizingOnADateKey) {
  // A DATE key's statistics are dates: the range comes from their day numbers.
  nl::Session on(options(without_dense_grouping()));
  const std::string file = path("dates.parquet");
  off_.execute("COPY (SELECT DATE '1990-01-01' + (i % 20000)::INTEGER AS d, i % 7 AS v FROM range(60000) r(i)) TO '" +
               file + "' (FORMAT parquet)");
  const std::string sql = "SELECT d, count(*), sum(v) FROM read_parquet('" + file + "') GROUP BY d ORDER BY d";
  same_rows(sql, on);
  EXPECT_TRUE(has(on.explain(sql), "aggregate_sizing(")) << on.explain(sql);
}

TEST_F(PlanRewritesTest, GroupingsOnStringAndFloatKeysWithStatisticsRunUnchanged) {
  // Parquet states min/max for string and floating-point columns too; the
  // grouping rewrites must read only integer statistics and leave these be.
  nl::Session on(options(nl::PlanRewrites{}));
  const std::string file = path("brands.parquet");
  off_.execute("COPY (SELECT 'Brand#' || (i % 25) AS b, (i % 13) * 0.5 AS f, i AS v FROM range(20000) r(i)) TO '" +
               file + "' (FORMAT parquet)");
  const std::string from = " FROM read_parquet('" + file + "') ";
  for (const std::string& sql : {"SELECT b, count(*), sum(v), avg(v)" + from + "GROUP BY b ORDER BY b",
                                 "SELECT f, count(*), max(b)" + from + "GROUP BY f ORDER BY f",
                                 "SELECT b, f, count(*)" + from + "GROUP BY b, f ORDER BY b, f"}) {
    same_rows(sql, on);
    const std::string plan = on.explain(sql);
    EXPECT_FALSE(has(plan, "aggregate_sizing(") || has(plan, "dense_grouping(")) << plan;
  }
}

TEST_F(PlanRewritesTest, AggregateSizingLeavesOtherGroupingsAlone) {
  nl::Session on(options(without_dense_grouping()));
  const std::string keys = "read_parquet('" + path("keys.parquet") + "')";
  // Two keys; a key without statistics; a key too sparse for its rows.
  for (const std::string& sql : {"SELECT k, v, count(*) FROM " + keys + " GROUP BY k, v ORDER BY k, v",
                                 "SELECT a, count(*) FROM read_csv('" + path("ints.csv") + "') GROUP BY a ORDER BY a",
                                 "SELECT k * 1000 AS kk, count(*) FROM " + keys + " GROUP BY kk ORDER BY kk"}) {
    same_rows(sql, on);
    EXPECT_FALSE(has(on.explain(sql), "aggregate_sizing")) << on.explain(sql);
  }
}

}  // namespace
