// The Delta writer through the public API: tables it creates, appends to and
// overwrites read back exactly (every type, awkward partition values, time
// travel), its refusals name what is wrong, and its log entries have the
// shape other Delta implementations write.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/catalog.h"
#include "neuralake/delta.h"
#include "neuralake/delta_writer.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;
using json = nlohmann::json;
using nl::testing::TempDir;

namespace {

nl::SessionOptions local_options() {
  nl::SessionOptions o;
  o.delta_staleness = std::chrono::hours(1);  // read-your-writes must not depend on it
  return o;
}

// The rows of `sql` as text, sorted: what two reads must agree on.
std::vector<std::string> rows_of(nl::Session& s, const std::string& sql) {
  auto df = s.sql("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (" + sql + ")");
  std::vector<std::string> rows;
  for (size_t r = 0; r < df.num_rows(); ++r) {
    std::string row;
    for (size_t c = 0; c < df.num_columns(); ++c) {
      auto v = df.value(r, c);
      row += (c ? "|" : "") + (v.is_null() ? std::string("<null>") : v.as<std::string>());
    }
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string scan(const std::string& uri, const std::string& args = "") {
  return "SELECT * FROM delta_scan('" + uri + "'" + (args.empty() ? "" : ", " + args) + ")";
}

std::vector<json> log_lines(const fs::path& table, int64_t version) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld.json", static_cast<long long>(version));
  std::ifstream in(table / "_delta_log" / name);
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

std::vector<json> actions(const fs::path& table, int64_t version, const std::string& kind) {
  std::vector<json> out;
  for (auto& l : log_lines(table, version))
    if (l.contains(kind)) out.push_back(l[kind]);
  return out;
}

// Every column type the writer takes, as SQL literals (row i of each column
// belongs together).
const char* kAllTypes = R"(
  SELECT * FROM (VALUES
    (1, true, (-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT,
     255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 18446744073709551615::UBIGINT,
     -3.5::FLOAT, 1e300::DOUBLE, -99999999.99::DECIMAL(10,2), 12345678901234567890123456789012.123456::DECIMAL(38,6),
     'héllo, "world"', '\x00\xFF'::BLOB, DATE '0001-01-01', TIMESTAMPTZ '1900-01-01 00:00:00+00',
     TIMESTAMP '2024-02-29 12:00:00.123456', TIMESTAMP_MS '2024-01-01 00:00:00.5',
     {'x': 1, 'inner': {'y': 'a'}}, [1, NULL, 3]::BIGINT[], MAP {'a': 1, 'b': NULL}),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL),
    (3, false, 127::TINYINT, 7::SMALLINT, 42::INTEGER, -1::BIGINT, 0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT,
     'nan'::FLOAT, 'inf'::DOUBLE, 0.05::DECIMAL(10,2), 1::DECIMAL(38,6), '', ''::BLOB, DATE '9999-12-31',
     TIMESTAMPTZ '2024-02-29 23:59:59.123456+00', TIMESTAMP '1900-01-01 00:00:00', TIMESTAMP_MS '1970-01-01 00:00:00',
     {'x': NULL, 'inner': NULL}, []::BIGINT[], MAP {}::MAP(VARCHAR, INTEGER))
  ) t(id, flag, b, s, i, l, ub, us, ui, ul, f, d, dec, wide, str, bin, day, ts, ntz, ntz_ms, st, arr, m))";

}  // namespace

TEST(DeltaWriter, EveryTypeRoundTripsWithTimeTravel) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions create;
  create.create = nl::DeltaCreateOptions{};
  auto v0 = w.append(s.lazy(kAllTypes), create);
  EXPECT_EQ(v0.version, 0);
  EXPECT_EQ(v0.rows, 3);
  ASSERT_EQ(v0.files.size(), 1u);
  auto v1 = w.append(s.lazy(std::string(kAllTypes) + " WHERE id = 1"));
  EXPECT_EQ(v1.version, 1);

  // What a reader sees equals the source, with unsigned integers widened and
  // timestamps in microseconds.
  const std::string widened =
      "SELECT id, flag, b, s, i, l, ub::SMALLINT AS ub, us::INTEGER AS us, ui::BIGINT AS ui, ul::DECIMAL(20,0) AS ul, f, d,"
      " dec, wide, str, bin, day, ts, ntz, ntz_ms::TIMESTAMP AS ntz_ms, st, arr, m FROM (" +
      std::string(kAllTypes) + ")";
  EXPECT_EQ(rows_of(s, scan(uri, "version := 0")), rows_of(s, widened));
  auto both = rows_of(s, widened + " UNION ALL " + widened + " WHERE id = 1");
  EXPECT_EQ(rows_of(s, scan(uri)), both);
  EXPECT_EQ(rows_of(s, scan(uri, "version := 1")), both);

