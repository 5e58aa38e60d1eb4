// delta_scan over the shared conformance tables: row counts, sorted rows and
// every checks[] entry of each EXPECTED.json, at every version.
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/session.h"
#include "testing/delta_conformance.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::delta_conformance_tables;
using nl::testing::delta_testdata_dir;
using nlohmann::json;

namespace {

class DeltaScan : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
    checks_ = std::make_unique<nl::testing::DeltaScanChecks>(session_, "file://" + dir_.string(), expected_);
  }

  std::filesystem::path dir_;
  json expected_;
  nl::Session session_;
  std::unique_ptr<nl::testing::DeltaScanChecks> checks_;
};

TEST_P(DeltaScan, RowsAtEveryVersion) { checks_->expect_rows_at_every_version(); }

TEST_P(DeltaScan, Checks) { checks_->expect_checks(); }

TEST_P(DeltaScan, SchemaTypes) { checks_->expect_schema_types(); }

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaScan, ::testing::ValuesIn(delta_conformance_tables()),
                         nl::testing::conformance_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaScan);

}  // namespace
