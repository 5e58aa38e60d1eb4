// The API server's streaming Parquet writer
// (apps/neuralake/server/parquet_stream_writer.h): files it writes are read
// back by DuckDB and by hyparquet, an independent JavaScript reader
// (tests/node/read_parquet.js), and compared with the frames written.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/neuralake.h"
#include "server/parquet_stream_writer.h"
#include "server/rle_hybrid.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace srv = neuralake::server;
using nl::DataType;
using nl::TypeId;
using nl::Value;
using nl::testing::TempDir;

namespace {

// Writes `batches` through a writer and returns the file's bytes.
std::string write_parquet(const nl::Schema& schema, const std::vector<nl::DataFrame>& batches,
                          srv::ParquetStreamOptions options = {}) {
  std::string file;
  srv::ParquetStreamWriter writer(schema, [&](std::string_view b) { file.append(b); }, options);
  for (const auto& b : batches) writer.write(b);
  writer.finish();
  EXPECT_EQ(writer.bytes_written(), file.size());
  return file;
}

nl::DataFrame frame(const nl::Schema& schema, const std::vector<std::vector<Value>>& columns) {
  std::vector<nl::Series> series;
  for (size_t c = 0; c < schema.size(); ++c) series.emplace_back(schema[c].name, schema[c].type, columns[c]);
  return nl::DataFrame::from_columns(series);
}

std::vector<nl::DataFrame> split(const nl::DataFrame& df, size_t rows_per_batch) {
  std::vector<nl::DataFrame> out;
  for (size_t at = 0; at < df.num_rows(); at += rows_per_batch) out.push_back(df.slice(at, rows_per_batch));
  return out;
}

std::string sql_path(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// Every cell of `actual` equals the same cell of `expected` (as Values).
void expect_same_rows(const nl::DataFrame& expected, const nl::DataFrame& actual) {
  ASSERT_EQ(actual.num_rows(), expected.num_rows());
  ASSERT_EQ(actual.num_columns(), expected.num_columns());
  for (size_t c = 0; c < expected.num_columns(); ++c) {
    EXPECT_EQ(actual.column(c).name(), expected.column(c).name());
    for (size_t r = 0; r < expected.num_rows(); ++r) {
      EXPECT_EQ(actual.value(r, c), expected.value(r, c))
          << "column " << expected.column(c).name() << " row " << r << ": read " << actual.value(r, c).to_string()
          << ", wrote " << expected.value(r, c).to_string();
    }
  }
}

// --- levels: the RLE / bit-packed hybrid -----------------------------------

std::string rle_hybrid(const std::vector<uint8_t>& values, int bit_width) {
  std::string out;
  srv::append_rle_hybrid(out, values.data(), values.size(), bit_width);
  return out;
}

TEST(RleHybrid, BitPacksShortRunsLeastSignificantBitFirst) {
  // parquet-format Encodings.md, "Bit-packed": 0..7 in 3 bits are the bytes
  // 10001000 11000110 11111010; one group of eight gives the header 0x03.
  EXPECT_EQ(rle_hybrid({0, 1, 2, 3, 4, 5, 6, 7}, 3), std::string("\x03\x88\xC6\xFA"));
  // Fewer than eight values are padded to a group with zeros.
  EXPECT_EQ(rle_hybrid({3, 2, 1}, 2), std::string("\x03\x1B\x00", 3));
  EXPECT_EQ(rle_hybrid({}, 1), "");
}

TEST(RleHybrid, LongRunsBecomeRleRuns) {
  // 100 ones: the header 100 << 1 as a varint (0xC8 0x01), then the value in one byte.
  EXPECT_EQ(rle_hybrid(std::vector<uint8_t>(100, 1), 1), "\xC8\x01\x01");
  // 0 1 0 and thirteen 1s: five 1s complete the bit-packed group of eight,
  // the other eight are a run.
  std::vector<uint8_t> v = {0, 1, 0};
  v.insert(v.end(), 13, 1);
  EXPECT_EQ(rle_hybrid(v, 1), "\x03\xFA\x10\x01");
  // Six 1s left after topping up are too few for a run: all bit-packed.
  v.resize(3 + 11);
  EXPECT_EQ(rle_hybrid(v, 1), std::string("\x05\xFA\x3F", 3));
  EXPECT_EQ(srv::level_bit_width(0), 0);
  EXPECT_EQ(srv::level_bit_width(1), 1);
  EXPECT_EQ(srv::level_bit_width(3), 2);
}

// --- every supported primitive type ------------------------------------------

const nl::Schema& primitive_schema() {
  static const nl::Schema schema = {
      {"b", DataType::boolean()},
      {"i8", DataType(TypeId::Int8)},
      {"i16", DataType(TypeId::Int16)},
      {"i32", DataType::int32()},
      {"i64", DataType::int64()},
      {"u8", DataType(TypeId::UInt8)},
      {"u16", DataType(TypeId::UInt16)},
      {"u32", DataType(TypeId::UInt32)},
      {"u64", DataType(TypeId::UInt64)},
      {"f32", DataType(TypeId::Float32)},
      {"f64", DataType::float64()},
      {"s", DataType::string()},
      {"bin", DataType(TypeId::Binary)},
      {"d", DataType::date()},
      {"t", DataType(TypeId::Time)},
      {"ts_s", DataType::timestamp(nl::TimeUnit::Seconds)},
      {"ts_ms", DataType::timestamp(nl::TimeUnit::Milliseconds)},
      {"ts_us", DataType::timestamp(nl::TimeUnit::Microseconds)},
      {"ts_ns", DataType::timestamp(nl::TimeUnit::Nanoseconds)},
      {"ts_tz", DataType::timestamp_tz()},
      {"dec9", DataType::decimal(9, 2)},
      {"dec18", DataType::decimal(18, 4)},
      {"dec38", DataType::decimal(38, 10)},
  };
  return schema;
}

// 60 rows: extremes, NULLs (every fifth row, and a run of 12), empty, unicode
// and wide strings, negative times and decimals.
nl::DataFrame primitive_frame() {
  const nl::Schema& schema = primitive_schema();
  std::vector<std::vector<Value>> cols(schema.size());
  const std::string wide(70000, 'w');
  const __int128 big = static_cast<__int128>(999999999999999999LL) * 100000000000000000LL + 12345;  // 35 digits
  for (int r = 0; r < 60; ++r) {
    const bool null = r % 5 == 3 || (r >= 40 && r < 52);
    auto cell = [&](size_t c, Value v) { cols[c].push_back(null ? Value() : std::move(v)); };
    const int64_t k = r - 30;
    cell(0, Value(r % 3 == 0));
    cell(1, Value(r == 0 ? -128 : r == 1 ? 127 : k));
    cell(2, Value(r == 0 ? -32768 : r == 1 ? 32767 : k * 1000));
    cell(3, Value(r == 0 ? INT32_MIN : r == 1 ? INT32_MAX : k * 100000));
    cell(4, Value(r == 0 ? INT64_MIN : r == 1 ? INT64_MAX : k * 10000000000LL));
    cell(5, Value(r == 1 ? 255u : static_cast<unsigned>(r)));
    cell(6, Value(r == 1 ? 65535u : static_cast<unsigned>(r * 100)));
    cell(7, Value(r == 1 ? 4294967295u : static_cast<unsigned>(r) * 70000000u));
    cell(8, Value(r == 1 ? UINT64_MAX : static_cast<uint64_t>(r) * 300000000000000000ULL));
    cell(9, Value(static_cast<double>(k) / 8));
    cell(10, Value(r == 2 ? -0.0 : static_cast<double>(k) * 1.1e300 / 7));
    std::string s = r == 2 ? "" : r == 4 ? "héllo wörld ✓ 日本語 🎉" : r == 6 ? wide : "row " + std::to_string(r);
    cell(11, Value(s));
    std::string bytes = r == 2 ? std::string() : std::string("\x00\xff\x10", 3) + std::to_string(r);
    cell(12, Value(nl::Bytes{bytes}));
    cell(13, Value(nl::Date{static_cast<int32_t>(k * 400)}));
    cell(14, Value(nl::Time{r == 1 ? 86399999999LL : r * 1234567LL}));
    cell(15, Value(nl::Timestamp{k * 86400LL * 1000000 + 7000000}));
    cell(16, Value(nl::Timestamp{k * 86400LL * 1000000 + 7123000}));
    cell(17, Value(nl::Timestamp{k * 86400LL * 1000000 + 7123456}));
    cell(18, Value(nl::Timestamp{k * 86400LL * 1000000 - 1}));
    cell(19, Value(nl::Timestamp{1700000000000000LL + k}));
    cell(20, Value(nl::Decimal{r == 1 ? 999999999 : k * 12345, 2}));
    cell(21, Value(nl::Decimal{r == 1 ? 999999999999999999LL : k * 123456789012LL, 4}));
    cell(22, Value(nl::Decimal{r == 1 ? big : r == 0 ? -big : k * 1000000007, 10}));
  }
  return frame(schema, cols);
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir.path() / name;
  nl::testing::write_file(path, bytes);
  return path.string();
}

TEST(ParquetStreamWriter, FileStartsAndEndsWithMagic) {
  const std::string file = write_parquet(primitive_schema(), {primitive_frame()});
  ASSERT_GT(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t footer = 0;
  std::memcpy(&footer, file.data() + file.size() - 8, 4);
  EXPECT_LT(footer, file.size() - 12);
}

TEST(ParquetStreamWriter, BeginWritesTheMagicOnce) {
  std::string file;
  srv::ParquetStreamWriter writer(primitive_schema(), [&](std::string_view b) { file.append(b); });
  EXPECT_EQ(file, "");
  writer.begin();
  EXPECT_EQ(file, "PAR1");
  writer.begin();
  writer.write(primitive_frame());
  writer.finish();
  EXPECT_EQ(file, write_parquet(primitive_schema(), {primitive_frame()}));
  EXPECT_NL_ERROR(writer.begin(), InvalidArgument, "finish");
}

TEST(ParquetStreamWriter, EveryPrimitiveTypeRoundTripsThroughDuckDB) {
  TempDir dir;
  const nl::DataFrame df = primitive_frame();
  for (auto compression : {srv::ParquetCompression::Snappy, srv::ParquetCompression::None}) {
    srv::ParquetStreamOptions options;
    options.row_group_rows = 16;  // 60 rows: four row groups, the last of 12
    options.compression = compression;
    if (compression == srv::ParquetCompression::None) options.page_bytes = 100;  // several pages a chunk
    const std::string path = write_file(dir, "all.parquet", write_parquet(primitive_schema(), split(df, 7), options));
    nl::Session session;
    const nl::DataFrame back = session.sql("SELECT * FROM read_parquet(" + sql_path(path) + ")");
    for (size_t c = 0; c < df.num_columns(); ++c) {
      // Parquet has no seconds: they are written as milliseconds, which
      // DuckDB reads as microseconds; the instants are the same.
      const std::string& name = df.column(c).name();
      const DataType expected = name == "ts_s" || name == "ts_ms" ? DataType::timestamp() : df.column(c).type();
      EXPECT_EQ(back.column(c).type(), expected)
          << df.column(c).name() << " read back as " << back.column(c).type().polars_name();
    }
    expect_same_rows(df, back);

    const nl::DataFrame groups = session.sql(
        "SELECT row_group_id, max(row_group_num_rows) AS n, count(*) AS cols, any_value(compression) AS codec "
        "FROM parquet_metadata(" + sql_path(path) + ") GROUP BY 1 ORDER BY 1");
    ASSERT_EQ(groups.num_rows(), 4u);
    EXPECT_EQ(groups.value(0, 1), Value(int64_t{16}));
    EXPECT_EQ(groups.value(3, 1), Value(int64_t{12}));
    EXPECT_EQ(groups.value(0, 2), Value(int64_t{23}));
    EXPECT_EQ(groups.value(0, 3), Value(compression == srv::ParquetCompression::Snappy ? "SNAPPY" : "UNCOMPRESSED"));
    // Row group 2 holds rows 32..47: nulls at 33, 38, 43 and 40..47 (ten in all).
    const nl::DataFrame nulls = session.sql("SELECT DISTINCT stats_null_count FROM parquet_metadata(" + sql_path(path) +
                                            ") WHERE row_group_id = 2");
    ASSERT_EQ(nulls.num_rows(), 1u);
    EXPECT_EQ(nulls.value(0, 0), Value(int64_t{10}));
  }
}

TEST(ParquetStreamWriter, AnnotatesLogicalTypes) {
  TempDir dir;
  const std::string path = write_file(dir, "all.parquet", write_parquet(primitive_schema(), {primitive_frame()}));
  nl::Session session;
  const nl::DataFrame s = session.sql(
      "SELECT name, type, logical_type::VARCHAR, converted_type FROM parquet_schema(" + sql_path(path) +
      ") WHERE name IN ('u32', 'd', 'ts_ns', 'ts_tz', 'dec38', 's') ORDER BY name");
  ASSERT_EQ(s.num_rows(), 6u) << s;
  const std::string text = s.to_string({.max_rows = 20, .max_columns = 10, .max_string_len = 200, .table_width = 400});
  EXPECT_NE(text.find("FIXED_LEN_BYTE_ARRAY"), std::string::npos) << text;
  EXPECT_NE(text.find("UINT_32"), std::string::npos) << text;
  EXPECT_NE(text.find("isAdjustedToUTC=1"), std::string::npos) << text;
  EXPECT_NE(text.find("UTF8"), std::string::npos) << text;
}

TEST(ParquetStreamWriter, ChunkStatisticsHoldEachRowGroupsRange) {
  TempDir dir;
  const nl::DataFrame df = primitive_frame();
  srv::ParquetStreamOptions options;
  options.row_group_rows = 16;
  const std::string path = write_file(dir, "all.parquet", write_parquet(primitive_schema(), split(df, 5), options));
  nl::Session session;
  auto stats = [&](const std::string& column, int group) {
    const nl::DataFrame m = session.sql("SELECT stats_min_value, stats_max_value FROM parquet_metadata(" +
                                        sql_path(path) + ") WHERE path_in_schema = '" + column +
                                        "' AND row_group_id = " + std::to_string(group));
    EXPECT_EQ(m.num_rows(), 1u) << column;
    return m.num_rows() == 1 ? m.value(0, 0).to_string() + " " + m.value(0, 1).to_string() : std::string();
  };
  // Rows 0 and 1 hold the extremes; unsigned columns keep an unsigned order.
  EXPECT_EQ(stats("i64", 0), "'-9223372036854775808' '9223372036854775807'");
  EXPECT_EQ(stats("u64", 0), "'0' '18446744073709551615'");
  EXPECT_EQ(stats("u32", 0), "'0' '4294967295'");
  EXPECT_EQ(stats("i8", 1), "'-14' '1'");  // rows 16..31 less the nulls at 18, 23, 28
  EXPECT_EQ(stats("b", 0), "'false' 'true'");
  EXPECT_EQ(stats("s", 0), "null null");  // none for byte arrays
  // DuckDB prunes row groups with these ranges: the counts must stay exact.
  for (const char* where : {"u64 > 9000000000000000000", "i32 < -1000000", "f64 BETWEEN 0 AND 1e300", "NOT b",
                            "d > DATE '1975-01-01'", "ts_us < TIMESTAMP '1969-12-25'", "dec18 > 100"}) {
    const std::string from = "FROM read_parquet(" + sql_path(path) + ")";
    const nl::DataFrame pruned = session.sql(std::string("SELECT count(*) ") + from + " WHERE " + where);
    const nl::DataFrame whole =
        session.sql(std::string("SELECT count(*) FILTER (WHERE ") + where + ") FROM (SELECT * " + from +
                    " LIMIT 1000000)");
    EXPECT_EQ(pruned.value(0, 0), whole.value(0, 0)) << where;
    EXPECT_NE(pruned.value(0, 0), Value(int64_t{0})) << where << " selects nothing: a weak check";
  }
}

// --- lists and structs -------------------------------------------------------

const nl::Schema& nested_schema() {
  static const nl::Schema schema = {
      {"id", DataType::int32()},
      {"ints", DataType::list(DataType::int64())},
      {"words", DataType::list(DataType::string())},
      {"point", DataType::structure({{"x", DataType::float64()}, {"label", DataType::string()},
                                     {"day", DataType::date()}})},
  };
  return schema;
}

nl::DataFrame nested_frame() {
  std::vector<std::vector<Value>> cols(4);
  for (int r = 0; r < 45; ++r) {
    cols[0].push_back(Value(r));
    // null, empty, a null element, long lists (runs of repetition levels).
    nl::ValueList ints;
    for (int i = 0; i < r % 13; ++i) ints.push_back(i == 2 && r % 2 ? Value() : Value(int64_t{r * 100 + i}));
    cols[1].push_back(r % 7 == 0 ? Value() : Value::list(ints));
    nl::ValueList words;
    for (int i = 0; i < r % 4; ++i) words.push_back(Value(i == 1 ? std::string() : "w" + std::to_string(r) + "é"));
    cols[2].push_back(r % 11 == 5 ? Value() : Value::list(words));
    nl::ValueStruct point{{"x", r % 3 == 1 ? Value() : Value(r * 0.5)},
                          {"label", Value(r % 4 == 2 ? std::string("ünïcode") : "p" + std::to_string(r))},
                          {"day", Value(nl::Date{r})}};
    cols[3].push_back(r % 9 == 4 ? Value() : Value(point));
  }
  return frame(nested_schema(), cols);
}

TEST(ParquetStreamWriter, ListsAndStructsRoundTripThroughDuckDB) {
  TempDir dir;
  const nl::DataFrame df = nested_frame();
  srv::ParquetStreamOptions options;
  options.row_group_rows = 20;
  options.page_bytes = 50;  // pages end between rows, never inside a list
  const std::string path = write_file(dir, "nested.parquet", write_parquet(nested_schema(), split(df, 6), options));
  nl::Session session;
  const nl::DataFrame back = session.sql("SELECT * FROM read_parquet(" + sql_path(path) + ")");
  for (size_t c = 0; c < df.num_columns(); ++c) EXPECT_EQ(back.column(c).type(), df.column(c).type());
  expect_same_rows(df, back);
}

TEST(ParquetStreamWriter, ZeroRowsStillCarryTheSchema) {
  TempDir dir;
  const nl::DataFrame empty = primitive_frame().slice(0, 0);
  const std::string path = write_file(dir, "empty.parquet", write_parquet(primitive_schema(), {empty, empty}));
  nl::Session session;
  const nl::DataFrame back = session.sql("SELECT * FROM read_parquet(" + sql_path(path) + ")");
  EXPECT_EQ(back.num_rows(), 0u);
  ASSERT_EQ(back.num_columns(), primitive_schema().size());
  EXPECT_EQ(back.column("dec38").type(), DataType::decimal(38, 10));
  EXPECT_EQ(back.column("s").type(), DataType::string());
  // No batch at all: the same file.
  EXPECT_EQ(write_parquet(primitive_schema(), {}), write_parquet(primitive_schema(), {empty}));
}

// --- an independent reader: hyparquet ----------------------------------------

void require_node_reader() {
  const auto module = nl::testing::source_dir() / "tests" / "node" / "node_modules" / "hyparquet";
  ASSERT_TRUE(std::filesystem::exists(module))
      << module << " is missing: install the npm test tools with `scripts/bootstrap --test` (npm ci in tests/node)";
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "`node` is not on PATH: reading Parquet with hyparquet needs Node.js (scripts/bootstrap --test)";
}

// What tests/node/read_parquet.js prints for the file at `path`.
nlohmann::json read_with_hyparquet(const TempDir& dir, const std::string& path) {
  const auto script = nl::testing::source_dir() / "tests" / "node" / "read_parquet.js";
  const auto out = dir.path() / "hyparquet.json";
  const auto err = dir.path() / "hyparquet.err";
  const std::string cmd = "node '" + script.string() + "' '" + path + "' > '" + out.string() + "' 2> '" +
                          err.string() + "'";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << "hyparquet could not read " << path << ":\n" << nl::testing::read_file(err);
  if (status != 0) return nlohmann::json();
  return nlohmann::json::parse(nl::testing::read_file(out));
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

// A cell as read_parquet.js prints it: stored numbers, 64-bit ones as text,
// timestamps in the unit written (seconds as milliseconds), binary as hex.
nlohmann::json expected_json(const DataType& type, const Value& v) {
  if (v.is_null()) return nullptr;
  switch (type.id()) {
    case TypeId::Boolean: return v.as<bool>();
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: return v.as<int64_t>();
    case TypeId::Int64: return std::to_string(v.as<int64_t>());
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: return v.as<uint64_t>();
    case TypeId::UInt64: return std::to_string(v.as<uint64_t>());
    case TypeId::Float32: case TypeId::Float64: return v.as<double>();
    case TypeId::String: return v.as<std::string>();
    case TypeId::Binary: return hex(v.as<nl::Bytes>().data);
    case TypeId::Date: return v.as<nl::Date>().days;
    case TypeId::Time: return std::to_string(v.as<nl::Time>().micros);
    case TypeId::Timestamp: {
      const int64_t micros = v.as<nl::Timestamp>().micros;
      switch (type.time_unit()) {
        case nl::TimeUnit::Seconds: case nl::TimeUnit::Milliseconds: return std::to_string(micros / 1000);
        case nl::TimeUnit::Microseconds: return std::to_string(micros);
        case nl::TimeUnit::Nanoseconds: return std::to_string(micros * 1000);
      }
      return nullptr;
    }
    case TypeId::TimestampTz: return std::to_string(v.as<nl::Timestamp>().micros);
    case TypeId::Decimal: {
      // hyparquet gives a JS number: the unscaled value divided by 10^scale.
      double factor = 1;
      for (int i = 0; i < type.scale(); ++i) factor *= 10;
      return static_cast<double>(v.as<nl::Decimal>().unscaled) / factor;
    }
    case TypeId::List: {
      nlohmann::json items = nlohmann::json::array();
      for (const Value& item : v.as<nl::ValueList>()) items.push_back(expected_json(type.children()[0].type, item));
      return items;
    }
    case TypeId::Struct: {
      nlohmann::json fields = nlohmann::json::object();
      const auto& values = v.as<nl::ValueStruct>();
      for (size_t f = 0; f < values.size(); ++f) {
        fields[values[f].first] = expected_json(type.children()[f].type, values[f].second);
      }
      return fields;
    }
    default:
      ADD_FAILURE() << "no JSON form for " << type.polars_name();
      return nullptr;
  }
}

void expect_hyparquet_reads(const nl::DataFrame& df, const nlohmann::json& got) {
  ASSERT_TRUE(got.is_object());
  ASSERT_EQ(got["num_rows"], df.num_rows());
  ASSERT_EQ(got["rows"].size(), df.num_rows());
  for (size_t r = 0; r < df.num_rows(); ++r) {
    for (size_t c = 0; c < df.num_columns(); ++c) {
      const nl::Series& s = df.column(c);
      const nlohmann::json want = expected_json(s.type(), s.get(r));
      const nlohmann::json& have = got["rows"][r][s.name()];
      EXPECT_EQ(have, want) << "column " << s.name() << " row " << r;
    }
  }
}

TEST(ParquetStreamWriter, HyparquetReadsEveryPrimitiveType) {
  ASSERT_NO_FATAL_FAILURE(require_node_reader());
  TempDir dir;
  const nl::DataFrame df = primitive_frame();
  srv::ParquetStreamOptions options;
  options.row_group_rows = 25;
  const std::string path = write_file(dir, "all.parquet", write_parquet(primitive_schema(), split(df, 9), options));
  const nlohmann::json got = read_with_hyparquet(dir, path);
  ASSERT_NO_FATAL_FAILURE(expect_hyparquet_reads(df, got));
  // Three row groups (25, 25, 10 rows), each column's null count in each.
  ASSERT_EQ(got["row_groups"].size(), 3u);
  EXPECT_EQ(got["row_groups"][2]["num_rows"], 10);
  for (size_t g = 0; g < 3; ++g) {
    const auto& columns = got["row_groups"][g]["columns"];
    ASSERT_EQ(columns.size(), primitive_schema().size());
    size_t nulls = 0;
    for (size_t r = g * 25; r < std::min<size_t>(60, g * 25 + 25); ++r) nulls += df.column(0).is_null(r);
    for (const auto& c : columns) {
      EXPECT_EQ(c["null_count"], nulls) << c["path"] << " in row group " << g;
      EXPECT_EQ(c["codec"], "SNAPPY");
    }
  }
}

TEST(ParquetStreamWriter, HyparquetReadsListsStructsAndUncompressedPages) {
  ASSERT_NO_FATAL_FAILURE(require_node_reader());
  TempDir dir;
  const nl::DataFrame df = nested_frame();
  srv::ParquetStreamOptions options;
  options.row_group_rows = 17;
  options.compression = srv::ParquetCompression::None;
  options.page_bytes = 64;  // many pages per chunk
  const std::string path = write_file(dir, "nested.parquet", write_parquet(nested_schema(), split(df, 5), options));
  const nlohmann::json got = read_with_hyparquet(dir, path);
  ASSERT_NO_FATAL_FAILURE(expect_hyparquet_reads(df, got));
  EXPECT_EQ(got["row_groups"].size(), 3u);
  EXPECT_EQ(got["row_groups"][0]["columns"][1]["path"], "ints.list.element");
  EXPECT_EQ(got["row_groups"][0]["columns"][0]["codec"], "UNCOMPRESSED");
}

TEST(ParquetStreamWriter, HyparquetReadsZeroRows) {
  ASSERT_NO_FATAL_FAILURE(require_node_reader());
  TempDir dir;
  const std::string path = write_file(dir, "empty.parquet", write_parquet(nested_schema(), {}));
  const nlohmann::json got = read_with_hyparquet(dir, path);
  EXPECT_EQ(got["num_rows"], 0);
  EXPECT_EQ(got["rows"].size(), 0u);
  EXPECT_EQ(got["row_groups"].size(), 0u);
}

TEST(ParquetStreamWriter, AColumnOfNullsOnlyReadsBackAsNulls) {
  TempDir dir;
  const nl::Schema schema = {{"id", DataType::int64()}, {"nothing", DataType(TypeId::Null)}};
  const nl::DataFrame df = frame(schema, {{Value(1), Value(2), Value(3)}, {Value(), Value(), Value()}});
  const std::string path = write_file(dir, "nulls.parquet", write_parquet(schema, {df}));
  nl::Session session;
  const nl::DataFrame back =
      session.sql("SELECT count(*), count(nothing), sum(id) FROM read_parquet(" + sql_path(path) + ")");
  EXPECT_EQ(back.value(0, 0), Value(int64_t{3}));
  EXPECT_EQ(back.value(0, 1), Value(int64_t{0}));
  EXPECT_EQ(back.value(0, 2).to_string(), "6");
  ASSERT_NO_FATAL_FAILURE(require_node_reader());
  const nlohmann::json got = read_with_hyparquet(dir, path);
  ASSERT_EQ(got["rows"].size(), 3u);
  EXPECT_EQ(got["rows"][2], nlohmann::json::parse(R"({"id": "3", "nothing": null})"));
}

// --- bounded memory ----------------------------------------------------------

TEST(ParquetStreamWriter, BufferedBytesStayWithinAboutOneRowGroup) {
  const nl::Schema schema = {{"id", DataType::int64()}, {"name", DataType::string()}, {"score", DataType::float64()}};
  srv::ParquetStreamOptions options;
  options.row_group_rows = 100000;
  uint64_t written = 0;
  size_t sink_calls = 0;
  srv::ParquetStreamWriter writer(schema, [&](std::string_view b) { written += b.size(); ++sink_calls; }, options);
  constexpr size_t kRows = 2000000, kBatch = 10000;
  size_t most_buffered = 0;
  std::mt19937 rng(7);
  for (size_t at = 0; at < kRows; at += kBatch) {
    std::vector<std::optional<int64_t>> ids;
    std::vector<std::optional<std::string>> names;
    std::vector<std::optional<double>> scores;
    for (size_t r = at; r < at + kBatch; ++r) {
      ids.push_back(static_cast<int64_t>(r));
      names.push_back("name-" + std::to_string(r));
      scores.push_back(rng() % 10 == 0 ? std::nullopt : std::optional<double>(static_cast<double>(rng() % 1000) / 7));
    }
    writer.write(nl::DataFrame::from_columns(
        {nl::Series("id", ids), nl::Series("name", names), nl::Series("score", scores)}));
    most_buffered = std::max(most_buffered, writer.buffered_bytes());
  }
  writer.finish();
  EXPECT_EQ(writer.rows_written(), kRows);
  EXPECT_EQ(writer.buffered_bytes(), 0u);
  // One row group of these rows, encoded: id 8, name 4 + 12, score 8, and a
  // definition level each: about 35 bytes a row.
  const size_t one_group = options.row_group_rows * 35;
  EXPECT_GT(most_buffered, one_group / 4) << "the writer buffers nothing?";
  EXPECT_LT(most_buffered, one_group * 3 / 2) << "more than about one row group held";
  EXPECT_GT(written, 10 * most_buffered);
  EXPECT_GE(sink_calls, 20u * 3) << "row groups are emitted as they fill, not at the end";
}

TEST(ParquetStreamWriter, WideRowsEndRowGroupsAtTheByteBound) {
  const nl::Schema schema = {{"id", DataType::int64()}, {"text", DataType::string()}};
  srv::ParquetStreamOptions options;
  options.row_group_bytes = 1 << 20;
  options.compression = srv::ParquetCompression::None;
  srv::ParquetStreamWriter writer(schema, [](std::string_view) {}, options);
  size_t most_buffered = 0;
  std::mt19937 rng(11);
  for (int64_t at = 0; at < 20000; at += 1000) {
    std::vector<std::optional<int64_t>> ids;
    std::vector<std::optional<std::string>> texts;
    for (int64_t r = at; r < at + 1000; ++r) {
      ids.push_back(r);
      std::string t(1000, ' ');
      for (char& c : t) c = static_cast<char>('a' + rng() % 26);
      texts.push_back(std::move(t));
    }
    writer.write(nl::DataFrame::from_columns({nl::Series("id", ids), nl::Series("text", texts)}));
    most_buffered = std::max(most_buffered, writer.buffered_bytes());
  }
  writer.finish();
  // 20 MB of text in row groups of about 1 MB: checked every 4,096 rows at
  // most, so a group may pass the bound by one piece (about 4 MB here).
  EXPECT_LT(most_buffered, size_t{6} << 20);
  EXPECT_GE(writer.row_groups_written(), 4u);
  EXPECT_EQ(writer.rows_written(), 20000u);
}

TEST(ParquetStreamWriter, TwoMillionRowsReadBackWhole) {
  TempDir dir;
  const std::string path = (dir.path() / "big.parquet").string();
  {
    std::ofstream out(path, std::ios::binary);
    const nl::Schema schema = {{"id", DataType::int64()}, {"name", DataType::string()}};
    srv::ParquetStreamWriter writer(
        schema, [&](std::string_view b) { out.write(b.data(), static_cast<std::streamsize>(b.size())); });
    for (size_t at = 0; at < 2000000; at += 50000) {
      std::vector<int64_t> ids;
      std::vector<std::optional<std::string>> names;
      for (size_t r = at; r < at + 50000; ++r) {
        ids.push_back(static_cast<int64_t>(r));
        names.push_back(r % 3 == 0 ? std::nullopt : std::optional<std::string>("n" + std::to_string(r % 1000)));
      }
      writer.write(nl::DataFrame::from_columns({nl::Series("id", ids), nl::Series("name", names)}));
    }
    writer.finish();
  }
  nl::Session session;
  const nl::DataFrame agg = session.sql("SELECT count(*), sum(id), count(name), count(DISTINCT name) "
                                        "FROM read_parquet(" +
                                        sql_path(path) + ")");
  EXPECT_EQ(agg.value(0, 0), Value(int64_t{2000000}));
  EXPECT_EQ(agg.value(0, 1).to_string(), "1999999000000");
  EXPECT_EQ(agg.value(0, 2), Value(int64_t{2000000 - 666667}));
  EXPECT_EQ(agg.value(0, 3), Value(int64_t{1000}));
  const nl::DataFrame groups =
      session.sql("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + sql_path(path) + ")");
  EXPECT_EQ(groups.value(0, 0), Value(int64_t{17}));  // ceil(2000000 / 122880)
}

TEST(ParquetStreamWriter, AQueryStreamedFromTheEngineReadsBackTheSame) {
  // The server's path: batches as a ResultStream yields them, straight into the writer.
  TempDir dir;
  const std::string path = (dir.path() / "query.parquet").string();
  const std::string query =
      "SELECT i::INTEGER AS i, (i * 7919)::BIGINT AS big, (i % 250)::UTINYINT AS small, i / 3.0 AS third, "
      "(i / 8)::FLOAT AS f, CASE WHEN i % 13 = 0 THEN NULL ELSE 'v' || i END AS text, "
      "(i * 1234567)::DECIMAL(18,3) / 1000 AS price, (i::HUGEINT * 1000000000000)::DECIMAL(38,2) AS wide, "
      "DATE '2000-01-01' + (i % 9000)::INTEGER AS day, TIMESTAMPTZ '2020-01-01 00:00:00+00' + i * INTERVAL 1 SECOND "
      "AS at, [i, NULL, i + 1] AS items, {'a': i % 5, 'b': 'x' || (i % 7)} AS pair, i % 2 = 0 AS even "
      "FROM range(300000) t(i)";
  nl::Session session;
  {
    std::ofstream out(path, std::ios::binary);
    nl::ResultStream stream = session.stream(query);
    srv::ParquetStreamWriter writer(
        stream.schema(), [&](std::string_view b) { out.write(b.data(), static_cast<std::streamsize>(b.size())); },
        {.row_group_rows = 50000});
    writer.begin();
    while (auto batch = stream.next()) writer.write(*batch);
    writer.finish();
    EXPECT_EQ(writer.rows_written(), 300000u);
  }
  const std::string differ = "SELECT count(*) FROM ((" + query + ") EXCEPT ALL (SELECT * FROM read_parquet(" +
                             sql_path(path) + "))) UNION ALL SELECT count(*) FROM ((SELECT * FROM read_parquet(" +
                             sql_path(path) + ")) EXCEPT ALL (" + query + "))";
  const nl::DataFrame d = session.sql(differ);
  ASSERT_EQ(d.num_rows(), 2u);
  EXPECT_EQ(d.value(0, 0), Value(int64_t{0})) << "rows of the query missing from the file";
  EXPECT_EQ(d.value(1, 0), Value(int64_t{0})) << "rows in the file the query does not give";
  EXPECT_EQ(session.describe("SELECT * FROM read_parquet(" + sql_path(path) + ")"), session.describe(query));
}

// --- refusals ----------------------------------------------------------------

TEST(ParquetStreamWriter, RefusesUnsupportedTypesBeforeWritingAnything) {
  size_t calls = 0;
  auto sink = [&](std::string_view) { ++calls; };
  const DataType interval(TypeId::Interval);
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"a", DataType::int64()}, {"span", interval}}, sink), NotSupported, "span");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"huge", DataType(TypeId::Int128)}}, sink), NotSupported, "huge");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"m", DataType::map(DataType::string(), DataType::int64())}}, sink),
                  NotSupported, "m");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"deep", DataType::list(DataType::list(DataType::int64()))}}, sink),
                  NotSupported, "list[list[i64]]");
  EXPECT_NL_ERROR(
      srv::ParquetStreamWriter({{"st", DataType::structure({{"inner", DataType::list(DataType::int64())}})}}, sink),
      NotSupported, "inner");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"u", DataType::other("UUID")}}, sink), NotSupported, "UUID");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({}, sink), InvalidArgument, "");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"a", DataType::int64()}}, sink, {.row_group_rows = 0}), InvalidArgument,
                  "row_group_rows");
  EXPECT_NL_ERROR(srv::ParquetStreamWriter({{"a", DataType::int64()}, {"a", DataType::string()}}, sink),
                  InvalidArgument, "a");
  // A valid schema writes nothing either until rows or finish() come.
  srv::ParquetStreamWriter ok({{"a", DataType::int64()}}, sink);
  EXPECT_EQ(calls, 0u);
}

