// The compact encoding of Delta file statistics: what JSON stats and typed
// stats encode to, what decodes back, and that bad stats only ever go missing.
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/file_stats.h"
#include "neuralake/value.h"
#include "../bench/delta/sample_stats.h"

namespace delta = neuralake::delta;
using neuralake::Date;
using neuralake::Timestamp;
using neuralake::Value;
using Kind = delta::StatsColumn::Kind;

namespace {

constexpr int64_t kMinInt = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

delta::StatsLayout layout_of(const std::vector<std::pair<std::string, Kind>>& columns) {
  delta::StatsLayout layout;
  for (const auto& [name, kind] : columns) layout.columns.push_back({name, name, kind});
  return layout;
}

struct Encoded {
  std::string blob;
  int64_t num_records = 0;
};

Encoded encode(std::string_view json, const delta::StatsLayout& layout) {
  Encoded e;
  e.blob = delta::encode_stats(json, layout, e.num_records);
  return e;
}

// Stats with one column `c` of `kind`: min, max and nullCount as JSON texts
// (empty: absent).
std::string one_column(const std::string& min, const std::string& max, const std::string& nulls = "") {
  std::string s = R"({"numRecords":10)";
  if (!min.empty()) s += R"(,"minValues":{"c":)" + min + "}";
  if (!max.empty()) s += R"(,"maxValues":{"c":)" + max + "}";
  if (!nulls.empty()) s += R"(,"nullCount":{"c":)" + nulls + "}";
  return s + "}";
}

delta::ColumnStats decode_one(const std::string& json, Kind kind) {
  const auto layout = layout_of({{"c", kind}});
  return delta::decode_column_stats(encode(json, layout).blob, layout, 0);
}

std::string show(const Value& v) { return v.is_null() ? "unknown" : v.to_string(); }

void expect_stats(const delta::ColumnStats& s, const Value& min, const Value& max, std::optional<int64_t> nulls) {
  EXPECT_TRUE(s.min == min) << "min " << show(s.min) << ", expected " << show(min);
  EXPECT_TRUE(s.max == max) << "max " << show(s.max) << ", expected " << show(max);
  EXPECT_EQ(s.null_count, nulls);
}

// The stats text of file n of the Delta benchmark log.
std::string bench_stats(long long n) { return bench::delta::stats_of(n); }

delta::StatsLayout bench_layout() {
  return layout_of({{"a", Kind::Int},
                    {"b", Kind::Int},
                    {"c", Kind::Double},
                    {"d", Kind::Double},
                    {"e", Kind::String},
                    {"f", Kind::String},
                    {"g", Kind::Date},
                    {"h", Kind::Timestamp}});
}

int64_t micros(std::string_view text) { return neuralake::parse_timestamp(text).micros; }

}  // namespace

TEST(DeltaFileStats, IntegersRoundTripIncludingTheExtremes) {
  const std::vector<std::pair<int64_t, int64_t>> cases = {
      {0, 0},           {-5, 5},          {5000, 5999},     {-1000000, -1000},   {kMinInt, kMaxInt},
      {kMinInt, kMinInt}, {kMaxInt, kMaxInt}, {-86400000000, 86400000000}, {7, 3} /* max below min */};
  for (const auto& [lo, hi] : cases) {
    SCOPED_TRACE(std::to_string(lo) + ".." + std::to_string(hi));
    expect_stats(decode_one(one_column(std::to_string(lo), std::to_string(hi), "3"), Kind::Int), Value(lo),
                 Value(hi), 3);
  }
  expect_stats(decode_one(one_column("", "-42"), Kind::Int), Value(), Value(int64_t{-42}), std::nullopt);
  expect_stats(decode_one(one_column("-42", ""), Kind::Int), Value(int64_t{-42}), Value(), std::nullopt);
  expect_stats(decode_one(one_column("-0", "0"), Kind::Int), Value(int64_t{0}), Value(int64_t{0}), std::nullopt);
  // Long digit runs take the general path.
  expect_stats(decode_one(one_column("-9223372036854775808", "0000000000000000000012"), Kind::Int), Value(kMinInt),
               Value(int64_t{12}), std::nullopt);
}

