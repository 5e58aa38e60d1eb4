// One suite run on every table kind (Parquet, CSV, JSON, function): the same
// typed rows, queried with every filter operator, projections, coercions,
// type errors and NULLs. Expected row ids are worked out by hand from kRows.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::TempDir;

namespace {

// id | name         | price | day        | tags              | flag  | amount
//  1 | apple        | 1.5   | 2024-01-01 | [red, fruit]      | true  | 10.50
//  2 | banana       | 0.25  | 2024-01-02 | [yellow, fruit]   | false | 3.00
//  3 | NULL         | 2.0   | 2024-02-10 | [green]           | true  | NULL
//  4 | cherry pie   | NULL  | 2024-03-01 | []                | NULL  | 7.25
//  5 | date         | 4.0   | NULL       | NULL              | false | 0.10
const char* kRowsSql =
    "SELECT * FROM (VALUES "
    "(1::BIGINT, 'apple', 1.5::DOUBLE, DATE '2024-01-01', ['red','fruit'], true, 10.50::DECIMAL(10,2)), "
    "(2, 'banana', 0.25, DATE '2024-01-02', ['yellow','fruit'], false, 3.00), "
    "(3, NULL, 2.0, DATE '2024-02-10', ['green'], true, NULL), "
    "(4, 'cherry pie', NULL, DATE '2024-03-01', []::VARCHAR[], NULL, 7.25), "
    "(5, 'date', 4.0, NULL, NULL, false, 0.10)"
    ") t(id, name, price, day, tags, flag, amount)";

nl::Schema full_schema() {
  return {{"id", nl::DataType::int64()},
          {"name", nl::DataType::string()},
          {"price", nl::DataType::float64()},
          {"day", nl::DataType::date()},
          {"tags", nl::DataType::list(nl::DataType::string())},
          {"flag", nl::DataType::boolean()},
          {"amount", nl::DataType::decimal(10, 2)}};
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Each kind builds the table "t.items" over the same rows.
struct Kind {
  std::string name;
  bool has_lists;
  std::function<nl::Table(nl::Session& writer, const std::string& dir)> make;
};

// Test names and failure messages show the kind by name.
void PrintTo(const Kind& kind, std::ostream* os) { *os << kind.name; }

nl::Table function_items() {
  return nl::FunctionTable("items", full_schema(), [](const nl::ScanRequest&) {
    using V = nl::Value;
    auto tags = nl::DataType::list(nl::DataType::string());
    return nl::make_batch_reader(nl::DataFrame::from_columns({
        nl::Series("id", nl::DataType::int64(), {1, 2, 3, 4, 5}),
        nl::Series("name", nl::DataType::string(), {"apple", "banana", V(), "cherry pie", "date"}),
        nl::Series("price", nl::DataType::float64(), {1.5, 0.25, 2.0, V(), 4.0}),
        nl::Series("day", nl::DataType::date(),
                   {nl::parse_date("2024-01-01"), nl::parse_date("2024-01-02"), nl::parse_date("2024-02-10"),
                    nl::parse_date("2024-03-01"), V()}),
        nl::Series("tags", tags,
                   {V::list({"red", "fruit"}), V::list({"yellow", "fruit"}), V::list({"green"}), V::list({}), V()}),
        nl::Series("flag", nl::DataType::boolean(), {true, false, true, V(), false}),
        nl::Series("amount", nl::DataType::decimal(10, 2),
                   {nl::Decimal{1050, 2}, nl::Decimal{300, 2}, V(), nl::Decimal{725, 2}, nl::Decimal{10, 2}}),
    }));
  });
}

std::vector<Kind> kinds() {
  return {
      {"parquet", true,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (" + std::string(kRowsSql) + ") TO " + quoted(dir + "/items.parquet") + " (FORMAT parquet)");
         return nl::ParquetTable("items", dir + "/items.parquet");
       }},
      {"csv", false,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (SELECT * EXCLUDE (tags) FROM (" + std::string(kRowsSql) + ")) TO " +
                   quoted(dir + "/items.csv") + " (FORMAT csv, HEADER)");
         auto s = full_schema();
         s.erase(s.begin() + 4);
         return nl::CsvTable("items", dir + "/items.csv").schema(s);
       }},
      {"json", true,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (" + std::string(kRowsSql) + ") TO " + quoted(dir + "/items.json") + " (FORMAT json)");
         return nl::JsonTable("items", dir + "/items.json").schema(full_schema());
       }},
      {"function", true, [](nl::Session&, const std::string&) { return function_items(); }},
  };
}

class TableKindTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    nl::SessionOptions opts;
    opts.warehouse = dir_.str();
    nl::Session writer(opts);
    nl::Table table = GetParam().make(writer, dir_.str());
    catalog_ = std::make_unique<nl::Catalog>(std::vector<std::pair<std::string, nl::Database>>{{"t", nl::Database({table})}},
                                             opts);
  }

  std::set<int64_t> ids(const nl::Filters& filters) {
    auto df = catalog_->db("t").table("items", filters).collect();
    std::set<int64_t> out;
    for (size_t r = 0; r < df.num_rows(); ++r) out.insert(*df.column("id").at<int64_t>(r));
    return out;
  }

  TempDir dir_;
  std::unique_ptr<nl::Catalog> catalog_;
};

using Ids = std::set<int64_t>;

TEST_P(TableKindTest, ReadsAllRowsWithTypes) {
  auto df = catalog_->db("t").table("items").collect();
  EXPECT_EQ(df.num_rows(), 5u);
  auto schema = df.schema();
  EXPECT_EQ(schema[0].type, nl::DataType::int64());
  EXPECT_EQ(df.column("price").type(), nl::DataType::float64());
  EXPECT_EQ(df.column("day").type(), nl::DataType::date());
  EXPECT_EQ(df.column("amount").type(), nl::DataType::decimal(10, 2));
  EXPECT_EQ(df.column("flag").type(), nl::DataType::boolean());
}

TEST_P(TableKindTest, Comparisons) {
  EXPECT_EQ(ids({nl::Filter("id", "=", 2)}), (Ids{2}));
  EXPECT_EQ(ids({nl::Filter("id", "!=", 2)}), (Ids{1, 3, 4, 5}));
  EXPECT_EQ(ids({nl::Filter("price", "<", 1.6)}), (Ids{1, 2}));
  EXPECT_EQ(ids({nl::Filter("price", "<=", 2.0)}), (Ids{1, 2, 3}));
  EXPECT_EQ(ids({nl::Filter("price", ">", 1.5)}), (Ids{3, 5}));
  EXPECT_EQ(ids({nl::Filter("price", ">=", 4.0)}), (Ids{5}));
}

TEST_P(TableKindTest, SetMembershipAndSubstring) {
  EXPECT_EQ(ids({nl::Filter("name", "in", {"apple", "date"})}), (Ids{1, 5}));
  // NULL names never pass "not in" (SQL semantics).
  EXPECT_EQ(ids({nl::Filter("name", "not in", {"apple"})}), (Ids{2, 4, 5}));
  EXPECT_EQ(ids({nl::Filter("name", "in", std::vector<nl::Value>{})}), (Ids{}));
  EXPECT_EQ(ids({nl::Filter("name", "contains", "an")}), (Ids{2}));
  EXPECT_EQ(ids({nl::Filter("name", "contains", "e")}), (Ids{1, 4, 5}));
}

TEST_P(TableKindTest, ListOperators) {
  if (!GetParam().has_lists) GTEST_SKIP() << "CSV has no list columns";
  EXPECT_EQ(ids({nl::Filter("tags", "includes", "fruit")}), (Ids{1, 2}));
  EXPECT_EQ(ids({nl::Filter("tags", "includes any", {"green", "red"})}), (Ids{1, 3}));
  EXPECT_EQ(ids({nl::Filter("tags", "includes all", {"red", "fruit"})}), (Ids{1}));
  EXPECT_NL_ERROR(ids({nl::Filter("name", "includes", "x")}), InvalidArgument, "name");
}

