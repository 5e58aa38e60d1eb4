// The Arrow IPC writer: streams and files of every column type, read back by
// an independent reader (npm apache-arrow, through tests/node/read_arrow.js)
// and compared cell by cell with the frames that were written.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuralake/arrow_c.h"
#include "neuralake/neuralake.h"
#include "server/arrow_ipc_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::server::ArrowIpcWriter;
using json = nlohmann::json;

namespace {

const std::filesystem::path kNodeDir = nl::testing::source_dir() / "tests" / "node";

// Runs `command`, returning its exit status and what it printed.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return {-1, "cannot start: " + command};
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {status, out};
}

// The independent reader must be installed; a missing one is a failure, not a skip.
bool reader_installed() {
  auto [status, out] = run("node --version");
  if (status != 0) {
    ADD_FAILURE() << "node is not installed (needed to read Arrow IPC independently); run scripts/bootstrap --test";
    return false;
  }
  if (!std::filesystem::exists(kNodeDir / "node_modules" / "apache-arrow" / "package.json")) {
    ADD_FAILURE() << "tests/node/node_modules/apache-arrow is missing; run scripts/bootstrap --test "
                     "(npm ci in tests/node)";
    return false;
  }
  return true;
}

// What apache-arrow reads from the file at `path` (see read_arrow.js).
json read_with_node(const std::filesystem::path& path) {
  auto [status, out] = run("node '" + (kNodeDir / "read_arrow.js").string() + "' '" + path.string() + "'");
  if (status != 0) {
    ADD_FAILURE() << "apache-arrow could not read " << path << ":\n" << out.substr(0, 4000);
    return json::object();
  }
  return json::parse(out);
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string decimal_text(const nl::Decimal& d) {
  unsigned __int128 mag = d.unscaled < 0 ? -static_cast<unsigned __int128>(d.unscaled) : d.unscaled;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag > 0);
  if (d.scale > 0) {
    if (digits.size() < static_cast<size_t>(d.scale) + 1) digits.insert(0, d.scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - d.scale, ".");
  }
  return (d.unscaled < 0 ? "-" : "") + digits;
}

// The reader's rendering of a value of type `t`, computed from the value.
json expected_value(const nl::DataType& t, const nl::Value& v) {
  using nl::TypeId;
  if (v.is_null() || t.id() == TypeId::Null) return nullptr;
  switch (t.id()) {
    case TypeId::Boolean: return v.as<bool>();
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64:
      return std::to_string(v.as<int64_t>());
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64:
      return std::to_string(v.as<uint64_t>());
    case TypeId::Float32: case TypeId::Float64: {
      uint64_t bits = std::bit_cast<uint64_t>(v.as<double>());
      std::string be(8, '\0');
      for (int i = 0; i < 8; ++i) be[i] = static_cast<char>(bits >> (56 - 8 * i));
      return "f:" + hex(be);
    }
    case TypeId::String: return v.as<std::string>();
    case TypeId::Binary: return "0x" + hex(v.as<nl::Bytes>().data);
    case TypeId::Date: return std::to_string(v.as<nl::Date>().days);
    case TypeId::Time: return std::to_string(v.as<nl::Time>().micros);
    case TypeId::Timestamp: case TypeId::TimestampTz: return std::to_string(v.as<nl::Timestamp>().micros);
    case TypeId::Decimal: return decimal_text(v.as<nl::Decimal>());
    case TypeId::Interval: {
      const auto& i = v.as<nl::Interval>();
      return std::to_string(i.months) + "," + std::to_string(i.days) + "," + std::to_string(i.micros * 1000);
    }
    case TypeId::List: {
      json out = json::array();
      for (const auto& item : v.as<nl::ValueList>()) out.push_back(expected_value(t.children()[0].type, item));
      return out;
    }
    case TypeId::Struct: {
      json out = json::object();
      const auto& fields = v.as<nl::ValueStruct>();
      for (size_t f = 0; f < fields.size(); ++f)
        out[fields[f].first] = expected_value(t.children()[f].type, fields[f].second);
      return out;
    }
    case TypeId::Map: {
      json out = json::array();
      for (const auto& e : v.as<nl::ValueList>()) {
        const auto& kv = e.as<nl::ValueStruct>();
        out.push_back({expected_value(t.children()[0].type, kv[0].second),
                       expected_value(t.children()[1].type, kv[1].second)});
      }
      return out;
    }
    default: ADD_FAILURE() << "no expected rendering for " << t.sql_name(); return nullptr;
  }
}

json expected_cell(const nl::Series& s, size_t row) {
  if (s.is_null(row)) return nullptr;
  // Timestamps keep their own unit (a Value holds microseconds).
  if (s.type().id() == nl::TypeId::Timestamp)
    return std::to_string(std::get<std::vector<int64_t>>(s.storage())[row]);
  return expected_value(s.type(), s.get(row));
}

