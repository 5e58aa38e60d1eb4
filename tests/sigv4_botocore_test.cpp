// Differential test of our SigV4 signer against botocore (AWS's Python signer):
// randomized S3 requests signed by both at a fixed time must match exactly.
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/s3/sigv4.h"
#include "testing/test_util.h"

using namespace neuralake::s3;
namespace nlt = neuralake::testing;
using nlohmann::json;

namespace {

// Draws requests that exercise what S3 traffic really contains: awkward keys,
// ListObjectsV2 and multipart queries, ranges, tokens, (un)signed payloads.
class RequestGenerator {
 public:
  explicit RequestGenerator(uint32_t seed) : rng_(seed) {}

  json next() {
    json r;
    r["scheme"] = pick({"http", "https"});
    std::string bucket = pick({"neuralake", "my-bucket", "data.lake-01"});
    bool virtual_hosted = coin();
    std::string endpoint = pick({"s3.amazonaws.com", "s3.eu-west-1.amazonaws.com", "127.0.0.1:9000", "localhost:4568"});
    r["host"] = virtual_hosted ? bucket + "." + endpoint : endpoint;
    std::string prefix = virtual_hosted ? "" : "/" + bucket;
    r["region"] = pick({"us-east-1", "eu-west-1", "ap-southeast-2"});
    r["timestamp"] = timestamp();
    r["access_key_id"] = "AKIA" + token(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    r["secret_access_key"] = token(40, kBase64);
    r["session_token"] = coin() ? token(40 + dist(0, 300), kBase64) : "";
    json query = json::array(), headers = json::array();
    std::string method = "GET", body;
    bool unsigned_payload = coin();
    switch (dist(0, 8)) {
      case 0:  // ranged GET
        headers.push_back({"Range", "bytes=" + std::to_string(dist(0, 1000)) + "-" + std::to_string(dist(1001, 1 << 30))});
        r["path"] = prefix + "/" + key();
        break;
      case 1: {  // ListObjectsV2
        r["path"] = prefix.empty() ? "/" : prefix;
        query.push_back({"list-type", "2"});
        if (coin()) query.push_back({"prefix", key()});
        if (coin()) query.push_back({"delimiter", "/"});
        if (coin()) query.push_back({"start-after", key()});
        if (coin()) query.push_back({"continuation-token", token(dist(10, 80), kBase64)});
        if (coin()) query.push_back({"max-keys", std::to_string(dist(1, 1000))});
        break;
      }
      case 2:  // HEAD
        method = "HEAD";
        r["path"] = prefix + "/" + key();
        break;
      case 3:  // PUT, maybe put-if-absent
        method = "PUT";
        r["path"] = prefix + "/" + key();
        body = bytes(dist(0, 300));
        headers.push_back({"Content-Type", pick({"application/octet-stream", "text/plain; charset=utf-8"})});
        if (coin()) headers.push_back({"If-None-Match", "*"});
        break;
      case 4:  // create multipart upload
        method = "POST";
        r["path"] = prefix + "/" + key();
        query.push_back({"uploads", ""});
        break;
      case 5:  // upload part
        method = "PUT";
        r["path"] = prefix + "/" + key();
        query.push_back({"partNumber", std::to_string(dist(1, 10000))});
        query.push_back({"uploadId", token(dist(20, 120), kBase64 + std::string("-._~"))});
        body = bytes(dist(0, 2000));
        break;
      case 6:  // complete multipart upload
        method = "POST";
        r["path"] = prefix + "/" + key();
        query.push_back({"uploadId", token(dist(20, 120), kBase64)});
        body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"" + token(32, "0123456789abcdef") +
               "\"</ETag></Part></CompleteMultipartUpload>";
        break;
      case 7:  // abort multipart upload or delete
        method = "DELETE";
        r["path"] = prefix + "/" + key();
        if (coin()) query.push_back({"uploadId", token(dist(20, 120), kBase64)});
        break;
      default:  // plain GET with odd query values
        r["path"] = prefix + "/" + key();
        query.push_back({"response-content-disposition", "attachment; filename=\"" + key() + "\""});
        if (coin()) query.push_back({"versionId", token(32, kBase64)});
        break;
    }
    if (coin()) headers.push_back({"x-amz-meta-note", "  spaced   out  value "});
    r["method"] = method;
    r["query"] = query;
    r["headers"] = headers;
    r["body_hex"] = to_hex(body);
    r["unsigned_payload"] = unsigned_payload;
    body_ = body;
    return r;
  }
  const std::string& last_body() const { return body_; }

 private:
  static constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

  int dist(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return dist(0, 1) == 1; }
  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + dist(0, static_cast<int>(options.size()) - 1));
  }
  std::string token(int n, const std::string& alphabet) {
    std::string s;
    for (int i = 0; i < n; ++i) s += alphabet[dist(0, static_cast<int>(alphabet.size()) - 1)];
    return s;
  }
  std::string bytes(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>(dist(0, 255));
    return s;
  }
  // Keys mix path separators with the characters that trip up encoders.
  std::string key() {
    static const std::vector<std::string> pieces = {
        "data", "part=1", "a b", "x+y", "50%", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "~tilde", "q?uery",
        "amp&er", "semi;colon", "(paren)", "star*", "quote'", "comma,", "at@", "dollar$", "hash#", "colon:",
        "year=2024", "file.parquet", "emoji\xf0\x9f\x98\x80", "x=y=z", "%2F", "..", "."};
    std::string k;
    int segments = dist(1, 4);
    for (int i = 0; i < segments; ++i) {
      if (i) k += "/";
      k += pieces[dist(0, static_cast<int>(pieces.size()) - 1)];
    }
    return k;
  }
  std::string timestamp() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", dist(2015, 2035), dist(1, 12), dist(1, 28),
                  dist(0, 23), dist(0, 59), dist(0, 59));
    return buf;
  }

  std::mt19937 rng_;
  std::string body_;
};

