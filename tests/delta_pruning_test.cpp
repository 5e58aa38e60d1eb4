// File pruning of delta_scan before any file is opened: any expression on
// partition columns (IN lists, ORs, functions) at planning time, shown in
// EXPLAIN, and IN lists / ORs on data columns against the files' stats.
// Counted at the store; the expected files come from the test's own model.
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;

namespace {

// 40 files: file f holds ids [f*kRows, (f+1)*kRows), partition p = f % 8
// (integer) and q = "a" or "b" by f / 20 (string).
constexpr int kFiles = 40, kRows = 25;
int p_of(int f) { return f % 8; }
std::string q_of(int f) { return f < 20 ? "a" : "b"; }

class DeltaPruning : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* schema =
        R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"p","type":"integer","nullable":true,"metadata":{}},{"name":"q","type":"string","nullable":true,"metadata":{}}]})";
    std::string log = nl::testing::delta_protocol(1, 2) + nl::testing::delta_metadata("pr", schema, {"p", "q"});
    for (int f = 0; f < kFiles; ++f) {
      const std::string file = "p=" + std::to_string(p_of(f)) + "/q=" + q_of(f) + "/f" + std::to_string(f) + ".parquet";
      const int64_t size = nl::testing::copy_to_parquet(session_,
                                                        "SELECT i AS id FROM range(" + std::to_string(f * kRows) +
                                                            ", " + std::to_string((f + 1) * kRows) + ") t(i)",
                                                        dir_.path() / file);
      const std::string stats = R"({"numRecords":)" + std::to_string(kRows) + R"(,"minValues":{"id":)" +
                                std::to_string(f * kRows) + R"(},"maxValues":{"id":)" +
                                std::to_string((f + 1) * kRows - 1) + R"(},"nullCount":{"id":0}})";
      const std::string partition = R"({"p":")" + std::to_string(p_of(f)) + R"(","q":")" + q_of(f) + R"("})";
      log += nl::testing::delta_add(file, partition, size, stats);
    }
    nl::testing::write_delta_commit(dir_.path(), 0, log);
    // The store counts every open; a scan opens each file it reads the same
    // number of times, which the full scan measures.
    const auto all = run("true");
    ASSERT_EQ(all.rows, kFiles * kRows);
    ASSERT_EQ(all.io.files_opened % kFiles, 0u);
    opens_per_file_ = all.io.files_opened / kFiles;
    bytes_all_ = all.io.bytes_read;
  }

  struct Run {
    int64_t rows;
    nl::IoStats io;
  };
  Run run(const std::string& where) {
    session_.reset_io_stats();
    auto df = session_.sql("SELECT count(*) FROM " + scan() + " WHERE " + where);
    return {*df.column(0).at<int64_t>(0), session_.total_io_stats()};
  }
  std::string scan() const { return "delta_scan(" + nl::sql_string_literal("file://" + dir_.str()) + ")"; }

  // Checks rows and opened files of `where` against the files the model
  // keeps; `rows` < 0: every row of the kept files passes.
  template <class Keep>
  void expect_pruned(const std::string& where, Keep keep_file, int64_t rows = -1) {
    int kept = 0;
    for (int f = 0; f < kFiles; ++f) kept += keep_file(f) ? 1 : 0;
    if (rows < 0) rows = static_cast<int64_t>(kept) * kRows;
    const Run r = run(where);
    EXPECT_EQ(r.rows, rows) << where;
    EXPECT_EQ(r.io.files_opened, static_cast<uint64_t>(kept) * opens_per_file_) << where << ": expected " << kept
                                                                                  << " of " << kFiles << " files";
    if (kept < kFiles) {
      EXPECT_LT(r.io.bytes_read, bytes_all_) << where;
    }
  }

  nl::testing::TempDir dir_;
  nl::Session session_;
  uint64_t opens_per_file_ = 0;
  uint64_t bytes_all_ = 0;
};

TEST_F(DeltaPruning, InListOnAPartitionColumn) {
  expect_pruned("p IN (1, 3)", [](int f) { return p_of(f) == 1 || p_of(f) == 3; });
}

TEST_F(DeltaPruning, OrOfEqualitiesAcrossPartitionColumns) {
  expect_pruned("p = 2 OR q = 'b'", [](int f) { return p_of(f) == 2 || q_of(f) == "b"; });
}

TEST_F(DeltaPruning, ExpressionsOnPartitionColumns) {
  expect_pruned("p % 4 = 3 AND upper(q) = 'A'", [](int f) { return p_of(f) % 4 == 3 && q_of(f) == "a"; });
  expect_pruned("p + 10 > 16", [](int f) { return p_of(f) + 10 > 16; });
  expect_pruned("q NOT IN ('a')", [](int f) { return q_of(f) != "a"; });
}

TEST_F(DeltaPruning, InListAndOrOnDataColumnsUseStats) {
  // ids 5 and 777 lie in files 0 and 31.
  expect_pruned("id IN (5, 777)", [](int f) { return f == 0 || f == 31; }, 2);
  expect_pruned("id = 5 OR id = 777", [](int f) { return f == 0 || f == 31; }, 2);
}

TEST_F(DeltaPruning, NegationsAndNullTestsOnPartitionColumns) {
  expect_pruned("p <> 3", [](int f) { return p_of(f) != 3; });
  expect_pruned("NOT (p IN (1, 2))", [](int f) { return p_of(f) != 1 && p_of(f) != 2; });
  expect_pruned("p IS NOT NULL AND q = 'a'", [](int f) { return q_of(f) == "a"; });
  expect_pruned("q IS NULL", [](int) { return false; });
}

TEST_F(DeltaPruning, PartitionValuesAndStatsTogether) {
  // q = 'b' holds files 20..39; ids below 600 lie in files 0..23.
  expect_pruned("q >= 'b' AND id < 600", [](int f) { return f >= 20 && f < 24; });
}

TEST_F(DeltaPruning, ExplainShowsTheFilesLeftAfterPartitionPruning) {
  const std::string plan = session_.explain("SELECT count(*) FROM " + scan() + " WHERE p IN (1, 3)");
  EXPECT_NE(plan.find("Scanning Files: 10/40"), std::string::npos) << plan;
  EXPECT_NE(plan.find("File Filters"), std::string::npos) << plan;
}

}  // namespace
