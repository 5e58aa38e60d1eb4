// The catalog exports for other engines: ROAPI's YAML, Trino and Spark DDL.
// Every DDL statement emitted here is also parsed by dt-sql-parser's Trino
// and Spark SQL grammars (tests/node/check_sql.js).
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "export/roapi_export.h"
#include "export/sql_ddl_export.h"
#include "export/sql_dialect.h"
#include "neuralake/delta.h"
#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::cli::ExportResult;
using nl::cli::SqlDialect;
using nl::testing::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

nl::SessionOptions options_with_warehouse(const std::string& warehouse) {
  nl::SessionOptions o;
  o.warehouse = warehouse;
  return o;
}

nl::Catalog catalog_of(std::vector<std::pair<std::string, nl::Database>> dbs,
                       const std::string& warehouse = "s3://lake/wh") {
  return nl::Catalog(std::move(dbs), options_with_warehouse(warehouse)).named("lake");
}

nl::Table function_table(const std::string& name) {
  return nl::FunctionTable(name, nl::Schema{{"id", nl::DataType::int64()}},
                           [](const nl::ScanRequest&) -> std::unique_ptr<nl::BatchReader> {
                             auto ids = nl::Series("id", std::vector<int64_t>{1});
                             return nl::make_batch_reader(nl::DataFrame::from_columns({ids}));
                           });
}

nl::RoapiOptions roapi_options(const std::function<void(nl::RoapiOptions&)>& set) {
  nl::RoapiOptions o;
  set(o);
  return o;
}

ExportResult roapi(const nl::Catalog& catalog) {
  nl::Session session(catalog.options());
  return nl::cli::export_roapi(catalog, session);
}

// The YAML of one table: from its "  - name:" line to the next entry.
std::string roapi_entry(const std::string& yaml, const std::string& name) {
  auto start = yaml.find("  - name: \"" + name + "\"\n");
  if (start == std::string::npos) return "";
  auto end = yaml.find("\n  - name: ", start + 1);
  return yaml.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start);
}

// --- ROAPI -------------------------------------------------------------------
// The first cases are datarepo's own exporter tests (neuralinkcorp/datarepo,
// test/export/test_roapi.py), transcribed: the same table, partitions and docs
// filters. One difference, on purpose: datarepo guesses a partition column's
// type from its docs filter value and special-cases a column named "date" as
// Date32; we take the declared type, so "date" declared as a date is Date32
// and declared as a string is Utf8.

nl::Table datarepo_parquet_table(nl::DataType date_type) {
  return nl::ParquetTable("test_parquet_table", "s3://test-bucket/data/")
      .partition_columns({{"implant_id", nl::DataType::int64()}, {"date", date_type}})
      .docs_filters({nl::Filter("implant_id", "=", 12345), nl::Filter("date", "=", "2024-10-29")})
      .describe("Test Parquet table for ROAPI export");
}

TEST(RoapiExport, PartitionColumnsUseNameAndTheDeclaredTypes) {
  auto catalog = catalog_of({{"test", nl::Database({datarepo_parquet_table(nl::DataType::date())})}});
  ExportResult r = roapi(catalog);
  EXPECT_EQ(roapi_entry(r.text, "test_test_parquet_table"),
            "  - name: \"test_test_parquet_table\"\n"
            "    uri: \"s3://test-bucket/data/\"\n"
            "    option:\n"
            "      format: parquet\n"
            "      use_memory_table: false\n"
            "    partition_columns:\n"
            "      - name: \"implant_id\"\n"
            "        data_type: Int64\n"
            "      - name: \"date\"\n"
            "        data_type: Date32\n"
            "    schema_from_files:\n"
            "      - \"implant_id=12345/date=2024-10-29/\"\n");
  EXPECT_FALSE(contains(r.text, "column:")) << "partition columns are named by `name`, not `column`";
  EXPECT_TRUE(r.skipped.empty());
}

