// The Accept header and the choice of the answer's encoding
// (apps/neuralake/server/accept_header.h).
//
// Cases marked "ROAPI" are from roapi/roapi: roapi/tests/api_test.rs
// (test_rest_get: these Accept headers get JSON), columnq/src/encoding/mod.rs
// (the media types and aliases ROAPI accepts) and the README ("Response
// serialization").
#include <string>

#include <gtest/gtest.h>

#include "server/accept_header.h"
#include "server/api_error.h"
#include "server/encoding.h"

namespace srv = neuralake::server;
using srv::Encoding;

namespace {

struct Case {
  const char* header;
  Encoding encoding;
  const char* content_type;
  bool matched;
};

const Case kCases[] = {
    // ROAPI api_test.rs test_rest_get: no header, JSON, and two browser headers all get JSON.
    {"", Encoding::Json, "application/json", false},
    {"application/json", Encoding::Json, "application/json", true},
    {"text/html,application/xhtml+xml,application/xml;q=0.9", Encoding::Json, "application/json", false},
    {"text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.5", Encoding::Json,
     "application/json", true},
    // ROAPI encoding/mod.rs: */* is JSON; each media type and alias it accepts.
    {"*/*", Encoding::Json, "application/json", true},
    {"application/csv", Encoding::Csv, "application/csv", true},
    {"application/vnd.apache.arrow.file", Encoding::ArrowFile, "application/vnd.apache.arrow.file", true},
    {"application/arrow.file", Encoding::ArrowFile, "application/arrow.file", true},
    {"application/vnd.apache.arrow.stream", Encoding::ArrowStream, "application/vnd.apache.arrow.stream", true},
    {"application/arrow.stream", Encoding::ArrowStream, "application/arrow.stream", true},
    {"application/parquet", Encoding::Parquet, "application/parquet", true},
    {"application/vnd.apache.parquet", Encoding::Parquet, "application/vnd.apache.parquet", true},
    // Beyond ROAPI's exact match: text/csv, NDJSON, lists, weights, wildcards, case, whitespace, parameters.
    {"text/csv", Encoding::Csv, "text/csv", true},
    {"application/x-ndjson", Encoding::NdJson, "application/x-ndjson", true},
    {"application/ndjson", Encoding::NdJson, "application/ndjson", true},
    {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", Encoding::Json,
     "application/json", true},
    {"image/png", Encoding::Json, "application/json", false},
    {"application/json;q=0", Encoding::Json, "application/json", false},
    {"text/csv;q=0.5, application/vnd.apache.arrow.stream", Encoding::ArrowStream,
     "application/vnd.apache.arrow.stream", true},
    {"text/csv;q=0.9, application/parquet;q=0.95", Encoding::Parquet, "application/parquet", true},
    {"TEXT/CSV", Encoding::Csv, "text/csv", true},
    {"  application/x-ndjson ;  q=0.7 , text/plain ", Encoding::NdJson, "application/x-ndjson", true},
    {"text/*", Encoding::Csv, "text/csv", true},
    {"application/*;q=0.2, text/csv;q=0.1", Encoding::Json, "application/json", true},
    // Ties in q go to the more specific range, then to the earlier one in the header.
    {"*/*, text/csv", Encoding::Csv, "text/csv", true},
    {"application/parquet, text/csv", Encoding::Parquet, "application/parquet", true},
    {"text/csv, application/parquet", Encoding::Csv, "text/csv", true},
    // The most specific range decides: CSV excluded by its own range despite */*.
    {"text/csv;q=0, */*;q=0.1", Encoding::Json, "application/json", true},
    {"text/*;q=0, application/csv;q=0.4, */*;q=0.3", Encoding::Csv, "application/csv", true},
    {"application/json;q=0, */*", Encoding::Csv, "text/csv", true},
    // Parameters other than q do not stop a match; quoted commas stay inside them.
    {"application/json; charset=utf-8", Encoding::Json, "application/json", true},
    {"text/csv; header=\"present,x\"; q=0.5, image/png", Encoding::Csv, "text/csv", true},
    // A Java client's default: a bare * and q=.2.
    {"text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", Encoding::Json, "application/json", true},
    // Malformed ranges are skipped; the rest still count.
    {"garbage, text/csv;q=abc, application/parquet", Encoding::Parquet, "application/parquet", true},
    {"*/csv, text/csv;q=1.5", Encoding::Json, "application/json", false},
    {",,;;,", Encoding::Json, "application/json", false},
};

TEST(AcceptNegotiation, Cases) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.header);
    const srv::Negotiation n = srv::negotiate(c.header);
    EXPECT_EQ(srv::to_string(n.encoding), std::string(srv::to_string(c.encoding)));
    EXPECT_EQ(n.content_type, c.content_type);
    EXPECT_EQ(n.matched, c.matched);
  }
}