json expected_rows(const std::vector<nl::DataFrame>& batches) {
  json rows = json::array();
  for (const auto& df : batches)
    for (size_t r = 0; r < df.num_rows(); ++r) {
      json row = json::array();
      for (const auto& s : df.columns()) row.push_back(expected_cell(s, r));
      rows.push_back(row);
    }
  return rows;
}

json batch_sizes(const std::vector<nl::DataFrame>& batches) {
  json sizes = json::array();
  for (const auto& df : batches) sizes.push_back(df.num_rows());
  return sizes;
}

// Writes `batches` in `format` to `path`; returns the writer's byte count.
uint64_t write_ipc(const std::filesystem::path& path, ArrowIpcWriter::Format format, const nl::Schema& schema,
                   const std::vector<nl::DataFrame>& batches) {
  std::string bytes;
  ArrowIpcWriter w(schema, format, [&](std::string_view piece) { bytes.append(piece); });
  for (const auto& b : batches) w.write(b);
  w.finish();
  EXPECT_EQ(w.batches_written(), batches.size());
  EXPECT_EQ(w.bytes_written(), bytes.size());
  nl::testing::write_file(path, bytes);
  return w.bytes_written();
}

// Both formats of `batches` read back: same batches, same rows.
void expect_round_trip(const nl::testing::TempDir& dir, const nl::Schema& schema,
                       const std::vector<nl::DataFrame>& batches, json* schema_seen = nullptr) {
  for (auto format : {ArrowIpcWriter::Format::Stream, ArrowIpcWriter::Format::File}) {
    const bool file = format == ArrowIpcWriter::Format::File;
    SCOPED_TRACE(file ? "file format" : "stream format");
    auto path = dir.path() / (file ? "out.arrow" : "out.arrows");
    write_ipc(path, format, schema, batches);
    json got = read_with_node(path);
    if (got.empty()) return;
    EXPECT_EQ(got["file"], file);
    if (file) {
      EXPECT_EQ(got["footerBatches"], batches.size());
    }
    ASSERT_EQ(got["schema"].size(), schema.size());
    for (size_t i = 0; i < schema.size(); ++i) EXPECT_EQ(got["schema"][i]["name"], schema[i].name);
    EXPECT_EQ(got["batches"], batch_sizes(batches));
    json want = expected_rows(batches);
    ASSERT_EQ(got["rows"].size(), want.size());
    for (size_t r = 0; r < want.size(); ++r) EXPECT_EQ(got["rows"][r], want[r]) << "row " << r;
    if (schema_seen) *schema_seen = got["schema"];
  }
}

using nl::DataType;
using nl::TypeId;
using nl::Value;

DataType type(TypeId id) { return DataType(id); }

