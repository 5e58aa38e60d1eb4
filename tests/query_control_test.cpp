// Per-query control and streamed results: a CancelHandle stops its own query
// and no other, a query's timeout overrides the session's, and ResultStream
// gives a query's rows batch by batch (as DataFrames or an Arrow C stream)
// with the same rows sql() collects.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "neuralake/arrow_c.h"
#include "neuralake/neuralake.h"
#include "testing/gated_scans.h"
#include "testing/test_util.h"

// GCC 12 warns about members a designated initializer leaves out, although
// they have defaults; `{.cancel = handle}` is how QueryOptions is meant to be written.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace nl = neuralake;

namespace {

using std::chrono::milliseconds;

const char* kSlowQuery = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";

using Gate = nl::testing::GatedScans;

// A query on its own thread: its result or the error it threw.
struct Outcome {
  std::optional<nl::DataFrame> frame;
  std::optional<nl::Error> error;
};

class Running {
 public:
  Running(nl::Session& s, std::string sql, nl::QueryOptions options, const Gate& gate)
      : gate_(gate), thread_([this, &s, sql = std::move(sql), options] {
          try {
            out_.frame = s.sql(sql, options);
          } catch (const nl::Error& e) {
            out_.error = e;
          }
        }) {}
  ~Running() {
    if (!thread_.joinable()) return;
    gate_.open();
    thread_.join();
  }
  Outcome join() {
    thread_.join();
    return out_;
  }