TEST(RoapiExport, AStringPartitionNamedDateStaysUtf8) {
  auto catalog = catalog_of({{"test", nl::Database({datarepo_parquet_table(nl::DataType::string())})}});
  std::string entry = roapi_entry(roapi(catalog).text, "test_test_parquet_table");
  EXPECT_TRUE(contains(entry, "      - name: \"date\"\n        data_type: Utf8\n")) << entry;
}

TEST(RoapiExport, FunctionTablesAreSkippedWithAReason) {
  // datarepo returns None for a table kind ROAPI cannot read (its ClickHouse case).
  auto catalog =
      catalog_of({{"test", nl::Database({function_table("computed"), nl::ParquetTable("p", "{warehouse}/p")})}});
  ExportResult r = roapi(catalog);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].table, "test.computed");
  EXPECT_TRUE(contains(r.skipped[0].text, "function table")) << r.skipped[0].text;
  EXPECT_TRUE(contains(r.text, "# skipped test.computed: function table")) << r.text;
  EXPECT_FALSE(contains(r.text, "name: \"test_computed\"")) << r.text;
  EXPECT_TRUE(contains(r.text, "uri: \"s3://lake/wh/p/\"")) << "the warehouse is expanded\n" << r.text;
}

TEST(RoapiExport, DisabledTablesAreLeftOut) {
  auto hidden = nl::DeltaTable("hidden", "{warehouse}/hidden").roapi(roapi_options([](auto& o) { o.disable = true; }));
  auto shown = nl::DeltaTable("shown", "{warehouse}/shown");
  ExportResult r = roapi(catalog_of({{"db", nl::Database({hidden, shown})}}));
  EXPECT_FALSE(contains(r.text, "hidden")) << r.text;
  EXPECT_FALSE(roapi_entry(r.text, "db_shown").empty()) << r.text;
  EXPECT_TRUE(r.skipped.empty());
}

TEST(RoapiExport, OverrideNameReloadIntervalAndMemoryTable) {
  auto renamed = nl::ParquetTable("t", "{warehouse}/t/*.parquet")
                     .roapi(roapi_options([](auto& o) {
                       o.override_name = "custom_name";
                       o.use_memory_table = true;
                       o.reload_interval_seconds = 15;
                     }));
  ExportResult r = roapi(catalog_of({{"db", nl::Database({renamed})}}));
  EXPECT_EQ(roapi_entry(r.text, "custom_name"),
            "  - name: \"custom_name\"\n"
            "    uri: \"s3://lake/wh/t/\"\n"
            "    option:\n"
            "      format: parquet\n"
            "      use_memory_table: true\n"
            "    reload_interval:\n"
            "      secs: 15\n"
            "      nanos: 0\n");
  EXPECT_FALSE(contains(r.text, "db_t")) << r.text;
}

TEST(RoapiExport, DeltaReloadsEvery60SecondsUnlessSet) {
  auto plain = nl::DeltaTable("plain", "s3://b/plain");
  auto slow =
      nl::DeltaTable("slow", "s3://b/slow").roapi(roapi_options([](auto& o) { o.reload_interval_seconds = 3600; }));
  auto parquet = nl::ParquetTable("files", "s3://b/files/");
  ExportResult r = roapi(catalog_of({{"db", nl::Database({plain, slow, parquet})}}));
  EXPECT_EQ(roapi_entry(r.text, "db_plain"),
            "  - name: \"db_plain\"\n"
            "    uri: \"s3://b/plain/\"\n"
            "    option:\n"
            "      format: delta\n"
            "      use_memory_table: false\n"
            "    reload_interval:\n"
            "      secs: 60\n"
            "      nanos: 0\n");
  EXPECT_TRUE(contains(roapi_entry(r.text, "db_slow"), "      secs: 3600\n      nanos: 0\n")) << r.text;
  EXPECT_FALSE(contains(roapi_entry(r.text, "db_files"), "reload_interval")) << "Parquet: only when set\n" << r.text;
}