// Six rows of every column type, with nulls, extremes, empty and unicode text.
nl::DataFrame all_types() {
  const Value null;
  std::vector<nl::Series> cols;
  cols.emplace_back("i8", type(TypeId::Int8), std::vector<Value>{-128, 127, null, 0, 5, -1});
  cols.emplace_back("i16", type(TypeId::Int16), std::vector<Value>{-32768, 32767, 1, null, 0, -2});
  cols.emplace_back("i32", type(TypeId::Int32), std::vector<Value>{INT32_MIN, INT32_MAX, null, 7, 0, 3});
  cols.emplace_back("i64", type(TypeId::Int64),
                    std::vector<Value>{INT64_MIN, INT64_MAX, 9007199254740993LL, null, 0, -9});
  cols.emplace_back("u8", type(TypeId::UInt8), std::vector<Value>{0u, 255u, null, 1u, 2u, 3u});
  cols.emplace_back("u16", type(TypeId::UInt16), std::vector<Value>{0u, 65535u, 1u, null, 2u, 3u});
  cols.emplace_back("u32", type(TypeId::UInt32), std::vector<Value>{0u, 4294967295u, 1u, 2u, null, 3u});
  cols.emplace_back("u64", type(TypeId::UInt64),
                    std::vector<Value>{0ull, 18446744073709551615ull, 1ull, 2ull, 3ull, null});
  cols.emplace_back("f32", type(TypeId::Float32), std::vector<Value>{1.5, -0.1, null, 3.4e38, 0.0, -2.0});
  cols.emplace_back("f64", type(TypeId::Float64),
                    std::vector<Value>{0.1, -0.0, 1e308, null, std::numeric_limits<double>::infinity(), 5e-324});
  cols.emplace_back("flag", DataType::boolean(), std::vector<Value>{true, false, null, true, true, false});
  cols.emplace_back("text", DataType::string(),
                    std::vector<Value>{"plain", "", null, "naïve café ☕ 日本語 🎉", "tab\tquote\"nl\n", "z"});
  cols.emplace_back("blob", type(TypeId::Binary),
                    std::vector<Value>{nl::Bytes{std::string("\x00\x01\xff", 3)}, nl::Bytes{""}, null,
                                       nl::Bytes{"abc"}, nl::Bytes{std::string(1, '\x80')}, null});
  cols.emplace_back("day", DataType::date(),
                    std::vector<Value>{nl::Date{0}, nl::Date{19723}, nl::Date{-1}, null, nl::Date{2932896},
                                       nl::Date{-719162}});
  cols.emplace_back("clock", type(TypeId::Time),
                    std::vector<Value>{nl::Time{0}, nl::Time{86399999999}, null, nl::Time{45296789012}, nl::Time{1},
                                       nl::Time{2}});
  for (auto unit : {nl::TimeUnit::Seconds, nl::TimeUnit::Milliseconds, nl::TimeUnit::Microseconds,
                    nl::TimeUnit::Nanoseconds}) {
    const char* names[] = {"ts_s", "ts_ms", "ts_us", "ts_ns"};
    cols.emplace_back(names[static_cast<int>(unit)], DataType::timestamp(unit),
                      std::vector<Value>{nl::Timestamp{0}, nl::Timestamp{1704164645000000}, null,
                                         nl::Timestamp{-1000000}, nl::Timestamp{4102444799000000},
                                         nl::Timestamp{1}});
  }
  // Below a microsecond: only a nanosecond column can hold it.
  auto& ns = std::get<std::vector<int64_t>>(cols.back().mutable_storage());
  ns[1] += 123;
  cols.emplace_back("ts_tz", DataType::timestamp_tz(),
                    std::vector<Value>{nl::Timestamp{1704164645123456}, null, nl::Timestamp{0},
                                       nl::Timestamp{-86400000000}, nl::Timestamp{1}, nl::Timestamp{2}});
  cols.emplace_back("price", DataType::decimal(18, 2),
                    std::vector<Value>{nl::Decimal{12345, 2}, nl::Decimal{-1, 2}, null, nl::Decimal{0, 2},
                                       nl::Decimal{999999999999999999LL, 2}, nl::Decimal{-999999999999999999LL, 2}});
  __int128 big = static_cast<__int128>(12345678901234567LL) * 1000000000000000000LL + 123456789012345678LL;
  cols.emplace_back("wide_dec", DataType::decimal(38, 10),
                    std::vector<Value>{nl::Decimal{big, 10}, nl::Decimal{-big, 10}, nl::Decimal{1, 10}, null,
                                       nl::Decimal{0, 10}, nl::Decimal{-5, 10}});
  cols.emplace_back("small_dec", DataType::decimal(4, 1),
                    std::vector<Value>{nl::Decimal{9999, 1}, nl::Decimal{-9999, 1}, null, nl::Decimal{5, 1},
                                       nl::Decimal{0, 1}, nl::Decimal{-1, 1}});
  cols.emplace_back("span", type(TypeId::Interval),
                    std::vector<Value>{nl::Interval{1, 2, 3}, nl::Interval{-14, 0, 0}, null,
                                       nl::Interval{0, -3, -86400000000LL}, nl::Interval{0, 0, 1}, nl::Interval{}});
  cols.emplace_back("ints", DataType::list(DataType::int64()),
                    std::vector<Value>{Value::list({1, 2, 3}), Value::list({}), null, Value::list({4, Value()}),
                                       Value::list({INT64_MAX}), Value::list({-1})});
  cols.emplace_back("words", DataType::list(DataType::string()),
                    std::vector<Value>{Value::list({"a", "", "ü"}), null, Value::list({}), Value::list({Value()}),
                                       Value::list({"x"}), Value::list({"y", "z"})});
  DataType point = DataType::structure({{"x", DataType::int64()}, {"label", DataType::string()}});
  cols.emplace_back("point", point,
                    std::vector<Value>{Value(nl::ValueStruct{{"x", 1}, {"label", "one"}}), null,
                                       Value(nl::ValueStruct{{"x", Value()}, {"label", ""}}),
                                       Value(nl::ValueStruct{{"x", -2}, {"label", Value()}}),
                                       Value(nl::ValueStruct{{"x", 0}, {"label", "ß"}}),
                                       Value(nl::ValueStruct{{"x", 5}, {"label", "five"}})});
  cols.emplace_back("nested", DataType::list(point),
                    std::vector<Value>{Value::list({Value(nl::ValueStruct{{"x", 1}, {"label", "a"}}), Value()}),
                                       Value::list({}), null,
                                       Value::list({Value(nl::ValueStruct{{"x", 2}, {"label", Value()}})}),
                                       Value::list({Value(nl::ValueStruct{{"x", 3}, {"label", "c"}})}), null});
  cols.emplace_back("nothing", type(TypeId::Null), std::vector<Value>(6));
  return nl::DataFrame::from_columns(std::move(cols));
}

