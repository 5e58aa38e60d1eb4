// Collecting a query's rows into a DataFrame on the engine's threads
// (src/engine/frame_collector.h): the rows and their order are those of
// DuckDB's own result, read here through a stream, which DuckDB collects
// itself; for every way a plan orders its rows, over many row groups, with
// batches that keep no rows, and with 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "neuralake/neuralake.h"
#include "testing/frame_text.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

nl::SessionOptions with_threads(int threads) {
  nl::SessionOptions o;
  o.threads = threads;
  return o;
}

// The rows of `sql` as DuckDB's own streaming result gives them.
std::string streamed_rows(nl::Session& s, const std::string& sql) {
  auto stream = s.stream(sql);
  nl::DataFrame all;
  while (auto batch = stream.next()) all.append(*batch);
  if (all.num_columns() == 0) return "";
  return nl::testing::all_rows(all);
}

// Where two renderings first differ, by line ("" if they are equal): a
// whole-text diff of results this large would take too long to print.
std::string first_difference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  std::istringstream as(a), bs(b);
  std::string la, lb;
  for (size_t line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(as, la));
    const bool more_b = static_cast<bool>(std::getline(bs, lb));
    if (!more_a || !more_b || la != lb)
      return "line " + std::to_string(line) + ": '" + (more_a ? la : "<end>") + "' against '" + (more_b ? lb : "<end>") + "'";
  }
}

class FrameCollectorTest : public ::testing::TestWithParam<int> {
 protected:
  FrameCollectorTest() : session_(with_threads(GetParam())) {}