TEST(RoapiExport, CsvAndJsonTables) {
  auto csv = nl::CsvTable("c", "s3://b/c.csv", ';');
  auto plain_csv = nl::CsvTable("plain", "s3://b/plain/");
  auto json = nl::JsonTable("j", "s3://b/j/");
  ExportResult r = roapi(catalog_of({{"db", nl::Database({csv, plain_csv, json})}}));
  EXPECT_EQ(roapi_entry(r.text, "db_c"),
            "  - name: \"db_c\"\n"
            "    uri: \"s3://b/c.csv\"\n"
            "    option:\n"
            "      format: csv\n"
            "      use_memory_table: false\n"
            "      delimiter: \";\"\n");
  EXPECT_FALSE(contains(roapi_entry(r.text, "db_plain"), "delimiter")) << "ROAPI's default ',' is not written";
  // ROAPI's ndjson format takes no other option: use_memory_table would be rejected.
  EXPECT_EQ(roapi_entry(r.text, "db_j"),
            "  - name: \"db_j\"\n"
            "    uri: \"s3://b/j/\"\n"
            "    option:\n"
            "      format: ndjson\n");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].table, "db.j");
  EXPECT_TRUE(contains(r.text, "# note db.j: ROAPI loads ndjson tables into memory")) << r.text;
}

TEST(RoapiExport, TwoTablesWithOneApiNameAreAnErrorNamingBoth) {
  auto catalog = catalog_of({{"a", nl::Database({nl::ParquetTable("b_c", "s3://x/1")})},
                             {"a_b", nl::Database({nl::ParquetTable("c", "s3://x/2")})}});
  nl::Session session(catalog.options());
  try {
    nl::cli::export_roapi(catalog, session);
    FAIL() << "expected an error";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::InvalidArgument);
    EXPECT_TRUE(contains(e.what(), "a.b_c") && contains(e.what(), "a_b.c") && contains(e.what(), "a_b_c")) << e.what();
  }
}

TEST(RoapiExport, SchemaFragmentTakesTheLeadingPartitionsTheDocsFiltersFix) {
  auto parts = std::vector<nl::Field>{{"region", nl::DataType::string()}, {"day", nl::DataType::date()}};
  auto first_only = nl::ParquetTable("t", "s3://b/t").partition_columns(parts).docs_filters(
      {nl::Filter("region", "=", "eu/west"), nl::Filter("day", ">", "2024-01-01")});
  EXPECT_EQ(nl::cli::roapi_schema_fragment(first_only), "region=eu%2Fwest/");
  auto second_only = nl::ParquetTable("t", "s3://b/t").partition_columns(parts).docs_filters(
      {nl::Filter("day", "=", "2024-01-01")});
  EXPECT_EQ(nl::cli::roapi_schema_fragment(second_only), "");
  auto same_in_both = nl::ParquetTable("t", "s3://b/t").partition_columns(parts).docs_filters(nl::Filters(
      std::vector<std::vector<nl::Filter>>{{nl::Filter("region", "=", "eu"), nl::Filter("day", "=", "2024-01-01")},
                                           {nl::Filter("region", "=", "eu"), nl::Filter("day", "=", "2024-01-02")}}));
  EXPECT_EQ(nl::cli::roapi_schema_fragment(same_in_both), "region=eu/");
  auto with_in = nl::ParquetTable("t", "s3://b/t").partition_columns(parts).docs_filters(
      {nl::Filter("region", "in", {nl::Value("eu")})});
  EXPECT_EQ(nl::cli::roapi_schema_fragment(with_in), "");

  ExportResult r = roapi(catalog_of({{"db", nl::Database({second_only})}}));
  EXPECT_FALSE(contains(r.text, "schema_from_files")) << "without a fixed partition ROAPI infers from the files\n"
                                                      << r.text;
  EXPECT_TRUE(contains(r.text, "partition_columns:")) << r.text;
}

