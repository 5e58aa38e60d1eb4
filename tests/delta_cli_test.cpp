// `neuralake delta history` and `neuralake describe` on Delta tables, run as
// a subprocess against copies of the shared conformance tables, through a
// catalog plugin and by path without one.
#include <fcntl.h>
#include <sys/stat.h>

#include <sstream>

#include "testing/cli_process.h"
#include "testing/test_util.h"

#if defined(NEURALAKE_CLI) && defined(DELTA_PLUGIN)

namespace {

namespace fs = std::filesystem;
using neuralake::testing::CliOutcome;
using neuralake::testing::TempDir;
using neuralake::testing::write_file;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

// Sets a file's modification time, which is a commit's time when the table
// has no in-commit timestamps.
void set_mtime(const fs::path& p, int64_t epoch_ms) {
  timespec times[2];
  times[0].tv_sec = times[1].tv_sec = epoch_ms / 1000;
  times[0].tv_nsec = times[1].tv_nsec = (epoch_ms % 1000) * 1000000;
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
}

class DeltaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path delta = neuralake::testing::shared_dir() / "testdata" / "delta";
    if (!fs::exists(delta)) GTEST_SKIP() << "no shared Delta test data";
    fs::create_directories(wh());
    fs::copy(delta / "simple_table", wh() / "events", fs::copy_options::recursive);
    fs::copy(delta / "delta-2.2.0-partitioned-types", wh() / "parts", fs::copy_options::recursive);
    fs::copy(delta / "table-with-dv-small", wh() / "deleted", fs::copy_options::recursive);
    fs::copy(delta / "simple_table_with_checkpoint", dir_.path() / "checkpointed", fs::copy_options::recursive);
    // Commit v at 2024-03-01T12:00:0v.25v: distinct, ordered, not whole seconds.
    for (int v = 0; v <= 4; ++v) {
      char name[32];
      std::snprintf(name, sizeof name, "%020d.json", v);
      set_mtime(wh() / "events" / "_delta_log" / name, kBase + v * 1000 + 250 + v);
    }
  }

  fs::path wh() const { return dir_.path() / "wh"; }

  CliOutcome run(const std::vector<std::string>& args) {
    return neuralake::testing::run_cli(NEURALAKE_CLI, args,
                                       {{"NEURALAKE_WAREHOUSE", wh().string()}, {"NEURALAKE_CATALOG", ""}},
                                       dir_.path());
  }
  CliOutcome run_with_catalog(std::vector<std::string> args) {
    args.insert(args.begin(), {"--catalog", DELTA_PLUGIN});
    return run(args);
  }

  static constexpr int64_t kBase = 1709294400000;  // 2024-03-01T12:00:00Z
  TempDir dir_;
};

TEST_F(DeltaCliTest, HistoryOfACatalogTableListsEveryCommitNewestFirst) {
  auto r = run_with_catalog({"delta", "history", "lake.events", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "version,timestamp,operation,adds,removes,engine,parameters");
  // simple_table's log: operation, adds and removes per commit.
  const std::vector<std::string> expected = {
      "4,2024-03-01T12:00:04.254Z,DELETE,1,2,", "3,2024-03-01T12:00:03.253Z,UPDATE,2,2,",
      "2,2024-03-01T12:00:02.252Z,WRITE,6,22,", "1,2024-03-01T12:00:01.251Z,MERGE,21,5,",
      "0,2024-03-01T12:00:00.250Z,WRITE,6,0,"};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(lines[i + 1].rfind(expected[i], 0), 0u) << lines[i + 1];
  }
  // The operation parameters are the commit's JSON object, CSV-quoted.
  EXPECT_NE(lines[3].find("\"{\"\"mode\"\":\"\"Overwrite\"\""), std::string::npos) << lines[3];
}

