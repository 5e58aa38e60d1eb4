// The SigV4 signer against AWS's published vectors: the SigV4 test suite and
// the S3 API Reference's worked examples (tests/data/sigv4/README.md).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/s3/sigv4.h"
#include "testing/test_util.h"

namespace fs = std::filesystem;
using namespace neuralake;
using namespace neuralake::s3;
namespace nlt = neuralake::testing;

namespace {

fs::path data_dir() { return nlt::source_dir() / "tests" / "data" / "sigv4"; }

std::chrono::system_clock::time_point utc(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// A raw request of the test suite: "METHOD URI HTTP/1.1", headers (a line that
// starts with whitespace continues the previous value), a blank line, the body.
struct RawRequest {
  SigningRequest request;
  std::string body;
};

RawRequest parse_req(const std::string& text) {
  RawRequest out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t first = line.find(' '), last = line.rfind(' ');
  out.request.method = line.substr(0, first);
  std::string uri = line.substr(first + 1, last - first - 1);
  std::string query;
  if (size_t q = uri.find('?'); q != std::string::npos) {
    query = uri.substr(q + 1);
    uri = uri.substr(0, q);
  }
  out.request.path = uri_decode(uri);
  size_t pos = 0;
  while (!query.empty() && pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    std::string k = pair.substr(0, eq), v = eq == std::string::npos ? "" : pair.substr(eq + 1);
    out.request.query.emplace_back(uri_decode(k), uri_decode(v));
    pos = amp + 1;
  }
  bool in_body = false;
  while (std::getline(in, line)) {
    if (in_body) {
      out.body += (out.body.empty() ? "" : "\n") + line;
    } else if (line.empty()) {
      in_body = true;
    } else if (line[0] == ' ' || line[0] == '\t') {
      out.request.headers.back().second += " " + line;
    } else {
      size_t colon = line.find(':');
      out.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  out.request.payload_hash = sha256_hex(out.body);
  return out;
}

std::string token_from_creq(const std::string& creq) {
  const std::string tag = "\nx-amz-security-token:";
  size_t at = creq.find(tag);
  if (at == std::string::npos) return "";
  size_t start = at + tag.size();
  return creq.substr(start, creq.find('\n', start) - start);
}

std::vector<fs::path> suite_cases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::recursive_directory_iterator(data_dir() / "aws4_testsuite")) {
    if (entry.path().extension() == ".req") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

}  // namespace

TEST(SigV4TestSuite, EveryCaseMatchesCanonicalRequestStringToSignAndAuthorization) {
  auto cases = suite_cases();
  ASSERT_GE(cases.size(), 30u) << "test suite data missing under " << data_dir();
  for (const auto& req_path : cases) {
    SCOPED_TRACE(req_path.stem().string());
    auto base = req_path;
    base.replace_extension();
    const std::string creq = nlt::read_file(base.string() + ".creq");
    RawRequest raw = parse_req(nlt::read_file(req_path));
    AwsCredentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token_from_creq(creq)};
    SigningOptions opts;
    opts.region = "us-east-1";
    opts.service = "service";
    opts.time = utc(2015, 8, 30, 12, 36, 0);
    opts.normalize_path = true;
    opts.add_content_sha256_header = false;
    SignedRequest signed_req = sign_v4(raw.request, creds, opts);
    EXPECT_EQ(signed_req.canonical_request, creq);
    EXPECT_EQ(signed_req.string_to_sign, nlt::read_file(base.string() + ".sts"));
    EXPECT_EQ(signed_req.authorization, nlt::read_file(base.string() + ".authz"));
  }
}

TEST(SigV4S3Examples, WorkedExamplesOfTheS3ApiReference) {
  auto doc = nlohmann::json::parse(nlt::read_file(data_dir() / "s3_examples.json"));
  AwsCredentials creds{doc["access_key_id"], doc["secret_access_key"], ""};
  SigningOptions opts;
  opts.region = doc["region"];
  opts.service = doc["service"];
  opts.time = utc(2013, 5, 24, 0, 0, 0);
  ASSERT_EQ(amz_timestamp(opts.time), doc["timestamp"].get<std::string>());
  ASSERT_EQ(doc["examples"].size(), 4u);
  for (const auto& ex : doc["examples"]) {
    SCOPED_TRACE(ex["name"].get<std::string>());
    SigningRequest req;
    req.method = ex["method"];
    req.path = ex["path"];
    for (const auto& q : ex["query"]) req.query.emplace_back(q[0], q[1]);
    for (const auto& h : ex["headers"]) req.headers.emplace_back(h[0], h[1]);
    req.payload_hash = sha256_hex(ex["body"].get<std::string>());
    if (ex.contains("payload_hash")) {
      EXPECT_EQ(req.payload_hash, ex["payload_hash"].get<std::string>());
    }
    SignedRequest s = sign_v4(req, creds, opts);
    EXPECT_EQ(s.signature, ex["signature"].get<std::string>());
    EXPECT_NE(s.authorization.find("SignedHeaders=" + ex["signed_headers"].get<std::string>() + ","),
              std::string::npos)
        << s.authorization;
  }
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  SigningRequest req{"GET", "/b/k", {}, {{"host", "s3.amazonaws.com"}}, std::string(kEmptyPayloadHash)};
  SigningOptions opts;
  opts.time = utc(2024, 1, 2, 3, 4, 5);
  auto with = sign_v4(req, {"AKID", "SECRET", "TOKEN"}, opts);
  auto without = sign_v4(req, {"AKID", "SECRET", ""}, opts);
  EXPECT_NE(with.signature, without.signature);
  EXPECT_NE(with.authorization.find("x-amz-security-token"), std::string::npos);
  bool sent = false;
  for (const auto& [k, v] : with.added_headers) sent |= (k == "x-amz-security-token" && v == "TOKEN");
  EXPECT_TRUE(sent);
}

TEST(SigV4, AuthorizationNeverContainsTheSecret) {
  SigningRequest req{"GET", "/", {}, {{"host", "h"}}, std::string(kUnsignedPayload)};
  SigningOptions opts;
  opts.time = utc(2024, 1, 2, 3, 4, 5);
  auto s = sign_v4(req, {"AKID", "verysecretvalue123", ""}, opts);
  for (const auto& [k, v] : s.added_headers) EXPECT_EQ(v.find("verysecretvalue123"), std::string::npos) << k;
  EXPECT_EQ(s.canonical_request.find("verysecretvalue123"), std::string::npos);
}

TEST(SigV4, RefusesMissingHostAndEmptyCredentials) {
  SigningRequest req{"GET", "/", {}, {}, std::string(kEmptyPayloadHash)};
  EXPECT_NL_ERROR(sign_v4(req, {"AKID", "S", ""}, {}), InvalidArgument, "host");
  req.headers.emplace_back("host", "h");
  EXPECT_NL_ERROR(sign_v4(req, {"", "S", ""}, {}), InvalidArgument, "credentials");
}

TEST(SigV4, UriEncodingFollowsAwsRules) {
  EXPECT_EQ(uri_encode("a b+c=d%e/f~g", true), "a%20b%2Bc%3Dd%25e/f~g");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(uri_encode("\xc3\xa9", false), "%C3%A9");
  EXPECT_EQ(uri_decode("a%20b+c"), "a b+c");
  EXPECT_NL_ERROR(uri_decode("a%2"), InvalidArgument, "a%2");
  EXPECT_NL_ERROR(uri_decode("a%zz"), InvalidArgument, "a%zz");
}