TEST(DeltaFileStats, IntegerBoundsThatAreNotIntegersAreUnknown) {
  for (const char* bad : {"1.0", "1e3", "9223372036854775808", "-9223372036854775809", "\"5\"", "true", "null",
                          "{}", "[1]", "-", "1-2"}) {
    SCOPED_TRACE(bad);
    expect_stats(decode_one(one_column(bad, "10", "0"), Kind::Int), Value(), Value(int64_t{10}), 0);
  }
}

TEST(DeltaFileStats, DoublesRoundTripExactly) {
  const std::vector<std::string> texts = {"5000.25", "-5.5",   "0.1",   "-0.0",    "1e300",   "-2.5E-3",
                                          "7",       "123456789012.75", "0.1234567890123456789", "1.5e3",
                                          "12345678901234567890", "4.9e-324"};
  for (const auto& t : texts) {
    SCOPED_TRACE(t);
    const double expected = std::strtod(t.c_str(), nullptr);
    const auto s = decode_one(one_column(t, t), Kind::Double);
    ASSERT_TRUE(s.min.is<double>() && s.max.is<double>());
    EXPECT_EQ(std::signbit(s.min.as<double>()), std::signbit(expected));
    EXPECT_EQ(s.min.as<double>(), expected);
    EXPECT_EQ(s.max.as<double>(), expected);
  }
  // Out of range or not a number: unknown.
  for (const char* bad : {"1e400", "\"1.5\"", "1.5.5", "1e", "null"}) {
    SCOPED_TRACE(bad);
    expect_stats(decode_one(one_column(bad, "2.5"), Kind::Double), Value(), Value(2.5), std::nullopt);
  }
}

TEST(DeltaFileStats, TypedDoublesKeepNaNAndInfinities) {
  // JSON cannot carry these; a checkpoint's typed stats can.
  const auto layout = layout_of({{"c", Kind::Double}});
  delta::TypedStats typed;
  typed.mins = {{true, 0, -std::numeric_limits<double>::infinity(), {}}};
  typed.maxs = {{true, 0, std::numeric_limits<double>::quiet_NaN(), {}}};
  delta::StatsEncoder encoder;
  int64_t n = 0;
  const std::string blob(encoder.encode(typed, layout, n));
  const auto s = delta::decode_column_stats(blob, layout, 0);
  EXPECT_EQ(s.min.as<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(s.max.as<double>()));
}

TEST(DeltaFileStats, StringsRoundTripWithEscapesAndUnicode) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("")", ""},
      {R"("plain")", "plain"},
      {"\"caf\xC3\xA9 \xE2\x82\xAC\"", "caf\xC3\xA9 \xE2\x82\xAC"},  // raw UTF-8
      {R"("a\"b\\c\/d\n\t\r\b\f")", "a\"b\\c/d\n\t\r\b\f"},
      {R"("\u00e9\u20AC")", "\xC3\xA9\xE2\x82\xAC"},
      {R"("x\ud83d\ude00y")", "x\xF0\x9F\x98\x80y"},  // a surrogate pair: U+1F600
  };
  for (const auto& [json, text] : cases) {
    SCOPED_TRACE(json);
    expect_stats(decode_one(one_column(json, json, "0"), Kind::String), Value(text), Value(text), 0);
  }
}

TEST(DeltaFileStats, LoneSurrogatesMakeTheBoundUnknown) {
  expect_stats(decode_one(one_column(R"("a\ud83d")", R"("b\ude00")"), Kind::String), Value(), Value(), std::nullopt);
  expect_stats(decode_one(one_column(R"("a\ud83d\u0041")", R"("b")"), Kind::String), Value(), Value("b"),
               std::nullopt);
  // Not valid JSON at all: no stats.
  EXPECT_EQ(encode(one_column(R"("\uZZZZ")", R"("b")"), layout_of({{"c", Kind::String}})).blob, "");
  EXPECT_EQ(encode(one_column(R"("\q")", R"("b")"), layout_of({{"c", Kind::String}})).blob, "");
}

