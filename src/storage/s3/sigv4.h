// AWS Signature Version 4 (AWS4-HMAC-SHA256) on OpenSSL: canonical request,
// string to sign, signing key and the headers a signed request carries.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace neuralake::s3 {

// The secret part of credentials never leaves this struct except into HMAC.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

// The payload hash S3 accepts in place of a body digest.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// sha256("") in hex, the payload hash of every body-less request.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What gets signed. Everything is given decoded; the signer encodes it the one
// way AWS specifies (RFC 3986 unreserved characters kept, everything else %XX).
struct SigningRequest {
  std::string method;   // "GET", "PUT", ...
  std::string path;     // decoded, starts with '/', e.g. "/bucket/my key.parquet"
  QueryList query;      // decoded name/value pairs; a bare "?uploads" is {"uploads", ""}
  HeaderList headers;   // every header to sign; must include "host"
  std::string payload_hash;  // hex SHA-256 of the body, or kUnsignedPayload
};

struct SigningOptions {
  std::string region = "us-east-1";
  std::string service = "s3";
  std::chrono::system_clock::time_point time;  // the request time (x-amz-date)
  // S3 signs the path as given; other services remove "." / ".." / "//" first.
  bool normalize_path = false;
  // S3 requires x-amz-content-sha256 on every request; other services do not.
  bool add_content_sha256_header = true;
};

struct SignedRequest {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // 64 hex digits
  std::string authorization;  // the Authorization header value
  // Headers to send in addition to the request's own: x-amz-date (unless the
  // request had one), x-amz-content-sha256, x-amz-security-token, authorization.
  HeaderList added_headers;
};

// Signs `request`. Throws InvalidArgument naming "host" if the request has no
// host header, or naming the credentials if the key id or secret is empty.
SignedRequest sign_v4(const SigningRequest& request, const AwsCredentials& credentials,
                      const SigningOptions& options);

// AWS's UriEncode: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every other
// byte becomes %XX (upper-case hex); '/' stays only when `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);
// Decodes %XX escapes ('+' stays '+'). Throws InvalidArgument on a malformed escape.
std::string uri_decode(std::string_view text);

// "20130524T000000Z" for the given time (UTC).
std::string amz_timestamp(std::chrono::system_clock::time_point time);

// Hex SHA-256 of `data`, and raw HMAC-SHA-256 of `data` under `key`.
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);

}  // namespace neuralake::s3
