// A generated Delta table with every primitive type (data and partition
// columns) and struct, array and map columns, checked value by value against
// the test's own model of typed SQL literals.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/log_listing.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;
using nl::testing::json_string;

namespace {

// One column of the model: its Delta type (JSON), the DuckDB type the reader
// must surface, and one SQL literal per row (row i has id i).
struct Column {
  std::string name;
  std::string delta_type;
  std::string duckdb_type;
  std::vector<std::string> values;
};

const std::vector<Column>& model() {
  static const std::vector<Column> columns = {
      {"b", R"("byte")", "TINYINT", {"-128", "127", "0", "NULL"}},
      {"s", R"("short")", "SMALLINT", {"-32768", "32767", "7", "NULL"}},
      {"i", R"("integer")", "INTEGER", {"-2147483648", "2147483647", "42", "NULL"}},
      {"l", R"("long")", "BIGINT", {"-9223372036854775808", "9223372036854775807", "-1", "NULL"}},
      {"f", R"("float")", "FLOAT", {"-3.4028235e38", "1.5", "'inf'", "NULL"}},
      {"d", R"("double")", "DOUBLE", {"-1.7976931348623157e308", "2.2250738585072014e-308", "0.1", "NULL"}},
      {"dec", "\"decimal(10,2)\"", "DECIMAL(10,2)", {"-99999999.99", "12345678.91", "0.05", "NULL"}},
      {"wide", "\"decimal(38,6)\"", "DECIMAL(38,6)",
       {"-99999999999999999999999999999999.999999", "12345678901234567890123456789012.123456", "1", "NULL"}},
      {"str", R"("string")", "VARCHAR", {"''", "'héllo, \"world\" ''q'''", "'line\nbreak'", "NULL"}},
      {"bin", R"("binary")", "BLOB", {"'\\x00\\xFF'::BLOB", "''::BLOB", "'abc'::BLOB", "NULL"}},
      {"flag", R"("boolean")", "BOOLEAN", {"true", "false", "true", "NULL"}},
      {"day", R"("date")", "DATE", {"DATE '0001-01-01'", "DATE '9999-12-31'", "DATE '2024-02-29'", "NULL"}},
      {"ts", R"("timestamp")", "TIMESTAMP WITH TIME ZONE",
       {"TIMESTAMPTZ '1900-01-01 00:00:00+00'", "TIMESTAMPTZ '2024-02-29 23:59:59.123456+00'",
        "TIMESTAMPTZ '1970-01-01 00:00:00+00'", "NULL"}},
      {"ntz", R"("timestamp_ntz")", "TIMESTAMP",
       {"TIMESTAMP '1900-01-01 00:00:00'", "TIMESTAMP '2262-04-11 23:47:16.854775'", "TIMESTAMP '2024-02-29 12:00:00.5'",
        "NULL"}},
      {"st",
       R"({"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,"metadata":{}},{"name":"inner","type":{"type":"struct","fields":[{"name":"y","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]})",
       "STRUCT(x INTEGER, \"inner\" STRUCT(y VARCHAR))",
       {"{'x': 1, 'inner': {'y': 'a'}}", "{'x': NULL, 'inner': NULL}", "{'x': -5, 'inner': {'y': NULL}}", "NULL"}},
      {"arr", R"({"type":"array","elementType":"long","containsNull":true})", "BIGINT[]",
       {"[1, NULL, 3]", "[]", "[9223372036854775807]", "NULL"}},
      {"m", R"({"type":"map","keyType":"string","valueType":"integer","valueContainsNull":true})",
       "MAP(VARCHAR, INTEGER)", {"MAP {'a': 1, 'b': NULL}", "MAP {}", "MAP {'z': -1}", "NULL"}},
      {"nested",
       R"({"type":"array","elementType":{"type":"struct","fields":[{"name":"k","type":"string","nullable":true,"metadata":{}},{"name":"v","type":{"type":"map","keyType":"integer","valueType":{"type":"array","elementType":"double","containsNull":true},"valueContainsNull":true},"nullable":true,"metadata":{}}]},"containsNull":true})",
       "STRUCT(k VARCHAR, v MAP(INTEGER, DOUBLE[]))[]",
       {"[{'k': 'p', 'v': MAP {1: [1.5, NULL]}}, NULL]", "[]", "[{'k': NULL, 'v': NULL}]", "NULL"}},
  };
  return columns;
}

// Partition columns of every primitive type, as log strings per file; file f
// holds the row with id f. The last file has only null partition values.
struct PartitionColumn {
  std::string name;
  std::string delta_type;
  std::string duckdb_type;
  std::vector<std::string> log_values;  // "" stands for null
  std::vector<std::string> sql_values;  // the same values as typed literals
};

const std::vector<PartitionColumn>& partitions() {
  static const std::vector<PartitionColumn> columns = {
      {"p_byte", "byte", "TINYINT", {"-128", "127", "0", ""}, {"-128", "127", "0", "NULL"}},
      {"p_short", "short", "SMALLINT", {"-32768", "1", "0", ""}, {"-32768", "1", "0", "NULL"}},
      {"p_int", "integer", "INTEGER", {"2147483647", "-1", "0", ""}, {"2147483647", "-1", "0", "NULL"}},
      {"p_long", "long", "BIGINT", {"-9223372036854775808", "5", "0", ""}, {"-9223372036854775808", "5", "0", "NULL"}},
      {"p_float", "float", "FLOAT", {"1.5", "-0.25", "0", ""}, {"1.5", "-0.25", "0", "NULL"}},
      {"p_double", "double", "DOUBLE", {"2.5e100", "-1.0E-5", "0.0", ""}, {"2.5e100", "-1.0E-5", "0", "NULL"}},
      {"p_dec", "decimal(10,2)", "DECIMAL(10,2)", {"-12.30", "99999999.99", "0.00", ""},
       {"-12.30", "99999999.99", "0", "NULL"}},
      {"p_str", "string", "VARCHAR", {"a/b c=d%", "", "x", ""}, {"'a/b c=d%'", "NULL", "'x'", "NULL"}},
      {"p_bool", "boolean", "BOOLEAN", {"true", "false", "true", ""}, {"true", "false", "true", "NULL"}},
      {"p_date", "date", "DATE", {"2024-02-29", "1970-01-01", "0001-01-01", ""},
       {"DATE '2024-02-29'", "DATE '1970-01-01'", "DATE '0001-01-01'", "NULL"}},
      {"p_ts", "timestamp", "TIMESTAMP WITH TIME ZONE",
       {"2024-02-29 12:34:56.789012", "1970-01-01 00:00:00", "2000-01-01T00:00:00.000000Z", ""},
       {"TIMESTAMPTZ '2024-02-29 12:34:56.789012+00'", "TIMESTAMPTZ '1970-01-01 00:00:00+00'",
        "TIMESTAMPTZ '2000-01-01 00:00:00+00'", "NULL"}},
      {"p_ntz", "timestamp_ntz", "TIMESTAMP", {"2024-02-29 12:34:56.789012", "1970-01-01 00:00:00", "1999-12-31 23:59:59", ""},
       {"TIMESTAMP '2024-02-29 12:34:56.789012'", "TIMESTAMP '1970-01-01 00:00:00'", "TIMESTAMP '1999-12-31 23:59:59'",
        "NULL"}},
  };
  return columns;
}

constexpr size_t kRows = 4;

class DeltaTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "_delta_log");
    std::string fields = R"({"name":"id","type":"long","nullable":false,"metadata":{}})";
    for (const auto& c : model()) {
      fields += R"(,{"name":")" + c.name + R"(","type":)" + c.delta_type + R"(,"nullable":true,"metadata":{}})";
    }
    std::string partition_names;
    for (const auto& p : partitions()) {
      fields += R"(,{"name":")" + p.name + R"(","type":")" + p.delta_type + R"(","nullable":true,"metadata":{}})";
      partition_names += std::string(partition_names.empty() ? "" : ",") + "\"" + p.name + "\"";
    }
    std::string log =
        R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}})"
        "\n";
    log += R"({"metaData":{"id":"types","format":{"provider":"parquet","options":{}},"schemaString":)" +
           json_string(R"({"type":"struct","fields":[)" + fields + "]}") + R"(,"partitionColumns":[)" +
           partition_names + R"(],"configuration":{}}})" "\n";
    // One file per row, so each row carries its own partition values.
    for (size_t r = 0; r < kRows; ++r) {
      std::string select = "SELECT " + std::to_string(r) + "::BIGINT AS id";
      for (const auto& c : model()) select += ", CAST(" + c.values[r] + " AS " + c.duckdb_type + ") AS \"" + c.name + "\"";
      const std::string file = "part-" + std::to_string(r) + ".parquet";
      session_.execute("COPY (" + select + ") TO " + nl::sql_string_literal((dir_.path() / file).string()) + " (FORMAT parquet)");
      std::string values;
      for (const auto& p : partitions()) {
        const std::string& v = p.log_values[r];
        values += std::string(values.empty() ? "" : ",") + json_string(p.name) + ":" + (v.empty() ? "null" : json_string(v));
      }
      log += R"({"add":{"path":")" + file + R"(","partitionValues":{)" + values + R"(},"size":)" +
             std::to_string(fs::file_size(dir_.path() / file)) + R"(,"modificationTime":0,"dataChange":true}})" "\n";
    }
    nl::testing::write_file(dir_.path() / "_delta_log" / (nl::delta::padded_version(0) + ".json"), log);
  }

  std::string scan() const { return "delta_scan(" + nl::sql_string_literal("file://" + dir_.str()) + ")"; }

  // Ids of the rows whose `column` differs from `values` (NULL equals NULL).
  std::string mismatches(const std::string& column, const std::string& type, const std::vector<std::string>& values) {
    std::string expected = "CASE id";
    for (size_t r = 0; r < kRows; ++r) {
      expected += " WHEN " + std::to_string(r) + " THEN CAST(" + values[r] + " AS " + type + ")";
    }
    expected += " END";
    auto df = session_.sql("SELECT coalesce(string_agg(id::VARCHAR, ',' ORDER BY id), '') FROM " + scan() +
                           " WHERE \"" + column + "\" IS DISTINCT FROM " + expected);
    return *df.column(0).at<std::string>(0);
  }

  nl::testing::TempDir dir_;
  nl::Session session_;
};

