// DataFrame printing against Polars' own output: every case in
// tests/golden/printer/cases.json is built here and compared byte for byte.
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "frame/printer.h"
#include "neuralake/data_frame.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nlohmann::json;

namespace {

std::filesystem::path printer_goldens() { return nl::testing::source_dir() / "tests" / "golden" / "printer"; }

// The dtype names cases.json uses are Polars' names.
nl::DataType parse_dtype(const std::string& name) {
  static const std::map<std::string, nl::TypeId> simple = {
      {"i8", nl::TypeId::Int8},     {"i16", nl::TypeId::Int16},     {"i32", nl::TypeId::Int32},
      {"i64", nl::TypeId::Int64},   {"u8", nl::TypeId::UInt8},      {"u16", nl::TypeId::UInt16},
      {"u32", nl::TypeId::UInt32},  {"u64", nl::TypeId::UInt64},    {"f32", nl::TypeId::Float32},
      {"f64", nl::TypeId::Float64}, {"bool", nl::TypeId::Boolean},  {"str", nl::TypeId::String},
      {"date", nl::TypeId::Date},   {"time", nl::TypeId::Time},
  };
  if (auto it = simple.find(name); it != simple.end()) return nl::DataType(it->second);
  if (name == "datetime[ms]") return nl::DataType::timestamp(nl::TimeUnit::Milliseconds);
  if (name == "datetime[μs]") return nl::DataType::timestamp(nl::TimeUnit::Microseconds);
  if (name == "datetime[ns]") return nl::DataType::timestamp(nl::TimeUnit::Nanoseconds);
  if (name == "datetime[μs, UTC]") return nl::DataType::timestamp_tz();
  int p = 0, s = 0;
  if (std::sscanf(name.c_str(), "decimal[%d,%d]", &p, &s) == 2) return nl::DataType::decimal(p, s);
  if (name.rfind("list[", 0) == 0 && name.back() == ']') {
    return nl::DataType::list(parse_dtype(name.substr(5, name.size() - 6)));
  }
  throw std::runtime_error("unknown dtype in cases.json: " + name);
}

// "HH:MM:SS[.ffffff]" -> microseconds since midnight.
nl::Time parse_time(const std::string& text) {
  int h = 0, m = 0, s = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d:%d:%d", &h, &m, &s), 3) << text;
  int64_t micros = ((h * 60LL + m) * 60LL + s) * 1000000LL;
  if (auto dot = text.find('.'); dot != std::string::npos) {
    std::string frac = text.substr(dot + 1);
    frac.resize(6, '0');
    micros += std::stoll(frac);
  }
  return nl::Time{micros};
}

// "-12.340" -> Decimal{-12340, 3}; the series rescales it to the column's scale.
nl::Decimal parse_decimal(const std::string& text) {
  nl::Decimal d;
  bool neg = !text.empty() && text[0] == '-';
  for (char c : text) {
    if (c < '0' || c > '9') continue;
    d.unscaled = d.unscaled * 10 + (c - '0');
  }
  auto dot = text.find('.');
  d.scale = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  if (neg) d.unscaled = -d.unscaled;
  return d;
}

double parse_float(const json& v) {
  if (v.is_number()) return v.get<double>();
  std::string s = v.get<std::string>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  if (s == "-0.0") return -0.0;
  throw std::runtime_error("bad float in cases.json: " + s);
}

nl::Value to_value(const json& v, const nl::DataType& t) {
  if (v.is_null()) return nl::Value();
  switch (t.id()) {
    case nl::TypeId::Int8: case nl::TypeId::Int16: case nl::TypeId::Int32: case nl::TypeId::Int64:
      return v.is_string() ? nl::Value(int64_t{std::stoll(v.get<std::string>())}) : nl::Value(v.get<int64_t>());
    case nl::TypeId::UInt8: case nl::TypeId::UInt16: case nl::TypeId::UInt32: case nl::TypeId::UInt64:
      return v.is_string() ? nl::Value(uint64_t{std::stoull(v.get<std::string>())}) : nl::Value(v.get<uint64_t>());
    case nl::TypeId::Float32: case nl::TypeId::Float64: return nl::Value(parse_float(v));
    case nl::TypeId::Boolean: return nl::Value(v.get<bool>());
    case nl::TypeId::String: return nl::Value(v.get<std::string>());
    case nl::TypeId::Date: return nl::Value(nl::parse_date(v.get<std::string>()));
    case nl::TypeId::Time: return nl::Value(parse_time(v.get<std::string>()));
    case nl::TypeId::Timestamp:
    case nl::TypeId::TimestampTz: return nl::Value(nl::parse_timestamp(v.get<std::string>()));
    case nl::TypeId::Decimal: return nl::Value(parse_decimal(v.get<std::string>()));
    case nl::TypeId::List: {
      nl::ValueList items;
      for (const json& item : v) items.push_back(to_value(item, t.children()[0].type));
      return nl::Value::list(std::move(items));
    }
    default: throw std::runtime_error("unsupported dtype " + t.polars_name());
  }
}

// Nanosecond datetimes carry more than a Timestamp (microseconds) holds, so
// they are written to the series' raw storage in the column's unit.
void push_nanos(nl::Series& s, const std::string& text) {
  auto dot = text.find('.');
  int64_t seconds = nl::parse_timestamp(text.substr(0, dot)).micros / 1000000;
  int64_t nanos = 0;
  if (dot != std::string::npos) {
    std::string frac = text.substr(dot + 1);
    frac.resize(9, '0');
    nanos = std::stoll(frac);
  }
  std::get<std::vector<int64_t>>(s.mutable_storage()).push_back(seconds * 1000000000 + nanos);
  s.mutable_validity().push_back(1);
}

nl::Series build_series(const json& col) {
  nl::DataType type = parse_dtype(col.at("dtype").get<std::string>());
  nl::Series s = nl::Series::empty(col.at("name").get<std::string>(), type);
  bool nanos = type.id() == nl::TypeId::Timestamp && type.time_unit() == nl::TimeUnit::Nanoseconds;
  for (const json& v : col.at("values")) {
    if (nanos && !v.is_null()) push_nanos(s, v.get<std::string>());
    else s.push_back(to_value(v, type));
  }
  return s;
}

nl::FormatOptions parse_options(const json& c) {
  nl::FormatOptions o;
  if (!c.contains("options")) return o;
  for (const auto& [key, value] : c.at("options").items()) {
    size_t n = value.get<size_t>();
    if (key == "max_rows") o.max_rows = n;
    else if (key == "max_columns") o.max_columns = n;
    else if (key == "max_string_len") o.max_string_len = n;
    else if (key == "max_list_items") o.max_list_items = n;
    else if (key == "table_width") o.table_width = n;
    else throw std::runtime_error("unknown option " + key);
  }
  return o;
}

struct GoldenCase {
  std::string name;
  json spec;
};

// Keeps test listings readable: a case prints as its name.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

std::vector<GoldenCase> load_cases() {
  json doc = json::parse(nl::testing::read_file(printer_goldens() / "cases.json"));
  std::vector<GoldenCase> cases;
  for (const json& c : doc.at("cases")) cases.push_back({c.at("name").get<std::string>(), c});
  return cases;
}

nl::DataFrame build_frame(const json& spec) {
  std::vector<nl::Series> columns;
  for (const json& col : spec.at("columns")) columns.push_back(build_series(col));
  return nl::DataFrame::from_columns(std::move(columns));
}

class PrinterGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(PrinterGolden, MatchesPolars) {
  const GoldenCase& c = GetParam();
  std::string expected = nl::testing::read_file(printer_goldens() / (c.name + ".txt"));
  ASSERT_FALSE(expected.empty()) << "missing golden " << c.name << ".txt; run scripts/goldens/make_goldens.js";
  nl::DataFrame df = build_frame(c.spec);
  // A golden is what printing the frame on its own line writes.
  EXPECT_EQ(df.to_string(parse_options(c.spec)) + "\n", expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, PrinterGolden, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) { return info.param.name; });

// ---- the quickstart's later outputs, printed from frames with the same values

nl::DataFrame quickstart_part_prefix() {
  return nl::DataFrame::from_columns({
      nl::Series("p_partkey", std::vector<int64_t>{1, 2, 3, 4, 5}),
      nl::Series("p_name", std::vector<std::string>{"Part#1", "Part#2", "Part#3", "Part#4", "Part#5"}),
      nl::Series("p_brand", std::vector<std::string>{"Brand#1", "Brand#2", "Brand#3", "Brand#1", "Brand#2"}),
      nl::Series("p_retailprice", std::vector<double>{10, 20, 30, 40, 50}),
  });
}

std::string quickstart_golden(const std::string& name) {
  return nl::testing::read_file(nl::testing::source_dir() / "tests" / "golden" / "quickstart" / (name + ".txt"));
}

nl::DataFrame with_columns(const nl::DataFrame& base, std::vector<nl::Series> extra) {
  std::vector<nl::Series> cols = base.columns();
  for (auto& s : extra) cols.push_back(std::move(s));
  return nl::DataFrame::from_columns(std::move(cols));
}

TEST(QuickstartGoldens, JoinPrintsLikePolars) {
  nl::DataFrame df = with_columns(quickstart_part_prefix(),
                                  {nl::Series("s_name", std::vector<std::string>{"Supplier#1", "Supplier#2", "Supplier#3",
                                                                                "Supplier#4", "Supplier#5"}),
                                   nl::Series("s_nationkey", std::vector<int64_t>{1, 2, 0, 1, 2}),
                                   nl::Series("s_acctbal", std::vector<double>{100, 200, 300, 400, 500})});
  EXPECT_EQ(df.to_string() + "\n", quickstart_golden("join"));
}

TEST(QuickstartGoldens, AggregatePrintsLikePolars) {
  nl::DataFrame df = nl::DataFrame::from_columns({
      nl::Series("p_brand", std::vector<std::string>{"Brand#1", "Brand#2", "Brand#3"}),
      nl::Series("n_parts", std::vector<int64_t>{2, 2, 1}),
      nl::Series("total_price", std::vector<double>{50, 70, 30}),
      nl::Series("avg_price", std::vector<double>{25, 35, 30}),
  });
  EXPECT_EQ(df.to_string() + "\n", quickstart_golden("aggregate"));
}

TEST(QuickstartGoldens, WindowPrintsLikePolars) {
  nl::DataFrame df = with_columns(quickstart_part_prefix(),
                                  {nl::Series("brand_total", std::vector<double>{50, 70, 30, 50, 70}),
                                   nl::Series("brand_rank", std::vector<int64_t>{2, 2, 1, 1, 1})});
  EXPECT_EQ(df.to_string() + "\n", quickstart_golden("window"));
}

// ---- behaviour around the goldens

TEST(Printer, StreamWritesToStringWithoutNewline) {
  nl::DataFrame df = quickstart_part_prefix();
  std::ostringstream out;
  out << df;
  EXPECT_EQ(out.str(), df.to_string());
  EXPECT_NE(out.str().back(), '\n');
}

TEST(Printer, MaxRowsGovernsTruncation) {
  nl::DataFrame df = nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6})});
  nl::FormatOptions all;
  all.max_rows = 7;
  EXPECT_EQ(df.to_string(all).find("…"), std::string::npos);
  nl::FormatOptions fewer;
  fewer.max_rows = 6;
  std::string text = df.to_string(fewer);
  EXPECT_NE(text.find("│ …   │"), std::string::npos) << text;
  EXPECT_EQ(text.find("│ 3   │"), std::string::npos) << text;  // the middle row is hidden
  EXPECT_NE(text.find("│ 6   │"), std::string::npos) << text;
}

