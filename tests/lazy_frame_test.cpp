// LazyFrame operations on small hand-made data, each checked against values
// worked out by hand (not against our own SQL).
#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

// emp: (id, name, dept, salary)        dept: (dept, floor)
//  1 ann   eng   100                     eng   3
//  2 bob   eng   80                      ops   1
//  3 cat   ops   90                      hr    2
//  4 dan   NULL  70
//  5 eve   ops   NULL
nl::Table emp() {
  return nl::FunctionTable("emp", [](const nl::ScanRequest&) {
    nl::Value null;
    return nl::DataFrame::from_columns({
        nl::Series("id", nl::DataType::int64(), {1, 2, 3, 4, 5}),
        nl::Series("name", nl::DataType::string(), {"ann", "bob", "cat", "dan", "eve"}),
        nl::Series("dept", nl::DataType::string(), {"eng", "eng", "ops", null, "ops"}),
        nl::Series("salary", nl::DataType::int64(), {100, 80, 90, 70, null}),
    });
  });
}

nl::Table dept() {
  return nl::FunctionTable("dept", [](const nl::ScanRequest&) {
    return nl::DataFrame::from_columns({
        nl::Series("dept", nl::DataType::string(), {"eng", "ops", "hr"}),
        nl::Series("floor", nl::DataType::int64(), {3, 1, 2}),
    });
  });
}

class LazyFrameTest : public ::testing::Test {
 protected:
  LazyFrameTest() : catalog_({{"hr", nl::Database({emp(), dept()})}}, nl::SessionOptions{}) {}
  nl::LazyFrame e() const { return catalog_.db("hr").table("emp"); }
  nl::LazyFrame d() const { return catalog_.db("hr").table("dept"); }

  static std::vector<std::string> strings(const nl::DataFrame& df, const std::string& c) {
    std::vector<std::string> out;
    for (size_t r = 0; r < df.num_rows(); ++r) {
      auto v = df.column(c).at<std::string>(r);
      out.push_back(v ? *v : "<null>");
    }
    return out;
  }
  static std::vector<int64_t> ints(const nl::DataFrame& df, const std::string& c, int64_t null_as = -1) {
    std::vector<int64_t> out;
    for (size_t r = 0; r < df.num_rows(); ++r) out.push_back(df.column(c).at<int64_t>(r).value_or(null_as));
    return out;
  }

  nl::Catalog catalog_;
};

using S = std::vector<std::string>;
using I = std::vector<int64_t>;

TEST_F(LazyFrameTest, FilterWithFiltersAndSqlThenSelect) {
  auto df = e().filter({nl::Filter("salary", ">=", 80)}).filter("dept = 'eng'").select({"name"}).sort({"name"}).collect();
  EXPECT_EQ(strings(df, "name"), (S{"ann", "bob"}));
}

TEST_F(LazyFrameTest, WithColumnAddsAndReplaces) {
  auto df = e().with_column(nl::col("salary") * nl::lit(2), "double_pay")
                .with_column(nl::Expr("upper(name)"), "name")
                .sort({"id"})
                .collect();
  EXPECT_EQ(strings(df, "name"), (S{"ANN", "BOB", "CAT", "DAN", "EVE"}));
  EXPECT_EQ(ints(df, "double_pay"), (I{200, 160, 180, 140, -1}));
  EXPECT_EQ(df.column_names(), (S{"id", "name", "dept", "salary", "double_pay"}));
}

TEST_F(LazyFrameTest, InnerJoinKeepsOneKey) {
  auto df = e().join(d(), "dept").sort({"id"}).collect();
  EXPECT_EQ(df.column_names(), (S{"id", "name", "dept", "salary", "floor"}));
  EXPECT_EQ(ints(df, "id"), (I{1, 2, 3, 5}));
  EXPECT_EQ(ints(df, "floor"), (I{3, 3, 1, 1}));
}

TEST_F(LazyFrameTest, LeftRightFullSemiAntiJoins) {
  auto left = e().join(d(), "dept", nl::JoinType::Left).sort({"id"}).collect();
  EXPECT_EQ(ints(left, "floor"), (I{3, 3, 1, -1, 1}));

  auto right = e().join(d(), "dept", nl::JoinType::Right).sort({nl::SortKey("dept"), nl::SortKey("id")}).collect();
  EXPECT_EQ(strings(right, "dept"), (S{"eng", "eng", "hr", "ops", "ops"}));
  EXPECT_EQ(ints(right, "id"), (I{1, 2, -1, 3, 5}));

  auto full = e().join(d(), "dept", nl::JoinType::Full).collect();
  EXPECT_EQ(full.num_rows(), 6u);  // 4 matches + dan (no dept) + hr (no employee)
  EXPECT_EQ(full.column_names(), (S{"id", "name", "dept", "salary", "dept_right", "floor"}));

  auto semi = d().join(e(), "dept", nl::JoinType::Semi).sort({"dept"}).collect();
  EXPECT_EQ(strings(semi, "dept"), (S{"eng", "ops"}));
  auto anti = d().join(e(), "dept", nl::JoinType::Anti).collect();
  EXPECT_EQ(strings(anti, "dept"), (S{"hr"}));
}

