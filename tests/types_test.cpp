#include <gtest/gtest.h>

#include "neuralake/types.h"
#include "neuralake/value.h"
#include "testing/test_util.h"

namespace nl = neuralake;

TEST(DataType, PolarsNames) {
  EXPECT_EQ(nl::DataType::int64().polars_name(), "i64");
  EXPECT_EQ(nl::DataType::string().polars_name(), "str");
  EXPECT_EQ(nl::DataType::timestamp().polars_name(), "datetime[μs]");
  EXPECT_EQ(nl::DataType::decimal(10, 2).polars_name(), "decimal[10,2]");
  EXPECT_EQ(nl::DataType::list(nl::DataType::int64()).polars_name(), "list[i64]");
  EXPECT_EQ(nl::DataType::other("UUID").polars_name(), "uuid");
}

TEST(DataType, SqlNames) {
  EXPECT_EQ(nl::DataType::list(nl::DataType::int32()).sql_name(), "INTEGER[]");
  EXPECT_EQ(nl::DataType::structure({{"a", nl::DataType::int64()}}).sql_name(), "STRUCT(\"a\" BIGINT)");
}

TEST(Value, DatesRoundTrip) {
  EXPECT_EQ(nl::parse_date("1970-01-01").days, 0);
  EXPECT_EQ(nl::parse_date("2024-01-02").days, 19724);
  EXPECT_EQ(nl::format_date(nl::parse_date("2000-02-29")), "2000-02-29");
  EXPECT_NL_ERROR(nl::parse_date("2023-02-29"), InvalidArgument, "2023-02-29");
  EXPECT_NL_ERROR(nl::parse_date("yesterday"), InvalidArgument, "yesterday");
}

TEST(Value, Timestamps) {
  EXPECT_EQ(nl::parse_timestamp("1970-01-01T00:00:01Z").micros, 1000000);
  EXPECT_EQ(nl::parse_timestamp("1970-01-01 01:00:00+01:00").micros, 0);
  EXPECT_EQ(nl::format_timestamp(nl::parse_timestamp("2025-01-01T12:30:00.5Z")), "2025-01-01 12:30:00.500000");
  EXPECT_NL_ERROR(nl::parse_timestamp("2025-01-01T25:00:00"), InvalidArgument, "2025-01-01T25:00:00");
}

TEST(Value, Rendering) {
  EXPECT_EQ(nl::Value(42).to_string(), "42");
  EXPECT_EQ(nl::Value("x").to_string(), "'x'");
  EXPECT_EQ(nl::Value().to_string(), "null");
  EXPECT_EQ(nl::Value::list({1, 2}).to_string(), "[1, 2]");
  EXPECT_EQ(nl::Value(nl::Decimal{-1234, 2}).to_string(), "-12.34");
  EXPECT_EQ(nl::Value(nl::Decimal{5, 38}).to_string(), "0.00000000000000000000000000000000000005");
}

// A scale beyond any 128-bit decimal's 38 digits once made the text as long as
// the scale (2 GB for a scale of 2^31 - 1); it is written with an exponent.
TEST(Value, DecimalWithAHugeScaleRendersShort) {
  EXPECT_EQ(nl::Value(nl::Decimal{-25, 39}).to_string(), "-25e-39");
  EXPECT_EQ(nl::Value(nl::Decimal{1, 2147483647}).to_string(), "1e-2147483647");
  EXPECT_NL_ERROR(nl::Value(1).as<std::string>(), InvalidArgument, "1");
}