TEST_F(DeltaTypes, EveryColumnHasItsDuckDbType) {
  auto df = session_.sql("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + scan() + ")");
  std::vector<std::pair<std::string, std::string>> want = {{"id", "BIGINT"}};
  for (const auto& c : model()) want.emplace_back(c.name, c.duckdb_type);
  for (const auto& p : partitions()) want.emplace_back(p.name, p.duckdb_type);
  ASSERT_EQ(df.num_rows(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(*df.column(0).at<std::string>(i), want[i].first);
    EXPECT_EQ(*df.column(1).at<std::string>(i), want[i].second) << want[i].first;
  }
}

TEST_F(DeltaTypes, DataColumnsValueByValue) {
  auto count = session_.sql("SELECT count(*), count(DISTINCT id) FROM " + scan());
  ASSERT_EQ(*count.column(0).at<int64_t>(0), static_cast<int64_t>(kRows));
  ASSERT_EQ(*count.column(1).at<int64_t>(0), static_cast<int64_t>(kRows));
  for (const auto& c : model()) {
    EXPECT_EQ(mismatches(c.name, c.duckdb_type, c.values), "") << "column " << c.name << " differs at these ids";
  }
}

TEST_F(DeltaTypes, PartitionValuesAreTypedPerTheSchema) {
  for (const auto& p : partitions()) {
    EXPECT_EQ(mismatches(p.name, p.duckdb_type, p.sql_values), "") << "partition " << p.name << " differs at these ids";
  }
}

TEST_F(DeltaTypes, NestedFieldsAndFiltersOnTypedPartitions) {
  auto df = session_.sql("SELECT st.inner.y, arr[1], m['a'], nested[1].v[1][1] FROM " + scan() + " WHERE id = 0");
  ASSERT_EQ(df.num_rows(), 1u);
  EXPECT_EQ(*df.column(0).at<std::string>(0), "a");
  EXPECT_EQ(*df.column(1).at<int64_t>(0), 1);
  EXPECT_EQ(*df.column(2).at<int64_t>(0), 1);
  EXPECT_EQ(*df.column(3).at<double>(0), 1.5);
  // Each filter on a typed partition selects the one row the model says.
  const std::vector<std::pair<std::string, std::string>> filters = {
      {"p_date = DATE '1970-01-01'", "1"},
      {"p_ts > TIMESTAMPTZ '2020-01-01 00:00:00+00'", "0"},
      {"p_dec < 0", "0"},
      {"p_str IS NULL", "1,3"},
      {"p_bool = false", "1"},
      {"p_long < 0", "0"},
      {"p_ntz BETWEEN TIMESTAMP '1999-01-01' AND TIMESTAMP '2000-01-01'", "2"}};
  for (const auto& [filter, ids] : filters) {
    auto got = session_.sql("SELECT coalesce(string_agg(id::VARCHAR, ',' ORDER BY id), '') FROM " + scan() + " WHERE " +
                            filter);
    EXPECT_EQ(*got.column(0).at<std::string>(0), ids) << filter;
  }
}

}  // namespace

