// The `neuralake` binary driven as a subprocess: commands, output formats,
// one-line errors with their exit codes, --timeout and Ctrl-C.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/cli_process.h"
#include "testing/test_util.h"

#if defined(NEURALAKE_CLI)

namespace {

using neuralake::testing::TempDir;

using Outcome = neuralake::testing::CliOutcome;

// A running `neuralake` process.
class Process : public neuralake::testing::CliProcess {
 public:
  Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::filesystem::path& dir)
      : CliProcess(NEURALAKE_CLI, args, env, dir) {}
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The text has a line that starts with `prefix` and contains every one of `parts`.
bool has_line(const std::string& text, const std::string& prefix, const std::vector<std::string>& parts = {}) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    bool all = true;
    for (const auto& p : parts) all = all && contains(line, p);
    if (all) return true;
  }
  return false;
}

size_t count_lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

class CliTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    return {{"NEURALAKE_WAREHOUSE", (dir_.path() / "wh").string()}, {"NEURALAKE_CATALOG", ""}};
  }
  Outcome run(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
    auto e = env();
    for (const auto& [k, v] : extra) e[k] = v;
    return Process(args, e, dir_.path()).wait();
  }
  Outcome run_ok(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
    Outcome r = run(args, std::move(extra));
    EXPECT_TRUE(r.exited && r.code == 0) << "exit " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
    return r;
  }
  void write_sample_data() { run_ok({"sample-data"}); }

  // A failure: one "neuralake: ..." line on stderr naming `object`, nothing
  // on stdout, and the exit code of its class.
  void expect_error(const Outcome& r, int code, const std::string& object) {
    EXPECT_TRUE(r.exited) << "killed by signal " << r.code;
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_EQ(r.err.rfind("neuralake: ", 0), 0u) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, object)) << "stderr does not name '" << object << "': " << r.err;
  }

  TempDir dir_;
};

const std::string kPlugin = QUICKSTART_PLUGIN;
const std::string kLongQuery = "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3";

TEST_F(CliTest, VersionNamesNeuralakeAndTheEngine) {
  Outcome r = run_ok({"version"});
  EXPECT_TRUE(has_line(r.out, "neuralake 0.")) << r.out;
  EXPECT_TRUE(has_line(r.out, "engine: DuckDB v1.4.4")) << r.out;
}

