// The REST query parameters of the API server (apps/neuralake/server/):
// ROAPI's query syntax read into a query, translated to SQL against a table
// schema, and run on the engine.
//
// Cases marked "ROAPI" are transcribed from roapi/roapi:
// columnq/src/query/rest.rs (its parser and unit tests), roapi/tests/api_test.rs
// (test_rest_get) and README.md ("REST API query interface"): the query
// string, and the plan they expect written here as the SQL we produce.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neuralake/error.h"
#include "neuralake/session.h"
#include "server/api_error.h"
#include "server/query_string.h"
#include "server/rest_query.h"
#include "server/rest_query_sql.h"

namespace nl = neuralake;
namespace srv = neuralake::server;

namespace {

// ROAPI's test table ubuntu_ami (test_data/ubuntu-ami.json) has string
// columns only; the others cover every kind of comparison.
nl::Schema test_schema() {
  return {
      {"name", nl::DataType::string()},
      {"version", nl::DataType::string()},
      {"release", nl::DataType::string()},
      {"arch", nl::DataType::string()},
      {"zone", nl::DataType::string()},
      {"instance_type", nl::DataType::string()},
      {"ami_id", nl::DataType::string()},
      {"aid", nl::DataType::string()},
      {"v", nl::DataType::string()},
      {"price", nl::DataType::float64()},
      {"id", nl::DataType::int64()},
      {"amount", nl::DataType::decimal(10, 2)},
      {"day", nl::DataType::date()},
      {"ts", nl::DataType::timestamp()},
      {"flag", nl::DataType::boolean()},
      {"tags", nl::DataType::list(nl::DataType::string())},
      {"we\"ird", nl::DataType::int64()},
      {"a]b", nl::DataType::int64()},
  };
}

std::string sql_of(const std::string& query) {
  return srv::rest_query_to_sql(srv::parse_rest_query(query), "\"db\".\"t\"", test_schema());
}

struct SqlCase {
  const char* query;
  const char* sql;  // after SELECT
};

const SqlCase kSqlCases[] = {
    // ROAPI columnq rest.rs: simple_query_with_column_aliases.
    {"limit=10&sort=aid&columns=aid,v", R"("aid", "v" FROM "db"."t" ORDER BY "aid" ASC NULLS FIRST LIMIT 10)"},
    // ROAPI columnq rest.rs: consistent_and_deterministics_logical_plan (filter, then columns, sort, limit).
    {"limit=10&sort=ami_id&columns=ami_id,version&filter[arch]='amd64'",
     R"("ami_id", "version" FROM "db"."t" WHERE "arch" = 'amd64' ORDER BY "ami_id" ASC NULLS FIRST LIMIT 10)"},
    // ROAPI columnq rest.rs: simple_filter (three filters AND-ed).
    {"columns=ami_id&filter[version]='20.10'&filter[arch]='amd64'&filter[zone]='us-east-2'",
     R"("ami_id" FROM "db"."t" WHERE "version" = '20.10' AND "arch" = 'amd64' AND "zone" = 'us-east-2')"},
    // ROAPI api_test.rs: test_rest_get.
    {"columns=name,version,release&filter[arch]='amd64'&filter[zone]eq='us-west-2'&"
     "filter[instance_type]eq='hvm:ebs-ssd'&sort=-version,release",
     R"("name", "version", "release" FROM "db"."t" WHERE "arch" = 'amd64' AND "zone" = 'us-west-2' AND )"
     R"("instance_type" = 'hvm:ebs-ssd' ORDER BY "version" DESC NULLS FIRST, "release" ASC NULLS FIRST)"},
    // ROAPI README: sort=col1,-col2; filter[col1]='foo'; 0 <= col2 < 5; columns with limit.
    {"sort=name,-id", R"(* FROM "db"."t" ORDER BY "name" ASC NULLS FIRST, "id" DESC NULLS FIRST)"},
    {"filter[name]='foo'", R"(* FROM "db"."t" WHERE "name" = 'foo')"},
    {"filter[id]gte=0&filter[id]lt=5", R"(* FROM "db"."t" WHERE "id" >= 0 AND "id" < 5)"},
    {"columns=name,price,id&limit=2", R"("name", "price", "id" FROM "db"."t" LIMIT 2)"},
    // ROAPI rest.rs operators: lte/lteq and gte/gteq are synonyms; gt, lt.
    {"filter[id]lteq=3", R"(* FROM "db"."t" WHERE "id" <= 3)"},
    {"filter[id]lte=3", R"(* FROM "db"."t" WHERE "id" <= 3)"},
    {"filter[id]gteq=3", R"(* FROM "db"."t" WHERE "id" >= 3)"},
    {"filter[id]gt=3", R"(* FROM "db"."t" WHERE "id" > 3)"},
    // ROAPI rest.rs: page with limit skips (page-1)*limit rows; page without limit is ignored.
    {"limit=100&page=2", R"(* FROM "db"."t" LIMIT 100 OFFSET 100)"},
    {"limit=100&page=1", R"(* FROM "db"."t" LIMIT 100)"},
    {"page=3", R"(* FROM "db"."t")"},
    // ROAPI rest.rs: a number is Int64 if it is one, else Float64 (typed DOUBLE, not DECIMAL).
    {"filter[price]gt=5", R"(* FROM "db"."t" WHERE "price" > 5)"},
    {"filter[price]gt=5.5", R"(* FROM "db"."t" WHERE "price" > 5.5::DOUBLE)"},
    {"filter[price]lt=1e3", R"(* FROM "db"."t" WHERE "price" < 1000::DOUBLE)"},
    {"filter[price]lt=99999999999999999999", R"(* FROM "db"."t" WHERE "price" < 1e+20::DOUBLE)"},
    // A doubled quote inside a string is one quote, and is doubled again in SQL.
    {"filter[name]='it''s'", R"(* FROM "db"."t" WHERE "name" = 'it''s')"},
    // Injection attempts stay inside a literal or an identifier.
    {"filter[name]='x'' OR 1=1 --'", R"(* FROM "db"."t" WHERE "name" = 'x'' OR 1=1 --')"},
    {"columns=we%22ird&filter[we\"ird]=1", R"("we""ird" FROM "db"."t" WHERE "we""ird" = 1)"},
    // As ROAPI's regex, the column runs to the last ']'.
    {"filter[a]b]gt=1", R"(* FROM "db"."t" WHERE "a]b" > 1)"},
    // Decoding after splitting: an encoded & and = stay in the value; a raw '+' is a space.
    {"filter%5Bname%5D=%27a%26b%3Dc%27", R"(* FROM "db"."t" WHERE "name" = 'a&b=c')"},
    {"filter[name]='a+b'", R"(* FROM "db"."t" WHERE "name" = 'a b')"},
    {"filter[name]='a%2Bb'", R"(* FROM "db"."t" WHERE "name" = 'a+b')"},
    {"sort=+price,%2Bid", R"(* FROM "db"."t" ORDER BY "price" ASC NULLS FIRST, "id" ASC NULLS FIRST)"},
    // Beyond ROAPI: ne, in, like, isnull, offset, negative numbers, booleans.
    {"filter[id]ne=3", R"(* FROM "db"."t" WHERE "id" <> 3)"},
    {"filter[name]in='a','b,c','it''s'", R"(* FROM "db"."t" WHERE "name" IN ('a', 'b,c', 'it''s'))"},
    {"filter[id]in=1,2,-3", R"(* FROM "db"."t" WHERE "id" IN (1, 2, -3))"},
    {"filter[name]like='ub%25_'", R"(* FROM "db"."t" WHERE "name" LIKE 'ub%_')"},
    {"filter[price]isnull=true&filter[name]isnull=false",
     R"(* FROM "db"."t" WHERE "price" IS NULL AND "name" IS NOT NULL)"},
    {"filter[tags]isnull=true", R"(* FROM "db"."t" WHERE "tags" IS NULL)"},
    {"limit=10&offset=5", R"(* FROM "db"."t" LIMIT 10 OFFSET 5)"},
    {"filter[id]gt=-9223372036854775808",
     R"(* FROM "db"."t" WHERE "id" > CAST('-9223372036854775808' AS BIGINT))"},
    {"filter[flag]=true", R"(* FROM "db"."t" WHERE "flag" = TRUE)"},
    // A quoted number against a numeric column is read as the number.
    {"filter[id]eq='42'", R"(* FROM "db"."t" WHERE "id" = 42)"},
    // Dates and timestamps are quoted ISO-8601 text, checked and typed.
    {"filter[day]gte='2024-01-02'", R"(* FROM "db"."t" WHERE "day" >= DATE '2024-01-02')"},
    {"filter[ts]lt='2024-01-02T03:04:05Z'", R"(* FROM "db"."t" WHERE "ts" < TIMESTAMP '2024-01-02 03:04:05')"},
    // Repeated filters all apply (ROAPI keeps the last of a repeated key).
    {"filter[id]gt=1&filter[id]gt=2", R"(* FROM "db"."t" WHERE "id" > 1 AND "id" > 2)"},
    // Unknown parameters are ignored, as ROAPI does.
    {"colums=x&foo=bar&filter=1", R"(* FROM "db"."t")"},
};