TEST_F(DeltaCliTest, HistoryByPathNeedsNoCatalogAndHonoursLimit) {
  auto r = run({"delta", "history", (wh() / "events").string(), "--limit", "2", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0].rfind("{\"version\":4,\"timestamp\":\"2024-03-01T12:00:04.254Z\",\"operation\":\"DELETE\","
                           "\"adds\":1,\"removes\":2,",
                           0),
            0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("{\"version\":3,", 0), 0u) << lines[1];

  // A relative path is the working directory's.
  r = run({"delta", "history", "./wh/deleted"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("shape: (2, 7)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DELETE"), std::string::npos) << r.out;
}

TEST_F(DeltaCliTest, DescribeShowsVersionFilesAndProtocolOfACatalogTable) {
  auto r = run_with_catalog({"describe", "lake.events"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "  kind:            delta")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  description:     Events kept as a Delta table")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  delta_version:   4")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  committed_at:    2024-03-01T12:00:04.254Z")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  partition_cols:  -")) << r.out;
  EXPECT_NE(r.out.find("  files:           5 ("), std::string::npos) << r.out;
  EXPECT_TRUE(has_line(r.out, "  protocol:        reader 1, writer 2")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  reader_features: -")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  column_mapping:  none")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  checkpoint:      -")) << r.out;
  EXPECT_TRUE(has_line(r.out, "schema:")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  id  i64")) << r.out;

  r = run_with_catalog({"describe", "lake.parts"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "  delta_version:   0")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  partition_cols:  c1, c2")) << r.out;
  EXPECT_NE(r.out.find("  files:           3 ("), std::string::npos) << r.out;
  EXPECT_TRUE(has_line(r.out, "  c1  i32")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  c2  str")) << r.out;

  r = run_with_catalog({"describe", "lake.deleted"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "  protocol:        reader 3, writer 7")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  reader_features: deletionVectors")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  writer_features: deletionVectors")) << r.out;
}

TEST_F(DeltaCliTest, DescribeByPathReadsTheLogWithoutACatalog) {
  const std::string path = (dir_.path() / "checkpointed").string();
  auto r = run({"describe", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, path)) << r.out;
  EXPECT_TRUE(has_line(r.out, "  location:        file://" + path)) << r.out;
  EXPECT_TRUE(has_line(r.out, "  delta_version:   10")) << r.out;
  EXPECT_NE(r.out.find("  files:           11 ("), std::string::npos) << r.out;
  EXPECT_TRUE(has_line(r.out, "  checkpoint:      10")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  version  i32")) << r.out;
}

TEST_F(DeltaCliTest, AppendCreateOverwriteAndCheckpointWriteTables) {
  // Appending a catalog table to itself: a new version with twice the rows (3 live at v4).
  auto r = run_with_catalog({"delta", "append", "lake.events", "--sql", "SELECT * FROM lake.events"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("committed version 5: 1 file, 3 rows"), std::string::npos) << r.out;
  r = run_with_catalog({"sql", "SELECT count(*) AS n FROM lake.events", "--format", "csv"});
  EXPECT_EQ(r.out, "n\n6\n");
  // A table from files: created by --create, partitioned, then overwritten.
  write_file(dir_.path() / "in.csv", "id,city\n1,Paris\n2,New York\n3,\n");
  r = run({"delta", "append", "made", "--from", "in.csv", "--create", "--partition-by", "city"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("committed version 0: 3 files, 3 rows"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_directory(dir_.path() / "made" / "city=New%20York"));
  EXPECT_TRUE(fs::is_directory(dir_.path() / "made" / "city=__HIVE_DEFAULT_PARTITION__"));
  write_file(dir_.path() / "in.ndjson", "{\"id\": 9, \"city\": \"Oslo\"}\n");
  r = run({"delta", "overwrite", "made", "--from", "in.ndjson"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run({"sql", "SELECT id, city FROM delta_scan('" + (dir_.path() / "made").string() + "')", "--format", "csv"});
  EXPECT_EQ(r.out, "id,city\n9,Oslo\n");
  // replaceWhere and merge-schema from the CLI.
  r = run({"delta", "overwrite", "made", "--sql", "SELECT 11 AS id, 'Oslo' AS city", "--where", "city = 'Oslo'"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run({"delta", "append", "made", "--sql", "SELECT 12 AS id, 'Rome' AS city, 3 AS visits", "--merge-schema"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run({"sql", "SELECT id, city, visits FROM delta_scan('" + (dir_.path() / "made").string() + "') ORDER BY id",
           "--format", "csv"});
  EXPECT_EQ(r.out, "id,city,visits\n11,Oslo,\n12,Rome,3\n");
  r = run({"delta", "overwrite", "made", "--sql", "SELECT 13 AS id, 'Bonn' AS city", "--where", "city = 'Oslo'"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("does not match its condition"), std::string::npos) << r.err;
  // create with a schema; appending something else is refused by name.
  r = run({"delta", "create", "empty", "--schema", "id BIGINT NOT NULL, tags VARCHAR[]", "--property",
           "delta.appendOnly=true"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run({"delta", "create", "empty", "--schema", "id BIGINT"});
  EXPECT_EQ(r.code, 9) << r.err;  // AlreadyExists
  r = run({"delta", "append", "empty", "--sql", "SELECT 'x' AS id"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("'id'"), std::string::npos) << r.err;
  r = run({"delta", "overwrite", "empty", "--sql", "SELECT 1 AS id"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("delta.appendOnly"), std::string::npos) << r.err;
  // A table with deletion vectors is refused before anything is written.
  r = run_with_catalog({"delta", "append", "lake.deleted", "--sql", "SELECT * FROM lake.deleted"});
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_NE(r.err.find("deletionVectors"), std::string::npos) << r.err;
  // Idempotent retries.
  r = run({"delta", "append", "made", "--sql", "SELECT 10 AS id, 'Rome' AS city", "--txn-app-id", "job", "--txn-version", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run({"delta", "append", "made", "--sql", "SELECT 10 AS id, 'Rome' AS city", "--txn-app-id", "job", "--txn-version", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("already committed"), std::string::npos) << r.out;
}

TEST_F(DeltaCliTest, ErrorsNameTheTableAndMapToExitCodes) {
  // A catalog table of another kind: InvalidArgument (4).
  auto r = run_with_catalog({"delta", "history", "lake.flat"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("lake.flat"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a Delta table"), std::string::npos) << r.err;
  // An unknown table: NotFound (3).
  r = run_with_catalog({"delta", "history", "lake.nope"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("lake.nope"), std::string::npos) << r.err;
  // A folder without a Delta log: NotFound naming the folder.
  fs::create_directories(dir_.path() / "plain");
  r = run({"describe", (dir_.path() / "plain").string()});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("plain"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a Delta table"), std::string::npos) << r.err;
  // db.table without a catalog: InvalidArgument naming --catalog.
  r = run({"delta", "history", "lake.events"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("--catalog"), std::string::npos) << r.err;
  // `delta` alone is a usage error (2).
  r = run({"delta"});
  EXPECT_EQ(r.code, 2) << r.err;
}

}  // namespace

#endif