  auto types = s.describe(scan(uri));
  std::map<std::string, std::string> by_name;
  for (const auto& f : types) by_name[f.name] = f.type.sql_name();
  EXPECT_EQ(by_name["ub"], "SMALLINT");
  EXPECT_EQ(by_name["ul"], "DECIMAL(20,0)");
  EXPECT_EQ(by_name["ntz"], "TIMESTAMP");
  EXPECT_EQ(by_name["ts"], "TIMESTAMP WITH TIME ZONE");

  // A timestamp without time zone needs the timestampNtz feature.
  auto protocol = actions(dir.path() / "t", 0, "protocol").at(0);
  EXPECT_EQ(protocol["minReaderVersion"], 3);
  EXPECT_EQ(protocol["minWriterVersion"], 7);
  EXPECT_EQ(protocol["readerFeatures"], json::array({"timestampNtz"}));
  EXPECT_EQ(protocol["writerFeatures"], json::array({"timestampNtz"}));
}

TEST(DeltaWriter, TablesWithoutTimestampNtzKeepTheLowestProtocol) {
  TempDir dir;
  nl::Session s(local_options());
  nl::DeltaWriter w(s, (dir.path() / "t").string());
  w.create({{"a", nl::DataType::int64()}, {"t", nl::DataType::timestamp_tz()}});
  auto protocol = actions(dir.path() / "t", 0, "protocol").at(0);
  EXPECT_EQ(protocol, json::parse(R"({"minReaderVersion":1,"minWriterVersion":2})"));
}

TEST(DeltaWriter, TypesDeltaCannotHoldAreRefusedByName) {
  TempDir dir;
  nl::Session s(local_options());
  nl::DeltaWriter w(s, (dir.path() / "t").string());
  nl::DeltaWriteOptions create;
  create.create = nl::DeltaCreateOptions{};
  for (auto [column, sql] : std::vector<std::pair<std::string, std::string>>{
           {"h", "SELECT 1::HUGEINT AS h"},
           {"tm", "SELECT TIME '10:00:00' AS tm"},
           {"iv", "SELECT INTERVAL 1 DAY AS iv"},
           {"u", "SELECT uuid() AS u"},
       }) {
    EXPECT_NL_ERROR(w.append(s.lazy(sql), create), NotSupported, "'" + column + "'");
  }
  EXPECT_FALSE(fs::exists(dir.path() / "t" / "_delta_log"));
}

