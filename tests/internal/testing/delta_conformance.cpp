// The checks shared by the Delta conformance tests (local and s3://): the
// snapshot facts, and rows, checks[] and column types through delta_scan().
#include "testing/delta_conformance.h"

#include <cctype>
#include <set>

#include "delta/schema.h"
#include "delta/typed_value.h"
#include "neuralake/expr.h"

namespace neuralake::testing {

using nlohmann::json;

bool same_json(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !same_json(it.value(), b[it.key()])) return false;
    }
    return true;
  }
  return a == b;
}

namespace {

json protocol_json(const delta::Protocol& p) {
  json j = {{"minReaderVersion", p.min_reader_version}, {"minWriterVersion", p.min_writer_version}};
  if (p.reader_features) j["readerFeatures"] = *p.reader_features;
  if (p.writer_features) j["writerFeatures"] = *p.writer_features;
  return j;
}

std::set<std::string> sorted_set(const json& a) { return a.get<std::set<std::string>>(); }

}  // namespace

void expect_latest_snapshot_facts(const delta::Snapshot& snap, const json& expected) {
  EXPECT_EQ(snap.version, expected["latest_version"].get<int64_t>());
  // Feature lists are sets: their order in the log carries no meaning.
  json want_protocol = expected["protocol"];
  json got_protocol = protocol_json(snap.protocol);
  for (auto* j : {&want_protocol, &got_protocol}) {
    for (const char* k : {"readerFeatures", "writerFeatures"}) {
      if (j->contains(k)) (*j)[k] = sorted_set((*j)[k]);
    }
  }
  EXPECT_EQ(got_protocol, want_protocol);
  EXPECT_EQ(delta::to_string(snap.column_mapping), expected["column_mapping_mode"].get<std::string>());
  const auto& schema = expected["schema"];
  ASSERT_EQ(snap.schema.fields.size(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    const auto& f = snap.schema.fields[i];
    EXPECT_EQ(f.name, schema[i]["name"].get<std::string>());
    EXPECT_EQ(delta::type_name(f.type), schema[i]["type"].get<std::string>()) << f.name;
    EXPECT_EQ(f.nullable, schema[i]["nullable"].get<bool>()) << f.name;
    EXPECT_EQ(delta::duckdb_type_name(f.type), schema[i]["duckdb_type"].get<std::string>()) << f.name;
    if (schema[i].contains("physical_name")) { EXPECT_EQ(f.physical_name, schema[i]["physical_name"].get<std::string>()); }
  }
  EXPECT_EQ(json(snap.metadata.partition_columns), expected["partition_columns"]);

  if (expected.contains("last_checkpoint") && !expected["last_checkpoint"].is_null()) {
    ASSERT_TRUE(snap.last_checkpoint.has_value());
    const auto& lc = expected["last_checkpoint"];
    EXPECT_EQ(snap.last_checkpoint->version, lc["version"].get<int64_t>());
    if (lc.contains("size")) { EXPECT_EQ(snap.last_checkpoint->size, lc["size"].get<int64_t>()); }
    if (lc.contains("parts")) { EXPECT_EQ(snap.last_checkpoint->parts, lc["parts"].get<int64_t>()); }
    if (lc.contains("sizeInBytes")) { EXPECT_EQ(snap.last_checkpoint->size_in_bytes, lc["sizeInBytes"].get<int64_t>()); }
    if (lc.contains("numOfAddFiles")) {
      EXPECT_EQ(snap.last_checkpoint->num_of_add_files, lc["numOfAddFiles"].get<int64_t>());
    }
  } else {
    EXPECT_FALSE(snap.last_checkpoint.has_value());
  }
}

void expect_version_facts(const delta::Snapshot& snap, const json& v) {
  const int64_t version = v["version"].get<int64_t>();
  SCOPED_TRACE("version " + std::to_string(version));
  EXPECT_EQ(snap.version, version);
  EXPECT_EQ(static_cast<int64_t>(snap.num_files()), v["num_active_files"].get<int64_t>());
  std::set<std::string> paths, decoded;
  snap.for_each_file([&](const delta::FileEntry& f) {
    paths.insert(std::string(f.path()));
    decoded.insert(delta::url_decode(f.path()));
  });
  EXPECT_EQ(paths, sorted_set(v["active_files"]));
  if (v.contains("active_files_decoded")) { EXPECT_EQ(decoded, sorted_set(v["active_files_decoded"])); }
  EXPECT_EQ(json(snap.metadata.partition_columns), v["partition_columns"]);
  ASSERT_EQ(snap.schema.fields.size(), v["schema"].size());
  for (size_t i = 0; i < v["schema"].size(); ++i) {
    EXPECT_EQ(snap.schema.fields[i].name, v["schema"][i]["name"].get<std::string>());
    EXPECT_EQ(delta::type_name(snap.schema.fields[i].type), v["schema"][i]["type"].get<std::string>());
  }
}

std::string DeltaScanChecks::scan(int64_t version) const {
  return "delta_scan(" + sql_string_literal(uri_) + ", version := " + std::to_string(version) + ")";
}

json DeltaScanChecks::query_json(const std::string& expr, int64_t version) const {
  auto df = session_.sql("SELECT to_json(" + expr + ")::VARCHAR AS j FROM " + scan(version));
  const auto v = df.column(0).get(0);
  return v.is_null() ? json() : json::parse(v.as<std::string>());
}

void DeltaScanChecks::expect_rows_at_every_version() const {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    SCOPED_TRACE("version " + std::to_string(version));
    EXPECT_EQ(query_json("count(*)", version).get<int64_t>(), v["row_count"].get<int64_t>());
    if (!v.contains("sorted_rows")) continue;
    // Rows as JSON arrays, sorted by every column with NULLs last.
    std::string cols, order;
    for (const auto& f : v["schema"]) {
      const std::string c = "\"" + f["name"].get<std::string>() + "\"";
      cols += (cols.empty() ? "" : ", ") + c;
      order += (order.empty() ? "" : ", ") + c + " ASC NULLS LAST";
    }
    auto got = query_json("list(json_array(" + cols + ") ORDER BY " + order + ")", version);
    if (got.is_null()) got = json::array();  // list() of no rows is NULL
    EXPECT_TRUE(same_json(got, v["sorted_rows"])) << "got " << got.dump() << "\nwant " << v["sorted_rows"].dump();
  }
}

