// Conformance of the Delta reader with upstream test tables: every fact in
// each ../shared/testdata/delta/<table>/EXPECTED.json a reader can observe.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/log_replay.h"
#include "delta/typed_value.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/object_store.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::delta_conformance_tables;
using nl::testing::delta_testdata_dir;
namespace delta = neuralake::delta;
using nlohmann::json;

namespace {

class DeltaConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
    table_.store = nl::make_local_store(dir_.string());
    table_.key = "";
    table_.name = GetParam();
    reader_ = nl::engine::make_standalone_checkpoint_reader();
  }
  delta::SnapshotPtr load(std::optional<int64_t> v = std::nullopt) {
    return delta::load_snapshot(table_, *reader_, v);
  }

  std::filesystem::path dir_;
  json expected_;
  delta::TableLocation table_;
  std::unique_ptr<delta::CheckpointReader> reader_;
};

json protocol_json(const delta::Protocol& p) {
  json j = {{"minReaderVersion", p.min_reader_version}, {"minWriterVersion", p.min_writer_version}};
  if (p.reader_features) j["readerFeatures"] = *p.reader_features;
  if (p.writer_features) j["writerFeatures"] = *p.writer_features;
  return j;
}

std::set<std::string> sorted_set(const json& a) { return a.get<std::set<std::string>>(); }

TEST_P(DeltaConformance, LatestSnapshotFacts) {
  auto snap = load();
  EXPECT_EQ(snap->version, expected_["latest_version"].get<int64_t>());
  json want_protocol = expected_["protocol"];
  json got_protocol = protocol_json(snap->protocol);
  for (auto* j : {&want_protocol, &got_protocol}) {
    for (const char* k : {"readerFeatures", "writerFeatures"}) {
      if (j->contains(k)) (*j)[k] = (*j)[k].get<std::set<std::string>>();
    }
  }
  EXPECT_EQ(got_protocol, want_protocol);
  EXPECT_EQ(delta::to_string(snap->column_mapping), expected_["column_mapping_mode"].get<std::string>());
  const auto& schema = expected_["schema"];
  ASSERT_EQ(snap->schema.fields.size(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    const auto& f = snap->schema.fields[i];
    EXPECT_EQ(f.name, schema[i]["name"].get<std::string>());
    EXPECT_EQ(delta::type_name(f.type), schema[i]["type"].get<std::string>()) << f.name;
    EXPECT_EQ(f.nullable, schema[i]["nullable"].get<bool>()) << f.name;
    EXPECT_EQ(delta::duckdb_type_name(f.type), schema[i]["duckdb_type"].get<std::string>()) << f.name;
    if (schema[i].contains("physical_name")) { EXPECT_EQ(f.physical_name, schema[i]["physical_name"].get<std::string>()); }
  }
  EXPECT_EQ(json(snap->metadata.partition_columns), expected_["partition_columns"]);

  if (expected_.contains("last_checkpoint") && !expected_["last_checkpoint"].is_null()) {
    ASSERT_TRUE(snap->last_checkpoint.has_value());
    const auto& lc = expected_["last_checkpoint"];
    EXPECT_EQ(snap->last_checkpoint->version, lc["version"].get<int64_t>());
    if (lc.contains("size")) { EXPECT_EQ(snap->last_checkpoint->size, lc["size"].get<int64_t>()); }
    if (lc.contains("parts")) { EXPECT_EQ(snap->last_checkpoint->parts, lc["parts"].get<int64_t>()); }
    if (lc.contains("sizeInBytes")) { EXPECT_EQ(snap->last_checkpoint->size_in_bytes, lc["sizeInBytes"].get<int64_t>()); }
    if (lc.contains("numOfAddFiles")) {
      EXPECT_EQ(snap->last_checkpoint->num_of_add_files, lc["numOfAddFiles"].get<int64_t>());
    }
  } else {
    EXPECT_FALSE(snap->last_checkpoint.has_value());
  }
}

TEST_P(DeltaConformance, Checkpoints) {
  if (!expected_.contains("checkpoints") || expected_["checkpoints"].is_null()) {
    EXPECT_FALSE(load()->checkpoint.has_value()) << "no checkpoint expected";
    return;
  }
  for (const auto& cp : expected_["checkpoints"]) {
    auto snap = load(cp["version"].get<int64_t>());
    ASSERT_TRUE(snap->checkpoint.has_value()) << "checkpoint " << cp["version"];
    EXPECT_EQ(snap->checkpoint->version, cp["version"].get<int64_t>());
    EXPECT_EQ(snap->checkpoint->adds, cp["adds"].get<int64_t>());
    EXPECT_EQ(snap->checkpoint->removes, cp["removes"].get<int64_t>());
    EXPECT_EQ(snap->checkpoint->metadata, cp["metadata"].get<int64_t>());
    EXPECT_EQ(snap->checkpoint->protocol, cp["protocol"].get<int64_t>());
    EXPECT_EQ(snap->checkpoint->txns, cp["txn"].get<int64_t>());
  }
}

TEST_P(DeltaConformance, EveryVersionsFileSet) {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    SCOPED_TRACE("version " + std::to_string(version));
    auto snap = load(version);
    EXPECT_EQ(snap->version, version);
    EXPECT_EQ(static_cast<int64_t>(snap->num_files()), v["num_active_files"].get<int64_t>());
    std::set<std::string> paths, decoded;
    snap->for_each_file([&](const delta::FileEntry& f) {
      paths.insert(std::string(f.path));
      decoded.insert(delta::url_decode(f.path));
    });
    EXPECT_EQ(paths, sorted_set(v["active_files"]));
    if (v.contains("active_files_decoded")) { EXPECT_EQ(decoded, sorted_set(v["active_files_decoded"])); }
    EXPECT_EQ(json(snap->metadata.partition_columns), v["partition_columns"]);
    ASSERT_EQ(snap->schema.fields.size(), v["schema"].size());
    for (size_t i = 0; i < v["schema"].size(); ++i) {
      EXPECT_EQ(snap->schema.fields[i].name, v["schema"][i]["name"].get<std::string>());
      EXPECT_EQ(delta::type_name(snap->schema.fields[i].type), v["schema"][i]["type"].get<std::string>());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaConformance, ::testing::ValuesIn(delta_conformance_tables()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaConformance);

TEST(DeltaConformanceData, FolderPresent) {
  if (delta_conformance_tables().empty()) GTEST_SKIP() << "shared/testdata/delta is absent: no conformance tables to check";
  SUCCEED();
}

}  // namespace