TEST(DeltaFileStats, LongStringsKeepA64BytePrefixAsMinAndNoMax) {
  const std::string s64(64, 'm'), s65 = std::string(64, 'm') + "z", long_text(200, 'q');
  auto q = [](const std::string& s) { return "\"" + s + "\""; };
  expect_stats(decode_one(one_column(q(s64), q(s64)), Kind::String), Value(s64), Value(s64), std::nullopt);
  expect_stats(decode_one(one_column(q(s65), q(s65)), Kind::String), Value(s64), Value(), std::nullopt);
  expect_stats(decode_one(one_column(q(long_text), q("r")), Kind::String), Value(std::string(64, 'q')), Value("r"),
               std::nullopt);
  // The max shares a prefix with the kept min, longer and shorter than it.
  expect_stats(decode_one(one_column(q(s65), q(s64 + "zz")), Kind::String), Value(s64), Value(), std::nullopt);
  expect_stats(decode_one(one_column(q("abcdef"), q("abc")), Kind::String), Value("abcdef"), Value("abc"),
               std::nullopt);
  expect_stats(decode_one(one_column(q("abc"), q("abcdefghijklmnopqrstuvwxyz")), Kind::String), Value("abc"),
               Value("abcdefghijklmnopqrstuvwxyz"), std::nullopt);
}

TEST(DeltaFileStats, DatesRoundTripAndInvalidDatesAreUnknown) {
  expect_stats(decode_one(one_column(R"("1969-12-31")", R"("2024-02-29")", "2"), Kind::Date), Value(Date{-1}),
               Value(neuralake::parse_date("2024-02-29")), 2);
  for (const char* bad : {R"("2023-02-29")", R"("2024-13-01")", R"("2024-1-01")", R"("2024-01-01T00:00:00")",
                          "19723"}) {
    SCOPED_TRACE(bad);
    expect_stats(decode_one(one_column(bad, R"("2024-01-02")"), Kind::Date), Value(),
                 Value(neuralake::parse_date("2024-01-02")), std::nullopt);
  }
}

TEST(DeltaFileStats, TimestampsOfEveryWriterShapeMatchTheGeneralParser) {
  // The upper bound is widened by 999 us: writers truncate to milliseconds.
  for (const char* text : {"2024-01-06T00:00:00.000Z", "2024-01-06T00:00:00Z", "2024-01-06T00:00:00",
                           "2024-01-06 12:30:00.123456", "2024-01-06T00:00:00.000+00:00",
                           "2024-01-06T05:30:00.000+05:30", "2024-01-06T05:30:00-01:00", "2024-01-06T00:00:00.1Z",
                           "2024-01-06T00:00:00.123456789Z", "2024-01-06", "2024-01-06T10:20Z",
                           "2024-01-06T00:00:00+0130", "1960-07-01T23:59:60.999Z"}) {
    SCOPED_TRACE(text);
    const std::string json = std::string("\"") + text + "\"";
    expect_stats(decode_one(one_column(json, json), Kind::Timestamp), Value(Timestamp{micros(text)}),
                 Value(Timestamp{micros(text) + 999}), std::nullopt);
  }
  for (const char* bad : {"2024-01-06T24:00:00Z", "2024-01-06T00:00:00.Z", "2024-02-30T00:00:00Z",
                          "2024-01-06T00:00:00Q", "2024-01-06X00:00:00"}) {
    SCOPED_TRACE(bad);
    const std::string json = std::string("\"") + bad + "\"";
    expect_stats(decode_one(one_column(json, json), Kind::Timestamp), Value(), Value(), std::nullopt);
  }
}