TEST(DeltaWriter, AwkwardPartitionValuesRoundTrip) {
  TempDir dir;
  nl::Session s(local_options());
  const fs::path root = dir.path() / "p";
  nl::DeltaWriter w(s, root.string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->partition_by = {"k", "n"};
  const std::string data = R"(SELECT * FROM (VALUES
      ('a b', 1, 10), ('x/y', 2, 20), ('100%', 3, 30), ('k=v', 4, 40), ('a+b', 5, 50), ('#1', 6, 60),
      ('é ü', 7, 70), ('', 8, 80), (NULL, NULL, 90), ('NULL', 9, 100), ('a%20b', 10, 110)) t(k, n, v))";
  auto r = w.append(s.lazy(data), o);
  EXPECT_EQ(r.rows, 11);
  // The empty string reads back as NULL, as the protocol reads an empty partition value.
  EXPECT_EQ(rows_of(s, scan(root.string())), rows_of(s, "SELECT nullif(k, '') AS k, n, v FROM (" + data + ")"));

  std::map<std::string, json> by_value;  // k's partition value (or "<null>") -> add
  for (auto& add : actions(root, 0, "add")) {
    auto& k = add["partitionValues"]["k"];
    by_value[k.is_null() ? std::string("<null>") : k.get<std::string>()] = add;
    // The file is where add.path says, once URL-decoded.
    std::string path = add["path"];
    std::string decoded;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '%') {
        decoded += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += path[i];
      }
    }
    EXPECT_TRUE(fs::exists(root / decoded)) << decoded;
  }
  auto dir_of = [&](const std::string& v) {
    std::string p = by_value.at(v)["path"];
    return p.substr(0, p.rfind('/'));
  };
  EXPECT_EQ(dir_of("a b"), "k=a%2520b/n=1");
  EXPECT_EQ(dir_of("x/y"), "k=x%252Fy/n=2");
  EXPECT_EQ(dir_of("100%"), "k=100%2525/n=3");
  EXPECT_EQ(dir_of("k=v"), "k=k%253Dv/n=4");
  EXPECT_EQ(dir_of("a+b"), "k=a+b/n=5");
  EXPECT_EQ(dir_of("#1"), "k=%25231/n=6");
  EXPECT_EQ(dir_of("é ü"), "k=é%2520ü/n=7");
  EXPECT_EQ(dir_of("<null>").substr(0, 29), "k=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_TRUE(fs::is_directory(root / "k=a%20b" / "n=1"));
  EXPECT_TRUE(fs::is_directory(root / "k=__HIVE_DEFAULT_PARTITION__" / "n=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_EQ(by_value.at("NULL")["partitionValues"]["k"], "NULL");  // the string, not a null
  EXPECT_EQ(by_value.at("<null>")["partitionValues"]["n"], nullptr);
  EXPECT_EQ(by_value.at("a b")["partitionValues"]["n"], "1");  // values are strings
  // Partition columns are not stored in the files.
  std::string file = by_value.at("a b")["path"];
  auto cols = s.describe("SELECT * FROM read_parquet('" + (root / "k=a%20b/n=1").string() + "/*.parquet', hive_partitioning = false)");
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(cols[0].name, "v");
}

TEST(DeltaWriter, PartitionValuesOfEveryPartitionableType) {
  TempDir dir;
  nl::Session s(local_options());
  const fs::path root = dir.path() / "p";
  nl::DeltaWriter w(s, root.string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->partition_by = {"d", "ts", "ntz", "b", "dec", "i", "t8", "i16", "l", "f", "x"};
  const std::string data =
      "SELECT DATE '2024-01-02' AS d, TIMESTAMPTZ '2024-01-02 03:04:05.678+00' AS ts, "
      "TIMESTAMP '2024-01-02 03:04:05' AS ntz, true AS b, 1.50::DECIMAL(5,2) AS dec, -7 AS i, 3::TINYINT AS t8, "
      "(-300)::SMALLINT AS i16, 9007199254740993::BIGINT AS l, 1.5::FLOAT AS f, 0.1::DOUBLE AS x, 'x' AS v";
  w.append(s.lazy(data), o);
  auto add = actions(root, 0, "add").at(0);
  EXPECT_EQ(add["partitionValues"],
            json::parse(R"({"d":"2024-01-02","ts":"2024-01-02T03:04:05.678000Z","ntz":"2024-01-02 03:04:05.000000",)"
                        R"("b":"true","dec":"1.50","i":"-7","t8":"3","i16":"-300","l":"9007199254740993","f":"1.5","x":"0.1"})"));
  EXPECT_EQ(rows_of(s, scan(root.string())), rows_of(s, data));
}

TEST(DeltaWriter, StatsAreExactAndShapedAsSparkWritesThem) {
  TempDir dir;
  nl::Session s(local_options());
  const fs::path root = dir.path() / "t";
  nl::DeltaWriter w(s, root.string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  const std::string long_a = std::string(40, 'a');
  w.append(s.lazy("SELECT * FROM (VALUES (1, 'b', 1.5::DOUBLE, 2.5::FLOAT, {'x': 3}, TIMESTAMPTZ '2024-01-01 00:00:00.0015+00', '" +
                  long_a + "', true, [1]),"
                  " (-5, NULL, 'nan'::DOUBLE, NULL, {'x': NULL}, TIMESTAMPTZ '2024-01-01 00:00:00.0001+00', 'zz', NULL, NULL),"
                  " (NULL, 'a', 0.5::DOUBLE, -1::FLOAT, NULL, NULL, '" + std::string(33, 'z') + "', false, [])"
                  ") t(i, s, d, f, st, ts, long_s, flag, arr)"),
           o);
  auto add = actions(root, 0, "add").at(0);
  ASSERT_TRUE(add["stats"].is_string());
  auto stats = json::parse(add["stats"].get<std::string>());
  EXPECT_EQ(stats["numRecords"], 3);
  EXPECT_EQ(stats["minValues"]["i"], -5);
  EXPECT_EQ(stats["maxValues"]["i"], 1);
  EXPECT_EQ(stats["nullCount"]["i"], 1);
  EXPECT_EQ(stats["minValues"]["s"], "a");
  EXPECT_EQ(stats["maxValues"]["s"], "b");
  EXPECT_EQ(stats["nullCount"]["s"], 1);
  // A double column holding NaN has no bounds; a float without NaN has.
  EXPECT_FALSE(stats["minValues"].contains("d"));
  EXPECT_FALSE(stats["maxValues"].contains("d"));
  EXPECT_EQ(stats["nullCount"]["d"], 0);
  EXPECT_EQ(stats["minValues"]["f"], -1.0);
  EXPECT_EQ(stats["maxValues"]["f"], 2.5);
  // Nested struct fields nest.
  EXPECT_EQ(stats["minValues"]["st"]["x"], 3);
  EXPECT_EQ(stats["nullCount"]["st"]["x"], 2);
  // Timestamps in milliseconds: the min cut down, the max rounded up.
  EXPECT_EQ(stats["minValues"]["ts"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(stats["maxValues"]["ts"], "2024-01-01T00:00:00.002Z");
  // Strings cut to 32 characters; a cut max gets a tie-breaker that keeps it >= every value.
  EXPECT_EQ(stats["minValues"]["long_s"], std::string(32, 'a'));
  EXPECT_EQ(stats["maxValues"]["long_s"], std::string(32, 'z') + "\xF4\x8F\xBF\xBF");
  EXPECT_GT(stats["maxValues"]["long_s"].get<std::string>(), std::string(33, 'z'));
  // No bounds for booleans or lists; lists get no nullCount either.
  EXPECT_FALSE(stats["minValues"].contains("flag"));
  EXPECT_EQ(stats["nullCount"]["flag"], 1);
  EXPECT_FALSE(stats["minValues"].contains("arr"));
  EXPECT_FALSE(stats["nullCount"].contains("arr"));

  // Data skipping works off these stats: the file holds no i > 1.
  s.reset_io_stats();
  EXPECT_EQ(s.sql(scan(root.string()) + " WHERE i > 1").num_rows(), 0u);
}

TEST(DeltaWriter, StatsColumnsFollowTheTableProperties) {
  TempDir dir;
  nl::Session s(local_options());
  auto write = [&](const std::string& name, std::map<std::string, std::string> props) {
    nl::DeltaWriter w(s, (dir.path() / name).string());
    nl::DeltaWriteOptions o;
    o.create = nl::DeltaCreateOptions{};
    o.create->properties = std::move(props);
    w.append(s.lazy("SELECT 1 AS a, 2 AS b, {'x': 3, 'y': 4} AS c"), o);
    return json::parse(actions(dir.path() / name, 0, "add").at(0)["stats"].get<std::string>());
  };
  auto two = write("two", {{"delta.dataSkippingNumIndexedCols", "2"}});
  EXPECT_EQ(two["minValues"], json::parse(R"({"a":1,"b":2})"));
  auto all = write("all", {{"delta.dataSkippingNumIndexedCols", "-1"}});
  EXPECT_EQ(all["minValues"], json::parse(R"({"a":1,"b":2,"c":{"x":3,"y":4}})"));
  auto named = write("named", {{"delta.dataSkippingStatsColumns", "b, c.y"}});
  EXPECT_EQ(named["minValues"], json::parse(R"({"b":2,"c":{"y":4}})"));
  EXPECT_EQ(named["nullCount"], json::parse(R"({"b":0,"c":{"y":0}})"));
  nl::DeltaWriter bad(s, (dir.path() / "bad").string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->properties = {{"delta.dataSkippingNumIndexedCols", "many"}};
  EXPECT_NL_ERROR(bad.append(s.lazy("SELECT 1 AS a"), o), InvalidArgument, "delta.dataSkippingNumIndexedCols");
}

TEST(DeltaWriter, OverwriteReplacesEveryRowAndKeepsHistory) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->partition_by = {"k"};
  w.append(s.lazy("SELECT range AS v, range % 3 AS k FROM range(30)"), o);
  w.append(s.lazy("SELECT 100 AS v, 7 AS k"));
  auto r = w.overwrite(s.lazy("SELECT -1 AS v, 1 AS k"));
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(rows_of(s, scan(uri)), std::vector<std::string>{"-1|1"});
  EXPECT_EQ(s.sql("SELECT count(*) AS n FROM (" + scan(uri, "version := 1") + ")").value(0, 0).as<int64_t>(), 31);
  auto removes = actions(dir.path() / "t", 2, "remove");
  EXPECT_EQ(removes.size(), 4u);  // three partitions of the first write, one of the second
  for (auto& rm : removes) {
    EXPECT_EQ(rm["dataChange"], true);
    EXPECT_TRUE(rm["deletionTimestamp"].is_number_integer());
    EXPECT_TRUE(rm["size"].is_number_integer());
    EXPECT_TRUE(rm["partitionValues"].is_object());
  }
  auto info = actions(dir.path() / "t", 2, "commitInfo").at(0);
  EXPECT_EQ(info["operationParameters"]["mode"], "Overwrite");
  EXPECT_EQ(info["isBlindAppend"], false);
  EXPECT_EQ(info["operationMetrics"]["numRemovedFiles"], "4");
}

TEST(DeltaWriter, OverwriteCanReplaceTheSchema) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  w.append(s.lazy("SELECT 1 AS a"), o);
  EXPECT_NL_ERROR(w.overwrite(s.lazy("SELECT 'x' AS b")), InvalidArgument, "'b'");
  nl::DeltaWriteOptions replace;
  replace.replace_schema = true;
  w.overwrite(s.lazy("SELECT 'x' AS b, TIMESTAMP '2024-01-01' AS t"), replace);
  EXPECT_EQ(rows_of(s, scan(uri)), std::vector<std::string>{"x|2024-01-01 00:00:00"});
  auto protocol = actions(dir.path() / "t", 1, "protocol");
  ASSERT_EQ(protocol.size(), 1u);  // timestamp_ntz raised the protocol
  EXPECT_EQ(protocol[0]["minWriterVersion"], 7);
  EXPECT_EQ(rows_of(s, scan(uri, "version := 0")), std::vector<std::string>{"1"});
}

TEST(DeltaWriter, SchemaIsEnforcedByName) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaCreateOptions c;
  c.not_null = {"id"};
  w.create({{"id", nl::DataType::int64()}, {"name", nl::DataType::string()}, {"score", nl::DataType::float64()}}, c);
  // Lossless casts (INTEGER -> long, FLOAT -> double) and a missing nullable column; any order.
  w.append(s.lazy("SELECT 2.5::FLOAT AS score, 7::INTEGER AS id"));
  EXPECT_EQ(rows_of(s, scan(uri)), std::vector<std::string>{"7|<null>|2.5"});
  EXPECT_NL_ERROR(w.append(s.lazy("SELECT 1 AS id, 'x' AS extra")), InvalidArgument, "'extra'");
  EXPECT_NL_ERROR(w.append(s.lazy("SELECT 1.5::DOUBLE AS id")), InvalidArgument, "'id' is DOUBLE in the data but long");
  EXPECT_NL_ERROR(w.append(s.lazy("SELECT 'x' AS name")), InvalidArgument, "non-nullable column 'id'");
  EXPECT_NL_ERROR(w.append(s.lazy("SELECT NULL::BIGINT AS id")), InvalidArgument, "'id'");
  // None of the refused writes committed anything or left a file in the table.
  EXPECT_EQ(nl::delta_table_info(s, uri).version, 1);
  EXPECT_EQ(rows_of(s, scan(uri)), std::vector<std::string>{"7|<null>|2.5"});
  size_t parquet_files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir.path() / "t"))
    if (e.path().extension() == ".parquet") ++parquet_files;
  EXPECT_EQ(parquet_files, 1u);
}

TEST(DeltaWriter, CreateRefusesAnExistingTableUnlessAskedNotTo) {
  TempDir dir;
  nl::Session s(local_options());
  nl::DeltaWriter w(s, (dir.path() / "t").string());
  nl::DeltaCreateOptions c;
  c.description = "orders";
  c.properties = {{"delta.appendOnly", "true"}};
  EXPECT_EQ(w.create({{"a", nl::DataType::int64()}}, c).version, 0);
  EXPECT_NL_ERROR(w.create({{"a", nl::DataType::int64()}}, c), AlreadyExists, "already exists");
  c.if_not_exists = true;
  auto again = w.create({{"a", nl::DataType::int64()}}, c);
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(again.version, 0);
  // delta.appendOnly refuses overwrites.
  EXPECT_NL_ERROR(w.overwrite(s.lazy("SELECT 1 AS a")), InvalidArgument, "delta.appendOnly");
  auto meta = actions(dir.path() / "t", 0, "metaData").at(0);
  EXPECT_EQ(meta["description"], "orders");
  EXPECT_EQ(meta["configuration"]["delta.appendOnly"], "true");
  // Properties that enable features this writer lacks are refused by name.
  nl::DeltaWriter w2(s, (dir.path() / "t2").string());
  nl::DeltaCreateOptions dv;
  dv.properties = {{"delta.enableDeletionVectors", "true"}};
  EXPECT_NL_ERROR(w2.create({{"a", nl::DataType::int64()}}, dv), NotSupported, "delta.enableDeletionVectors");
}

TEST(DeltaWriter, TransactionsMakeRetriesIdempotent) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.transaction = nl::DeltaTransaction{"ingest-job", 1};
  EXPECT_FALSE(w.append(s.lazy("SELECT 1 AS a"), o).skipped);
  auto again = w.append(s.lazy("SELECT 1 AS a"), o);
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(again.version, 0);
  o.transaction->version = 2;
  EXPECT_EQ(w.append(s.lazy("SELECT 2 AS a"), o).version, 1);
  EXPECT_EQ(rows_of(s, scan(uri)), (std::vector<std::string>{"1", "2"}));
  auto txn = actions(dir.path() / "t", 1, "txn").at(0);
  EXPECT_EQ(txn["appId"], "ingest-job");
  EXPECT_EQ(txn["version"], 2);
  EXPECT_TRUE(txn["lastUpdated"].is_number_integer());
}

TEST(DeltaWriter, WritesAreVisibleToTheSessionsNextQuery) {
  TempDir dir;
  fs::create_directories(dir.path() / "wh");
  nl::SessionOptions o = local_options();
  o.warehouse = (dir.path() / "wh").string();
  nl::Catalog catalog({{"sales", nl::Database({nl::DeltaTable("orders", "{warehouse}/orders")})}}, o);
  nl::Session s(catalog, o);
  nl::DeltaWriter w(s, "sales.orders");
  nl::DeltaWriteOptions create;
  create.create = nl::DeltaCreateOptions{};
  w.append(s.lazy("SELECT 1 AS id"), create);
  EXPECT_EQ(s.sql("SELECT count(*) FROM sales.orders").value(0, 0).as<int64_t>(), 1);
  w.append(s.lazy("SELECT id + 1 AS id FROM sales.orders"));
  EXPECT_EQ(s.sql("SELECT count(*) FROM sales.orders").value(0, 0).as<int64_t>(), 2);
  EXPECT_NL_ERROR(nl::DeltaWriter(s, "sales.nope"), NotFound, "sales.nope");
}

TEST(DeltaWriter, DataFramesAndLargeWritesRollFiles) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  auto df = s.sql("SELECT range AS id, 'row ' || range AS label FROM range(1000)");
  EXPECT_EQ(w.append(df, o).rows, 1000);
  nl::DeltaWriteOptions small;
  small.target_file_size = 64 * 1024;
  small.row_group_rows = 10000;
  uint64_t progressed = 0;
  small.progress = [&](uint64_t bytes) { progressed = bytes; };
  auto r = w.append(s.lazy("SELECT range AS id, md5(range::VARCHAR) AS label FROM range(200000)"), small);
  EXPECT_GT(r.files.size(), 2u);
  EXPECT_EQ(progressed, static_cast<uint64_t>(r.bytes));
  EXPECT_EQ(s.sql("SELECT count(*), count(DISTINCT id) FROM (" + scan(uri) + ")").value(0, 0).as<int64_t>(), 201000);
  auto info = actions(dir.path() / "t", 1, "commitInfo").at(0);
  EXPECT_EQ(info["operationMetrics"]["numFiles"], std::to_string(r.files.size()));
  EXPECT_EQ(info["operationMetrics"]["numOutputRows"], "200000");
  // An empty write commits a version with no files.
  auto empty = w.append(s.lazy("SELECT 1 AS id, 'x' AS label WHERE false"));
  EXPECT_EQ(empty.rows, 0);
  EXPECT_TRUE(empty.files.empty());
}