 private:
  const Gate& gate_;
  Outcome out_;
  std::thread thread_;
};

const char* kGatedSum = "SELECT sum(n)::BIGINT AS s FROM f.gated";

TEST(CancelHandle, CancelsItsOwnQueryAndNoOther) {
  Gate gate;
  nl::Catalog c({{"f", nl::Database({gate.table("gated")})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  nl::CancelHandle handle;
  Running mine(s, kGatedSum, {.cancel = handle}, gate);
  Running other(s, kGatedSum, {}, gate);
  ASSERT_TRUE(gate.wait_started(2));
  EXPECT_EQ(handle.running(), 1u);
  handle.cancel();
  gate.open();
  auto a = mine.join();
  auto b = other.join();
  ASSERT_TRUE(a.error.has_value()) << "the handle's query was not cancelled";
  EXPECT_EQ(a.error->code(), nl::ErrorCode::Cancelled) << a.error->what();
  ASSERT_TRUE(b.frame.has_value()) << (b.error ? b.error->what() : "");
  EXPECT_EQ(*b.frame->column("s").at<int64_t>(0), 6);
  EXPECT_EQ(handle.running(), 0u);
}

TEST(CancelHandle, CopiesCancelTheSameQuery) {
  Gate gate;
  nl::Catalog c({{"f", nl::Database({gate.table("gated")})}}, nl::SessionOptions{});
  nl::CancelHandle handle;
  Running q(c.session(), kGatedSum, {.cancel = handle}, gate);
  ASSERT_TRUE(gate.wait_started(1));
  nl::CancelHandle copy = handle;
  copy.cancel();
  gate.open();
  auto out = q.join();
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->code(), nl::ErrorCode::Cancelled);
}

TEST(CancelHandle, CancelBeforeStartLeavesNothingPending) {
  nl::Session s;
  nl::CancelHandle handle;
  handle.cancel();  // nothing running: does nothing
  auto df = s.sql("SELECT 42 AS x", {.cancel = handle});
  EXPECT_EQ(*df.column("x").at<int32_t>(0), 42);
  EXPECT_EQ(handle.running(), 0u);
}

TEST(QueryTimeout, OverridesTheSessionsLimit) {
  nl::Session s;  // no session limit
  EXPECT_NL_ERROR(s.sql(kSlowQuery, {.timeout = milliseconds(200)}), Timeout, "its timeout of 200 ms");
  EXPECT_EQ(*s.sql("SELECT 1 AS x").column("x").at<int32_t>(0), 1);
}

TEST(QueryTimeout, ZeroLiftsTheSessionsLimit) {
  Gate gate;
  nl::SessionOptions opts;
  opts.query_timeout = milliseconds(100);
  nl::Catalog c({{"f", nl::Database({gate.table("gated")})}}, opts);
  Running q(c.session(), kGatedSum, {.timeout = milliseconds(0)}, gate);
  ASSERT_TRUE(gate.wait_started(1));
  // Well past the session's limit: the query would have been stopped by now.
  std::this_thread::sleep_for(milliseconds(400));
  gate.open();
  auto out = q.join();
  ASSERT_TRUE(out.frame.has_value()) << (out.error ? out.error->what() : "");
  EXPECT_EQ(*out.frame->column("s").at<int64_t>(0), 6);
}

TEST(QueryTimeout, NegativeIsRefused) {
  nl::Session s;
  EXPECT_NL_ERROR(s.sql("SELECT 1", {.timeout = milliseconds(-5)}), InvalidArgument, "timeout");
}

// --- streams ---

const char* kRows =
    "SELECT range AS id, CASE WHEN range % 5 = 0 THEN NULL ELSE 'row ' || range END AS label, "
    "range * 0.5 AS half FROM range(100000) ORDER BY id";

TEST(ResultStream, GivesTheSameRowsAsSqlInBatches) {
  nl::Session s;
  auto whole = s.sql(kRows);
  auto stream = s.stream(kRows, {.batch_rows = 10000});
  ASSERT_EQ(stream.schema().size(), 3u);
  EXPECT_EQ(stream.schema()[1].name, "label");
  nl::DataFrame joined;
  size_t batches = 0;
  while (auto batch = stream.next()) {
    ++batches;
    EXPECT_GT(batch->num_rows(), 0u);
    EXPECT_LT(batch->num_rows(), 10000u + 2048u);
    joined.append(*batch);
  }
  EXPECT_GE(batches, 5u);
  EXPECT_EQ(stream.rows_read(), 100000u);
  ASSERT_EQ(joined.num_rows(), whole.num_rows());
  for (size_t c = 0; c < whole.num_columns(); ++c) {
    EXPECT_TRUE(joined.column(c).validity() == whole.column(c).validity()) << c;
    for (size_t r : {size_t{0}, size_t{1}, size_t{4999}, size_t{5000}, size_t{99999}})
      EXPECT_EQ(joined.value(r, c), whole.value(r, c)) << "row " << r << " column " << c;
  }
  EXPECT_FALSE(stream.next().has_value());  // stays exhausted
}

TEST(ResultStream, EmptyResultEndsAtOnce) {
  nl::Session s;
  auto stream = s.stream("SELECT range AS id FROM range(10) WHERE range > 100");
  EXPECT_EQ(stream.schema()[0].name, "id");
  EXPECT_FALSE(stream.next().has_value());
}

TEST(ResultStream, BadSqlFailsAtStart) {
  nl::Session s;
  EXPECT_NL_ERROR(s.stream("SELECT no_such_column FROM range(3)"), NotFound, "no_such_column");
}

TEST(ResultStream, ErrorWhileRunningComesFromNext) {
  nl::Session s;
  auto stream = s.stream(
      "SELECT CASE WHEN range = 250000 THEN error('row 250000 is bad') ELSE range END AS x FROM range(300000)",
      {.batch_rows = 2048});
  try {
    while (stream.next()) {
    }
    FAIL() << "the error was not reported";
  } catch (const nl::Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 250000 is bad"), std::string::npos) << e.what();
  }
}

TEST(ResultStream, CancelStopsItAndTheSessionGoesOn) {
  nl::Session s;
  nl::CancelHandle handle;
  auto stream = s.stream("SELECT range AS id FROM range(10000000000)", {.cancel = handle, .batch_rows = 2048});
  ASSERT_TRUE(stream.next().has_value());
  EXPECT_EQ(handle.running(), 1u);
  handle.cancel();
  EXPECT_NL_ERROR(
      [&] {
        while (stream.next()) {
        }
      }(),
      Cancelled, "query");
  EXPECT_EQ(handle.running(), 0u);
  EXPECT_EQ(*s.sql("SELECT 7 AS x").column("x").at<int32_t>(0), 7);
}

TEST(ResultStream, StreamCancelFromAnotherThread) {
  nl::Session s;
  auto stream = s.stream("SELECT range AS id FROM range(10000000000)", {.batch_rows = 2048});
  ASSERT_TRUE(stream.next().has_value());
  std::thread([&] { stream.cancel(); }).join();
  EXPECT_NL_ERROR(
      [&] {
        while (stream.next()) {
        }
      }(),
      Cancelled, "query");
}

TEST(ResultStream, TimeoutCoversTheWholeStream) {
  nl::Session s;
  auto stream = s.stream("SELECT range AS id FROM range(10000000000)", {.timeout = milliseconds(200), .batch_rows = 2048});
  EXPECT_NL_ERROR(
      [&] {
        while (stream.next()) {
        }
      }(),
      Timeout, "its timeout of 200 ms");
}

TEST(ResultStream, DroppedHalfReadLeavesTheSessionWorking) {
  nl::Session s;
  nl::CancelHandle handle;
  {
    auto stream = s.stream("SELECT range AS id FROM range(10000000000)", {.cancel = handle});
    ASSERT_TRUE(stream.next().has_value());
  }
  EXPECT_EQ(handle.running(), 0u);
  EXPECT_EQ(*s.sql("SELECT 3 AS x").column("x").at<int32_t>(0), 3);
}

TEST(ResultStream, LazyFramesStreamToo) {
  nl::Session s;
  auto frame = s.lazy(kRows).filter(nl::Expr("id < 30000"));
  auto stream = frame.stream({.batch_rows = 4096});
  size_t rows = 0;
  while (auto b = stream.next()) rows += b->num_rows();
  EXPECT_EQ(rows, 30000u);
  EXPECT_EQ(frame.collect({.timeout = milliseconds(60000)}).num_rows(), 30000u);
}

TEST(ResultStream, ArrowStreamCarriesEveryRow) {
  nl::Session s;
  auto stream = s.stream(kRows, {.batch_rows = 30000});
  ArrowArrayStream out{};
  std::move(stream).to_arrow(&out);
  EXPECT_NL_ERROR(stream.next(), InvalidArgument, "stream");  // handed over
  ArrowSchema schema{};
  ASSERT_EQ(out.get_schema(&out, &schema), 0);
  ASSERT_EQ(schema.n_children, 3);
  EXPECT_STREQ(schema.children[1]->name, "label");
  schema.release(&schema);
  int64_t rows = 0, nulls = 0, batches = 0;
  for (;;) {
    ArrowArray batch{};
    ASSERT_EQ(out.get_next(&out, &batch), 0) << out.get_last_error(&out);
    if (!batch.release) break;
    ++batches;
    rows += batch.length;
    nulls += batch.children[1]->null_count;
    batch.release(&batch);
  }
  out.release(&out);
  EXPECT_EQ(rows, 100000);
  EXPECT_EQ(nulls, 20000);
  EXPECT_GE(batches, 3);
}

TEST(ResultStream, ArrowStreamReportsAnErrorWhileRunning) {
  nl::Session s;
  auto stream = s.stream("SELECT CASE WHEN range = 9000000 THEN error('bad row') ELSE range END AS x FROM range(9500000)",
                         {.batch_rows = 2048});
  ArrowArrayStream out{};
  std::move(stream).to_arrow(&out);
  int rc = 0;
  for (;;) {
    ArrowArray batch{};
    rc = out.get_next(&out, &batch);
    if (rc != 0 || !batch.release) break;
    batch.release(&batch);
  }
  EXPECT_NE(rc, 0);
  ASSERT_NE(out.get_last_error(&out), nullptr);
  EXPECT_NE(std::string(out.get_last_error(&out)).find("bad row"), std::string::npos);
  out.release(&out);
}

// --- the string layout ---

TEST(StringColumn, AppendsSlicesAndCompares) {
  nl::StringColumn a{"x", "", "yz"};
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1], "");
  EXPECT_EQ(a[2], "yz");
  nl::StringColumn b;
  b.append(a, 1, 3);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], "");
  EXPECT_EQ(b[1], "yz");
  EXPECT_EQ(b.offsets(), (std::vector<int64_t>{0, 0, 2}));
  b.append(a);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b[4], "yz");
  EXPECT_EQ(b.byte_size(), 5u);
  nl::StringColumn c{"", "yz", "x", "", "yz"};
  EXPECT_TRUE(b == c);
  std::vector<std::string> seen(c.begin(), c.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"", "yz", "x", "", "yz"}));
}

TEST(StringColumn, QueryStringsNullsAndBytesSurviveSlicingAndAppend) {
  nl::Session s;
  auto df = s.sql(
      "SELECT * FROM (VALUES ('a', 'x'::BLOB), (NULL, NULL), ('', '\\x00\\xFF'::BLOB), ('héllo wörld', ''::BLOB)) "
      "t(s, b)");
  const auto& col = df.column("s");
  EXPECT_EQ(*col.at<std::string>(0), "a");
  EXPECT_FALSE(col.at<std::string>(1).has_value());
  EXPECT_EQ(*col.at<std::string_view>(2), "");
  EXPECT_EQ(*col.at<std::string>(3), "héllo wörld");
  EXPECT_EQ(df.value(2, 1).as<nl::Bytes>().data, std::string("\x00\xFF", 2));
  auto tail = df.slice(2, 2);
  EXPECT_EQ(*tail.column("s").at<std::string>(1), "héllo wörld");
  tail.append(df.slice(0, 2));
  EXPECT_EQ(*tail.column("s").at<std::string>(2), "a");
  EXPECT_TRUE(tail.column("s").is_null(3));
}

}  // namespace
