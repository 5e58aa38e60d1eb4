// String literals other code is built from: SQL text through the public
// sql_string_literal, and the JSON strings tests write into Delta logs.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::json_string;

namespace {

TEST(SqlStringLiteral, DoublesSingleQuotesOnly) {
  EXPECT_EQ(nl::sql_string_literal(""), "''");
  EXPECT_EQ(nl::sql_string_literal("abc"), "'abc'");
  EXPECT_EQ(nl::sql_string_literal("it's"), "'it''s'");
  EXPECT_EQ(nl::sql_string_literal("''"), "''''''");
  EXPECT_EQ(nl::sql_string_literal("a\"b\\c"), "'a\"b\\c'");
}

TEST(SqlStringLiteral, MatchesSqlLiteralOfAStringValue) {
  for (std::string s : {"", "x", "o'neil", "line\nbreak", "h\xC3\xA9llo"}) {
    EXPECT_EQ(nl::sql_string_literal(s), nl::sql_literal(nl::Value(s))) << s;
  }
}

TEST(SqlStringLiteral, DuckDbReadsBackTheSameText) {
  nl::Session session;
  const std::string text = "quote ' twice '' backslash \\ newline\n tab\t end";
  auto df = session.sql("SELECT " + nl::sql_string_literal(text));
  EXPECT_EQ(*df.column(0).at<std::string>(0), text);
}

TEST(JsonString, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(json_string("a\\b"), "\"a\\\\b\"");
}

TEST(JsonString, EscapesControlCharacters) {
  EXPECT_EQ(json_string("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(json_string("a\tb"), "\"a\\tb\"");
  EXPECT_EQ(json_string("a\rb"), "\"a\\rb\"");
  EXPECT_EQ(json_string(std::string("a\x01" "b")), "\"a\\u0001b\"");
  EXPECT_EQ(json_string(std::string("\x1f")), "\"\\u001f\"");
  EXPECT_EQ(json_string(std::string(1, '\0')), "\"\\u0000\"");
}

TEST(JsonString, KeepsUtf8AndRoundTrips) {
  const std::string text = "h\xC3\xA9llo \"w\" \\ \n\t\x02 \xE2\x82\xAC";
  EXPECT_NE(json_string(text).find("h\xC3\xA9llo"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(json_string(text)).get<std::string>(), text);
}

}  // namespace