TEST(ArrowIpc, EveryTypeReadsBackInStreamAndFileFormat) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  auto df = all_types();
  // Three batches, one of them empty.
  std::vector<nl::DataFrame> batches{df.slice(0, 2), df.slice(2, 0), df.slice(2, 4)};
  json schema;
  expect_round_trip(dir, df.schema(), batches, &schema);
  // The types the reader sees.
  std::map<std::string, std::string> want{
      {"i8", "Int8"},
      {"i16", "Int16"},
      {"i32", "Int32"},
      {"i64", "Int64"},
      {"u8", "Uint8"},
      {"u16", "Uint16"},
      {"u32", "Uint32"},
      {"u64", "Uint64"},
      {"f32", "Float32"},
      {"f64", "Float64"},
      {"flag", "Bool"},
      {"text", "LargeUtf8"},
      {"blob", "LargeBinary"},
      {"day", "Date32<DAY>"},
      {"clock", "Time64<MICROSECOND>"},
      {"ts_s", "Timestamp<SECOND>"},
      {"ts_ms", "Timestamp<MILLISECOND>"},
      {"ts_us", "Timestamp<MICROSECOND>"},
      {"ts_ns", "Timestamp<NANOSECOND>"},
      {"ts_tz", "Timestamp<MICROSECOND, UTC>"},
      {"price", "Decimal[18e+2]"},
      {"wide_dec", "Decimal[38e+10]"},
      {"small_dec", "Decimal[4e+1]"},
      {"span", "Interval<MONTH_DAY_NANO>"},
      {"ints", "List<Int64>"},
      {"words", "List<Utf8>"},
      {"point", "Struct<{x:Int64, label:Utf8}>"},
      {"nested", "List<Struct<{x:Int64, label:Utf8}>>"},
      {"nothing", "Null"},
  };
  for (const auto& f : schema) {
    auto it = want.find(f["name"]);
    if (it == want.end()) continue;
    EXPECT_EQ(f["type"], it->second) << "column " << f["name"];
  }
  EXPECT_EQ(schema.size(), want.size());
}

TEST(ArrowIpc, ZeroRowResultIsSchemaOnly) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  auto df = all_types().slice(0, 0);
  expect_round_trip(dir, df.schema(), {});
  expect_round_trip(dir, df.schema(), {df});
}

TEST(ArrowIpc, WideStringsAcrossManyBatches) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  std::vector<nl::DataFrame> batches;
  int64_t next = 0;
  for (size_t rows : {1, 7, 0, 3000, 2}) {
    std::vector<int64_t> ids;
    std::vector<std::optional<std::string>> texts;
    for (size_t r = 0; r < rows; ++r, ++next) {
      ids.push_back(next);
      if (next % 5 == 0) texts.push_back(std::nullopt);
      else if (next % 97 == 1) texts.push_back(std::string(100 * 1024 + next % 13, static_cast<char>('a' + next % 26)));
      else texts.push_back(next % 7 == 0 ? std::string() : "é" + std::to_string(next));
    }
    batches.push_back(nl::DataFrame::from_columns({nl::Series("id", ids), nl::Series("text", texts)}));
  }
  expect_round_trip(dir, batches[0].schema(), batches);
}

// A batch handed over as an Arrow array with a non-zero offset (the array
// view of a slice) is written as just those rows: bitmaps shifted, offsets
// rebased, list children cut to the rows' elements.
TEST(ArrowIpc, ArrayOffsetsAreHonoured) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  auto df = all_types();
  for (auto [offset, length] : {std::pair<int64_t, int64_t>{1, 4}, {3, 3}, {5, 1}, {6, 0}}) {
    SCOPED_TRACE("offset " + std::to_string(offset) + " length " + std::to_string(length));
    ArrowArrayStream stream{};
    df.to_arrow(&stream);
    ArrowSchema schema{};
    ArrowArray array{};
    ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
    ASSERT_EQ(stream.get_next(&stream, &array), 0);
    array.offset = offset;
    array.length = length;
    std::string bytes;
    ArrowIpcWriter w(schema, ArrowIpcWriter::Format::File, [&](std::string_view piece) { bytes.append(piece); });
    w.write(array);
    w.finish();
    array.release(&array);
    schema.release(&schema);
    stream.release(&stream);
    auto path = dir.path() / "sliced.arrow";
    nl::testing::write_file(path, bytes);
    json got = read_with_node(path);
    EXPECT_EQ(got["rows"], expected_rows({df.slice(offset, length)}));
  }
}

