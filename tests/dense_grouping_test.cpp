// The dense_grouping rewrite: a GROUP BY on one integer-like key with a
// bounded range runs in key-indexed blocks (NL_DENSE_GROUP_BY) and gives the
// rows DuckDB's hash aggregate gives: for every aggregate kind, NULL keys,
// empty input, keys at the type limits, several threads, and statistics that
// are missing or lie.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "neuralake/neuralake.h"
#include "testing/frame_text.h"
#include "testing/parquet_footer.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

nl::SessionOptions options(nl::PlanRewrites rewrites, int threads = 2) {
  nl::SessionOptions o;
  o.threads = threads;
  o.rewrites = rewrites;
  return o;
}

nl::PlanRewrites only_dense_grouping() {
  nl::PlanRewrites r = nl::PlanRewrites::none();
  r.dense_grouping = true;
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DenseGroupingTest : public ::testing::Test {
 protected:
  DenseGroupingTest() : on_(options(only_dense_grouping())), off_(options(nl::PlanRewrites::none())) {}

  static void SetUpTestSuite() {
    dir_ = new nl::testing::TempDir();
    nl::Session s(options(nl::PlanRewrites::none()));
    // 60,000 rows in row groups of 4,000: every key in [-10000, 10010] turns
    // up in several row groups (so threads combine the same keys), and every
    // 97th key is NULL. Doubles are multiples of 1/4, so every summation
    // order gives the same sums.
    s.execute("COPY (SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 7919) % 20011 - 10000 END::BIGINT AS k,"
              " CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 1000) - 400 END::INTEGER AS v,"
              " (i % 100) / 4.0 AS d,"
              " CASE WHEN i % 11 = 0 THEN NULL ELSE 'a string longer than inline ' || (i % 37)::VARCHAR END AS s,"
              " ((i % 5000) * 1.125)::DECIMAL(18, 3) AS dec,"
              " i % 3 = 0 AS b"
              " FROM range(60000) r(i)) TO '" + path("data.parquet") + "' (FORMAT parquet, ROW_GROUP_SIZE 4000)");
    s.execute("COPY (SELECT * FROM read_parquet('" + path("data.parquet") + "')) TO '" + path("data.csv") +
              "' (FORMAT csv)");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string data() { return "read_parquet('" + path("data.parquet") + "')"; }

  static std::string rows(nl::Session& s, const std::string& sql) { return nl::testing::all_rows(s, sql); }
  // The query's rows with the rewrite, checked equal to those without; and
  // that it fired.
  std::string dense_rows(const std::string& sql, nl::Session* on = nullptr) {
    nl::Session& with_rewrite = on ? *on : on_;
    const std::string plan = with_rewrite.explain(sql);
    EXPECT_TRUE(has(plan, "Rewrites applied: dense_grouping(")) << sql << "\n" << plan;
    EXPECT_TRUE(has(plan, "NL_DENSE_GROUP_BY")) << plan;
    std::string with = rows(with_rewrite, sql);
    expect_same(with, rows(off_, sql), sql);
    return with;
  }
  void not_dense(const std::string& sql) {
    EXPECT_FALSE(has(on_.explain(sql), "dense_grouping")) << sql << "\n" << on_.explain(sql);
    expect_same(rows(on_, sql), rows(off_, sql), sql);
  }
  // Equal texts; on a difference, the first differing line (results run to
  // thousands of lines).
  static void expect_same(const std::string& with, const std::string& without, const std::string& sql) {
    if (with == without) return;
    size_t at = 0;
    while (at < with.size() && at < without.size() && with[at] == without[at]) at++;
    const size_t line = with.rfind('\n', at) == std::string::npos ? 0 : with.rfind('\n', at) + 1;
    ADD_FAILURE() << sql << "\nwith the rewrite:    " << with.substr(line, with.find('\n', at) - line)
                  << "\nwithout the rewrite: " << without.substr(line, without.find('\n', at) - line);
  }

  static nl::testing::TempDir* dir_;
  nl::Session on_;
  nl::Session off_;
};

nl::testing::TempDir* DenseGroupingTest::dir_ = nullptr;

TEST_F(DenseGroupingTest, EveryAggregateKindGivesTheHashAggregatesRows) {
  const std::string out = dense_rows(
      "SELECT k, count(*), count(v), sum(v), avg(v), min(v), max(v), sum(d), avg(d), min(s), max(s), count(s),"
      " sum(dec), max(dec), bool_and(b), bool_or(b), list_sort(list(v)) AS vs, any_value(k) AS ak"
      " FROM " + data() + " GROUP BY k ORDER BY k NULLS FIRST");
  EXPECT_TRUE(has(out, "-10000")) << out.substr(0, 2000);
  EXPECT_TRUE(has(out, "10010")) << out.substr(out.size() - 2000);
  // DuckDB's compressed materialization groups on k - min(k): 20,011 keys from 0.
  EXPECT_TRUE(has(on_.explain("SELECT k, count(*) FROM " + data() + " GROUP BY k"), "dense_grouping(k in [0, 20010])"))
      << on_.explain("SELECT k, count(*) FROM " + data() + " GROUP BY k");
}

TEST_F(DenseGroupingTest, OperatorsAboveFindTheirColumns) {
  // HAVING, aggregates listed out of order and partly unused, a join above,
  // and an expression key below.
  dense_rows("SELECT max(v) AS mx, k, count(*) AS n FROM " + data() +
             " GROUP BY k HAVING sum(v) > 100 AND count(*) > 2 ORDER BY n DESC, k LIMIT 500");
  dense_rows("SELECT a.k, a.n, b.total FROM (SELECT k, count(*) AS n FROM " + data() + " GROUP BY k) a"
             " JOIN (SELECT k, sum(v) AS total FROM " + data() + " GROUP BY k) b ON a.k = b.k"
             " WHERE a.n >= 3 ORDER BY a.k");
  dense_rows("SELECT v * 7 AS v7, count(*), sum(d) FROM " + data() + " GROUP BY v7 ORDER BY v7 NULLS LAST");
}

TEST_F(DenseGroupingTest, EmptyInputAndOnlyNullKeys) {
  // A filter no statistics can decide, that no row passes.
  EXPECT_EQ(dense_rows("SELECT k, count(*), sum(v) FROM " + data() + " WHERE s LIKE '%zzz%' GROUP BY k ORDER BY k"),
            rows(off_, "SELECT k, count(*), sum(v) FROM " + data() + " WHERE false GROUP BY k"));
  const std::string nulls = dense_rows("SELECT k, count(*), sum(v), min(s) FROM " + data() +
                                       " WHERE k IS NULL OR v = -400 GROUP BY k ORDER BY k NULLS FIRST");
  EXPECT_TRUE(has(nulls, "null")) << nulls;
}

TEST_F(DenseGroupingTest, ManyThreadsCombineTheSameKeys) {
  nl::Session four(options(only_dense_grouping(), 4));
  dense_rows("SELECT k, count(*), sum(v), max(s), list_sort(list(d)) FROM " + data() + " GROUP BY k ORDER BY k", &four);
  nl::Session one(options(only_dense_grouping(), 1));
  dense_rows("SELECT k, count(*), sum(v), max(s) FROM " + data() + " GROUP BY k ORDER BY k", &one);
}

TEST_F(DenseGroupingTest, KeysAtTheTypeLimits) {
  nl::Session s(options(nl::PlanRewrites::none()));
  struct Case {
    const char* name;
    const char* key;  // of i in [0, 70000)
    const char* lo;   // its least value, as the operator sees it
  };
  const Case cases[] = {
      {"smallint", "((i % 65536) - 32768)::SMALLINT", "-32768"},
      {"usmallint", "(i % 65536)::USMALLINT", "0"},
      {"integer_top", "(2147483647 - (i % 20000))::INTEGER", "2147463648"},
      {"integer_bottom", "(-2147483648 + (i % 20000))::INTEGER", "-2147483648"},
      {"uinteger_top", "(4294967295 - (i % 20000))::UINTEGER", "4294947296"},
      {"bigint_top", "(9223372036854775807 - (i % 20000))::BIGINT", "9223372036854755808"},
      {"bigint_bottom", "(-9223372036854775808 + (i % 20000))::BIGINT", "-9223372036854775808"},
      {"date", "(DATE '1970-01-01' + (i % 20000)::INTEGER)", "0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string file = path(std::string(c.name) + ".parquet");
    s.execute("COPY (SELECT " + std::string(c.key) + " AS k, i % 7 AS v FROM range(70000) r(i)) TO '" + file +
              "' (FORMAT parquet, ROW_GROUP_SIZE 10000)");
    const std::string sql = "SELECT k, count(*), sum(v), min(v) FROM read_parquet('" + file + "') GROUP BY k ORDER BY k";
    // DuckDB's compressed materialization groups on k - min(k), a range from
    // 0; without it the operator sees the keys themselves, at the limits.
    dense_rows(sql);
    nl::Session raw_on(options(only_dense_grouping())), raw_off(options(nl::PlanRewrites::none()));
    for (auto* session : {&raw_on, &raw_off}) session->execute("SET disabled_optimizers = 'compressed_materialization'");
    const std::string plan = raw_on.explain(sql);
    EXPECT_TRUE(has(plan, "dense_grouping(k in [" + std::string(c.lo) + ", ")) << plan;
    expect_same(rows(raw_on, sql), rows(raw_off, sql), sql);
  }
}

TEST_F(DenseGroupingTest, KeysOutsideLyingStatisticsAreKept) {
  // Keys 0..39997 and two more; the footer says the keys lie in [0, 39999].
  nl::Session s(options(nl::PlanRewrites::none()));
  const std::string honest = path("honest_keys.parquet"), lying = path("lying_keys.parquet");
  const std::string keys = "SELECT CASE WHEN i = 39998 THEN 7777777 WHEN i = 39999 THEN -5555555 ELSE i END::BIGINT AS k,"
                           " i % 10 AS v FROM range(40000) r(i)";
  s.execute("COPY (" + keys + ") TO '" + honest + "' (FORMAT parquet)");
  s.execute("COPY (" + keys + ") TO '" + lying + "' (FORMAT parquet)");
  nl::testing::patch_footer(lying, nl::testing::little_endian<int64_t>(7777777),
                            nl::testing::little_endian<int64_t>(39999));
  nl::testing::patch_footer(lying, nl::testing::little_endian<int64_t>(-5555555),
                            nl::testing::little_endian<int64_t>(0));
  const std::string sql = "SELECT k, sum(v), count(*) FROM read_parquet('%') GROUP BY k ORDER BY k";
  auto on = [&](const std::string& file) { return std::string(sql).replace(sql.find('%'), 1, file); };
  const std::string plan = on_.explain(on(lying));
  ASSERT_TRUE(has(plan, "dense_grouping(k in [0, 39999])")) << plan;
  // DuckDB's own plan narrows keys to the stated range before grouping
  // (compressed materialization), so the rows are either all of them, or
  // those of the plan without the rewrite.
  const std::string with = rows(on_, on(lying));
  if (has(with, "7777777")) {
    expect_same(with, rows(off_, on(honest)), "honest");
    EXPECT_TRUE(has(with, "-5555555")) << with;
  } else {
    expect_same(with, rows(off_, on(lying)), "lying");
  }
  // Without compressed materialization the operator sees the keys outside the
  // stated range itself, and keeps each as a group of its own.
  nl::Session raw(options(only_dense_grouping()));
  raw.execute("SET disabled_optimizers = 'compressed_materialization'");
  ASSERT_TRUE(has(raw.explain(on(lying)), "dense_grouping(k in [0, 39999])")) << raw.explain(on(lying));
  const std::string kept = rows(raw, on(lying));
  expect_same(kept, rows(off_, on(honest)), "lying, without compressed materialization");
  EXPECT_TRUE(has(kept, "7777777") && has(kept, "-5555555")) << kept.substr(0, 1000);
}

TEST_F(DenseGroupingTest, LeavesOtherGroupingsAlone) {
  const std::string csv = "read_csv('" + path("data.csv") + "')";
  not_dense("SELECT k, count(*) FROM " + csv + " GROUP BY k ORDER BY k");                // no statistics
  not_dense("SELECT k, b, count(*) FROM " + data() + " GROUP BY k, b ORDER BY k, b");  // two keys
  not_dense("SELECT s, count(*) FROM " + data() + " GROUP BY s ORDER BY s");           // not an integer
  not_dense("SELECT k, count(DISTINCT s) FROM " + data() + " GROUP BY k ORDER BY k");  // DISTINCT
  not_dense("SELECT k, count(*) FILTER (WHERE v > 0) FROM " + data() + " GROUP BY k ORDER BY k");
  not_dense("SELECT k, string_agg(s, ',' ORDER BY s) FROM " + data() + " GROUP BY k ORDER BY k");
  not_dense("SELECT k * 1000000 AS kk, count(*) FROM " + data() + " GROUP BY kk ORDER BY kk");  // too sparse
  not_dense("SELECT k % 1000 AS kk, count(*) FROM " + data() + " GROUP BY kk ORDER BY kk");  // DuckDB's perfect hash
  not_dense("SELECT k, count(*) FROM " + data() + " GROUP BY ROLLUP (k) ORDER BY k, 2");
}

TEST_F(DenseGroupingTest, SwitchedOff) {
  nl::PlanRewrites all_but_dense;
  all_but_dense.dense_grouping = false;
  nl::Session s(options(all_but_dense));
  const std::string sql = "SELECT k, count(*) FROM " + data() + " GROUP BY k";
  EXPECT_TRUE(has(on_.explain(sql), "dense_grouping(")) << on_.explain(sql);
  EXPECT_FALSE(has(s.explain(sql), "dense_grouping")) << s.explain(sql);
  EXPECT_FALSE(has(s.explain(sql), "NL_DENSE_GROUP_BY")) << s.explain(sql);
}

TEST_F(DenseGroupingTest, FeedsAStreamBatchByBatch) {
  nl::QueryOptions q;
  q.batch_rows = 1000;
  auto stream = on_.stream("SELECT k, sum(v) FROM " + data() + " GROUP BY k", q);
  uint64_t total = 0, batches = 0;
  while (auto batch = stream.next()) {
    total += batch->num_rows();
    batches++;
  }
  auto groups = off_.sql("SELECT count(*) FROM (SELECT k FROM " + data() + " GROUP BY k)");
  EXPECT_EQ(int64_t(total), groups.column(0).at<int64_t>(0).value_or(-1));
  EXPECT_GT(batches, 5u);
}

}  // namespace
