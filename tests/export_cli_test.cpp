// `neuralake export` driven as a subprocess: the file it writes, --force,
// `--out -`, and the errors for an existing file and an unknown format.
#include <map>
#include <string>
#include <vector>

#include "testing/cli_process.h"
#include "testing/test_util.h"

#if defined(NEURALAKE_CLI)

namespace {

using neuralake::testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ExportCliTest : public ::testing::Test {
 protected:
  neuralake::testing::CliOutcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--catalog", QUICKSTART_PLUGIN});
    std::map<std::string, std::string> env{{"NEURALAKE_WAREHOUSE", (dir_.path() / "wh").string()},
                                           {"NEURALAKE_CATALOG", ""}, {"NEURALAKE_ENV", ""}};
    return neuralake::testing::CliProcess(NEURALAKE_CLI, args, env, dir_.path()).wait();
  }
  TempDir dir_;
};

TEST_F(ExportCliTest, WritesTheFileAndReportsSkippedTables) {
  auto r = run({"export", "roapi", "--out", "roapi.yml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::string yaml = neuralake::testing::read_file(dir_.path() / "roapi.yml");
  const std::string uri = (dir_.path() / "wh" / "parts.parquet").string();
  EXPECT_TRUE(contains(yaml, "  - name: \"tpch_part\"\n    uri: \"" + uri + "\"\n")) << yaml;
  EXPECT_TRUE(contains(yaml, "# skipped tpch.supplier: function table")) << yaml;
  EXPECT_TRUE(contains(r.err, "skipped tpch.supplier: function table")) << r.err;
}

TEST_F(ExportCliTest, RefusesToReplaceAFileWithoutForce) {
  neuralake::testing::write_file(dir_.path() / "roapi.yml", "keep me\n");
  auto r = run({"export", "roapi", "--out", "roapi.yml"});
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(contains(r.err, "roapi.yml") && contains(r.err, "--force")) << r.err;
  EXPECT_EQ(neuralake::testing::read_file(dir_.path() / "roapi.yml"), "keep me\n");

  r = run({"export", "roapi", "--out", "roapi.yml", "--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(neuralake::testing::read_file(dir_.path() / "roapi.yml"), "tables:\n"));
  // No temporary file is left beside it.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.path().filename().string().find("roapi.yml") != std::string::npos) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(ExportCliTest, DashWritesToStdout) {
  // Before the sample data exists the Parquet table's columns cannot be read:
  // it is skipped with the reason, and the export still succeeds.
  auto r = run({"export", "spark", "--out", "-"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "-- skipped tpch.part: its columns could not be read")) << r.out;
  EXPECT_TRUE(contains(r.err, "skipped tpch.part: its columns could not be read")) << r.err;

  ASSERT_EQ(run({"sample-data"}).code, 0);
  r = run({"export", "spark", "--out", "-"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "CREATE SCHEMA IF NOT EXISTS `tpch`;\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "CREATE TABLE IF NOT EXISTS `tpch`.`part`")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "-"));
}

TEST_F(ExportCliTest, UnknownFormatIsAClearError) {
  auto r = run({"export", "trinoo", "--out", "x.sql"});
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(contains(r.err, "unknown export format 'trinoo'") && contains(r.err, "did you mean 'trino'"))
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line\n" << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "x.sql"));
}

}  // namespace

#endif  // NEURALAKE_CLI