TEST(AcceptNegotiation, FormatOverridesTheHeader) {
  const srv::Negotiation n = srv::negotiate("application/json", Encoding::Parquet);
  EXPECT_EQ(n.encoding, Encoding::Parquet);
  EXPECT_EQ(n.content_type, "application/vnd.apache.parquet");
}

TEST(AcceptNegotiation, AConfiguredFallbackAnswersWildcardsAndNothingAcceptable) {
  EXPECT_EQ(srv::negotiate("", std::nullopt, Encoding::Csv).encoding, Encoding::Csv);
  EXPECT_EQ(srv::negotiate("*/*", std::nullopt, Encoding::Csv).encoding, Encoding::Csv);
  EXPECT_EQ(srv::negotiate("image/png", std::nullopt, Encoding::ArrowStream).encoding, Encoding::ArrowStream);
  EXPECT_EQ(srv::negotiate("application/json", std::nullopt, Encoding::Csv).encoding, Encoding::Json);
}

TEST(AcceptParse, RangesKeepOrderWeightsAndParameters) {
  const auto r = srv::parse_accept("Text/HTML;Level=1;q=0.25;ext=x, */*;q=0");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].type, "text");
  EXPECT_EQ(r[0].subtype, "html");
  EXPECT_EQ(r[0].q, 250);
  ASSERT_EQ(r[0].parameters.size(), 1u);
  EXPECT_EQ(r[0].parameters[0].first, "level");
  EXPECT_EQ(r[0].parameters[0].second, "1");
  EXPECT_EQ(r[1].type, "*");
  EXPECT_EQ(r[1].q, 0);
  EXPECT_EQ(srv::parse_accept("a/b;q=0.1239")[0].q, 123);
  EXPECT_EQ(srv::parse_accept("a/b;q=1.000")[0].q, 1000);
  EXPECT_TRUE(srv::parse_accept("a/b;q=1.001").empty());
  EXPECT_TRUE(srv::parse_accept("a/b;q=-0.5").empty());
  EXPECT_TRUE(srv::parse_accept("a/b/c").empty());
}

TEST(FormatNames, MapToEncodings) {
  EXPECT_EQ(srv::encoding_from_format_name("json"), Encoding::Json);
  EXPECT_EQ(srv::encoding_from_format_name("CSV"), Encoding::Csv);
  EXPECT_EQ(srv::encoding_from_format_name("jsonl"), Encoding::NdJson);
  EXPECT_EQ(srv::encoding_from_format_name("arrow"), Encoding::ArrowStream);
  EXPECT_EQ(srv::encoding_from_format_name("ArrowStream"), Encoding::ArrowStream);
  EXPECT_EQ(srv::encoding_from_format_name("arrow_file"), Encoding::ArrowFile);
  EXPECT_EQ(srv::encoding_from_format_name("parquet"), Encoding::Parquet);
  try {
    srv::encoding_from_format_name("xlsx");
    FAIL() << "no error";
  } catch (const srv::ApiError& e) {
    EXPECT_EQ(e.kind(), "invalid_format");
    EXPECT_NE(std::string(e.what()).find("xlsx"), std::string::npos);
  }
}

// Every media type of every encoding, asked for alone, is answered with that encoding.
TEST(AcceptNegotiation, EveryMediaTypeSelectsItsEncoding) {
  for (Encoding e : srv::all_encodings()) {
    for (const std::string& type : srv::media_types(e)) {
      SCOPED_TRACE(type);
      const srv::Negotiation n = srv::negotiate(type);
      EXPECT_EQ(n.encoding, e);
      EXPECT_EQ(n.content_type, type);
    }
  }
}

}  // namespace