TEST(ArrowIpc, QueryResultStreamedBatchByBatch) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  nl::Session session{nl::SessionOptions{}};
  const std::string query =
      "SELECT i AS id, 'row ' || i AS label, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.25 END AS x, "
      "(i % 100)::DECIMAL(10, 2) AS amount, [i, i + 1] AS pair, DATE '2024-01-01' + (i % 365)::INTEGER AS day "
      "FROM range(10000) t(i) ORDER BY i";
  nl::QueryOptions options;
  options.batch_rows = 2048;
  auto stream = session.stream(query, options);
  std::vector<nl::DataFrame> batches;
  std::string bytes;
  ArrowIpcWriter w(stream.schema(), ArrowIpcWriter::Format::Stream, [&](std::string_view p) { bytes.append(p); });
  while (auto batch = stream.next()) {
    w.write(*batch);
    batches.push_back(*batch);
  }
  w.finish();
  EXPECT_GT(batches.size(), 1u);
  auto path = dir.path() / "query.arrows";
  nl::testing::write_file(path, bytes);
  json got = read_with_node(path);
  EXPECT_EQ(got["batches"], batch_sizes(batches));
  EXPECT_EQ(got["rows"], expected_rows({session.sql(query)}));
}

// The engine's own Arrow stream of a query (ResultStream::to_arrow), written
// array by array: how maps reach the writer, as DataFrame::to_arrow cannot
// export a map column.
TEST(ArrowIpc, EngineArrowStreamWithMaps) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  nl::Session session{nl::SessionOptions{}};
  const std::string query =
      "SELECT i, m, [m] AS ms, {'id': i, 'm': m} AS s FROM (VALUES (1, MAP {'a': 1, 'b': NULL}), (2, MAP {}), "
      "(3, NULL), (4, MAP {'ключ': -7}), (5, MAP {'': 0}), (6, MAP {'z': 26, 'y': 25, 'x': 24})) t(i, m) "
      "ORDER BY i";
  nl::QueryOptions options;
  options.batch_rows = 2048;
  ArrowArrayStream stream{};
  session.stream(query, options).to_arrow(&stream);
  ArrowSchema schema{};
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  std::string bytes;
  {
    ArrowIpcWriter w(schema, ArrowIpcWriter::Format::Stream, [&](std::string_view p) { bytes.append(p); });
    while (true) {
      ArrowArray array{};
      ASSERT_EQ(stream.get_next(&stream, &array), 0);
      if (!array.release) break;
      w.write(array);
      array.release(&array);
    }
    w.finish();
  }
  schema.release(&schema);
  stream.release(&stream);
  auto path = dir.path() / "maps.arrows";
  nl::testing::write_file(path, bytes);
  json got = read_with_node(path);
  ASSERT_EQ(got["schema"].size(), 4u);
  EXPECT_EQ(got["schema"][1]["type"], "Map<{key:Utf8, value:Int32}>");
  EXPECT_EQ(got["rows"], expected_rows({session.sql(query)}));
}

// A column made by hand in the C data interface, owning its memory: for the
// Arrow types and offsets DataFrame::to_arrow does not produce.
struct HandColumn {
  std::string format, name;
  std::string metadata;  // the C interface's encoding, or empty
  std::vector<std::optional<std::vector<uint8_t>>> buffers;  // nullopt: absent
  int64_t length = 0, null_count = 0, offset = 0;
  std::vector<HandColumn> children;

  std::vector<const void*> buffer_ptrs;
  std::vector<ArrowSchema*> schema_children;
  std::vector<ArrowArray*> array_children;
  ArrowSchema schema{};
  ArrowArray array{};

  // Fills schema and array; call once the tree is complete.
  void build() {
    for (auto& c : children) c.build();
    for (auto& b : buffers) buffer_ptrs.push_back(b ? b->data() : nullptr);
    for (auto& c : children) {
      schema_children.push_back(&c.schema);
      array_children.push_back(&c.array);
    }
    schema.format = format.c_str();
    schema.name = name.c_str();
    schema.metadata = metadata.empty() ? nullptr : metadata.data();
    schema.flags = ARROW_FLAG_NULLABLE;
    schema.n_children = static_cast<int64_t>(children.size());
    schema.children = schema_children.data();
    schema.release = [](ArrowSchema* s) { s->release = nullptr; };
    array.length = length;
    array.null_count = null_count;
    array.offset = offset;
    array.n_buffers = static_cast<int64_t>(buffers.size());
    array.buffers = buffer_ptrs.data();
    array.n_children = static_cast<int64_t>(children.size());
    array.children = array_children.data();
    array.release = [](ArrowArray* a) { a->release = nullptr; };
  }
};