TEST(RoapiExport, PartitionTypesWithoutAnArrowNameSkipTheTable) {
  auto t = nl::ParquetTable("t", "s3://b/t").partition_columns({{"at", nl::DataType::timestamp()}});
  ExportResult r = roapi(catalog_of({{"db", nl::Database({t})}}));
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_TRUE(contains(r.skipped[0].text, "'at'")) << r.skipped[0].text;
  EXPECT_TRUE(contains(r.text, "tables: []\n")) << r.text;
}

TEST(RoapiExport, StringsAreQuotedForYaml) {
  EXPECT_EQ(nl::cli::yaml_string("plain"), "\"plain\"");
  EXPECT_EQ(nl::cli::yaml_string("a \"b\" c:\\d\n# e"), "\"a \\\"b\\\" c:\\\\d\\n# e\"");
  auto t =
      nl::ParquetTable("t", "s3://b/it's \"here\"").roapi(roapi_options([](auto& o) { o.override_name = "x: y"; }));
  std::string entry = roapi_entry(roapi(catalog_of({{"db", nl::Database({t})}})).text, "x: y");
  EXPECT_TRUE(contains(entry, "uri: \"s3://b/it's \\\"here\\\"/\"")) << entry;
}

// --- Trino and Spark DDL -------------------------------------------------------

// A catalog with one table of each exported shape, schemas declared (nothing is read).
nl::Catalog ddl_catalog() {
  auto events = nl::DeltaTable("events", "s3://lake/events").describe("Every event, partitioned by day");
  auto readings = nl::ParquetTable("readings", "{warehouse}/readings/")
                      .describe("Sensor readings; it's hourly")
                      .schema({{"sensor", nl::DataType::string()},
                               {"value", nl::DataType::float64()},
                               {"price", nl::DataType::decimal(10, 2)},
                               {"at", nl::DataType::timestamp()},
                               {"tags", nl::DataType::list(nl::DataType::string())},
                               {"attrs", nl::DataType::map(nl::DataType::string(), nl::DataType::int64())},
                               {"pos", nl::DataType::structure({{"x", nl::DataType::float64()},
                                                                {"y", nl::DataType::float64()}})}})
                      .partition_columns({{"day", nl::DataType::date()}})
                      .column_description("value", "Reading, in 'units'")
                      .extra_column("value_x2", "value * 2");
  auto people = nl::CsvTable("people", "s3://lake/people/*.csv", ';')
                    .schema({{"id", nl::DataType::int64()}, {"name", nl::DataType::string()}});
  return catalog_of({{"sensors", nl::Database({events, readings, people, function_table("live")})}});
}

ExportResult ddl(const nl::Catalog& catalog, SqlDialect dialect, const nl::cli::SchemaReader& reader = {}) {
  nl::Session locations(catalog.options());
  nl::cli::SqlDdlOptions o;
  o.dialect = dialect;
  nl::cli::SchemaReader read = reader ? reader : [](const std::string& db, const nl::Table& t) -> nl::Schema {
    throw nl::Error(nl::ErrorCode::Internal, db + "." + t.name(), "no table of this catalog needs reading");
  };
  return nl::cli::export_sql_ddl(catalog, locations, read, o);
}

TEST(TrinoDdl, DeltaTableIsRegistered) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Trino);
  ASSERT_GE(r.statements.size(), 2u);
  EXPECT_EQ(r.statements[0], "CREATE SCHEMA IF NOT EXISTS \"delta\".\"sensors\"");
  EXPECT_EQ(r.statements[1],
            "CALL \"delta\".system.register_table(schema_name => 'sensors', table_name => 'events', "
            "table_location => 's3://lake/events/')");
  EXPECT_TRUE(contains(r.text, "delta.register-table-procedure.enabled=true")) << r.text;
  EXPECT_TRUE(contains(r.text, "-- sensors.events: Every event, partitioned by day\n")) << r.text;
}