TEST(DeltaWriter, PartitionedWritesRollLargePartitionsToo) {
  TempDir dir;
  nl::Session s(local_options());
  const std::string uri = (dir.path() / "t").string();
  nl::DeltaWriter w(s, uri);
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->partition_by = {"k"};
  o.target_file_size = 64 * 1024;
  o.row_group_rows = 5000;
  // Partition 0 is large, partition 1 tiny.
  auto r = w.append(s.lazy("SELECT CASE WHEN range < 199990 THEN 0 ELSE 1 END AS k, range AS id, md5(range::VARCHAR) AS h "
                           "FROM range(200000)"),
                    o);
  size_t in_k0 = 0, in_k1 = 0;
  for (const auto& f : r.files) (f.rfind("k=0/", 0) == 0 ? in_k0 : in_k1)++;
  EXPECT_GT(in_k0, 2u);
  EXPECT_EQ(in_k1, 1u);
  EXPECT_EQ(r.rows, 200000);
  auto df = s.sql("SELECT count(*), count(DISTINCT id), sum(k)::BIGINT FROM (" + scan(uri) + ")");
  EXPECT_EQ(df.value(0, 0).as<int64_t>(), 200000);
  EXPECT_EQ(df.value(0, 1).as<int64_t>(), 200000);
  EXPECT_EQ(df.value(0, 2).as<int64_t>(), 10);
  // Only the committed files are left in the table's folder.
  size_t on_disk = 0;
  for (auto& e : fs::recursive_directory_iterator(dir.path() / "t"))
    if (e.path().extension() == ".parquet") ++on_disk;
  EXPECT_EQ(on_disk, r.files.size());
  auto adds = actions(dir.path() / "t", 0, "add");
  for (auto& add : adds) {
    auto stats = json::parse(add["stats"].get<std::string>());
    EXPECT_GT(stats["numRecords"].get<int64_t>(), 0);
    EXPECT_TRUE(stats["minValues"].contains("id"));
  }
}

