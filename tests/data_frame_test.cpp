// Series and DataFrame as in-memory values: construction checks, typed
// access, lookup, slicing and appending.
#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "neuralake/data_frame.h"
#include "testing/test_util.h"

namespace nl = neuralake;

namespace {

nl::DataFrame part() {
  return nl::DataFrame::from_columns({
      nl::Series("p_partkey", std::vector<int64_t>{1, 2, 3, 4, 5}),
      nl::Series("p_name", std::vector<std::optional<std::string>>{"Part#1", std::nullopt, "Part#3", "Part#4", "Part#5"}),
      nl::Series("p_retailprice", std::vector<double>{10, 20, 30, 40, 50}),
  });
}

std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const nl::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Series, TypedConstructorsAndAccess) {
  nl::Series ints("i", std::vector<std::optional<int64_t>>{7, std::nullopt});
  EXPECT_EQ(ints.type(), nl::DataType::int64());
  EXPECT_EQ(ints.size(), 2u);
  EXPECT_EQ(ints.at<int64_t>(0), 7);
  EXPECT_EQ(ints.at<int32_t>(0), 7);
  EXPECT_EQ(ints.at<int64_t>(1), std::nullopt);
  EXPECT_TRUE(ints.is_null(1));

  nl::Series flags("b", std::vector<bool>{true, false});
  EXPECT_EQ(flags.type(), nl::DataType::boolean());
  EXPECT_EQ(flags.at<bool>(0), true);
  EXPECT_EQ(flags.at<bool>(1), false);
  EXPECT_EQ(flags.get(0), nl::Value(true));

  nl::Series names("s", std::vector<std::string>{"x"});
  EXPECT_EQ(names.at<std::string>(0), "x");
  EXPECT_EQ(names.get(0), nl::Value("x"));

  nl::Series prices("f", std::vector<std::optional<double>>{std::nullopt, 2.5});
  EXPECT_EQ(prices.at<double>(1), 2.5);
  EXPECT_TRUE(prices.get(0).is_null());
}

TEST(Series, WrongTypedAccessNamesTheSeries) {
  nl::Series ints("quantity", std::vector<int64_t>{1});
  EXPECT_NL_ERROR(ints.at<double>(0), InvalidArgument, "quantity");
  EXPECT_NL_ERROR(ints.at<std::string>(0), InvalidArgument, "quantity");
  EXPECT_NE(error_text([&] { ints.at<double>(0); }).find("double"), std::string::npos);
  EXPECT_NL_ERROR(ints.at<int64_t>(1), InvalidArgument, "quantity");
  EXPECT_NL_ERROR(ints.get(5), InvalidArgument, "quantity");
}

TEST(Series, PushBackChecksTheType) {
  nl::Series s = nl::Series::empty("amount", nl::DataType::int64());
  s.push_back(nl::Value(1));
  EXPECT_NL_ERROR(s.push_back(nl::Value("abc")), InvalidArgument, "amount");
  std::string msg = error_text([&] { s.push_back(nl::Value("abc")); });
  EXPECT_NE(msg.find("row 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'abc'"), std::string::npos) << msg;
  EXPECT_EQ(s.size(), 1u);  // nothing half-added

  nl::Series tiny = nl::Series::empty("tiny", nl::DataType(nl::TypeId::Int8));
  EXPECT_NL_ERROR(tiny.push_back(nl::Value(300)), InvalidArgument, "300");
  tiny.push_back(nl::Value(-128));
  EXPECT_EQ(tiny.at<int8_t>(0), -128);

  nl::Series unsigned_ = nl::Series::empty("u", nl::DataType(nl::TypeId::UInt32));
  EXPECT_NL_ERROR(unsigned_.push_back(nl::Value(-1)), InvalidArgument, "u");
  unsigned_.push_back(nl::Value(4294967295u));
  EXPECT_EQ(unsigned_.get(0), nl::Value(uint64_t{4294967295u}));
  EXPECT_EQ(unsigned_.at<uint32_t>(0), 4294967295u);

  nl::Series flags = nl::Series::empty("flag", nl::DataType::boolean());
  EXPECT_NL_ERROR(flags.push_back(nl::Value(1)), InvalidArgument, "flag");
}