template <class T>
std::vector<uint8_t> raw(std::initializer_list<T> values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

std::vector<uint8_t> bits(std::initializer_list<int> values) {
  std::vector<uint8_t> out((values.size() + 7) / 8, 0);
  size_t i = 0;
  for (int v : values) {
    if (v) out[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    ++i;
  }
  return out;
}

std::vector<uint8_t> text(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

HandColumn hand(std::string format, std::string name, int64_t length, int64_t null_count,
                std::vector<std::optional<std::vector<uint8_t>>> buffers, std::vector<HandColumn> children = {},
                int64_t offset = 0) {
  HandColumn c;
  c.format = std::move(format);
  c.name = std::move(name);
  c.length = length;
  c.null_count = null_count;
  c.buffers = std::move(buffers);
  c.children = std::move(children);
  c.offset = offset;
  return c;
}

std::vector<uint8_t> le_int256(int64_t v) {
  std::vector<uint8_t> out(32, v < 0 ? 0xff : 0x00);
  std::memcpy(out.data(), &v, 8);
  return out;
}

TEST(ArrowIpc, ArrowTypesBeyondTheFrameExport) {
  if (!reader_installed()) return;
  nl::testing::TempDir dir;
  const std::nullopt_t none = std::nullopt;
  std::vector<HandColumn> cols;
  // Regular (32-bit offset) text, one leading row skipped by its offset.
  cols.push_back(hand("u", "utf8", 3, 1, {bits({1, 1, 0, 1}), raw<int32_t>({0, 4, 5, 5, 8}), text("junkaßx")}, {}, 1));
  // One key/value pair: count, key length, key, value length, value.
  cols.back().metadata =
      std::string("\x01\0\0\0\x15\0\0\0neuralake:description\x09\0\0\0free text", 4 + 4 + 21 + 4 + 9);
  cols.push_back(hand("z", "bin", 3, 1, {bits({1, 1, 0}), raw<int32_t>({0, 2, 2, 2}), raw<uint8_t>({0x00, 0xff})}));
  // A large list whose first row is skipped: offsets are rebased and the child cut.
  cols.push_back(hand("+L", "big_list", 3, 1, {bits({1, 1, 1, 0}), raw<int64_t>({0, 1, 3, 3, 3})},
                      {hand("i", "item", 3, 0, {none, raw<int32_t>({9, 1, 2})})}, 1));
  cols.push_back(hand("+w:2", "pairs", 3, 1, {bits({1, 1, 0})},
                      {hand("s", "item", 6, 1, {bits({1, 1, 1, 0, 1, 1}), raw<int16_t>({1, 2, 3, 0, 0, 0})})}));
  cols.push_back(hand("w:3", "code", 3, 0, {none, text("xxxyyyabcdefzzz")}, {}, 2));
  cols.push_back(hand("tdm", "d64", 3, 0, {none, raw<int64_t>({86400000, 0, -86400000})}));
  cols.push_back(hand("tts", "t32s", 3, 0, {none, raw<int32_t>({0, 59, 86399})}));
  cols.push_back(hand("ttm", "t32ms", 3, 0, {none, raw<int32_t>({1000, 0, 86399999})}));
  cols.push_back(hand("ttn", "t64ns", 3, 0, {none, raw<int64_t>({1, 2, 86399999999999})}));
  cols.push_back(hand("tDs", "dur", 3, 1, {bits({1, 1, 0}), raw<int64_t>({1, -1, 7})}));
  cols.push_back(hand("tiM", "months", 3, 0, {none, raw<int32_t>({12, -1, 0})}));
  cols.push_back(hand("tiD", "daytime", 3, 0, {none, raw<int32_t>({1, 500, -2, 0, 0, 86399999})}));
  std::vector<uint8_t> dec;
  for (int64_t v : {12345, -1, 0}) {
    auto b = le_int256(v);
    dec.insert(dec.end(), b.begin(), b.end());
  }
  cols.push_back(hand("d:40,2,256", "dec256", 3, 1, {bits({1, 1, 0}), dec}));
  cols.push_back(hand("n", "none", 3, 3, {}));
  cols.push_back(hand("tss:+07:30", "local", 3, 0, {none, raw<int64_t>({0, 1, 2})}));
  // Booleans three bits in: values and validity shifted.
  cols.push_back(
      hand("b", "bools", 3, 1, {bits({0, 0, 0, 1, 1, 0, 1, 1, 1}), bits({1, 1, 1, 1, 0, 1, 0, 0, 0})}, {}, 3));
  HandColumn root = hand("+s", "", 3, 0, {none}, std::move(cols));
  root.build();

  std::string bytes;
  ArrowIpcWriter w(root.schema, ArrowIpcWriter::Format::File, [&](std::string_view p) { bytes.append(p); });
  w.write(root.array);
  w.write(root.array);
  w.finish();
  auto path = dir.path() / "hand.arrow";
  nl::testing::write_file(path, bytes);
  json got = read_with_node(path);
  if (got.empty()) return;
  const std::vector<std::pair<std::string, std::string>> types{
      {"utf8", "Utf8"},
      {"bin", "Binary"},
      {"big_list", "LargeList<Int32>"},
      {"pairs", "FixedSizeList[2]<Int16>"},
      {"code", "FixedSizeBinary[3]"},
      {"d64", "Date64<MILLISECOND>"},
      {"t32s", "Time32<SECOND>"},
      {"t32ms", "Time32<MILLISECOND>"},
      {"t64ns", "Time64<NANOSECOND>"},
      {"dur", "Duration<SECOND>"},
      {"months", "Interval<YEAR_MONTH>"},
      {"daytime", "Interval<DAY_TIME>"},
      {"dec256", "Decimal[40e+2]"},
      {"none", "Null"},
      {"local", "Timestamp<SECOND, +07:30>"},
      {"bools", "Bool"},
  };
  ASSERT_EQ(got["schema"].size(), types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(got["schema"][i]["name"], types[i].first);
    EXPECT_EQ(got["schema"][i]["type"], types[i].second) << types[i].first;
  }
  EXPECT_EQ(got["schema"][0]["metadata"], json({{"neuralake:description", "free text"}}));
  const json row0 = json::parse(R"(["a", "0x00ff", ["1", "2"], ["1", "2"], "0x616263", "86400000", "0", "1000",
      "1", "1", "12,0,0", "0,1,500000000", "123.45", null, "0", true])");
  const json row1 = json::parse(R"([null, "0x", [], ["3", null], "0x646566", "0", "59", "0",
      "2", "-1", "-1,0,0", "0,-2,0", "-0.01", null, "1", false])");
  const json row2 = json::parse(R"(["ßx", null, null, null, "0x7a7a7a", "-86400000", "86399", "86399999",
      "86399999999999", null, "0,0,0", "0,0,86399999000000", null, null, "2", null])");
  EXPECT_EQ(got["batches"], json({3, 3}));
  EXPECT_EQ(got["rows"], json({row0, row1, row2, row0, row1, row2}));
}