std::chrono::system_clock::time_point parse_timestamp(const std::string& ts) {
  std::tm tm{};
  strptime(ts.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

TEST(SigV4Botocore, RandomizedRequestsGiveIdenticalSignatures) {
  constexpr int kRequests = 1000;
  nlt::TempDir dir;
  RequestGenerator gen(20240531);
  std::string input;
  std::vector<json> requests;
  std::vector<std::string> ours;
  for (int i = 0; i < kRequests; ++i) {
    json r = gen.next();
    SigningRequest req;
    req.method = r["method"];
    req.path = r["path"];
    for (const auto& q : r["query"]) req.query.emplace_back(q[0], q[1]);
    req.headers.emplace_back("Host", r["host"]);
    for (const auto& h : r["headers"]) req.headers.emplace_back(h[0], h[1]);
    req.payload_hash = r["unsigned_payload"].get<bool>() ? std::string(kUnsignedPayload) : sha256_hex(gen.last_body());
    SigningOptions opts;
    opts.region = r["region"];
    opts.time = parse_timestamp(r["timestamp"]);
    AwsCredentials creds{r["access_key_id"], r["secret_access_key"], r["session_token"]};
    ours.push_back(sign_v4(req, creds, opts).authorization);
    input += r.dump() + "\n";
    requests.push_back(std::move(r));
  }
  nlt::write_file(dir.path() / "in.jsonl", input);
  const std::string script = (nlt::source_dir() / "tests" / "sigv4_botocore_signer.py").string();
  const std::string cmd = "/usr/bin/python3 '" + script + "' < '" + (dir.path() / "in.jsonl").string() + "' > '" +
                          (dir.path() / "out.jsonl").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "botocore signer failed (is python3-botocore installed?): " << cmd;
  std::istringstream out(nlt::read_file(dir.path() / "out.jsonl"));
  std::string line;
  int compared = 0;
  while (std::getline(out, line)) {
    ASSERT_LT(compared, kRequests);
    std::string theirs = json::parse(line)["authorization"];
    EXPECT_EQ(ours[compared], theirs) << "request: " << requests[compared].dump();
    ++compared;
  }
  EXPECT_EQ(compared, kRequests);
}