TEST(Series, ConstructorFromValuesNamesTheBadRow) {
  std::string msg = error_text([] {
    nl::Series("day", nl::DataType::date(), {nl::Value(nl::parse_date("2024-01-02")), nl::Value(), nl::Value(3.5)});
  });
  EXPECT_NE(msg.find("day"), std::string::npos) << msg;
  EXPECT_NE(msg.find("row 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("3.5"), std::string::npos) << msg;
}

TEST(Series, GetReturnsTheTypesValue) {
  nl::Series dates("d", nl::DataType::date(), {nl::Value(nl::parse_date("2024-01-02"))});
  ASSERT_TRUE(dates.get(0).is<nl::Date>());
  EXPECT_EQ(dates.get(0).as<nl::Date>().days, 19724);
  EXPECT_EQ(dates.at<int64_t>(0), 19724);  // stored as days

  nl::Timestamp ts = nl::parse_timestamp("2024-01-02 03:04:05.123456");
  for (auto unit : {nl::TimeUnit::Milliseconds, nl::TimeUnit::Microseconds, nl::TimeUnit::Nanoseconds}) {
    nl::Series s("t", nl::DataType::timestamp(unit), {nl::Value(ts)});
    ASSERT_TRUE(s.get(0).is<nl::Timestamp>());
    int64_t expected = unit == nl::TimeUnit::Milliseconds ? ts.micros / 1000 * 1000 : ts.micros;
    EXPECT_EQ(s.get(0).as<nl::Timestamp>().micros, expected);
  }
  nl::Series ns("t", nl::DataType::timestamp(nl::TimeUnit::Nanoseconds), {nl::Value(ts)});
  EXPECT_EQ(ns.at<int64_t>(0), ts.micros * 1000);  // stored in the type's unit

  nl::Series before_epoch("t", nl::DataType::timestamp(nl::TimeUnit::Milliseconds),
                          {nl::Value(nl::Timestamp{-1})});
  EXPECT_EQ(before_epoch.at<int64_t>(0), -1);  // rounds down, not toward zero

  nl::Series times("t", nl::DataType(nl::TypeId::Time), {nl::Value(nl::Time{3600})});
  EXPECT_EQ(times.get(0), nl::Value(nl::Time{3600}));

  nl::Series blobs("b", nl::DataType(nl::TypeId::Binary), {nl::Value(nl::Bytes{"\x01\x02"})});
  EXPECT_EQ(blobs.get(0), nl::Value(nl::Bytes{"\x01\x02"}));

  nl::Series f32("f", nl::DataType(nl::TypeId::Float32), {nl::Value(0.1)});
  EXPECT_EQ(f32.at<double>(0), static_cast<double>(0.1f));
}

TEST(Series, DecimalsAreRescaledAndChecked) {
  nl::Series d("price", nl::DataType::decimal(6, 2), {nl::Value(nl::Decimal{15, 1}), nl::Value(3)});
  EXPECT_EQ(d.get(0), nl::Value(nl::Decimal{150, 2}));
  EXPECT_EQ(d.get(1), nl::Value(nl::Decimal{300, 2}));
  EXPECT_NL_ERROR(d.push_back(nl::Value(nl::Decimal{1234, 3})), InvalidArgument, "price");
  EXPECT_NL_ERROR(d.push_back(nl::Value(nl::Decimal{100000000, 2})), InvalidArgument, "price");
  EXPECT_NL_ERROR(d.push_back(nl::Value(1.5)), InvalidArgument, "price");
}

TEST(Series, NestedValuesAreChecked) {
  nl::DataType ints = nl::DataType::list(nl::DataType::int64());
  nl::Series l("tags", ints, {nl::Value::list({nl::Value(1), nl::Value()}), nl::Value()});
  EXPECT_EQ(l.get(0), nl::Value::list({nl::Value(1), nl::Value()}));
  EXPECT_TRUE(l.is_null(1));
  EXPECT_NL_ERROR(l.push_back(nl::Value::list({nl::Value("x")})), InvalidArgument, "tags");
  EXPECT_NL_ERROR(l.push_back(nl::Value(1)), InvalidArgument, "tags");

  nl::DataType point = nl::DataType::structure({{"x", nl::DataType::float64()}, {"y", nl::DataType::float64()}});
  nl::Series p("point", point, {nl::Value(nl::ValueStruct{{"x", nl::Value(1)}, {"y", nl::Value(2.5)}})});
  EXPECT_EQ(p.get(0), nl::Value(nl::ValueStruct{{"x", nl::Value(1.0)}, {"y", nl::Value(2.5)}}));
  EXPECT_NL_ERROR(p.push_back(nl::Value(nl::ValueStruct{{"y", nl::Value(1.0)}, {"x", nl::Value(2.0)}})),
                  InvalidArgument, "point");
}

TEST(Series, EmptyPushNullReserveRenamed) {
  nl::Series s = nl::Series::empty("x", nl::DataType::string());
  s.reserve(4);
  EXPECT_TRUE(std::holds_alternative<nl::StringColumn>(s.storage()));
  s.push_null();
  s.push_back(nl::Value("a"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.is_null(0));
  nl::Series r = s.renamed("y");
  EXPECT_EQ(r.name(), "y");
  EXPECT_EQ(r.at<std::string>(1), "a");
  EXPECT_EQ(s.name(), "x");

  EXPECT_TRUE(std::holds_alternative<std::vector<uint64_t>>(nl::Series::empty("u", nl::DataType(nl::TypeId::UInt8)).storage()));
  EXPECT_TRUE(std::holds_alternative<std::vector<nl::Value>>(nl::Series::empty("d", nl::DataType::decimal(4, 1)).storage()));
  EXPECT_TRUE(std::holds_alternative<std::vector<int64_t>>(nl::Series::empty("t", nl::DataType::timestamp()).storage()));
}

TEST(DataFrame, FromColumnsChecksLengthsAndNames) {
  EXPECT_NL_ERROR(nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1, 2}),
                                               nl::Series("b", std::vector<int64_t>{1})}),
                  InvalidArgument, "b");
  EXPECT_NL_ERROR(nl::DataFrame::from_columns({nl::Series("a", std::vector<int64_t>{1}),
                                               nl::Series("a", std::vector<double>{1})}),
                  InvalidArgument, "a");
  nl::DataFrame empty = nl::DataFrame::from_columns({});
  EXPECT_EQ(empty.shape(), (std::pair<size_t, size_t>{0, 0}));
}