TEST(RestQuerySql, Cases) {
  for (const SqlCase& c : kSqlCases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(sql_of(c.query), std::string("SELECT ") + c.sql);
  }
}

struct ErrorCase {
  const char* query;
  const char* kind;
  nl::ErrorCode code;
  const char* object;  // the parameter or column the error names
};

const ErrorCase kErrorCases[] = {
    // ROAPI rest.rs: unsupported operator, a filter key it cannot read (kind rest_query).
    {"filter[id]gtx=1", "rest_query", nl::ErrorCode::InvalidArgument, "filter[id]gtx"},
    {"filter[]=1", "rest_query", nl::ErrorCode::InvalidArgument, "filter[]"},
    {"filter[id=1", "rest_query", nl::ErrorCode::InvalidArgument, "filter[id"},
    // ROAPI rest.rs: a value that is neither a quoted string nor a number (rest_query_value).
    {"filter[name]=amd64", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"filter[name]='amd64", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"filter[name]='a'b'", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"filter[name]eq=", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]eq"},
    {"filter[id]=5abc", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[id]"},
    {"filter[price]=1e999", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[price]"},
    // ROAPI rest.rs: limit and page must be numbers (invalid_numeric_param); page 0 would underflow there.
    {"limit=ten", "invalid_numeric_param", nl::ErrorCode::InvalidArgument, "limit"},
    {"limit=-1", "invalid_numeric_param", nl::ErrorCode::InvalidArgument, "limit"},
    {"limit=10&page=0", "invalid_numeric_param", nl::ErrorCode::InvalidArgument, "page"},
    {"limit=9223372036854775808", "invalid_numeric_param", nl::ErrorCode::InvalidArgument, "limit"},
    {"limit=4611686018427387904&page=3", "invalid_limit", nl::ErrorCode::InvalidArgument, "page"},
    // Unknown columns: the kind says where (ROAPI: invalid_filter, invalid_projection, invalid_sort).
    {"filter[prise]gt=1", "invalid_filter", nl::ErrorCode::NotFound, "prise"},
    {"columns=name,verison", "invalid_projection", nl::ErrorCode::NotFound, "verison"},
    {"sort=-relase", "invalid_sort", nl::ErrorCode::NotFound, "relase"},
    {"columns=name,", "invalid_projection", nl::ErrorCode::InvalidArgument, "columns"},
    {"columns=name,name", "invalid_projection", nl::ErrorCode::InvalidArgument, "columns"},
    {"sort=name,-", "invalid_sort", nl::ErrorCode::InvalidArgument, "sort"},
    // Values that do not suit their column.
    {"filter[name]=5", "invalid_filter", nl::ErrorCode::InvalidArgument, "name"},
    {"filter[id]='abc'", "invalid_filter", nl::ErrorCode::InvalidArgument, "id"},
    {"filter[id]='true'", "invalid_filter", nl::ErrorCode::InvalidArgument, "id"},
    {"filter[id]='''5'''", "invalid_filter", nl::ErrorCode::InvalidArgument, "id"},
    {"filter[day]='yesterday'", "invalid_filter", nl::ErrorCode::InvalidArgument, "day"},
    {"filter[flag]='yes'", "invalid_filter", nl::ErrorCode::InvalidArgument, "flag"},
    {"filter[id]=true", "invalid_filter", nl::ErrorCode::InvalidArgument, "id"},
    {"filter[id]like='1%25'", "invalid_filter", nl::ErrorCode::InvalidArgument, "id"},
    {"filter[tags]='a'", "invalid_filter", nl::ErrorCode::InvalidArgument, "tags"},
    {"filter[name]in='a',", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]in"},
    {"filter[name]like=5", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]like"},
    {"filter[name]isnull=maybe", "rest_query_value", nl::ErrorCode::InvalidArgument, "filter[name]isnull"},
    // Malformed query strings.
    {"filter[name]='100%'", "rest_query", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"filter[name]='%FF'", "rest_query", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"filter[name]='a%00b'", "rest_query", nl::ErrorCode::InvalidArgument, "filter[name]"},
    {"limit=1&limit=2", "rest_query", nl::ErrorCode::InvalidArgument, "limit"},
    {"limit=10&page=2&offset=3", "rest_query", nl::ErrorCode::InvalidArgument, "page"},
    // Time travel and format.
    {"version=-1", "invalid_time_travel", nl::ErrorCode::InvalidArgument, "version"},
    {"version=1.5", "invalid_time_travel", nl::ErrorCode::InvalidArgument, "version"},
    {"as_of=last+tuesday", "invalid_time_travel", nl::ErrorCode::InvalidArgument, "as_of"},
    {"version=2&as_of=2024-01-02T00:00:00Z", "invalid_time_travel", nl::ErrorCode::InvalidArgument, "as_of"},
    {"format=xml", "invalid_format", nl::ErrorCode::InvalidArgument, "format"},
};

TEST(RestQueryErrors, Cases) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(c.query);
    try {
      (void)sql_of(c.query);
      ADD_FAILURE() << "no error";
    } catch (const srv::ApiError& e) {
      EXPECT_EQ(e.kind(), c.kind) << e.what();
      EXPECT_EQ(e.code(), c.code) << e.what();
      EXPECT_EQ(e.object(), c.object) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.object), std::string::npos) << e.what();
    }
  }
}

