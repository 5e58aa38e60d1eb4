// A running query can be cancelled from another thread, or by a timeout;
// an interrupt cancels the queries running at that moment and no later one.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/gated_scans.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

// Long enough to be running when interrupted (minutes if left alone).
const char* kSlowQuery = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";

TEST(Cancellation, TimeoutStopsAQuery) {
  nl::SessionOptions opts;
  opts.query_timeout = std::chrono::milliseconds(200);
  nl::Session s(opts);
  auto start = std::chrono::steady_clock::now();
  EXPECT_NL_ERROR(s.sql(kSlowQuery), Timeout, "query_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  // The session still works afterwards.
  EXPECT_EQ(*s.sql("SELECT 41 + 1 AS x").column("x").at<int32_t>(0), 42);
}

// A query run on its own thread, and the neuralake::Error it threw, if any.
// `release` unblocks the query's source, so that a test that stops early
// does not wait forever on the thread.
class QueryThread {
 public:
  QueryThread(nl::Session& s, std::string sql, std::function<void()> release)
      : release_(std::move(release)), thread_([this, &s, sql = std::move(sql)] {
          try {
            s.sql(sql);
          } catch (const nl::Error& e) {
            error_ = e;
          }
        }) {}
  ~QueryThread() {
    if (!thread_.joinable()) return;
    release_();
    thread_.join();
  }
  // Joins the thread; the error the query threw, if any.
  std::optional<nl::Error> error() {
    thread_.join();
    return error_;
  }

 private:
  std::function<void()> release_;
  std::optional<nl::Error> error_;
  std::thread thread_;
};

const char* kGatedSum = "SELECT sum(n)::BIGINT AS s FROM f.gated";

TEST(Cancellation, InterruptFromAnotherThread) {
  nl::testing::GatedScans gated;
  nl::Catalog c({{"f", nl::Database({gated.table("gated")})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  QueryThread query(s, kGatedSum, [&] { gated.open(); });
  ASSERT_TRUE(gated.wait_started(1));
  s.interrupt();  // the query is blocked inside its scan: running for sure
  gated.open();
  auto error = query.error();
  ASSERT_TRUE(error.has_value()) << "the query was not cancelled";
  EXPECT_EQ(error->code(), nl::ErrorCode::Cancelled) << error->what();
  EXPECT_NE(std::string(error->what()).find("cancelled"), std::string::npos) << error->what();
  // The session still works afterwards, the same table included.
  EXPECT_EQ(s.sql("SELECT 1 AS x").num_rows(), 1u);
  EXPECT_EQ(*s.sql(kGatedSum).column("s").at<int64_t>(0), 6);
}

TEST(Cancellation, InterruptCancelsEveryRunningQuery) {
  nl::testing::GatedScans gated;
  nl::Catalog c({{"f", nl::Database({gated.table("gated")})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  QueryThread first(s, kGatedSum, [&] { gated.open(); });
  QueryThread second(s, kGatedSum, [&] { gated.open(); });
  ASSERT_TRUE(gated.wait_started(2));
  s.interrupt();
  gated.open();
  for (auto* q : {&first, &second}) {
    auto error = q->error();
    ASSERT_TRUE(error.has_value()) << "a running query was not cancelled";
    EXPECT_EQ(error->code(), nl::ErrorCode::Cancelled) << error->what();
  }
}

// interrupt() cancels the queries running when it is called, and nothing else:
// it leaves no pending cancel behind for a query that starts afterwards.
TEST(Cancellation, InterruptBeforeAQueryDoesNotCancelIt) {
  nl::testing::GatedScans gated;
  nl::Catalog c({{"f", nl::Database({gated.table("gated")})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  s.interrupt();  // nothing is running
  gated.open();
  EXPECT_EQ(*s.sql(kGatedSum).column("s").at<int64_t>(0), 6);
  EXPECT_EQ(*s.sql("SELECT 41 + 1 AS x").column("x").at<int32_t>(0), 42);
}

TEST(Cancellation, QueryStartedAfterAnInterruptRunsWhileTheEarlierOneIsCancelled) {
  nl::testing::GatedScans gated;
  auto plain = nl::FunctionTable("plain", [](const nl::ScanRequest&) {
    return nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{10, 20})});
  });
  nl::Catalog c({{"f", nl::Database({gated.table("gated"), plain})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  QueryThread running(s, kGatedSum, [&] { gated.open(); });
  ASSERT_TRUE(gated.wait_started(1));
  s.interrupt();
  // Started after the interrupt, while the cancelled query is still blocked.
  EXPECT_EQ(*s.sql("SELECT sum(n)::BIGINT AS s FROM f.plain").column("s").at<int64_t>(0), 30);
  gated.open();
  auto error = running.error();
  ASSERT_TRUE(error.has_value()) << "the running query was not cancelled";
  EXPECT_EQ(error->code(), nl::ErrorCode::Cancelled) << error->what();
}

// A source whose schema() blocks on a gate once armed: the interrupt lands
// while the query is being bound, before it executes.
class GatedSchema : public nl::TableSource {
 public:
  nl::Schema schema() const override {
    std::unique_lock<std::mutex> lock(mu_);
    if (armed_) {
      ++binding_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
    }
    return {{"n", nl::DataType::int64()}};
  }
  std::unique_ptr<nl::BatchReader> scan(const nl::ScanRequest&) const override {
    return nl::make_batch_reader(nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{1, 2, 3})}));
  }
  void arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
  }
  bool wait_binding() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return binding_ > 0; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool armed_ = false;
  bool open_ = false;
  mutable int binding_ = 0;
};

TEST(Cancellation, InterruptWhileTheQueryIsBoundCancelsIt) {
  auto source = std::make_shared<GatedSchema>();
  nl::Catalog c({{"f", nl::Database({nl::FunctionTable("slow_bind", source)})}}, nl::SessionOptions{});
  nl::Session& s = c.session();
  ASSERT_EQ(*s.sql("SELECT sum(n)::BIGINT AS s FROM f.slow_bind").column("s").at<int64_t>(0), 6);
  source->arm();
  QueryThread query(s, "SELECT sum(n)::BIGINT AS s FROM f.slow_bind", [&] { source->open(); });
  ASSERT_TRUE(source->wait_binding());
  s.interrupt();
  source->open();
  auto error = query.error();
  ASSERT_TRUE(error.has_value()) << "the query being bound was not cancelled";
  EXPECT_EQ(error->code(), nl::ErrorCode::Cancelled) << error->what();
}

TEST(SessionOptionsTest, BadOptionsAreRejected) {
  nl::SessionOptions opts;
  opts.memory_limit = "lots";
  EXPECT_NL_ERROR(nl::Session{opts}, InvalidArgument, "memory_limit");
  nl::SessionOptions neg;
  neg.threads = -1;
  EXPECT_NL_ERROR(nl::Session{neg}, InvalidArgument, "threads");
}

TEST(SessionOptionsTest, ThreadsAndMemoryLimitApply) {
  nl::SessionOptions opts;
  opts.threads = 1;
  opts.memory_limit = "256MB";
  nl::Session s(opts);
  auto df = s.sql("SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m");
  EXPECT_EQ(*df.column("t").at<int64_t>(0), 1);
  EXPECT_NE(df.column("m").at<std::string>(0)->find("MiB"), std::string::npos);
}

}  // namespace