// Arrays that do not hold what they claim are refused, naming the column,
// before any byte of the batch is written.
TEST(ArrowIpc, MalformedArraysAreRefused) {
  auto build = [](HandColumn column, int64_t rows) {
    HandColumn root = hand("+s", "", rows, 0, {std::nullopt}, {});
    root.children.push_back(std::move(column));
    return root;
  };
  std::vector<std::pair<HandColumn, std::string>> cases;
  // Shorter than the batch.
  cases.emplace_back(build(hand("l", "short", 2, 0, {std::nullopt, raw<int64_t>({1, 2})}), 3), "short");
  // Rows without values.
  cases.emplace_back(build(hand("l", "hollow", 3, 0, {std::nullopt, std::nullopt}), 3), "hollow");
  // Offsets ending before they start.
  cases.emplace_back(build(hand("u", "backwards", 2, 0, {std::nullopt, raw<int32_t>({4, 2, 1}), text("abcd")}), 2),
                     "backwards");
  // A list's child shorter than its offsets say.
  cases.emplace_back(build(hand("+l", "lst", 1, 0, {std::nullopt, raw<int32_t>({0, 5})},
                                {hand("l", "item", 2, 0, {std::nullopt, raw<int64_t>({1, 2})})}),
                           1),
                     "lst.item");
  // Buffers missing for the format.
  cases.emplace_back(build(hand("u", "few", 1, 0, {std::nullopt, raw<int32_t>({0, 1})}), 1), "few");
  for (auto& [root, column] : cases) {
    SCOPED_TRACE(column);
    root.build();
    std::string bytes;
    ArrowIpcWriter w(root.schema, ArrowIpcWriter::Format::Stream, [&](std::string_view p) { bytes.append(p); });
    EXPECT_NL_ERROR(w.write(root.array), InvalidArgument, column);
    EXPECT_TRUE(bytes.empty());
    // The writer stays usable: a refused batch left nothing half-written.
    w.finish();
    EXPECT_FALSE(bytes.empty());
  }
}

// The encapsulation the format prescribes, checked on the bytes.
TEST(ArrowIpc, FramingOfStreamAndFile) {
  auto df = nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1, 2, 3})});
  std::string stream_bytes, file_bytes;
  ArrowIpcWriter s(df.schema(), ArrowIpcWriter::Format::Stream, [&](std::string_view p) { stream_bytes.append(p); });
  ArrowIpcWriter f(df.schema(), ArrowIpcWriter::Format::File, [&](std::string_view p) { file_bytes.append(p); });
  EXPECT_TRUE(stream_bytes.empty()) << "the constructor writes nothing";
  s.begin();  // the schema, before any batch
  const size_t schema_bytes = stream_bytes.size();
  EXPECT_GT(schema_bytes, 8u);
  s.begin();
  EXPECT_EQ(stream_bytes.size(), schema_bytes) << "a second begin() writes nothing";
  s.write(df);
  f.write(df);
  s.finish();
  f.finish();
  auto u32 = [](const std::string& b, size_t at) {
    uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
  };
  // Stream: schema message, one batch, end marker; every message 8-aligned.
  size_t at = 0;
  int messages = 0;
  while (true) {
    ASSERT_LE(at + 8, stream_bytes.size());
    ASSERT_EQ(u32(stream_bytes, at), 0xFFFFFFFFu) << "continuation marker at " << at;
    uint32_t length = u32(stream_bytes, at + 4);
    if (length == 0) break;
    EXPECT_EQ(length % 8, 0u);
    at += 8 + length;
    if (messages == 1) at += 8 * 3;  // the body: three int64 values, no validity
    ++messages;
  }
  EXPECT_EQ(messages, 2);
  EXPECT_EQ(at + 8, stream_bytes.size());
  // File: magic and padding, the same stream, footer, its length, magic.
  ASSERT_GT(file_bytes.size(), 16u);
  EXPECT_EQ(file_bytes.substr(0, 8), std::string("ARROW1\0\0", 8));
  EXPECT_EQ(file_bytes.substr(8, stream_bytes.size()), stream_bytes);
  EXPECT_EQ(file_bytes.substr(file_bytes.size() - 6), "ARROW1");
  uint32_t footer = u32(file_bytes, file_bytes.size() - 10);
  EXPECT_EQ(8 + stream_bytes.size() + footer + 4 + 6, file_bytes.size());
}