  static void SetUpTestSuite() {
    dir_ = new nl::testing::TempDir();
    nl::Session s;
    // 300,000 rows in row groups of 2,000: 150 batches. Every 7th row's
    // string is NULL, and the strings are long enough not to be inlined.
    s.execute("COPY (SELECT i, i % 1000 AS k,"
              " CASE WHEN i % 7 = 0 THEN NULL ELSE 'value number ' || i::VARCHAR || ' of the table' END AS s,"
              " i / 3.0 AS d FROM range(300000) r(i)) TO '" + path("data.parquet") +
              "' (FORMAT parquet, ROW_GROUP_SIZE 2000)");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string data() { return "read_parquet('" + path("data.parquet") + "')"; }

  // The frame's rows, checked equal to the stream's; returns the frame.
  nl::DataFrame same_as_stream(const std::string& sql) {
    nl::DataFrame df = session_.sql(sql);
    const std::string streamed = streamed_rows(session_, sql);
    if (streamed.empty()) EXPECT_EQ(df.num_rows(), 0u) << sql;  // a stream of no batches
    else EXPECT_EQ(first_difference(nl::testing::all_rows(session_, sql), streamed), "") << sql;
    return df;
  }

  nl::Session session_;
  static nl::testing::TempDir* dir_;
};

nl::testing::TempDir* FrameCollectorTest::dir_ = nullptr;

// Row i of `df`'s column "i" holds `first + i * step`.
void expect_arithmetic(const nl::DataFrame& df, int64_t first, int64_t step) {
  const auto& col = df.column("i");
  for (size_t r = 0; r < col.size(); ++r) {
    ASSERT_EQ(col.at<int64_t>(r), first + static_cast<int64_t>(r) * step) << "row " << r;
  }
}

TEST_P(FrameCollectorTest, KeepsTheFilesOrderOverManyRowGroups) {
  auto df = same_as_stream("SELECT i, s, d FROM " + data());
  ASSERT_EQ(df.num_rows(), 300000u);
  expect_arithmetic(df, 0, 1);
  EXPECT_TRUE(df.column("s").is_null(7));
  EXPECT_EQ(df.column("s").at<std::string>(299998), "value number 299998 of the table");
}

TEST_P(FrameCollectorTest, KeepsTheOrderWhenMostBatchesKeepNoRows) {
  // Rows from 3 of the 150 row groups, far apart, and a sparse filter that
  // leaves each batch a few rows.
  auto sparse = same_as_stream("SELECT i, s FROM " + data() + " WHERE i BETWEEN 4000 AND 5999 OR i >= 298000 OR i < 10");
  ASSERT_EQ(sparse.num_rows(), 10u + 2000 + 2000);
  EXPECT_EQ(sparse.column("i").at<int64_t>(10), 4000);
  EXPECT_EQ(sparse.column("i").at<int64_t>(2010), 298000);
  auto every_997th = same_as_stream("SELECT i FROM " + data() + " WHERE i % 997 = 0");
  expect_arithmetic(every_997th, 0, 997);
  auto none = same_as_stream("SELECT i, s FROM " + data() + " WHERE i < 0");
  EXPECT_EQ(none.num_rows(), 0u);
  EXPECT_EQ(none.column_names(), (std::vector<std::string>{"i", "s"}));
}

TEST_P(FrameCollectorTest, OrderedAndLimitedPlans) {
  auto sorted = same_as_stream("SELECT i, k FROM " + data() + " ORDER BY k DESC, i");
  ASSERT_EQ(sorted.num_rows(), 300000u);
  EXPECT_EQ(sorted.column("k").at<int64_t>(0), 999);
  EXPECT_EQ(sorted.column("i").at<int64_t>(0), 999);
  EXPECT_EQ(sorted.column("i").at<int64_t>(299999), 299000);
  same_as_stream("SELECT i FROM " + data() + " LIMIT 5000 OFFSET 123456");
  same_as_stream("SELECT i, s FROM " + data() + " WHERE k < 3 UNION ALL SELECT i, s FROM " + data() + " WHERE k > 996");
  same_as_stream("SELECT k, count(*) AS n, max(s) AS m FROM " + data() + " GROUP BY k ORDER BY k");
  same_as_stream("SELECT i, sum(i) OVER (ORDER BY i ROWS 2 PRECEDING) AS w FROM " + data() + " WHERE i < 50000");
  same_as_stream("SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) t(x, y)");
}

TEST_P(FrameCollectorTest, RowsWithoutAnOrderToKeepAreAllThere) {
  nl::Session unordered(with_threads(GetParam()));
  unordered.execute("SET preserve_insertion_order = false");
  auto df = unordered.sql("SELECT i, s FROM " + data() + " WHERE i % 5 <> 0");
  ASSERT_EQ(df.num_rows(), 240000u);
  auto sums = unordered.sql("SELECT count(*) AS n, sum(i)::BIGINT AS t, count(s) AS c FROM " + data() + " WHERE i % 5 <> 0");
  int64_t total = 0, strings = 0;
  for (size_t r = 0; r < df.num_rows(); ++r) {
    total += *df.column("i").at<int64_t>(r);
    if (!df.column("s").is_null(r)) {
      ++strings;
      ASSERT_EQ(df.column("s").at<std::string>(r), "value number " + std::to_string(*df.column("i").at<int64_t>(r)) +
                                                       " of the table");
    }
  }
  EXPECT_EQ(nl::Value(total), sums.value(0, 1));
  EXPECT_EQ(nl::Value(strings), sums.value(0, 2));
  unordered.execute("SET preserve_insertion_order = true");
}

TEST_P(FrameCollectorTest, StatementsWithoutRowsAndSeveralStatements) {
  session_.execute("CREATE TEMP TABLE t AS SELECT 1 AS a");
  auto first = session_.sql("SELECT 1 AS a; SELECT 2 AS b");
  EXPECT_EQ(first.column_names(), std::vector<std::string>{"a"});
  EXPECT_EQ(first.value(0, 0), nl::Value(int64_t{1}));
}

TEST_P(FrameCollectorTest, AFailingQueryLeavesTheSessionUsable) {
  // The cast fails in a late row group, after other batches were collected.
  try {
    session_.sql("SELECT i, CASE WHEN i = 250000 THEN 'x'::INTEGER ELSE i END AS j FROM " + data());
    FAIL() << "expected a conversion error";
  } catch (const nl::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Could not convert string 'x'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(session_.sql("SELECT count(*) AS n FROM " + data()).value(0, 0), nl::Value(int64_t{300000}));
}

TEST_P(FrameCollectorTest, ACancelledQueryStopsWhileCollecting) {
  // Rows come slowly (one per million scanned), so the query is collecting
  // when it is cancelled; unstopped it would run for many seconds.
  nl::CancelHandle cancel;
  std::thread canceller([&] {
    while (cancel.running() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    session_.sql("SELECT i FROM range(100000000000) r(i) WHERE i % 1000000 = 0", {.timeout = std::nullopt, .cancel = cancel});
    ADD_FAILURE() << "expected the query to be cancelled";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::Cancelled) << e.what();
  }
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  EXPECT_EQ(session_.sql("SELECT 42 AS x").value(0, 0), nl::Value(int64_t{42}));
}

INSTANTIATE_TEST_SUITE_P(Threads, FrameCollectorTest, ::testing::Values(1, 2, 4),
                         [](const auto& info) { return std::to_string(info.param) + "_threads"; });

}  // namespace
