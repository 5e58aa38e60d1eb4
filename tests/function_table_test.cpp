// Function tables: what the callable receives (projection, filters), that
// results are right whether it applies the filters or ignores them, and that
// a LIMIT stops pulling chunks from an endless source.
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

const nl::Schema kSchema = {{"n", nl::DataType::int64()}, {"label", nl::DataType::string()},
                            {"half", nl::DataType::float64()}};

// Yields n = 0..rows-1 in chunks; optionally applies the "n" filters itself.
struct Numbers {
  int64_t rows;
  bool apply_filters;
  int64_t chunk = 1000;
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<nl::ScanRequest>> requests = std::make_shared<std::vector<nl::ScanRequest>>();
  std::shared_ptr<std::atomic<int64_t>> chunks_pulled = std::make_shared<std::atomic<int64_t>>(0);

  nl::Table table(const std::string& name) const {
    auto self = *this;
    return nl::FunctionTable(name, kSchema, [self](const nl::ScanRequest& req) {
      {
        std::lock_guard<std::mutex> lock(*self.mu);
        self.requests->push_back(req);
      }
      auto next = std::make_shared<int64_t>(0);
      return nl::make_batch_reader([self, req, next]() -> std::optional<nl::DataFrame> {
        if (*next >= self.rows) return std::nullopt;
        int64_t end = std::min(self.rows, *next + self.chunk);
        std::vector<int64_t> n;
        std::vector<std::string> label;
        std::vector<double> half;
        for (int64_t i = *next; i < end; ++i) {
          bool keep = true;
          if (self.apply_filters) {
            for (const auto& f : req.filters) {
              if (f.column() != "n") continue;
              int64_t v = f.value().is<int64_t>() ? f.value().as<int64_t>() : 0;
              if (f.op() == nl::FilterOp::Gt) keep = keep && i > v;
              if (f.op() == nl::FilterOp::Lt) keep = keep && i < v;
              if (f.op() == nl::FilterOp::Eq) keep = keep && i == v;
            }
          }
          if (!keep) continue;
          n.push_back(i);
          label.push_back("row" + std::to_string(i));
          half.push_back(static_cast<double>(i) / 2);
        }
        *next = end;
        ++*self.chunks_pulled;
        // Only the requested columns: the engine must not need the others.
        std::vector<nl::Series> cols;
        for (const auto& c : req.columns) {
          if (c == "n") cols.emplace_back("n", n);
          if (c == "label") cols.emplace_back("label", label);
          if (c == "half") cols.emplace_back("half", half);
        }
        return nl::DataFrame::from_columns(std::move(cols));
      });
    });
  }
};

int64_t count_where(nl::Catalog& c, const std::string& table, nl::Filters filters) {
  auto df = c.db("f").table(table, filters).select({nl::count_rows().alias("c")}).collect();
  return *df.column("c").at<int64_t>(0);
}

TEST(FunctionTable, ReceivesProjectionAndFilters) {
  Numbers src{10000, false};
  nl::Catalog c({{"f", nl::Database({src.table("nums")})}}, nl::SessionOptions{});
  auto df = c.db("f").table("nums", {nl::Filter("n", ">", 9990)}, {"label"}).collect();
  EXPECT_EQ(df.num_rows(), 9u);
  ASSERT_FALSE(src.requests->empty());
  const auto& req = src.requests->back();
  // Projection: only what the query needs (label to output, n to filter).
  EXPECT_EQ(std::find(req.columns.begin(), req.columns.end(), "half"), req.columns.end());
  EXPECT_NE(std::find(req.columns.begin(), req.columns.end(), "label"), req.columns.end());
  ASSERT_EQ(req.filters.size(), 1u);
  EXPECT_EQ(req.filters[0].column(), "n");
  EXPECT_EQ(req.filters[0].op(), nl::FilterOp::Gt);
  EXPECT_EQ(req.filters[0].value(), nl::Value(9990));
}

TEST(FunctionTable, SameResultWhetherFiltersAppliedOrIgnored) {
  Numbers ignoring{5000, false}, applying{5000, true};
  nl::Catalog c({{"f", nl::Database({ignoring.table("ignoring"), applying.table("applying")})}}, nl::SessionOptions{});
  for (const auto& t : {"ignoring", "applying"}) {
    EXPECT_EQ(count_where(c, t, {nl::Filter("n", ">", 4000)}), 999) << t;
    EXPECT_EQ(count_where(c, t, {nl::Filter("n", ">", 10), nl::Filter("n", "<", 20)}), 9) << t;
    EXPECT_EQ(count_where(c, t, {nl::Filter("n", "=", 7)}), 1) << t;
    int64_t with_99 = 0;  // counted independently of the engine
    for (int64_t i = 0; i < 5000; ++i) with_99 += ("row" + std::to_string(i)).find("99") != std::string::npos;
    EXPECT_EQ(count_where(c, t, {nl::Filter("label", "contains", "99")}), with_99) << t;
  }
  // A join of the two agrees row for row.
  auto j = c.db("f").table("ignoring", {nl::Filter("n", "<", 100)}).join(c.db("f").table("applying"), "n").collect();
  EXPECT_EQ(j.num_rows(), 100u);
}

TEST(FunctionTable, LimitStopsPullingFromAHugeSource) {
  Numbers endless{100'000'000, false};
  nl::Catalog c({{"f", nl::Database({endless.table("big")})}}, nl::SessionOptions{});
  auto df = c.db("f").table("big").limit(10).collect();
  EXPECT_EQ(df.num_rows(), 10u);
  // 100M rows would be 100k chunks; a LIMIT needs only the first few.
  EXPECT_LT(endless.chunks_pulled->load(), 50);
}

TEST(FunctionTable, ConvenienceFormInfersSchema) {
  auto t = nl::FunctionTable("one", [](const nl::ScanRequest&) {
    return nl::DataFrame::from_columns({nl::Series("x", std::vector<int64_t>{1, 2, 3})});
  });
  nl::Catalog c({{"f", nl::Database({t})}}, nl::SessionOptions{});
  auto df = c.sql("SELECT sum(x)::BIGINT AS s FROM f.one").collect();
  EXPECT_EQ(*df.column("s").at<int64_t>(0), 6);
}

TEST(FunctionTable, ErrorsFromTheCallableKeepTheirCode) {
  auto t = nl::FunctionTable("broken", kSchema, [](const nl::ScanRequest&) -> std::unique_ptr<nl::BatchReader> {
    throw nl::Error(nl::ErrorCode::Unavailable, "upstream-api", "upstream-api is down");
  });
  auto missing = nl::FunctionTable("missing_col", kSchema, [](const nl::ScanRequest&) {
    return nl::make_batch_reader(nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{1})}));
  });
  nl::Catalog c({{"f", nl::Database({t, missing})}}, nl::SessionOptions{});
  EXPECT_NL_ERROR(c.db("f").table("broken").collect(), Unavailable, "upstream-api");
  EXPECT_NL_ERROR(c.db("f").table("missing_col").select({"label"}).collect(), InvalidArgument, "label");
}

}  // namespace