TEST_F(CliTest, HelpListsCommandsAndExitCodes) {
  Outcome r = run_ok({"--help"});
  for (const char* command : {"tables", "describe", "sql", "sample-data", "generate", "version"})
    EXPECT_TRUE(has_line(r.out, std::string("  ") + command)) << command << "\n" << r.out;
  EXPECT_TRUE(has_line(r.out, "  130  cancelled")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  3    not_found")) << r.out;
}

TEST_F(CliTest, TablesListsEachTableWithItsDescription) {
  Outcome r = run_ok({"--catalog", kPlugin, "tables"});
  EXPECT_TRUE(has_line(r.out, "tpch.part ", {"Parts from the TPC-H benchmark"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "tpch.supplier ", {"Suppliers, computed by a C++ function"})) << r.out;
  EXPECT_EQ(count_lines(r.out), 2u) << r.out;
}

TEST_F(CliTest, CatalogComesFromTheEnvironmentToo) {
  Outcome r = run_ok({"tables"}, {{"NEURALAKE_CATALOG", kPlugin}});
  EXPECT_TRUE(has_line(r.out, "tpch.part")) << r.out;
}

TEST_F(CliTest, DescribeShowsEveryMetadataFieldAndTheSchema) {
  write_sample_data();
  Outcome r = run_ok({"--catalog", kPlugin, "describe", "tpch.part"});
  EXPECT_TRUE(has_line(r.out, "tpch.part")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  kind:", {"parquet"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  location:", {"{warehouse}/parts.parquet", (dir_.path() / "wh").string()})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  description:", {"Parts from the TPC-H benchmark"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  data_input:", {"Part master data"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  latency_info:", {"Static sample data"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  owner:", {"data-platform"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  tags:", {"tpch, sample"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  unique_columns:", {"p_partkey"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  docs_filters:", {"p_brand = 'Brand#1'"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  example_links:", {"-"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  extra_columns:", {"-"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "schema:")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  p_partkey ", {"i64"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  p_name ", {"str"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  p_retailprice ", {"f64"})) << r.out;
}

TEST_F(CliTest, DescribeFunctionTable) {
  write_sample_data();
  Outcome r = run_ok({"--catalog", kPlugin, "describe", "tpch.supplier"});
  EXPECT_TRUE(has_line(r.out, "  kind:", {"function"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  location:", {"-"})) << r.out;  // a function table has none
  EXPECT_TRUE(has_line(r.out, "  owner:", {"-"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  s_acctbal ", {"f64"})) << r.out;
}

TEST_F(CliTest, DescribeShowsLinksExtraColumnsAndOrFilters) {
  // billing.daily has no data yet; that does not stop billing.events.
  Outcome r = run_ok({"--catalog", DOCUMENTED_PLUGIN, "describe", "billing.events"});
  EXPECT_TRUE(has_line(r.out, "billing.events")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  data_input:", {"The billing service's event stream"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  latency_info:", {"Up to 5 minutes behind"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  owner:", {"billing-team"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  tags:", {"billing, pii-free"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  docs_filters:", {"(id in (1, 2)) OR (amount > 2"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  example_links:", {"Dashboard <https://example.com/billing>"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  extra_columns:", {"amount_cents = CAST(amount * 100 AS BIGINT)"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  amount_cents ", {"i64"})) << r.out;
  expect_error(run({"--catalog", DOCUMENTED_PLUGIN, "describe", "billing.daily"}), 3, "daily");

  std::filesystem::create_directories(dir_.path() / "wh" / "daily" / "day=2024-01-02");
  run_ok({"sql", "COPY (SELECT 7 AS total) TO 'wh/daily/day=2024-01-02/part-0.parquet' (FORMAT parquet)"});
  r = run_ok({"--catalog", DOCUMENTED_PLUGIN, "describe", "billing.daily"});
  EXPECT_TRUE(has_line(r.out, "  partitioned_by:", {"day date"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  location:", {"{warehouse}/daily"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  total ", {"i32"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "  day ", {"date"})) << r.out;
}

TEST_F(CliTest, DescribeWithoutDataStillPrintsTheDocsThenFails) {
  Outcome r = run({"--catalog", kPlugin, "describe", "tpch.part"});
  EXPECT_TRUE(has_line(r.out, "  description:", {"Parts from the TPC-H benchmark"})) << r.out;
  EXPECT_FALSE(has_line(r.out, "schema:")) << r.out;
  expect_error(r, 3, "parts.parquet");
}

TEST_F(CliTest, DescribeUnknownTableSuggestsTheClosestName) {
  expect_error(run({"--catalog", kPlugin, "describe", "tpch.prt"}), 3, "part");
  Outcome r = run({"--catalog", kPlugin, "describe", "tpch.prt"});
  EXPECT_TRUE(contains(r.err, "did you mean")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliTest, SampleDataReportsWhatItWrote) {
  Outcome r = run_ok({"sample-data"});
  EXPECT_TRUE(has_line(r.out, "wrote ", {"parts.parquet"})) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "wh" / "parts.parquet"));
}

TEST_F(CliTest, SqlOverTheCatalogPrintsAPolarsTable) {
  write_sample_data();
  Outcome r = run_ok({"--catalog", kPlugin, "sql",
                      "SELECT p_name, s_name FROM tpch.part JOIN tpch.supplier ON p_partkey = s_suppkey "
                      "WHERE p_partkey <= 2 ORDER BY p_partkey"});
  EXPECT_TRUE(has_line(r.out, "shape: (2, 2)")) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ p_name ", {"s_name"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ str ", {"str"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ Part#1 ", {"Supplier#1"})) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ Part#2 ", {"Supplier#2"})) << r.out;
}

TEST_F(CliTest, SqlMaxRowsShortensTheTable) {
  Outcome r = run_ok({"sql", "SELECT * FROM range(100) t(i)", "--max-rows", "4"});
  EXPECT_TRUE(has_line(r.out, "shape: (100, 1)")) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ 1 ")) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ …")) << r.out;
  EXPECT_TRUE(has_line(r.out, "│ 98 ")) << r.out;
  EXPECT_FALSE(has_line(r.out, "│ 2 ")) << r.out;
}

TEST_F(CliTest, SqlOverFilesByPathNeedsNoCatalog) {
  write_sample_data();
  Outcome r = run_ok({"sql", "SELECT p_brand, count(*) AS n FROM read_parquet('wh/parts.parquet') "
                             "GROUP BY p_brand ORDER BY p_brand",
                      "--format", "csv"});
  EXPECT_EQ(r.out, "p_brand,n\nBrand#1,2\nBrand#2,2\nBrand#3,1\n");
}

TEST_F(CliTest, CsvQuotesNullsAndTypes) {
  Outcome r = run_ok({"sql",
                      "SELECT 1.5::DOUBLE AS f, 2.0::DOUBLE AS w, 'a,b' AS c, 'say \"hi\"' AS q, NULL::VARCHAR AS n, "
                      "'' AS e, DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05' AS ts, true AS b",
                      "-f", "csv"});
  EXPECT_EQ(r.out,
            "f,w,c,q,n,e,d,ts,b\n"
            "1.5,2.0,\"a,b\",\"say \"\"hi\"\"\",,\"\",2024-01-02,2024-01-02 03:04:05,true\n");
}

TEST_F(CliTest, JsonIsOneObjectPerRow) {
  Outcome r = run_ok({"sql",
                      "SELECT i, 'n' || i AS s, i * 0.5 AS half, i = 2 AS two, [i, i] AS l, {'k': i} AS st, "
                      "NULL AS z, 1.25::DECIMAL(5, 2) AS dm, DATE '2024-01-02' AS d "
                      "FROM range(1, 3) t(i) ORDER BY i",
                      "--format", "json"});
  EXPECT_EQ(r.out,
            "{\"i\":1,\"s\":\"n1\",\"half\":0.5,\"two\":false,\"l\":[1,1],\"st\":{\"k\":1},\"z\":null,\"dm\":1.25,"
            "\"d\":\"2024-01-02\"}\n"
            "{\"i\":2,\"s\":\"n2\",\"half\":1.0,\"two\":true,\"l\":[2,2],\"st\":{\"k\":2},\"z\":null,\"dm\":1.25,"
            "\"d\":\"2024-01-02\"}\n");
}

TEST_F(CliTest, CsvAndJsonStreamResultsOfManyBatchesWhole) {
  // 20,000 rows are three batches of the CLI's stream: one header, every
  // row once, in order.
  Outcome csv = run_ok({"sql", "SELECT i, 'r' || i AS s FROM range(20000) t(i) ORDER BY i", "-f", "csv"});
  std::string expected = "i,s\n";
  for (int i = 0; i < 20000; ++i) expected += std::to_string(i) + ",r" + std::to_string(i) + "\n";
  EXPECT_EQ(csv.out, expected);
  Outcome json = run_ok({"sql", "SELECT i FROM range(20000) t(i) ORDER BY i", "-f", "json"});
  expected.clear();
  for (int i = 0; i < 20000; ++i) expected += "{\"i\":" + std::to_string(i) + "}\n";
  EXPECT_EQ(json.out, expected);
  Outcome empty = run_ok({"sql", "SELECT 1 AS a, 'x' AS b WHERE false", "-f", "csv"});
  EXPECT_EQ(empty.out, "a,b\n");
}

TEST_F(CliTest, SessionOptionsReachTheEngine) {
  TempDir spill;
  Outcome r = run_ok({"--threads", "1", "--memory-limit", "200MB", "--spill-dir", spill.str(), "sql",
                      "SELECT current_setting('threads') AS t, current_setting('temp_directory') AS d", "-f", "csv"});
  EXPECT_EQ(r.out, "t,d\n1," + spill.str() + "\n");
}

TEST_F(CliTest, GenerateWritesTpchTables) {
  Outcome r = run_ok({"generate", "--rows", "600", "--out", (dir_.path() / "gen").string(), "--seed", "7"});
  EXPECT_TRUE(has_line(r.out, "lineitem: 600 rows")) << r.out;
  EXPECT_TRUE(has_line(r.out, "orders: 150 rows")) << r.out;
  Outcome count = run_ok({"sql", "SELECT count(*) AS n FROM read_parquet('gen/lineitem/*.parquet')", "-f", "csv"});
  EXPECT_EQ(count.out, "n\n600\n");
}

TEST_F(CliTest, GenerateRejectsZeroRows) { expect_error(run({"generate", "--rows", "0"}), 4, "rows"); }

TEST_F(CliTest, UnknownCommandIsAUsageErrorWithASuggestion) {
  Outcome r = run({"--catalog", kPlugin, "tabels"});
  expect_error(r, 2, "unknown command 'tabels'");
  EXPECT_TRUE(contains(r.err, "did you mean 'tables'")) << r.err;
}

TEST_F(CliTest, UnknownOptionIsAUsageError) { expect_error(run({"sql", "SELECT 1", "--fromat", "csv"}), 2, "--fromat"); }

TEST_F(CliTest, BadFormatIsAUsageError) { expect_error(run({"sql", "SELECT 1", "--format", "xml"}), 2, "xml"); }

TEST_F(CliTest, MalformedSqlIsInvalidArgument) { expect_error(run({"sql", "SELEC 1"}), 4, "SELEC"); }

TEST_F(CliTest, MissingParquetFileIsNotFound) {
  expect_error(run({"sql", "SELECT * FROM read_parquet('no/such/file.parquet')"}), 3, "no/such/file.parquet");
}

TEST_F(CliTest, UnknownCatalogTableIsNotFound) {
  write_sample_data();
  expect_error(run({"--catalog", kPlugin, "sql", "SELECT * FROM tpch.suppliers"}), 3, "suppliers");
}

TEST_F(CliTest, CatalogCommandsNeedACatalog) { expect_error(run({"tables"}), 4, "--catalog"); }

TEST_F(CliTest, MissingPluginIsNotFound) {
  expect_error(run({"--catalog", (dir_.path() / "libmissing.so").string(), "tables"}), 3, "libmissing.so");
}

TEST_F(CliTest, LibraryThatIsNotAPluginIsInvalidArgument) {
  expect_error(run({"--catalog", NOT_A_PLUGIN, "tables"}), 4, "not a neuralake catalog plugin");
}

TEST_F(CliTest, PluginFactoryErrorKeepsItsCode) {
  // PermissionDenied is exit code 8.
  expect_error(run({"--catalog", THROWING_PLUGIN, "tables"}), 8, "s3://secret-bucket/tables");
  expect_error(run({"--catalog", THROWING_STD_PLUGIN, "tables"}), 1, "could not parse catalog.yaml");
}

TEST_F(CliTest, TimeoutStopsALongQuery) {
  Outcome r = run({"--timeout", "200", "sql", kLongQuery});
  expect_error(r, 10, "query_timeout");
  EXPECT_TRUE(contains(r.err, "200 ms")) << r.err;
}

TEST_F(CliTest, CtrlCCancelsTheRunningQuery) {
  Process p({"sql", kLongQuery}, env(), dir_.path());
  // Wait until the handler is installed (it is, before the query starts),
  // then give the query a moment to be running.
  for (int i = 0; i < 1500 && !p.catches_sigint(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(p.catches_sigint()) << "neuralake never installed its SIGINT handler";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(kill(p.pid(), SIGINT), 0);
  Outcome r = p.wait();
  expect_error(r, 130, "interrupted");
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace

#endif  // NEURALAKE_CLI