TEST(DeltaWriter, CompressionFollowsTheOptionThenTheTableProperty) {
  TempDir dir;
  nl::Session s(local_options());
  nl::DeltaWriter w(s, (dir.path() / "t").string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->properties = {{"delta.parquet.compression.codec", "zstd"}};
  auto r = w.append(s.lazy("SELECT 1 AS a"), o);
  EXPECT_NE(r.files.at(0).find(".zstd.parquet"), std::string::npos) << r.files[0];
  nl::DeltaWriteOptions gz;
  gz.compression = "gzip";
  EXPECT_NE(w.append(s.lazy("SELECT 2 AS a"), gz).files.at(0).find(".gz.parquet"), std::string::npos);
  gz.compression = "brotli9";
  EXPECT_NL_ERROR(w.append(s.lazy("SELECT 2 AS a"), gz), InvalidArgument, "brotli9");
  auto codec = s.sql("SELECT compression FROM parquet_metadata('" + (dir.path() / "t").string() + "/" + r.files[0] + "')");
  EXPECT_EQ(codec.value(0, 0).as<std::string>(), "ZSTD");
}

TEST(DeltaWriter, CommitInfoSaysWhoWroteWhat) {
  TempDir dir;
  nl::Session s(local_options());
  nl::DeltaWriter w(s, (dir.path() / "t").string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.user_metadata = "nightly load";
  w.append(s.lazy("SELECT 1 AS a"), o);
  o.create.reset();
  w.append(s.lazy("SELECT 2 AS a"), o);
  auto info = actions(dir.path() / "t", 1, "commitInfo").at(0);
  EXPECT_EQ(info["operation"], "WRITE");
  EXPECT_EQ(info["operationParameters"], json::parse(R"({"mode":"Append","partitionBy":"[]"})"));
  EXPECT_EQ(info["readVersion"], 0);
  EXPECT_EQ(info["isBlindAppend"], true);
  EXPECT_EQ(info["userMetadata"], "nightly load");
  EXPECT_EQ(info["engineInfo"].get<std::string>().rfind("neuralake/", 0), 0u);
  EXPECT_TRUE(info["timestamp"].is_number_integer());
  EXPECT_EQ(info["txnId"].get<std::string>().size(), 36u);
  EXPECT_NE(info["txnId"], actions(dir.path() / "t", 0, "commitInfo").at(0)["txnId"]);
  auto history = nl::delta_history(s, (dir.path() / "t").string());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].operation, "WRITE");
  EXPECT_EQ(history[1].operation, "CREATE TABLE AS SELECT");
}

