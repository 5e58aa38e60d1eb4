// delta_scan over the shared conformance tables: row counts, sorted rows and
// every checks[] entry of each EXPECTED.json, at every version.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::delta_conformance_tables;
using nl::testing::delta_testdata_dir;
using nlohmann::json;

namespace {

// JSON equality with numbers compared by value.
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

class DeltaScan : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = delta_testdata_dir() / GetParam();
    expected_ = json::parse(nl::testing::read_file(dir_ / "EXPECTED.json"));
  }
  std::string scan(int64_t version) const {
    return "delta_scan(" + nl::sql_string_literal("file://" + dir_.string()) + ", version := " + std::to_string(version) + ")";
  }
  json query_json(const std::string& expr, int64_t version) {
    auto df = session_.sql("SELECT to_json(" + expr + ")::VARCHAR AS j FROM " + scan(version));
    const auto v = df.column(0).get(0);
    return v.is_null() ? json() : json::parse(v.as<std::string>());
  }

  std::filesystem::path dir_;
  json expected_;
  nl::Session session_;
};

TEST_P(DeltaScan, RowsAtEveryVersion) {
  for (const auto& v : expected_["versions"]) {
    const int64_t version = v["version"].get<int64_t>();
    SCOPED_TRACE("version " + std::to_string(version));
    EXPECT_EQ(query_json("count(*)", version).get<int64_t>(), v["row_count"].get<int64_t>());
    if (!v.contains("sorted_rows")) continue;
    std::string cols;
    for (const auto& f : v["schema"]) cols += (cols.empty() ? "" : ", ") + ("\"" + f["name"].get<std::string>() + "\"");
    // Rows as JSON arrays, sorted by every column with NULLs last.
    auto got = query_json("list(json_array(" + cols + ") ORDER BY " + [&] {
      std::string order;
      for (const auto& f : v["schema"]) {
        order += (order.empty() ? "" : ", ") + ("\"" + f["name"].get<std::string>() + "\" ASC NULLS LAST");
      }
      return order;
    }() + ")", version);
    if (got.is_null()) got = json::array();
    EXPECT_TRUE(same_json(got, v["sorted_rows"])) << "got " << got.dump() << "\nwant " << v["sorted_rows"].dump();
  }
}

TEST_P(DeltaScan, Checks) {
  for (const auto& c : expected_["checks"]) {
    const auto expr = c["expr"].get<std::string>();
    const int64_t version = c["version"].get<int64_t>();
    auto got = query_json(expr, version);
    EXPECT_TRUE(same_json(got, c["expected"])) << expr << " at v" << version << ": got " << got.dump() << ", want "
                                               << c["expected"].dump();
  }
}

TEST_P(DeltaScan, SchemaTypes) {
  auto df = session_.sql("DESCRIBE SELECT * FROM " + scan(expected_["latest_version"].get<int64_t>()));
  const auto& schema = expected_["schema"];
  ASSERT_EQ(df.num_rows(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(df.column(0).get(i).as<std::string>(), schema[i]["name"].get<std::string>());
    EXPECT_EQ(df.column(1).get(i).as<std::string>(), schema[i]["duckdb_type"].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(SharedTables, DeltaScan, ::testing::ValuesIn(delta_conformance_tables()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
});
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeltaScan);

}  // namespace