TEST(RestQueryErrors, UnknownColumnsSuggestTheClosestName) {
  try {
    (void)sql_of("filter[prise]gt=1");
    FAIL() << "no error";
  } catch (const srv::ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'price'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("filter[prise]gt"), std::string::npos) << e.what();
  }
}

TEST(RestQueryErrors, AStringColumnComparedWithANumberSuggestsQuoting) {
  try {
    (void)sql_of("filter[version]eq=20.10");
    FAIL() << "no error";
  } catch (const srv::ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("quoted"), std::string::npos) << e.what();
  }
}

TEST(RestQueryParse, Structure) {
  const srv::RestQuery q = srv::parse_rest_query(
      "columns=a,b&filter[col]gt=5&filter[name]eq='x'&sort=-price,id&limit=100&page=2&version=7&format=CSV&x=1");
  ASSERT_TRUE(q.columns);
  EXPECT_EQ(*q.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(q.filters.size(), 2u);
  EXPECT_EQ(q.filters[0].column, "col");
  EXPECT_EQ(q.filters[0].op, srv::FilterOp::Gt);
  EXPECT_EQ(q.filters[0].values, (std::vector<nl::Value>{nl::Value(int64_t{5})}));
  EXPECT_EQ(q.filters[1].parameter, "filter[name]eq");
  EXPECT_EQ(q.filters[1].values, (std::vector<nl::Value>{nl::Value("x")}));
  ASSERT_EQ(q.sort.size(), 2u);
  EXPECT_EQ(q.sort[0].column, "price");
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_EQ(q.sort[1].column, "id");
  EXPECT_FALSE(q.sort[1].descending);
  EXPECT_EQ(q.limit, 100u);
  EXPECT_EQ(q.page, 2u);
  EXPECT_EQ(q.offset, 100u);
  EXPECT_EQ(q.version, 7);
  EXPECT_FALSE(q.as_of);
  EXPECT_EQ(q.format, srv::Encoding::Csv);
  EXPECT_EQ(q.ignored, (std::vector<std::string>{"x"}));
}

TEST(RestQueryParse, AsOfIsKeptAsGiven) {
  const srv::RestQuery q = srv::parse_rest_query("as_of=2024-01-02T03:04:05%2B01:00");
  EXPECT_EQ(q.as_of, "2024-01-02T03:04:05+01:00");
  EXPECT_FALSE(q.version);
}

TEST(RestQueryParse, ValuesAreInt64ThenFloat64) {
  EXPECT_TRUE(srv::parse_rest_value("42", "p").is<int64_t>());
  EXPECT_TRUE(srv::parse_rest_value("9223372036854775807", "p").is<int64_t>());
  EXPECT_TRUE(srv::parse_rest_value("9223372036854775808", "p").is<double>());
  EXPECT_EQ(srv::parse_rest_value(".5", "p"), nl::Value(0.5));
  EXPECT_EQ(srv::parse_rest_value("-1.25e2", "p"), nl::Value(-125.0));
  EXPECT_EQ(srv::parse_rest_value(" 'a b' ", "p"), nl::Value("a b"));
  EXPECT_EQ(srv::parse_rest_value("''", "p"), nl::Value(""));
  EXPECT_EQ(srv::parse_rest_value("''''", "p"), nl::Value("'"));
  EXPECT_THROW(srv::parse_rest_value("1e", "p"), srv::ApiError);
  EXPECT_THROW(srv::parse_rest_value("0x1F", "p"), srv::ApiError);
  EXPECT_THROW(srv::parse_rest_value("-", "p"), srv::ApiError);
  EXPECT_THROW(srv::parse_rest_value(".", "p"), srv::ApiError);
}

TEST(QueryString, SplitsBeforeDecoding) {
  const std::vector<srv::QueryParameter> p = srv::parse_query_string("?a=1&&b&c=x%3Dy=z&%E2%82%AC=%C3%A9");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].key, "a");
  EXPECT_EQ(p[1].key, "b");
  EXPECT_EQ(p[1].value, "");
  EXPECT_EQ(p[2].value, "x=y=z");
  EXPECT_EQ(p[3].key, "\xE2\x82\xAC");
  EXPECT_EQ(p[3].value, "\xC3\xA9");
  // An overlong encoding and a lone surrogate are not UTF-8.
  EXPECT_THROW(srv::parse_query_string("a=%C0%AF"), srv::ApiError);
  EXPECT_THROW(srv::parse_query_string("a=%ED%A0%80"), srv::ApiError);
  EXPECT_THROW(srv::parse_query_string("a=%4"), srv::ApiError);
}