// Appends to copies of the tables other Delta writers wrote: the old versions
// still read as EXPECTED.json says, the new one holds exactly the rows added.
// Tables whose features this writer lacks are refused by name.
TEST(DeltaWriterConformance, AppendsToTablesOtherWritersWrote) {
  const fs::path data = nl::testing::shared_dir() / "testdata" / "delta";
  if (!fs::exists(data)) GTEST_SKIP() << "the shared Delta conformance data (../shared/testdata/delta) is absent";
  nl::Session s(local_options());
  size_t appended = 0, refused = 0;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (!fs::exists(entry.path() / "EXPECTED.json")) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const json expected = json::parse(nl::testing::read_file(entry.path() / "EXPECTED.json"));
    TempDir dir;
    const fs::path copy = dir.path() / "t";
    fs::copy(entry.path(), copy, fs::copy_options::recursive);
    const std::string uri = copy.string();
    const int64_t latest = expected["latest_version"];
    nl::DeltaWriter w(s, uri);
    // Rows to add: a few of the latest version's (or of version 0 when the latest is empty).
    std::string rows = "SELECT * FROM delta_scan('" + uri + "') LIMIT 3";
    if (s.sql("SELECT count(*) FROM (" + rows + ")").value(0, 0).as<int64_t>() == 0) {
      rows = "SELECT * FROM delta_scan('" + uri + "', version := 0) LIMIT 3";
    }
    auto added = rows_of(s, rows);
    const auto before = rows_of(s, scan(uri));
    if (entry.path().filename() == "table-with-dv-small") {
      EXPECT_NL_ERROR(w.append(s.lazy(rows)), NotSupported, "deletionVectors");
      EXPECT_EQ(nl::delta_table_info(s, uri).version, latest);
      ++refused;
      continue;
    }
    auto r = w.append(s.lazy(rows));
    EXPECT_EQ(r.version, latest + 1);
    EXPECT_EQ(static_cast<size_t>(r.rows), added.size());
    for (const auto& v : expected["versions"]) {
      const int64_t version = v["version"];
      EXPECT_EQ(s.sql("SELECT count(*) FROM (" + scan(uri, "version := " + std::to_string(version)) + ")")
                    .value(0, 0)
                    .as<int64_t>(),
                v["row_count"].get<int64_t>())
          << "version " << version;
    }
    auto after = before;
    after.insert(after.end(), added.begin(), added.end());
    std::sort(after.begin(), after.end());
    EXPECT_EQ(rows_of(s, scan(uri)), after);
    ++appended;
  }
  EXPECT_GE(appended, 8u);
  EXPECT_EQ(refused, 1u);
}