TEST(TrinoDdl, HivePartitionedParquetTable) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Trino);
  ASSERT_GE(r.statements.size(), 5u);
  EXPECT_EQ(r.statements[2], "CREATE SCHEMA IF NOT EXISTS \"hive\".\"sensors\"");
  EXPECT_EQ(r.statements[3],
            "CREATE TABLE IF NOT EXISTS \"hive\".\"sensors\".\"readings\" (\n"
            "  \"sensor\" varchar,\n"
            "  \"value\" double COMMENT 'Reading, in ''units''',\n"
            "  \"price\" decimal(10,2),\n"
            "  \"at\" timestamp(3),\n"
            "  \"tags\" array(varchar),\n"
            "  \"attrs\" map(varchar, bigint),\n"
            "  \"pos\" row(\"x\" double, \"y\" double),\n"
            "  \"day\" date\n"
            ")\n"
            "COMMENT 'Sensor readings; it''s hourly'\n"
            "WITH (\n"
            "  external_location = 's3://lake/wh/readings/',\n"
            "  format = 'PARQUET',\n"
            "  partitioned_by = ARRAY['day']\n"
            ")");
  EXPECT_EQ(r.statements[4],
            "CALL \"hive\".system.sync_partition_metadata(schema_name => 'sensors', table_name => 'readings', "
            "mode => 'ADD')");
}

TEST(TrinoDdl, CsvColumnsAreVarchar) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Trino);
  ASSERT_EQ(r.statements.size(), 6u);
  EXPECT_EQ(r.statements[5],
            "CREATE TABLE IF NOT EXISTS \"hive\".\"sensors\".\"people\" (\n"
            "  \"id\" varchar,\n"
            "  \"name\" varchar\n"
            ")\n"
            "WITH (\n"
            "  external_location = 's3://lake/people/',\n"
            "  format = 'CSV',\n"
            "  csv_separator = ';',\n"
            "  skip_header_line_count = 1\n"
            ")");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].table, "sensors.live");
  EXPECT_TRUE(contains(r.text, "-- skipped sensors.live: function table")) << r.text;
}

TEST(SparkDdl, DeltaTable) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Spark);
  ASSERT_GE(r.statements.size(), 2u);
  EXPECT_EQ(r.statements[0], "CREATE SCHEMA IF NOT EXISTS `sensors`");
  EXPECT_EQ(r.statements[1],
            "CREATE TABLE IF NOT EXISTS `sensors`.`events`\n"
            "USING delta\n"
            "LOCATION 's3a://lake/events/'\n"
            "COMMENT 'Every event, partitioned by day'");
}

TEST(SparkDdl, HivePartitionedParquetTable) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Spark);
  ASSERT_GE(r.statements.size(), 4u);
  EXPECT_EQ(r.statements[2],
            "CREATE TABLE IF NOT EXISTS `sensors`.`readings` (\n"
            "  `sensor` STRING,\n"
            "  `value` DOUBLE COMMENT 'Reading, in \\'units\\'',\n"
            "  `price` DECIMAL(10,2),\n"
            "  `at` TIMESTAMP_NTZ,\n"
            "  `tags` ARRAY<STRING>,\n"
            "  `attrs` MAP<STRING, BIGINT>,\n"
            "  `pos` STRUCT<`x`: DOUBLE, `y`: DOUBLE>,\n"
            "  `day` DATE\n"
            ")\n"
            "USING parquet\n"
            "PARTITIONED BY (`day`)\n"
            "LOCATION 's3a://lake/wh/readings/'\n"
            "COMMENT 'Sensor readings; it\\'s hourly'");
  EXPECT_EQ(r.statements[3], "MSCK REPAIR TABLE `sensors`.`readings`");
}

TEST(SparkDdl, CsvTableWithOptions) {
  ExportResult r = ddl(ddl_catalog(), SqlDialect::Spark);
  ASSERT_EQ(r.statements.size(), 5u);
  EXPECT_EQ(r.statements[4],
            "CREATE TABLE IF NOT EXISTS `sensors`.`people` (\n"
            "  `id` BIGINT,\n"
            "  `name` STRING\n"
            ")\n"
            "USING csv\n"
            "OPTIONS (header 'true', delimiter ';')\n"
            "LOCATION 's3a://lake/people/'");
}