TEST(DeltaFileStats, TimestampUpperBoundSaturatesInsteadOfOverflowing) {
  const auto layout = layout_of({{"t", Kind::Timestamp}});
  delta::TypedStats typed;
  typed.mins = {{true, kMinInt, 0, {}}};
  typed.maxs = {{true, kMaxInt - 5, 0, {}}};
  delta::StatsEncoder encoder;
  int64_t n = 0;
  const auto s = delta::decode_column_stats(encoder.encode(typed, layout, n), layout, 0);
  expect_stats(s, Value(Timestamp{kMinInt}), Value(Timestamp{kMaxInt}), std::nullopt);
}

TEST(DeltaFileStats, NullCountsMustBeNonNegativeIntegers) {
  EXPECT_EQ(decode_one(one_column("", "", "0"), Kind::Int).null_count, 0);
  EXPECT_EQ(decode_one(one_column("", "", "123456789012"), Kind::Int).null_count, 123456789012);
  for (const char* bad : {"-1", "1.5", "\"3\"", "null", "{\"x\":1}"}) {
    SCOPED_TRACE(bad);
    const auto layout = layout_of({{"c", Kind::Int}});
    const auto e = encode(one_column("", "", bad), layout);
    EXPECT_EQ(e.blob, "");  // nothing known at all
    EXPECT_EQ(e.num_records, 10);
  }
}

TEST(DeltaFileStats, UnknownKeysNestedStatsAndMissingColumnsAreSkipped) {
  // "s" is a struct column: its stats are nested objects and keep no bounds.
  const auto layout = layout_of({{"id", Kind::Int}, {"s", Kind::NullCountOnly}, {"name", Kind::String},
                                 {"gone", Kind::Double}});
  const std::string json =
      R"({"tags":{"a":[1,{"b":"}]"}],"c":null},"numRecords":7,)"
      R"("minValues":{"name":"ann","s":{"x":1,"y":{"z":"q"}},"other":[true,false],"id":-3},)"
      R"("maxValues":{"s":{"x":9},"id":40,"name":"zed"},)"
      R"("nullCount":{"id":0,"s":{"x":2,"y":{"z":0}},"name":1},"extra":"}")";
  const auto e = encode(json + "}", layout);
  EXPECT_EQ(e.num_records, 7);
  expect_stats(delta::decode_column_stats(e.blob, layout, 0), Value(int64_t{-3}), Value(int64_t{40}), 0);
  expect_stats(delta::decode_column_stats(e.blob, layout, 1), Value(), Value(), std::nullopt);
  expect_stats(delta::decode_column_stats(e.blob, layout, 2), Value("ann"), Value("zed"), 1);
  expect_stats(delta::decode_column_stats(e.blob, layout, 3), Value(), Value(), std::nullopt);
  expect_stats(delta::decode_column_stats(e.blob, layout, 9), Value(), Value(), std::nullopt);
  // A struct column's null count given as a number is kept.
  const auto n = encode(R"({"nullCount":{"s":4}})", layout);
  EXPECT_EQ(delta::decode_column_stats(n.blob, layout, 1).null_count, 4);
  EXPECT_EQ(n.num_records, -1);
}

TEST(DeltaFileStats, KeysAreMatchedInAnyOrderAndByPhysicalName) {
  delta::StatsLayout layout = layout_of({{"a", Kind::Int}, {"b", Kind::Int}, {"c", Kind::Int}});
  layout.columns[1].key = "col-5f2a";  // column mapping: stats use the physical name
  const auto in_order = encode(R"({"minValues":{"a":1,"col-5f2a":2,"c":3},"maxValues":{"a":4,"col-5f2a":5,"c":6}})",
                               layout);
  const auto shuffled = encode(
      R"({"maxValues":{"c":6,"col-5f2a":5,"a":4}, "minValues" : { "c" : 3 , "a":1,"b":99,"col\u002d5f2a":2 } })",
      layout);
  EXPECT_EQ(in_order.blob, shuffled.blob);
  expect_stats(delta::decode_column_stats(in_order.blob, layout, 1), Value(int64_t{2}), Value(int64_t{5}),
               std::nullopt);
}