// The SQL runs on the engine and selects the rows ROAPI's semantics select.
class RestQueryOnEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    session_.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES "
        "('focal', '20.04 LTS', 'amd64', 2.5::DOUBLE, 1, 10.10::DECIMAL(10,2), DATE '2020-04-23', TRUE), "
        "('groovy', '20.10', 'amd64', NULL, 2, 3.00::DECIMAL(10,2), DATE '2020-10-22', FALSE), "
        "('it''s', '20.10', 'arm64', 0.1, 3, 0.10::DECIMAL(10,2), NULL, NULL), "
        "('bionic', '18.04 LTS', 'arm64', 7.0, 4, NULL, DATE '2018-04-26', TRUE)) "
        "AS v(name, version, arch, price, id, amount, day, flag)");
    schema_ = session_.describe("SELECT * FROM t");
  }

  // The `name` column of the rows the query selects, in result order.
  std::vector<std::string> names(const std::string& query) {
    const nl::DataFrame df = session_.sql(srv::rest_query_to_sql(srv::parse_rest_query(query), "t", schema_));
    std::vector<std::string> out;
    const nl::Series& c = df.column("name");
    for (size_t i = 0; i < df.num_rows(); ++i) out.push_back(c.get(i).as<std::string>());
    return out;
  }

  nl::Session session_;
  nl::Schema schema_;
};