TEST(ParquetStreamWriter, RefusesBatchesThatDoNotMatchTheSchema) {
  std::string file;
  srv::ParquetStreamWriter writer({{"a", DataType::int64()}, {"b", DataType::string()}},
                                  [&](std::string_view b) { file.append(b); });
  const auto wrong_type = nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1}),
                                                       nl::Series("b", std::vector<int64_t>{2})});
  EXPECT_NL_ERROR(writer.write(wrong_type), InvalidArgument, "b");
  const auto wrong_name = nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1}),
                                                       nl::Series("c", std::vector<std::string>{"x"})});
  EXPECT_NL_ERROR(writer.write(wrong_name), InvalidArgument, "c");
  EXPECT_NL_ERROR(writer.write(nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1})})),
                  InvalidArgument, "columns");
  writer.finish();
  EXPECT_NL_ERROR(writer.write(wrong_type), InvalidArgument, "finish");
  EXPECT_NL_ERROR(writer.finish(), InvalidArgument, "finish");
}

TEST(ParquetStreamWriter, AFailingSinkLeavesTheWriterUnusable) {
  size_t calls = 0;
  srv::ParquetStreamWriter writer({{"a", DataType::int64()}}, [&](std::string_view) {
    if (++calls == 2) throw nl::Error(nl::ErrorCode::IOError, "client", "the client went away");
  }, {.row_group_rows = 2});
  const auto batch = nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1, 2, 3})});
  EXPECT_NL_ERROR(writer.write(batch), IOError, "client");
  EXPECT_NL_ERROR(writer.write(batch), InvalidArgument, "failed");
  EXPECT_NL_ERROR(writer.finish(), InvalidArgument, "failed");
}

}  // namespace