TEST(DeltaFileStats, LaterValuesForAColumnReplaceEarlierOnes) {
  const auto layout = layout_of({{"c", Kind::Int}});
  expect_stats(delta::decode_column_stats(encode(R"({"minValues":{"c":1,"c":2}})", layout).blob, layout, 0),
               Value(int64_t{2}), Value(), std::nullopt);
  EXPECT_EQ(encode(R"({"minValues":{"c":1,"c":null}})", layout).blob, "");
}

TEST(DeltaFileStats, NothingKnownIsAnEmptyBlob) {
  const auto layout = bench_layout();
  for (const char* json : {"", "{}", R"({"numRecords":5})", R"({"minValues":{},"maxValues":null})",
                           R"({"minValues":{"zz":1}})"}) {
    SCOPED_TRACE(json);
    EXPECT_EQ(encode(json, layout).blob, "");
  }
  EXPECT_EQ(encode(R"({"numRecords":5})", layout).num_records, 5);
  EXPECT_EQ(encode(R"({"numRecords":-5})", layout).num_records, -1);
  EXPECT_EQ(encode(R"({"numRecords":"5"})", layout).num_records, -1);
  EXPECT_EQ(encode("{}", layout).num_records, -1);
  EXPECT_EQ(delta::decode_column_stats("", layout, 0).null_count, std::nullopt);
}

TEST(DeltaFileStats, MalformedTextGivesNoStatsAndNoError) {
  const auto layout = bench_layout();
  for (const char* json : {"{", "}", "[]", "null", R"({"numRecords":5,})", R"({"numRecords":5)",
                           R"({"minValues":{"a":1,}})", R"({"minValues":{"a":1}} trailing)", R"({"minValues":{"a" 1}})",
                           R"({"minValues":{"a":1]})", R"({"minValues":{"a":tru}})", R"({"minValues":{"a":1}}})",
                           R"({"numRecords":5,"x":{"y":[1,2}})", R"({"minValues":{"e":"abc}})", "{\"a\":1"}) {
    SCOPED_TRACE(json);
    Encoded e;
    EXPECT_NO_THROW(e = encode(json, layout));
    EXPECT_EQ(e.blob, "");
    EXPECT_EQ(e.num_records, -1);
  }
}

TEST(DeltaFileStats, EveryTruncationGivesNoStatsOrTheRightOnes) {
  const auto layout = bench_layout();
  const std::string texts[] = {
      bench_stats(4242),
      R"({"numRecords":3,"minValues":{"e":"a\"\u00e9\ud83d\ude00","a":-12,"s":{"x":[1,"]"]},"c":1.5e3},)"
      R"("maxValues":{"e":"b","h":"2024-01-06T00:00:00+01:00","c":2},"nullCount":{"e":1}})"};
  for (const auto& text : texts) {
    const auto full = encode(text, layout);
    ASSERT_NE(full.blob, "");
    for (size_t n = 0; n < text.size(); ++n) {
      SCOPED_TRACE(text.substr(0, n));
      Encoded cut;
      ASSERT_NO_THROW(cut = encode(std::string_view(text).substr(0, n), layout));
      if (cut.blob.empty()) continue;
      for (size_t c = 0; c < layout.columns.size(); ++c) {
        const auto got = delta::decode_column_stats(cut.blob, layout, c);
        const auto want = delta::decode_column_stats(full.blob, layout, c);
        EXPECT_TRUE(got.min == want.min && got.max == want.max && got.null_count == want.null_count);
      }
    }
  }
}

TEST(DeltaFileStats, DamagedTextNeverThrows) {
  // Every byte replaced by characters that matter to the scanner.
  const auto layout = bench_layout();
  const std::string text = bench_stats(77);
  for (size_t i = 0; i < text.size(); ++i) {
    for (char c : {'"', '\\', '{', '}', '[', ',', ':', '-', '.', 'e', '0', ' ', '\0'}) {
      std::string damaged = text;
      damaged[i] = c;
      Encoded e;
      ASSERT_NO_THROW(e = encode(damaged, layout)) << damaged;
      for (size_t col = 0; col < layout.columns.size(); ++col) delta::decode_column_stats(e.blob, layout, col);
    }
  }
}

