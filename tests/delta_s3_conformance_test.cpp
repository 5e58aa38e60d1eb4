// The Delta conformance checks over s3://: each ../shared/testdata/delta/<table>
// uploaded to a local S3 server, read by the snapshot API and delta_scan().
//
// Object modification times are the upload's, not the files': no check here
// depends on them (commit times come from the log). The snapshot API is driven
// with the standalone checkpoint reader, which reads file:// only, so snapshots
// that start from a checkpoint are checked through delta_table_info() and
// delta_scan() (the session's reader) instead, and skipped in the direct ones.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/log_replay.h"
#include "delta/typed_value.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/delta.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/delta_s3_tables.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
using nlohmann::json;

namespace {

std::filesystem::path delta_dir() {
  auto shared = nl::testing::shared_dir();
  return shared.empty() ? shared : shared / "testdata" / "delta";
}

// Every folder with an EXPECTED.json: a table added there adds a test case.
std::vector<std::string> table_names() {
  std::vector<std::string> names;
  const auto dir = delta_dir();
  if (dir.empty() || !std::filesystem::is_directory(dir)) return names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (std::filesystem::exists(e.path() / "EXPECTED.json")) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// JSON equality with numbers compared by value.
bool same_json(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_json(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same_json(it.value(), b[it.key()])) return false;
    return true;
  }
  return a == b;
}

std::set<std::string> as_set(const json& a) { return a.get<std::set<std::string>>(); }

class DeltaS3Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  // One server per test process; each table is uploaded by its first case.
  static void SetUpTestSuite() { server_ = std::make_unique<nl::testing::LocalS3Server>("neuralake"); }
  static void TearDownTestSuite() {
    server_.reset();
    uploaded_.clear();
  }

  void SetUp() override {
    dir_ = delta_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
    session_ = std::make_unique<nl::Session>(nl::testing::minio_session_options(server_->endpoint()));
    uri_ = "s3://neuralake/" + GetParam();
    auto [store, key] = session_->resolve_store(uri_);
    if (uploaded_.insert(GetParam()).second) nl::testing::upload_tree(*store, dir_, key);
    table_.store = store;
    table_.key = key;
    table_.name = GetParam();
    reader_ = nl::engine::make_standalone_checkpoint_reader();
  }

  // The first checkpoint's version: snapshots from it on read Parquet.
  std::optional<int64_t> first_checkpoint() const {
    std::optional<int64_t> first;
    if (expected_.contains("checkpoints") && expected_["checkpoints"].is_array()) {
      for (const auto& cp : expected_["checkpoints"]) {
        const int64_t v = cp["version"].get<int64_t>();
        if (!first || v < *first) first = v;
      }
    }
    return first;
  }

  delta::SnapshotPtr load(std::optional<int64_t> v = std::nullopt) { return delta::load_snapshot(table_, *reader_, v); }

  std::string scan(int64_t version) const {
    return "delta_scan(" + nl::sql_string_literal(uri_) + ", version := " + std::to_string(version) + ")";
  }
  json query_json(const std::string& expr, int64_t version) {
    auto df = session_->sql("SELECT to_json(" + expr + ")::VARCHAR AS j FROM " + scan(version));
    const auto v = df.column(0).get(0);
    return v.is_null() ? json() : json::parse(v.as<std::string>());
  }

  static std::unique_ptr<nl::testing::LocalS3Server> server_;
  static std::set<std::string> uploaded_;
  std::filesystem::path dir_;
  std::string uri_;
  json expected_;
  std::unique_ptr<nl::Session> session_;
  delta::TableLocation table_;
  std::unique_ptr<delta::CheckpointReader> reader_;
};

std::unique_ptr<nl::testing::LocalS3Server> DeltaS3Conformance::server_;
std::set<std::string> DeltaS3Conformance::uploaded_;

TEST_P(DeltaS3Conformance, TableInfoThroughTheSession) {
  nl::DeltaTableInfo info = nl::delta_table_info(*session_, uri_);
  EXPECT_EQ(info.version, expected_["latest_version"].get<int64_t>());
  EXPECT_EQ(json(info.partition_columns), expected_["partition_columns"]);
  EXPECT_EQ(info.min_reader_version, expected_["protocol"]["minReaderVersion"].get<int>());
  EXPECT_EQ(info.min_writer_version, expected_["protocol"]["minWriterVersion"].get<int>());
  EXPECT_EQ(info.column_mapping, expected_["column_mapping_mode"].get<std::string>());
  const auto& latest = expected_["versions"].back();
  if (latest["version"] == expected_["latest_version"]) {
    EXPECT_EQ(static_cast<int64_t>(info.num_files), latest["num_active_files"].get<int64_t>());
  }
  const bool has_checkpoint = expected_.contains("last_checkpoint") && !expected_["last_checkpoint"].is_null();
  ASSERT_EQ(info.checkpoint_version.has_value(), has_checkpoint);
  if (has_checkpoint) { EXPECT_EQ(*info.checkpoint_version, expected_["last_checkpoint"]["version"].get<int64_t>()); }
}