TEST_F(RestQueryOnEngine, SelectsTheRowsROAPIWould) {
  using V = std::vector<std::string>;
  EXPECT_EQ(names("filter[arch]='amd64'&sort=-version,name"), (V{"groovy", "focal"}));
  EXPECT_EQ(names("filter[version]eq='20.10'&sort=name"), (V{"groovy", "it's"}));
  EXPECT_EQ(names("filter[name]='it''s'"), (V{"it's"}));
  EXPECT_EQ(names("filter[price]gte=0.1&filter[price]lt=7&sort=price"), (V{"it's", "focal"}));
  // Nulls first both ways, as ROAPI sorts.
  EXPECT_EQ(names("sort=price&columns=name"), (V{"groovy", "it's", "focal", "bionic"}));
  EXPECT_EQ(names("sort=-price&columns=name"), (V{"groovy", "bionic", "focal", "it's"}));
  EXPECT_EQ(names("sort=id&limit=2&page=2"), (V{"it's", "bionic"}));
  EXPECT_EQ(names("sort=id&limit=1&offset=1"), (V{"groovy"}));
  EXPECT_EQ(names("filter[amount]eq=0.1"), (V{"it's"}));
  EXPECT_EQ(names("filter[amount]gt='3'&sort=id"), (V{"focal"}));
  EXPECT_EQ(names("filter[day]lt='2020-05-01'&sort=id"), (V{"focal", "bionic"}));
  EXPECT_EQ(names("filter[day]gte='2020-10-22T00:00:00Z'"), (V{"groovy"}));
  EXPECT_EQ(names("filter[flag]eq=true&sort=id"), (V{"focal", "bionic"}));
  EXPECT_EQ(names("filter[flag]isnull=true"), (V{"it's"}));
  EXPECT_EQ(names("filter[id]in=1,4&sort=-id"), (V{"bionic", "focal"}));
  EXPECT_EQ(names("filter[name]like='%25o%25'&filter[id]ne=1&sort=id"), (V{"groovy", "bionic"}));
  EXPECT_EQ(names("filter[name]='x'' OR 1=1 --'"), V{});
  EXPECT_EQ(names("filter[id]gt=9223372036854775807"), V{});
  EXPECT_EQ(names("filter[id]gt=99999999999999999999"), V{});
}