TEST(Printer, MaxStringLenCutsCellsAndNames) {
  nl::DataFrame df = nl::DataFrame::from_columns({nl::Series("name", std::vector<std::string>{"abcdefgh"})});
  nl::FormatOptions o;
  o.max_string_len = 3;
  std::string text = df.to_string(o);
  EXPECT_NE(text.find("abc…"), std::string::npos) << text;
  EXPECT_NE(text.find("nam…"), std::string::npos) << text;
  EXPECT_EQ(text.find("abcd"), std::string::npos) << text;
}

TEST(Printer, TableWidthWrapsCells) {
  nl::DataFrame df = nl::DataFrame::from_columns(
      {nl::Series("text", std::vector<std::string>{"one two three four five six seven eight"})});
  nl::FormatOptions narrow;
  narrow.table_width = 20;
  std::string text = df.to_string(narrow);
  std::istringstream lines(text);
  std::string line;
  size_t count = 0;
  while (std::getline(lines, line)) {
    ++count;
    if (count > 1) {
      EXPECT_LE(nl::detail::display_width(line), 20u) << line;
    }
  }
  EXPECT_GT(count, 8u) << text;  // shape, borders, 3 header lines and several wrapped lines
}

TEST(Printer, FloatFormat) {
  EXPECT_EQ(nl::detail::format_float(10.0), "10.0");
  EXPECT_EQ(nl::detail::format_float(-0.0), "-0.0");
  EXPECT_EQ(nl::detail::format_float(1e6), "1e6");
  EXPECT_EQ(nl::detail::format_float(1e-7), "0.0000001");
  EXPECT_EQ(nl::detail::format_float(1.2345678e-8), "1.2346e-8");
  EXPECT_EQ(nl::detail::format_float(12.0934509341243124), "12.093451");
  EXPECT_EQ(nl::detail::format_float(std::nan("")), "NaN");
  EXPECT_EQ(nl::detail::format_float(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(Printer, DisplayWidth) {
  EXPECT_EQ(nl::detail::display_width("abc"), 3u);
  EXPECT_EQ(nl::detail::display_width("日本"), 4u);
  EXPECT_EQ(nl::detail::display_width("e\u0301"), 1u);
  EXPECT_EQ(nl::detail::display_width("…"), 1u);
}

TEST(Printer, TypesWithoutPolarsNameUseEngineName) {
  nl::Series iv = nl::Series::empty("gap", nl::DataType(nl::TypeId::Interval));
  iv.push_back(nl::Value(nl::Interval{14, 3, 3600LL * 1000000}));
  iv.push_back(nl::Value(nl::Interval{1, 0, 0}));
  nl::Series uuid = nl::Series::empty("id", nl::DataType::other("UUID"));
  uuid.push_back(nl::Value("0f8e6c1a-4000-8000"));
  uuid.push_back(nl::Value());
  std::string text = nl::DataFrame::from_columns({iv, uuid}).to_string();
  EXPECT_NE(text.find("interval"), std::string::npos) << text;
  EXPECT_NE(text.find("uuid"), std::string::npos) << text;
  // Longer than 30 characters: cut like any other cell.
  EXPECT_NE(text.find("1 year 2 months 3 days 01:00:0…"), std::string::npos) << text;
  EXPECT_NE(text.find("│ 1 month "), std::string::npos) << text;
  EXPECT_NE(text.find("0f8e6c1a-4000-8000"), std::string::npos) << text;
}

TEST(Printer, BinaryCellsLikePolarsBlobs) {
  nl::Series b = nl::Series::empty("b", nl::DataType(nl::TypeId::Binary));
  b.push_back(nl::Value(nl::Bytes{std::string("hi \x01", 4)}));
  EXPECT_EQ(nl::detail::format_cell(b, 0, {}), "b\"hi\\x20\\x01\"");
}

TEST(Printer, FormatCellRejectsRowOutOfRange) {
  nl::Series s("x", std::vector<int64_t>{1});
  EXPECT_NL_ERROR(nl::detail::format_cell(s, 1, {}), InvalidArgument, "x");
}

}  // namespace