TEST(DeltaFileStats, JsonAndTypedStatsGiveTheSameBlob) {
  const auto layout = bench_layout();
  delta::StatsEncoder json_encoder, typed_encoder;
  for (long long n : {0LL, 1LL, 976LL, 4242LL, 89999LL}) {
    SCOPED_TRACE(n);
    const long long a = n * 1000, b = n % 977;
    const std::string e_min = "alpha-" + std::string(10 - std::to_string(n).size(), '0') + std::to_string(n);
    const std::string e_max = "alpha-" + std::string(10 - std::to_string(n + 1).size(), '0') + std::to_string(n + 1);
    const std::string f_min = "omega-" + std::string(10 - std::to_string(n).size(), '0') + std::to_string(n);
    const std::string f_max = "omega-" + std::string(10 - std::to_string(n + 7).size(), '0') + std::to_string(n + 7);
    const int day = static_cast<int>(n % 28 + 1);
    char g_min[16], g_max[16];
    std::snprintf(g_min, sizeof g_min, "2024-01-%02d", day);
    std::snprintf(g_max, sizeof g_max, "2024-02-%02d", day);
    delta::TypedStats typed;
    typed.num_records = 20000;
    typed.mins = {{true, a, 0, {}},
                  {true, b, 0, {}},
                  {true, 0, a + 0.25, {}},
                  {true, 0, -(b + 0.5), {}},
                  {true, 0, 0, e_min},
                  {true, 0, 0, f_min},
                  {true, neuralake::parse_date(g_min).days, 0, {}},
                  {true, micros(std::string(g_min) + "T00:00:00"), 0, {}}};
    typed.maxs = {{true, a + 999, 0, {}},
                  {true, b + 5000, 0, {}},
                  {true, 0, a + 999.75, {}},
                  {true, 0, b + 0.5, {}},
                  {true, 0, 0, e_max},
                  {true, 0, 0, f_max},
                  {true, neuralake::parse_date(g_max).days, 0, {}},
                  {true, micros(std::string(g_max) + "T12:30:00"), 0, {}}};
    typed.null_counts = {0, n % 3, 0, 1, 0, n % 5, 0, 0};
    int64_t json_records = 0, typed_records = 0;
    const std::string from_json(json_encoder.encode(bench_stats(n), layout, json_records));
    const std::string from_typed(typed_encoder.encode(typed, layout, typed_records));
    EXPECT_EQ(from_json, from_typed);
    EXPECT_EQ(json_records, 20000);
    EXPECT_EQ(typed_records, 20000);
  }
}

TEST(DeltaFileStats, TypedStatsShorterThanTheLayoutLeaveColumnsUnknown) {
  const auto layout = bench_layout();
  delta::TypedStats typed;
  typed.mins = {{true, 5, 0, {}}};
  typed.null_counts = {std::nullopt, 3};
  delta::StatsEncoder encoder;
  int64_t n = 0;
  const std::string blob(encoder.encode(typed, layout, n));
  EXPECT_EQ(n, -1);
  expect_stats(delta::decode_column_stats(blob, layout, 0), Value(int64_t{5}), Value(), std::nullopt);
  expect_stats(delta::decode_column_stats(blob, layout, 1), Value(), Value(), 3);
  expect_stats(delta::decode_column_stats(blob, layout, 7), Value(), Value(), std::nullopt);
}