TEST_P(DeltaS3Conformance, LatestSnapshotFacts) {
  if (first_checkpoint()) GTEST_SKIP() << "starts from a checkpoint: see TableInfoThroughTheSession";
  auto snap = load();
  EXPECT_EQ(snap->version, expected_["latest_version"].get<int64_t>());
  const auto& p = expected_["protocol"];
  EXPECT_EQ(snap->protocol.min_reader_version, p["minReaderVersion"].get<int>());
  EXPECT_EQ(snap->protocol.min_writer_version, p["minWriterVersion"].get<int>());
  if (p.contains("readerFeatures")) {
    ASSERT_TRUE(snap->protocol.reader_features.has_value());
    EXPECT_EQ(json(*snap->protocol.reader_features).get<std::set<std::string>>(), as_set(p["readerFeatures"]));
  }
  EXPECT_EQ(delta::to_string(snap->column_mapping), expected_["column_mapping_mode"].get<std::string>());
  const auto& schema = expected_["schema"];
  ASSERT_EQ(snap->schema.fields.size(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    const auto& f = snap->schema.fields[i];
    EXPECT_EQ(f.name, schema[i]["name"].get<std::string>());
    EXPECT_EQ(delta::type_name(f.type), schema[i]["type"].get<std::string>()) << f.name;
    EXPECT_EQ(f.nullable, schema[i]["nullable"].get<bool>()) << f.name;
  }
  EXPECT_EQ(json(snap->metadata.partition_columns), expected_["partition_columns"]);
  const bool has_checkpoint = expected_.contains("last_checkpoint") && !expected_["last_checkpoint"].is_null();
  ASSERT_EQ(snap->last_checkpoint.has_value(), has_checkpoint);
  if (has_checkpoint) { EXPECT_EQ(snap->last_checkpoint->version, expected_["last_checkpoint"]["version"].get<int64_t>()); }
}

TEST_P(DeltaS3Conformance, Checkpoints) {
  if (first_checkpoint()) GTEST_SKIP() << "checkpoint contents: see TableInfoThroughTheSession and the scans";
  EXPECT_FALSE(load()->checkpoint.has_value()) << "no checkpoint expected";
}

TEST_P(DeltaS3Conformance, EveryVersionsFileSet) {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    if (first_checkpoint() && version >= *first_checkpoint()) continue;  // the scans cover these
    SCOPED_TRACE("version " + std::to_string(version));
    auto snap = load(version);
    EXPECT_EQ(snap->version, version);
    std::set<std::string> paths;
    snap->for_each_file([&](const delta::FileEntry& f) { paths.insert(std::string(f.path)); });
    EXPECT_EQ(paths, as_set(v["active_files"]));
    EXPECT_EQ(json(snap->metadata.partition_columns), v["partition_columns"]);
  }
}

TEST_P(DeltaS3Conformance, ScanRowsAtEveryVersion) {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    SCOPED_TRACE("version " + std::to_string(version));
    EXPECT_EQ(query_json("count(*)", version).get<int64_t>(), v["row_count"].get<int64_t>());
    if (!v.contains("sorted_rows")) continue;
    std::string cols, order;
    for (const auto& f : v["schema"]) {
      const std::string c = "\"" + f["name"].get<std::string>() + "\"";
      cols += (cols.empty() ? "" : ", ") + c;
      order += (order.empty() ? "" : ", ") + c + " ASC NULLS LAST";
    }
    auto got = query_json("list(json_array(" + cols + ") ORDER BY " + order + ")", version);
    if (got.is_null()) got = json::array();
    EXPECT_TRUE(same_json(got, v["sorted_rows"])) << "got " << got.dump() << "\nwant " << v["sorted_rows"].dump();
  }
}

TEST_P(DeltaS3Conformance, ScanChecks) {
  for (const auto& c : expected_["checks"]) {
    const auto expr = c["expr"].get<std::string>();
    const int64_t version = c["version"].get<int64_t>();
    auto got = query_json(expr, version);
    EXPECT_TRUE(same_json(got, c["expected"])) << expr << " at v" << version << ": got " << got.dump() << ", want "
                                               << c["expected"].dump();
  }
}

TEST_P(DeltaS3Conformance, ScanSchemaTypes) {
  auto df = session_->sql("DESCRIBE SELECT * FROM " + scan(expected_["latest_version"].get<int64_t>()));
  const auto& schema = expected_["schema"];
  ASSERT_EQ(df.num_rows(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(df.column(0).get(i).as<std::string>(), schema[i]["name"].get<std::string>());
    EXPECT_EQ(df.column(1).get(i).as<std::string>(), schema[i]["duckdb_type"].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaS3Conformance, ::testing::ValuesIn(table_names()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaS3Conformance);

}  // namespace
