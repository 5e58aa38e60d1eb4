// A running query can be cancelled from another thread, or by a timeout.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
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

TEST(Cancellation, InterruptFromAnotherThread) {
  nl::Session s{nl::SessionOptions{}};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s.interrupt();
  });
  EXPECT_NL_ERROR(s.sql(kSlowQuery), Cancelled, "cancelled");
  canceller.join();
  EXPECT_EQ(s.sql("SELECT 1 AS x").num_rows(), 1u);
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