TEST(DeltaFileStats, TheBenchmarkStatsTakeNinetyFiveBytes) {
  // n = 12345, per column (flag byte included):
  //   a 7 (zigzag varint 12345000: 4, delta 999: 2)   b 5 (621: 2, delta 5000: 2)
  //   c 17 (two doubles no float can hold)           d 10 (two floats, nullCount 1: 1)
  //   e 20 (16-byte min, max shares 15: 1 + 1)       f 21 (max shares 14: 1 + 2)
  //   g 5 (days 19748: 3, delta 31: 1)                h 10 (whole seconds: 5, delta 2723400 s: 4)
  const auto layout = bench_layout();
  const auto e = encode(bench_stats(12345), layout);
  EXPECT_EQ(e.blob.size(), 95u);
  EXPECT_EQ(e.num_records, 20000);
  auto col = [&](size_t i) { return delta::decode_column_stats(e.blob, layout, i); };
  expect_stats(col(0), Value(int64_t{12345000}), Value(int64_t{12345999}), 0);
  expect_stats(col(1), Value(int64_t{621}), Value(int64_t{5621}), 0);
  expect_stats(col(2), Value(12345000.25), Value(12345999.75), 0);
  expect_stats(col(3), Value(-621.5), Value(621.5), 1);
  expect_stats(col(4), Value("alpha-0000012345"), Value("alpha-0000012346"), 0);
  expect_stats(col(5), Value("omega-0000012345"), Value("omega-0000012352"), 0);
  expect_stats(col(6), Value(neuralake::parse_date("2024-01-26")), Value(neuralake::parse_date("2024-02-26")), 0);
  expect_stats(col(7), Value(Timestamp{micros("2024-01-26T00:00:00")}),
               Value(Timestamp{micros("2024-02-26T12:30:00") + 999}), 0);
}