// Hand-made Arrow schemas with one column of `format`.
struct OneColumnSchema {
  ArrowSchema child{};
  ArrowSchema* children[1] = {&child};
  ArrowSchema root{};
  OneColumnSchema(const char* format, const char* name) {
    child.format = format;
    child.name = name;
    root.format = "+s";
    root.name = "";
    root.n_children = 1;
    root.children = children;
  }
};

TEST(ArrowIpc, UnsupportedTypeNamesColumnBeforeAnyBytes) {
  size_t written = 0;
  auto sink = [&](std::string_view p) { written += p.size(); };
  for (const char* format : {"+us:0,1", "vu", "+r", "?"}) {
    OneColumnSchema s(format, "odd_col");
    EXPECT_NL_ERROR(ArrowIpcWriter(s.root, ArrowIpcWriter::Format::Stream, sink), NotSupported, "odd_col");
  }
  // Dictionary-encoded (the engine's ENUM).
  OneColumnSchema dict("i", "mood");
  ArrowSchema values{};
  values.format = "u";
  dict.child.dictionary = &values;
  EXPECT_NL_ERROR(ArrowIpcWriter(dict.root, ArrowIpcWriter::Format::File, sink), NotSupported, "mood");
  // The same from a query's schema.
  nl::Session session{nl::SessionOptions{}};
  auto stream = session.stream("SELECT 'sad'::ENUM('sad', 'ok') AS mood, 1 AS fine");
  try {
    ArrowIpcWriter w(stream.schema(), ArrowIpcWriter::Format::Stream, sink);
    ADD_FAILURE() << "an ENUM column was accepted";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::NotSupported) << e.what();
    EXPECT_NE(std::string(e.what()).find("mood"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ENUM"), std::string::npos) << e.what();
  }
  EXPECT_EQ(written, 0u);
}

TEST(ArrowIpc, MisuseIsRefused) {
  auto frame = [](nl::Series second) {
    return nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1}), std::move(second)});
  };
  auto df = frame(nl::Series("x", std::vector<double>{1.0}));
  auto other = frame(nl::Series("y", std::vector<double>{1.0}));
  auto retyped = frame(nl::Series("x", std::vector<std::string>{"1"}));
  std::string bytes;
  ArrowIpcWriter w(df.schema(), ArrowIpcWriter::Format::Stream, [&](std::string_view p) { bytes.append(p); });
  EXPECT_NL_ERROR(w.write(other), InvalidArgument, "'y'");
  EXPECT_NL_ERROR(w.write(retyped), InvalidArgument, "'x'");
  EXPECT_NL_ERROR(w.write(nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1})})), InvalidArgument,
                  "columns");
  w.write(df);
  w.finish();
  EXPECT_NL_ERROR(w.write(df), InvalidArgument, "finished");
  EXPECT_NL_ERROR(w.finish(), InvalidArgument, "finished");
  OneColumnSchema not_struct("l", "id");
  EXPECT_NL_ERROR(ArrowIpcWriter(not_struct.child, ArrowIpcWriter::Format::Stream, [](std::string_view) {}),
                  InvalidArgument, "struct");
}

// A sink that fails (a client gone) leaves the writer refusing more work.
TEST(ArrowIpc, FailingSinkStopsTheWriter) {
  auto df = nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1, 2})});
  ArrowIpcWriter w(df.schema(), ArrowIpcWriter::Format::Stream, [](std::string_view) {
    throw nl::Error(nl::ErrorCode::IOError, "client", "the client closed the connection");
  });
  EXPECT_NL_ERROR(w.write(df), IOError, "client");
  EXPECT_NL_ERROR(w.write(df), InvalidArgument, "failed");
}

}  // namespace
