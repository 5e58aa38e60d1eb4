// The checks shared by the Delta conformance tests (local and s3://): the
// snapshot facts, and rows, checks[] and column types through delta_scan().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/snapshot.h"
#include "neuralake/session.h"

namespace neuralake::testing {

// JSON equality with numbers compared by value (1 == 1.0): the scan's JSON
// and EXPECTED.json need not spell a number the same way.
bool same_json(const nlohmann::json& a, const nlohmann::json& b);

// The latest snapshot as EXPECTED.json (`expected`) has it: version,
// protocol, column mapping, schema, partition columns and _last_checkpoint.
void expect_latest_snapshot_facts(const delta::Snapshot& snap, const nlohmann::json& expected);

// One entry of EXPECTED.json's versions[] (`version`): the snapshot at that
// version, its active files (raw and decoded), partition columns and schema.
void expect_version_facts(const delta::Snapshot& snap, const nlohmann::json& version);

// The "checkpoints" facts of EXPECTED.json (or that there is none): each
// checkpoint's version and action counts as the snapshot loaded at that
// version reports them. `load` loads the table at a version.
void expect_checkpoint_facts(const std::function<delta::SnapshotPtr(int64_t version)>& load,
                             const std::function<delta::SnapshotPtr()>& load_latest, const nlohmann::json& expected);

// Reads the Delta table at `uri` (file:// or s3://) through delta_scan() in
// `session`, as EXPECTED.json describes it (`expected`).
class DeltaScanChecks {
 public:
  DeltaScanChecks(Session& session, std::string uri, const nlohmann::json& expected)
      : session_(session), uri_(std::move(uri)), expected_(expected) {}

  // delta_scan(<uri>, version := <version>), to put in a FROM clause.
  std::string scan(int64_t version) const;
  // to_json(`expr`) over the table at `version`; null when the value is NULL.
  nlohmann::json query_json(const std::string& expr, int64_t version) const;

  // Row count and, where given, every row (sorted, NULLs last) of each version.
  void expect_rows_at_every_version() const;
  // Every checks[] entry: an expression's value at a version.
  void expect_checks() const;
  // Column names and DuckDB types of the latest version.
  void expect_schema_types() const;

 private:
  Session& session_;
  std::string uri_;
  const nlohmann::json& expected_;
};

// A test-name suffix for a conformance table: its name with every character
// GoogleTest does not allow turned into '_'.
std::string conformance_test_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace neuralake::testing