// Random stats written by a general JSON writer (escapes, unicode, any key
// order, unknown and nested keys) decode to the values written, and encode
// to the same bytes as the same values typed.
TEST(DeltaFileStats, RandomStatsRoundTripThroughAGeneralJsonWriter) {
  const auto layout = layout_of({{"i", Kind::Int},
                                 {"x", Kind::Double},
                                 {"s", Kind::String},
                                 {"d", Kind::Date},
                                 {"t", Kind::Timestamp},
                                 {"n", Kind::NullCountOnly}});
  std::mt19937_64 rng(20240106);
  auto pick = [&](uint64_t n) { return rng() % n; };
  const std::vector<std::string> pieces = {"a", "Z", "0", "-", "\"", "\\", "/", "\n", "\t", std::string(1, '\x01'),
                                           "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " "};
  delta::StatsEncoder json_encoder, typed_encoder;
  for (int round = 0; round < 3000; ++round) {
    nlohmann::json mins = nlohmann::json::object(), maxs = nlohmann::json::object(),
                   nulls = nlohmann::json::object();
    delta::TypedStats typed;
    typed.num_records = static_cast<int64_t>(pick(1000000));
    typed.mins.resize(layout.columns.size());
    typed.maxs.resize(layout.columns.size());
    typed.null_counts.resize(layout.columns.size());
    std::vector<std::string> strings;  // owns what typed views
    strings.reserve(2);
    for (size_t c = 0; c < layout.columns.size(); ++c) {
      const std::string& key = layout.columns[c].key;
      for (int side = 0; side < 2; ++side) {
        nlohmann::json& target = side == 0 ? mins : maxs;
        delta::TypedBound& b = (side == 0 ? typed.mins : typed.maxs)[c];
        if (pick(5) == 0) continue;  // absent
        switch (layout.columns[c].kind) {
          case Kind::Int: {
            const int64_t v = pick(4) == 0 ? static_cast<int64_t>(rng())
                                           : static_cast<int64_t>(pick(2000000)) - 1000000;
            target[key] = v;
            b = {true, v, 0, {}};
            break;
          }
          case Kind::Double: {
            double v = pick(3) == 0 ? static_cast<double>(static_cast<int64_t>(pick(100000)) - 50000) / 4
                                    : std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(pick(200)) - 150);
            if (pick(2)) v = -v;
            target[key] = v;
            b = {true, 0, v, {}};
            break;
          }
          case Kind::String: {
            std::string v;
            const size_t n = pick(4) == 0 ? 60 + pick(10) : pick(20);
            while (v.size() < n) v += pieces[pick(pieces.size())];
            target[key] = v;
            strings.push_back(v);
            b = {true, 0, 0, strings.back()};
            break;
          }
          case Kind::Date: {
            const int32_t days = static_cast<int32_t>(pick(80000)) - 30000;
            target[key] = neuralake::format_date(Date{days});
            b = {true, days, 0, {}};
            break;
          }
          case Kind::Timestamp: {
            char text[64];
            const int hh = static_cast<int>(pick(24)), mm = static_cast<int>(pick(60)), ss = static_cast<int>(pick(60));
            const std::string date = neuralake::format_date(Date{static_cast<int32_t>(pick(40000))});
            const char* zones[] = {"Z", "", "+00:00", "-05:30", "+14:00"};
            const char* zone = zones[pick(5)];
            switch (pick(4)) {
              case 0: std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d%s", date.c_str(), hh, mm, ss, zone); break;
              case 1:
                std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d.%03d%s", date.c_str(), hh, mm, ss,
                              static_cast<int>(pick(1000)), zone);
                break;
              case 2:
                std::snprintf(text, sizeof text, "%s %02d:%02d:%02d.%06d%s", date.c_str(), hh, mm, ss,
                              static_cast<int>(pick(1000000)), zone);
                break;
              default:
                std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d.%d%s", date.c_str(), hh, mm, ss,
                              static_cast<int>(pick(100)), zone);
            }
            target[key] = text;
            b = {true, micros(text), 0, {}};
            break;
          }
          default: target[key] = nlohmann::json::object({{"nested", 1}});
        }
      }
      if (pick(4) != 0) {
        const int64_t n = static_cast<int64_t>(pick(1000)) - 100;
        nulls[key] = n;
        if (n >= 0) typed.null_counts[c] = n;
      }
    }
    nlohmann::json stats = {{"numRecords", typed.num_records}, {"minValues", mins}, {"maxValues", maxs},
                            {"nullCount", nulls}, {"tightBounds", pick(2) == 0}};
    if (pick(3) == 0) stats["minValues"]["unknown"] = nlohmann::json::array({1, "x", nullptr});
    const std::string text = stats.dump(pick(4) == 0 ? 1 : -1);  // sometimes with whitespace
    SCOPED_TRACE(text);
    int64_t json_records = 0, typed_records = 0;
    const std::string from_json(json_encoder.encode(text, layout, json_records));
    const std::string from_typed(typed_encoder.encode(typed, layout, typed_records));
    ASSERT_EQ(from_json, from_typed);
    EXPECT_EQ(json_records, typed.num_records);
    // Decoding gives the values written, with the documented rules applied.
    for (size_t c = 0; c < layout.columns.size(); ++c) {
      const auto got = delta::decode_column_stats(from_json, layout, c);
      const auto& lo = typed.mins[c];
      const auto& hi = typed.maxs[c];
      switch (layout.columns[c].kind) {
        case Kind::Int:
          EXPECT_TRUE(got.min == (lo.known ? Value(lo.i) : Value()));
          EXPECT_TRUE(got.max == (hi.known ? Value(hi.i) : Value()));
          break;
        case Kind::Double:
          EXPECT_TRUE(got.min == (lo.known ? Value(lo.d) : Value()));
          EXPECT_TRUE(got.max == (hi.known ? Value(hi.d) : Value()));
          break;
        case Kind::String:
          EXPECT_TRUE(got.min == (lo.known ? Value(lo.s.substr(0, 64)) : Value()));
          EXPECT_TRUE(got.max == (hi.known && hi.s.size() <= 64 ? Value(hi.s) : Value()));
          break;
        case Kind::Date:
          EXPECT_TRUE(got.min == (lo.known ? Value(Date{static_cast<int32_t>(lo.i)}) : Value()));
          EXPECT_TRUE(got.max == (hi.known ? Value(Date{static_cast<int32_t>(hi.i)}) : Value()));
          break;
        case Kind::Timestamp:
          EXPECT_TRUE(got.min == (lo.known ? Value(Timestamp{lo.i}) : Value()));
          EXPECT_TRUE(got.max == (hi.known ? Value(Timestamp{hi.i + 999}) : Value()));
          break;
        default: EXPECT_TRUE(got.min.is_null() && got.max.is_null());
      }
      EXPECT_EQ(got.null_count, typed.null_counts[c]);
    }
  }
}
