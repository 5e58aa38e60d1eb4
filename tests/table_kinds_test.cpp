// One suite run on every table kind through the one provider interface
// (Parquet, CSV, JSON, Delta, function, and a kind defined in this file
// alone): the same typed rows, queried with every filter operator,
// projections, coercions, type errors and NULLs, and each kind's
// description. Expected row ids are worked out by hand from kRows.
#include <algorithm>
#include <atomic>
#include <set>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "tables/table_provider.h"
#include "testing/delta_log_writer.h"
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

// A kind known only to this test: its rows are a SQL query in the table's
// options, and it narrows the scan by itself when a filter fixes "id"
// (through the pruning module), to show a kind needs no engine change.
class InlineSqlProvider : public nl::tables::TableProvider {
 public:
  std::string kind() const override { return "test_inline_sql"; }
  void validate(const nl::TableDef& def) const override {
    if (!def.options.count("query"))
      throw nl::Error(nl::ErrorCode::InvalidArgument, def.name, "table '" + def.name + "' has no query option");
  }
  std::string scan_sql(nl::tables::ScanContext&, const nl::tables::ScanTarget& target) const override {
    return "(" + target.table.def().options.at("query") + ")";
  }
  std::optional<std::string> pruned_scan_sql(nl::tables::ScanContext& ctx, const nl::tables::ScanTarget& target,
                                             const nl::pruning::Predicate& filter) const override {
    // Rows 1..5 as "files" of one id each: keep the ids the filter allows.
    std::string kept;
    for (int id = 1; id <= 5; ++id) {
      auto o = nl::pruning::evaluate(filter, [&](const std::string& c) {
        return c == "id" ? nl::pruning::ColumnFacts::constant(nl::Value(id)) : nl::pruning::ColumnFacts::unknown();
      });
      if (o.can_match()) kept += (kept.empty() ? "" : ", ") + std::to_string(id);
    }
    ++pruned_scans;
    if (kept.empty()) kept = "NULL";
    return "(SELECT * FROM " + scan_sql(ctx, target) + " WHERE id IN (" + kept + "))";
  }
  static inline std::atomic<int> pruned_scans{0};
};

REGISTER_TABLE_PROVIDER(InlineSqlProvider);

// Each kind builds the table "t.items" over the same rows.
struct Kind {
  std::string name;
  bool has_lists;
  bool has_location;
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

// The rows as a Delta table partitioned by flag (true, false and NULL),
// with id stats per file.
nl::Table delta_items(nl::Session& w, const std::string& dir) {
  const char* schema =
      R"({"type":"struct","fields":[)"
      R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"name","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"price","type":"double","nullable":true,"metadata":{}},)"
      R"({"name":"day","type":"date","nullable":true,"metadata":{}},)"
      R"({"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}},)"
      R"({"name":"flag","type":"boolean","nullable":true,"metadata":{}},)"
      R"J({"name":"amount","type":"decimal(10,2)","nullable":true,"metadata":{}}]})J";
  const std::filesystem::path root = std::filesystem::path(dir) / "items_delta";
  std::string log = nl::testing::delta_protocol(1, 2) + nl::testing::delta_metadata("items", schema, {"flag"});
  struct Part {
    const char* where;
    const char* dir;
    const char* value;
    int rows, min_id, max_id;
  };
  for (const Part& p : {Part{"flag", "flag=true", R"("true")", 2, 1, 3}, Part{"NOT flag", "flag=false", R"("false")", 2, 2, 5},
                        Part{"flag IS NULL", "flag=__HIVE_DEFAULT_PARTITION__", "null", 1, 4, 4}}) {
    const std::string file = std::string(p.dir) + "/part-0.parquet";
    const int64_t size = nl::testing::copy_to_parquet(
        w, "SELECT * EXCLUDE (flag) FROM (" + std::string(kRowsSql) + ") WHERE " + p.where, root / file);
    const std::string stats = R"({"numRecords":)" + std::to_string(p.rows) + R"(,"minValues":{"id":)" +
                              std::to_string(p.min_id) + R"(},"maxValues":{"id":)" + std::to_string(p.max_id) +
                              R"(},"nullCount":{"id":0}})";
    log += nl::testing::delta_add(file, std::string(R"({"flag":)") + p.value + "}", size, stats);
  }
  nl::testing::write_delta_commit(root, 0, log);
  return nl::DeltaTable("items", "{warehouse}/items_delta");
}

std::vector<Kind> kinds() {
  return {
      {"parquet", true, true,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (" + std::string(kRowsSql) + ") TO " + quoted(dir + "/items.parquet") + " (FORMAT parquet)");
         return nl::ParquetTable("items", "{warehouse}/items.parquet");
       }},
      {"csv", false, true,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (SELECT * EXCLUDE (tags) FROM (" + std::string(kRowsSql) + ")) TO " +
                   quoted(dir + "/items.csv") + " (FORMAT csv, HEADER)");
         auto s = full_schema();
         s.erase(s.begin() + 4);
         return nl::CsvTable("items", "{warehouse}/items.csv").schema(s);
       }},
      {"json", true, true,
       [](nl::Session& w, const std::string& dir) {
         w.execute("COPY (" + std::string(kRowsSql) + ") TO " + quoted(dir + "/items.json") + " (FORMAT json)");
         return nl::JsonTable("items", "{warehouse}/items.json").schema(full_schema());
       }},
      {"delta", true, true, delta_items},
      {"function", true, false, [](nl::Session&, const std::string&) { return function_items(); }},
      {"test_inline_sql", true, false,
       [](nl::Session&, const std::string&) {
         nl::TableDef def;
         def.name = "items";
         def.kind = "test_inline_sql";
         def.options["query"] = kRowsSql;
         return nl::Table(def);
       }},
  };
}

class TableKindTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    nl::SessionOptions opts;
    opts.warehouse = dir_.str();
    nl::Session writer(opts);
    table_ = std::make_unique<nl::Table>(GetParam().make(writer, dir_.str()));
    catalog_ = std::make_unique<nl::Catalog>(
        std::vector<std::pair<std::string, nl::Database>>{{"t", nl::Database({*table_})}}, opts);
  }

  std::set<int64_t> ids(const nl::Filters& filters) {
    auto df = catalog_->db("t").table("items", filters).collect();
    std::set<int64_t> out;
    for (size_t r = 0; r < df.num_rows(); ++r) out.insert(*df.column("id").at<int64_t>(r));
    return out;
  }

  TempDir dir_;
  std::unique_ptr<nl::Table> table_;
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
  EXPECT_EQ(ids({nl::Filter("flag", "is null")}), (Ids{4}));
  EXPECT_EQ(ids({nl::Filter("flag", "is not null")}), (Ids{1, 2, 3, 5}));
  EXPECT_EQ(ids({nl::Filter("flag", "not in", {false})}), (Ids{1, 3}));
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

TEST_P(TableKindTest, DescribesItself) {
  nl::SessionOptions opts;
  opts.warehouse = dir_.str();
  nl::Session session(opts);
  const nl::TableDescription d = session.describe_table(*table_);
  EXPECT_EQ(d.kind, GetParam().name);
  EXPECT_EQ(d.kind, table_->kind());
  if (GetParam().has_location) {
    EXPECT_EQ(d.location.rfind("{warehouse}/items", 0), 0u) << d.location;
    EXPECT_NE(d.resolved_location.find(dir_.str()), std::string::npos) << d.resolved_location;
    EXPECT_EQ(d.resolved_location.find("{warehouse}"), std::string::npos) << d.resolved_location;
  } else {
    EXPECT_EQ(d.location, "");
    EXPECT_EQ(d.resolved_location, "");
  }
  EXPECT_TRUE(d.partitioning.empty());
  if (GetParam().name == "csv") {
    EXPECT_EQ(d.options, (std::vector<std::pair<std::string, std::string>>{{"delimiter", ","}, {"header", "true"}}));
  }
  if (GetParam().name == "test_inline_sql") {
    ASSERT_EQ(d.options.size(), 1u);
    EXPECT_EQ(d.options[0].first, "query");
  }
  // The schema the engine reads is the same for every kind.
  auto schema = catalog_->db("t").table("items").schema();
  ASSERT_EQ(schema.size(), GetParam().has_lists ? 7u : 6u);
  EXPECT_EQ(schema[0].name, "id");
}

INSTANTIATE_TEST_SUITE_P(AllKinds, TableKindTest, ::testing::ValuesIn(kinds()),
                         [](const auto& info) { return info.param.name; });

// The kind of this file narrows its scan through pruned_scan_sql(), asked
// by the engine with the filters as a pruning predicate.
TEST(TestOnlyKind, NarrowsItsScanThroughThePruningModule) {
  TempDir dir;
  nl::SessionOptions opts;
  opts.warehouse = dir.str();
  nl::TableDef def;
  def.name = "items";
  def.kind = "test_inline_sql";
  def.options["query"] = kRowsSql;
  nl::Catalog catalog(std::vector<std::pair<std::string, nl::Database>>{{"t", nl::Database({nl::Table(def)})}}, opts);
  const int before = InlineSqlProvider::pruned_scans.load();
  auto frame = catalog.db("t").table("items", {nl::Filter("id", "in", {2, 4})});
  auto df = frame.collect();
  EXPECT_EQ(df.num_rows(), 2u);
  EXPECT_GT(InlineSqlProvider::pruned_scans.load(), before);
}

TEST(TableKinds, AnUnknownKindFailsTheSessionNamingTheTable) {
  TempDir dir;
  nl::SessionOptions opts;
  opts.warehouse = dir.str();
  nl::TableDef def;
  def.name = "mystery";
  def.kind = "no_such_kind";
  def.location = "{warehouse}/x";
  nl::Catalog catalog(std::vector<std::pair<std::string, nl::Database>>{{"t", nl::Database({nl::Table(def)})}}, opts);
  auto open = [&] { nl::Session session(catalog, opts); };
  EXPECT_NL_ERROR(open(), InvalidArgument, "no_such_kind");
  EXPECT_NL_ERROR(open(), InvalidArgument, "'mystery'");
}

TEST(TableKinds, EveryBuiltInKindHasAProvider) {
  auto kinds = nl::tables::table_provider_kinds();
  for (const char* k : {nl::table_kind::parquet, nl::table_kind::csv, nl::table_kind::json, nl::table_kind::delta,
                        nl::table_kind::function}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
  }
  EXPECT_NL_ERROR(nl::tables::register_table_provider(std::make_shared<InlineSqlProvider>()), AlreadyExists,
                  "test_inline_sql");
}

}  // namespace