namespace {

// action kind -> field -> the JSON types it was seen with.
using Shapes = std::map<std::string, std::map<std::string, std::set<std::string>>>;

void collect_shapes(const fs::path& log_dir, Shapes& out) {
  for (const auto& e : fs::directory_iterator(log_dir)) {
    if (e.path().extension() != ".json" || e.path().filename().string()[0] == '.') continue;
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const json row = json::parse(line);
      for (auto& [kind, action] : row.items()) {
        if (!action.is_object()) continue;
        for (auto& [field, value] : action.items()) out[kind][field].insert(value.type_name());
      }
    }
  }
}

}  // namespace

// Every action kind we write, field by field and JSON type by JSON type,
// against the same kinds in the tables Spark and delta-rs wrote.
TEST(DeltaWriterConformance, ActionsHaveTheShapeOtherWritersGiveThem) {
  const fs::path data = nl::testing::shared_dir() / "testdata" / "delta";
  if (!fs::exists(data)) GTEST_SKIP() << "the shared Delta conformance data (../shared/testdata/delta) is absent";
  Shapes theirs;
  for (const auto& t : fs::directory_iterator(data))
    if (fs::exists(t.path() / "_delta_log")) collect_shapes(t.path() / "_delta_log", theirs);

  TempDir dir;
  nl::Session s(local_options());
  const fs::path root = dir.path() / "t";
  nl::DeltaWriter w(s, root.string());
  nl::DeltaWriteOptions o;
  o.create = nl::DeltaCreateOptions{};
  o.create->partition_by = {"k"};
  o.create->description = "shapes";
  o.transaction = nl::DeltaTransaction{"app", 1};
  w.append(s.lazy("SELECT 1 AS k, TIMESTAMP '2024-01-01' AS t, 'x' AS s"), o);
  o.create.reset();
  o.transaction.reset();
  w.overwrite(s.lazy("SELECT 2 AS k, TIMESTAMP '2024-01-02' AS t, 'y' AS s"), o);
  Shapes ours;
  collect_shapes(root / "_delta_log", ours);

  // What the other writers write that we do not, and why.
  const std::map<std::string, std::string> absent_by_design = {
      {"add.tags", "optional engine tags; we set none"},
      {"add.deletionVector", "we write no deletion vectors"},
      {"remove.tags", "the snapshot does not keep the tags of live files; they are optional"},
  };
  for (const auto& kind : {"commitInfo", "protocol", "metaData", "add", "remove", "txn"}) {
    SCOPED_TRACE(kind);
    ASSERT_TRUE(ours.count(kind)) << "we wrote no " << kind;
    ASSERT_TRUE(theirs.count(kind)) << "the shared tables hold no " << kind;
    for (const auto& [field, types] : theirs[kind]) {
      if (!ours[kind].count(field)) {
        EXPECT_TRUE(absent_by_design.count(std::string(kind) + "." + field)) << "we do not write " << kind << "." << field;
        continue;
      }
      for (const auto& t : ours[kind][field]) {
        EXPECT_TRUE(types.count(t)) << kind << "." << field << " is " << t << " in ours";
      }
    }
    for (const auto& [field, types] : ours[kind]) {
      if (!theirs[kind].count(field)) {
        // Fields the protocol defines that the shared tables happen not to use.
        const std::set<std::string> defined = {"metaData.description", "commitInfo.userMetadata"};
        EXPECT_TRUE(defined.count(std::string(kind) + "." + field)) << "we write " << kind << "." << field << " they never do";
      }
    }
  }
}