TEST(SparkDdl, S3SchemeIsConfigurable) {
  nl::Catalog catalog = ddl_catalog();
  nl::Session locations(catalog.options());
  nl::cli::SqlDdlOptions o;
  o.dialect = SqlDialect::Spark;
  o.s3_scheme = "s3";
  ExportResult r = nl::cli::export_sql_ddl(catalog, locations, {}, o);
  EXPECT_TRUE(contains(r.statements[1], "LOCATION 's3://lake/events/'")) << r.statements[1];
}

TEST(SqlDialect, QuotingKeepsQuotesInside) {
  EXPECT_EQ(nl::cli::quote_identifier("a\"b", SqlDialect::Trino), "\"a\"\"b\"");
  EXPECT_EQ(nl::cli::quote_identifier("a`b", SqlDialect::Spark), "`a``b`");
  EXPECT_EQ(nl::cli::string_literal("it's", SqlDialect::Trino), "'it''s'");
  EXPECT_EQ(nl::cli::string_literal("it's a \\ \n", SqlDialect::Spark), "'it\\'s a \\\\ \\n'");
  EXPECT_NL_ERROR(nl::cli::sql_type(nl::DataType(nl::TypeId::Interval), SqlDialect::Trino), NotSupported,
                  "interval");
}

// A warehouse on local disk with real files, for the tables whose columns are read.
class DdlFromFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    nl::Session s(options_with_warehouse(dir_.str()));
    std::filesystem::create_directories(dir_.path() / "visits" / "day=2024-01-01");
    s.execute("COPY (SELECT 1::BIGINT AS id, 'home' AS page) TO '" +
              (dir_.path() / "visits" / "day=2024-01-01" / "part-0.parquet").string() + "' (FORMAT parquet)");
  }
  nl::Catalog catalog() const {
    auto visits = nl::ParquetTable("visits", "{warehouse}/visits")
                      .partition_columns({{"day", nl::DataType::date()}})
                      .extra_column("page_upper", "upper(page)");
    auto missing = nl::ParquetTable("missing", "{warehouse}/missing.parquet");
    return catalog_of({{"web", nl::Database({visits, missing})}}, dir_.str());
  }
  TempDir dir_;
};

TEST_F(DdlFromFiles, UndeclaredColumnsAreReadAndUnreadableTablesSkipped) {
  nl::Catalog c = catalog();
  nl::Session session(c, c.options());
  ExportResult r = ddl(c, SqlDialect::Spark, nl::cli::session_schema_reader(session));
  ASSERT_EQ(r.statements.size(), 3u) << r.text;
  EXPECT_EQ(r.statements[1],
            "CREATE TABLE IF NOT EXISTS `web`.`visits` (\n"
            "  `id` BIGINT,\n"
            "  `page` STRING,\n"
            "  `day` DATE\n"
            ")\n"
            "USING parquet\n"
            "PARTITIONED BY (`day`)\n"
            "LOCATION 'file://" + dir_.str() + "/visits/'");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].table, "web.missing");
  EXPECT_TRUE(contains(r.skipped[0].text, "could not be read")) << r.skipped[0].text;
  EXPECT_TRUE(contains(r.text, "-- note: stored on this machine's disk")) << r.text;
}

// --- the emitted SQL parses in each engine's grammar ---------------------------

// Runs tests/node/check_sql.js on `sql`; the exit status and what it printed.
std::pair<int, std::string> check_sql(const std::string& dialect, const std::string& sql) {
  const std::filesystem::path node_dir = nl::testing::source_dir() / "tests" / "node";
  TempDir dir;
  const auto file = dir.path() / "ddl.sql";
  const auto log = dir.path() / "check.log";
  nl::testing::write_file(file, sql);
  std::string cmd = "node '" + (node_dir / "check_sql.js").string() + "' " + dialect + " '" + file.string() +
                    "' > '" + log.string() + "' 2>&1";
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, nl::testing::read_file(log)};
}