TEST_F(LazyFrameTest, JoinWithDifferentKeyNamesAndSuffix) {
  auto renamed = d().select({nl::col("dept").alias("d"), nl::col("floor").alias("id")});
  auto df = e().join(renamed, "dept", "d", nl::JoinType::Inner, "_x").sort({"name"}).collect();
  EXPECT_EQ(df.column_names(), (S{"id", "name", "dept", "salary", "id_x"}));
  EXPECT_EQ(ints(df, "id_x"), (I{3, 3, 1, 1}));
  EXPECT_NL_ERROR(e().join(d(), "dept", "nope"), NotFound, "nope");
}

TEST_F(LazyFrameTest, GroupByAgg) {
  auto df = e()
                .group_by({nl::col("dept")})
                .agg({nl::count_rows().alias("n"), nl::col("salary").sum().alias("total"),
                      nl::col("salary").max().alias("top")})
                .sort({nl::SortKey("dept", false, true)})
                .collect();
  EXPECT_EQ(strings(df, "dept"), (S{"eng", "ops", "<null>"}));
  EXPECT_EQ(ints(df, "n"), (I{2, 2, 1}));
  EXPECT_EQ(ints(df, "top"), (I{100, 90, 70}));
}

TEST_F(LazyFrameTest, WindowExpressions) {
  auto df = e()
                .filter({nl::Filter("dept", "is not null")})
                .with_column(nl::row_number().over({"dept"}, {"id"}), "nth")
                .with_column(nl::col("salary").max().over({"dept"}), "dept_max")
                .sort({"id"})
                .collect();
  EXPECT_EQ(ints(df, "nth"), (I{1, 2, 1, 2}));
  EXPECT_EQ(ints(df, "dept_max"), (I{100, 100, 90, 90}));
}

TEST_F(LazyFrameTest, SortMultiKeyDirectionsAndNulls) {
  auto df = e().sort({nl::SortKey("dept", false, false), nl::SortKey("salary", true, true)}).collect();
  // nulls first on dept; within eng: 100, 80; within ops: 90 then NULL (nulls last).
  EXPECT_EQ(ints(df, "id"), (I{4, 1, 2, 3, 5}));
  auto desc = e().sort({nl::SortKey("salary", true, false)}).collect();
  EXPECT_EQ(ints(desc, "id"), (I{5, 1, 3, 2, 4}));
}

TEST_F(LazyFrameTest, LimitHeadDistinctUnion) {
  EXPECT_EQ(ints(e().sort({"id"}).limit(2, 1).collect(), "id"), (I{2, 3}));
  EXPECT_EQ(e().head(3).collect().num_rows(), 3u);
  EXPECT_EQ(e().select({"dept"}).distinct().collect().num_rows(), 3u);  // eng, ops, NULL
  auto u = d().union_all(d().select({"floor", "dept"})).collect();
  EXPECT_EQ(u.num_rows(), 6u);
  EXPECT_NL_ERROR(d().union_all(e()), InvalidArgument, "union_all");
}

TEST_F(LazyFrameTest, ExplainShowsPushedDownFilter) {
  auto plan = e().filter({nl::Filter("salary", ">", 75)}).select({"name"}).explain();
  EXPECT_NE(plan.find("hr.emp"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Pushed Filters"), std::string::npos) << plan;
  EXPECT_NE(plan.find("salary > 75"), std::string::npos) << plan;
}

TEST_F(LazyFrameTest, SchemaWithoutRunning) {
  auto s = e().select({nl::col("salary").alias("pay")}).schema();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "pay");
  EXPECT_EQ(s[0].type, nl::DataType::int64());
}

TEST_F(LazyFrameTest, UnknownNamesSuggest) {
  EXPECT_NL_ERROR(catalog_.db("hr").table("emps"), NotFound, "did you mean 'emp'");
  EXPECT_NL_ERROR(catalog_.db("hrr"), NotFound, "did you mean 'hr'");
  EXPECT_NL_ERROR(catalog_.table("hr.dpt"), NotFound, "did you mean 'dept'");
  EXPECT_NL_ERROR(e().select({"nmae"}), NotFound, "did you mean 'name'");
}

}  // namespace