TEST_P(TableKindTest, NullOperatorsAndNullSemantics) {
  EXPECT_EQ(ids({nl::Filter("name", "is null")}), (Ids{3}));
  EXPECT_EQ(ids({nl::Filter("price", "is not null")}), (Ids{1, 2, 3, 5}));
  // flag is NULL for row 4: it matches neither = nor !=.
  EXPECT_EQ(ids({nl::Filter("flag", "!=", true)}), (Ids{2, 5}));
  EXPECT_EQ(ids({nl::Filter("flag", "=", true)}), (Ids{1, 3}));
  EXPECT_NL_ERROR(ids({nl::Filter("flag", "=", nl::Value())}), InvalidArgument, "flag");
}

TEST_P(TableKindTest, LosslessCoercions) {
  EXPECT_EQ(ids({nl::Filter("day", "=", "2024-01-02")}), (Ids{2}));
  EXPECT_EQ(ids({nl::Filter("day", ">=", "2024-02-10")}), (Ids{3, 4}));
  EXPECT_EQ(ids({nl::Filter("price", "=", 4)}), (Ids{5}));
  EXPECT_EQ(ids({nl::Filter("id", "=", 2.0)}), (Ids{2}));
  EXPECT_EQ(ids({nl::Filter("amount", "=", "3.00")}), (Ids{2}));
  EXPECT_EQ(ids({nl::Filter("amount", "=", 10.5)}), (Ids{1}));
  EXPECT_EQ(ids({nl::Filter("amount", ">", 5)}), (Ids{1, 4}));
}

TEST_P(TableKindTest, TypeErrorsNameColumnValueAndType) {
  EXPECT_NL_ERROR(ids({nl::Filter("id", "=", "abc")}), InvalidArgument, "'abc'");
  EXPECT_NL_ERROR(ids({nl::Filter("id", "=", "abc")}), InvalidArgument, "i64");
  EXPECT_NL_ERROR(ids({nl::Filter("id", "=", 1.5)}), InvalidArgument, "id");
  EXPECT_NL_ERROR(ids({nl::Filter("name", "=", 5)}), InvalidArgument, "name");
  EXPECT_NL_ERROR(ids({nl::Filter("day", "=", "2024-13-01")}), InvalidArgument, "2024-13-01");
  EXPECT_NL_ERROR(ids({nl::Filter("amount", "=", "1.234")}), InvalidArgument, "decimal[10,2]");
  EXPECT_NL_ERROR(ids({nl::Filter("price", "contains", "1")}), InvalidArgument, "price");
  EXPECT_NL_ERROR(ids({nl::Filter("nmae", "=", "apple")}), NotFound, "did you mean 'name'");
}

TEST_P(TableKindTest, OrOfAndsAndEmpty) {
  EXPECT_EQ(ids(nl::Filters{}), (Ids{1, 2, 3, 4, 5}));
  EXPECT_EQ(ids(nl::Filters(std::vector<std::vector<nl::Filter>>{
                {nl::Filter("id", "=", 1)}, {nl::Filter("id", "=", 5), nl::Filter("flag", "=", false)}})),
            (Ids{1, 5}));
  EXPECT_EQ(ids({nl::Filter("price", ">", 1.0), nl::Filter("flag", "=", true)}), (Ids{1, 3}));
}

TEST_P(TableKindTest, ProjectionAndEmptyResult) {
  auto df = catalog_->db("t").table("items", {nl::Filter("id", ">", 3)}, {"name", "id"}).collect();
  ASSERT_EQ(df.column_names(), (std::vector<std::string>{"name", "id"}));
  EXPECT_EQ(df.num_rows(), 2u);
  auto empty = catalog_->db("t").table("items", {nl::Filter("id", "=", 99)}).collect();
  EXPECT_EQ(empty.num_rows(), 0u);
  EXPECT_EQ(empty.num_columns(), GetParam().has_lists ? 7u : 6u);
  EXPECT_NL_ERROR(catalog_->db("t").table("items", {}, {"idd"}), NotFound, "did you mean 'id'");
}

TEST_P(TableKindTest, SqlOverTheCatalog) {
  auto df =
      catalog_->sql("SELECT count(*) AS n, sum(id)::BIGINT AS s FROM t.items WHERE price IS NOT NULL").collect();
  EXPECT_EQ(*df.column("n").at<int64_t>(0), 4);
  EXPECT_EQ(*df.column("s").at<int64_t>(0), 11);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, TableKindTest, ::testing::ValuesIn(kinds()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