void require_sql_tools() {
  const auto modules = nl::testing::source_dir() / "tests" / "node" / "node_modules" / "dt-sql-parser";
  ASSERT_TRUE(std::filesystem::exists(modules))
      << modules << " is missing: install the npm test tools with `scripts/bootstrap --test` (npm ci in tests/node)";
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "`node` is not on PATH: the DDL checks need Node.js (scripts/bootstrap --test)";
}

TEST(DdlGrammar, CheckerRejectsBrokenSql) {
  ASSERT_NO_FATAL_FAILURE(require_sql_tools());
  auto [code, output] = check_sql("trino", "CREATE TABLE x (a bigint);\nCREATE TABLE (;\n");
  EXPECT_EQ(code, 1) << output;
  EXPECT_TRUE(contains(output, ":2:")) << "the error names line 2\n" << output;
}

// ddl_catalog() and the awkward cases: names and texts with quotes, backticks,
// backslashes and line breaks, a JSON table, a local-disk location, every type.
nl::Catalog grammar_catalog() {
  nl::DataType decimals_by_name =
      nl::DataType::map(nl::DataType::string(), nl::DataType::list(nl::DataType::decimal(38, 9)));
  nl::Schema every_type = {{"b", nl::DataType::boolean()},
                           {"i8", nl::DataType(nl::TypeId::Int8)},
                           {"i16", nl::DataType(nl::TypeId::Int16)},
                           {"i32", nl::DataType::int32()},
                           {"u64", nl::DataType(nl::TypeId::UInt64)},
                           {"huge", nl::DataType(nl::TypeId::Int128)},
                           {"f32", nl::DataType(nl::TypeId::Float32)},
                           {"bin", nl::DataType(nl::TypeId::Binary)},
                           {"d", nl::DataType::date()},
                           {"ts_tz", nl::DataType::timestamp_tz()},
                           {"nested", nl::DataType::list(nl::DataType::structure({{"k", decimals_by_name}}))}};
  auto odd = nl::JsonTable("it's `odd`", "/data/odd/*.json")
                 .describe("Line one, it's \"quoted\"\nline two with a back\\slash")
                 .schema(every_type)
                 .column_description("b", "yes/no; it's `b`");
  auto local_delta = nl::DeltaTable("local", "/data/delta/local");
  auto partitioned_csv = nl::CsvTable("by_day", "s3://lake/by_day/", '|')
                             .schema({{"v", nl::DataType::float64()}})
                             .partition_columns({{"day", nl::DataType::date()}, {"hour", nl::DataType::int32()}});
  auto base = ddl_catalog();
  std::vector<nl::Table> tables = base.db("sensors").tables();
  return catalog_of({{"sensors", nl::Database(tables)}, {"odd db", nl::Database({odd, local_delta, partitioned_csv})}});
}

TEST(DdlGrammar, EveryTrinoStatementParses) {
  ASSERT_NO_FATAL_FAILURE(require_sql_tools());
  ExportResult r = ddl(grammar_catalog(), SqlDialect::Trino);
  EXPECT_EQ(r.skipped.size(), 1u) << r.text;
  auto [code, output] = check_sql("trino", r.text);
  EXPECT_EQ(code, 0) << output << "\n" << r.text;
}

TEST(DdlGrammar, EverySparkStatementParses) {
  ASSERT_NO_FATAL_FAILURE(require_sql_tools());
  ExportResult r = ddl(grammar_catalog(), SqlDialect::Spark);
  EXPECT_EQ(r.skipped.size(), 1u) << r.text;
  auto [code, output] = check_sql("spark", r.text);
  EXPECT_EQ(code, 0) << output << "\n" << r.text;
}

}  // namespace