void DeltaScanChecks::expect_checks() const {
  for (const auto& c : expected_["checks"]) {
    const auto expr = c["expr"].get<std::string>();
    const int64_t version = c["version"].get<int64_t>();
    auto got = query_json(expr, version);
    EXPECT_TRUE(same_json(got, c["expected"])) << expr << " at v" << version << ": got " << got.dump() << ", want "
                                               << c["expected"].dump();
  }
}

void DeltaScanChecks::expect_schema_types() const {
  auto df = session_.sql("DESCRIBE SELECT * FROM " + scan(expected_["latest_version"].get<int64_t>()));
  const auto& schema = expected_["schema"];
  ASSERT_EQ(df.num_rows(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(df.column(0).get(i).as<std::string>(), schema[i]["name"].get<std::string>());
    EXPECT_EQ(df.column(1).get(i).as<std::string>(), schema[i]["duckdb_type"].get<std::string>());
  }
}

void expect_checkpoint_facts(const std::function<delta::SnapshotPtr(int64_t version)>& load,
                             const std::function<delta::SnapshotPtr()>& load_latest, const nlohmann::json& expected) {
  if (!expected.contains("checkpoints") || expected["checkpoints"].is_null()) {
    EXPECT_FALSE(load_latest()->checkpoint.has_value()) << "no checkpoint expected";
    return;
  }
  for (const auto& cp : expected["checkpoints"]) {
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

std::string conformance_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

}  // namespace neuralake::testing