TEST(DataFrame, ShapeNamesSchema) {
  nl::DataFrame df = part();
  EXPECT_EQ(df.shape(), (std::pair<size_t, size_t>{5, 3}));
  EXPECT_EQ(df.column_names(), (std::vector<std::string>{"p_partkey", "p_name", "p_retailprice"}));
  nl::Schema expected{{"p_partkey", nl::DataType::int64()},
                      {"p_name", nl::DataType::string()},
                      {"p_retailprice", nl::DataType::float64()}};
  EXPECT_EQ(df.schema(), expected);
  EXPECT_EQ(df.value(2, 0), nl::Value(3));
  EXPECT_TRUE(df.value(1, 1).is_null());
}

TEST(DataFrame, ColumnLookup) {
  nl::DataFrame df = part();
  EXPECT_EQ(df.column("p_name").at<std::string>(0), "Part#1");
  EXPECT_EQ(df.column(2).name(), "p_retailprice");
  EXPECT_NL_ERROR(df.column("p_partky"), NotFound, "p_partky");
  std::string msg = error_text([&] { df.column("p_partky"); });
  EXPECT_NE(msg.find("did you mean 'p_partkey'"), std::string::npos) << msg;
  EXPECT_NL_ERROR(df.column(3), InvalidArgument, "3");
}

TEST(DataFrame, Slice) {
  nl::DataFrame df = part();
  nl::DataFrame mid = df.slice(1, 2);
  EXPECT_EQ(mid.shape(), (std::pair<size_t, size_t>{2, 3}));
  EXPECT_EQ(mid.column("p_partkey").at<int64_t>(0), 2);
  EXPECT_TRUE(mid.column("p_name").is_null(0));
  EXPECT_EQ(mid.column("p_name").at<std::string>(1), "Part#3");
  EXPECT_EQ(df.slice(3, 100).num_rows(), 2u);
  EXPECT_EQ(df.slice(9, 1).num_rows(), 0u);
  EXPECT_EQ(df.slice(9, 1).num_columns(), 3u);
  EXPECT_EQ(df.num_rows(), 5u);  // the original is untouched
}

TEST(DataFrame, Append) {
  nl::DataFrame df = part();
  df.append(part().slice(0, 2));
  EXPECT_EQ(df.num_rows(), 7u);
  EXPECT_EQ(df.column("p_partkey").at<int64_t>(6), 2);
  EXPECT_TRUE(df.column("p_name").is_null(6));
  EXPECT_EQ(df.column("p_retailprice").validity().size(), 7u);

  nl::DataFrame other_types = nl::DataFrame::from_columns({
      nl::Series("p_partkey", std::vector<int64_t>{9}),
      nl::Series("p_name", std::vector<std::string>{"x"}),
      nl::Series("p_retailprice", std::vector<int64_t>{1}),
  });
  EXPECT_NL_ERROR(df.append(other_types), InvalidArgument, "p_retailprice");
  EXPECT_NL_ERROR(df.append(nl::DataFrame::from_columns({nl::Series("p_partkey", std::vector<int64_t>{1})})),
                  InvalidArgument, "column");
  EXPECT_EQ(df.num_rows(), 7u);  // failed appends change nothing

  nl::DataFrame acc;
  acc.append(part());
  acc.append(part());
  EXPECT_EQ(acc.shape(), (std::pair<size_t, size_t>{10, 3}));
}

}  // namespace