TEST_F(RestQueryOnEngine, ComparesTimestampsWithTimeZonesTimesAndEngineTypes) {
  session_.execute(
      "CREATE TABLE typed AS SELECT * FROM (VALUES "
      "('a', TIMESTAMPTZ '2024-01-02 02:30:00+00', TIME '08:00:00', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID), "
      "('b', TIMESTAMPTZ '2024-01-02 01:30:00+00', TIME '12:30:00', '00000000-0000-0000-0000-000000000001'::UUID)) "
      "AS v(name, tstz, t, u)");
  const nl::Schema schema = session_.describe("SELECT * FROM typed");
  const auto run = [&](const std::string& query) {
    const nl::DataFrame df = session_.sql(srv::rest_query_to_sql(srv::parse_rest_query(query), "typed", schema));
    std::vector<std::string> out;
    for (size_t i = 0; i < df.num_rows(); ++i) out.push_back(df.column("name").get(i).as<std::string>());
    return out;
  };
  using V = std::vector<std::string>;
  // 03:00 at +01:00 is 02:00 UTC: only a's 02:30 UTC is later.
  EXPECT_EQ(run("filter[tstz]gt='2024-01-02T03:00:00%2B01:00'"), (V{"a"}));
  EXPECT_EQ(run("filter[tstz]lt='2024-01-02T02:00:00Z'"), (V{"b"}));
  EXPECT_EQ(run("filter[t]gte='12:00:00'"), (V{"b"}));
  EXPECT_EQ(run("filter[u]eq='6ba7b810-9dad-11d1-80b4-00c04fd430c8'"), (V{"a"}));
  EXPECT_EQ(run("filter[u]in='00000000-0000-0000-0000-000000000001','6ba7b810-9dad-11d1-80b4-00c04fd430c8'&sort=name"),
            (V{"a", "b"}));
}

TEST_F(RestQueryOnEngine, ProjectsTheColumnsInTheOrderAsked) {
  const nl::DataFrame df = session_.sql(
      srv::rest_query_to_sql(srv::parse_rest_query("columns=id,name&sort=id&limit=1"), "t", schema_));
  ASSERT_EQ(df.num_columns(), 2u);
  EXPECT_EQ(df.column(0).name(), "id");
  EXPECT_EQ(df.column(1).name(), "name");
  EXPECT_EQ(df.num_rows(), 1u);
}

}  // namespace
