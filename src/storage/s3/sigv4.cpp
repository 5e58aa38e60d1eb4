// AWS Signature Version 4: the four steps of AWS's specification (canonical
// request, string to sign, derived key, signature) over OpenSSL's HMAC/SHA-256
// (libcrypto, opened by the first signature: crypto_library.h).
#include "storage/s3/sigv4.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "neuralake/error.h"
#include "storage/s3/crypto_library.h"

namespace neuralake::s3 {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trim both ends and squeeze inner runs of whitespace to one space, as the
// specification's Trimall does (quoted strings are not special).
std::string trim_all(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 dot-segment removal plus empty-segment collapsing, which AWS applies
// to every service except S3 (where "a//b" and "a/./b" are distinct keys).
std::string normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  if (out.size() > 1 && !path.empty() && path.back() == '/') out += '/';
  return out;
}

std::string canonical_query(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

bool has_header(const HeaderList& headers, std::string_view lower_name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return to_lower(h.first) == lower_name; });
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  crypto_library().sha256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const CryptoLibrary& crypto = crypto_library();
  if (!crypto.hmac(crypto.evp_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len)) {
    throw Error(ErrorCode::Internal, "HMAC-SHA256", "OpenSSL HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view text) {
  auto hex = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      throw Error(ErrorCode::InvalidArgument, std::string(text), "truncated %-escape in '" + std::string(text) + "'");
    }
    int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) {
      throw Error(ErrorCode::InvalidArgument, std::string(text), "malformed %-escape in '" + std::string(text) + "'");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string amz_timestamp(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SignedRequest sign_v4(const SigningRequest& request, const AwsCredentials& credentials,
                      const SigningOptions& options) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    throw Error(ErrorCode::InvalidArgument, "credentials",
                "cannot sign a request: the credentials have an empty access key id or secret access key");
  }
  if (!has_header(request.headers, "host")) {
    throw Error(ErrorCode::InvalidArgument, "host", "cannot sign a request without a host header");
  }
  SignedRequest out;
  const std::string timestamp = amz_timestamp(options.time);
  const std::string date = timestamp.substr(0, 8);

  HeaderList all = request.headers;
  if (!has_header(all, "x-amz-date")) out.added_headers.emplace_back("x-amz-date", timestamp);
  if (options.add_content_sha256_header && !has_header(all, "x-amz-content-sha256")) {
    out.added_headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  }
  if (!credentials.session_token.empty() && !has_header(all, "x-amz-security-token")) {
    out.added_headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  all.insert(all.end(), out.added_headers.begin(), out.added_headers.end());

  // Same-named headers join with ',' in the order they were given.
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : all) {
    std::string key = to_lower(trim_all(name));
    auto [it, inserted] = canonical.emplace(key, trim_all(value));
    if (!inserted) it->second += "," + trim_all(value);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }

  const std::string path = options.normalize_path ? normalize(request.path) : request.path;
  out.canonical_request = request.method + "\n" + uri_encode(path.empty() ? "/" : path, true) + "\n" +
                          canonical_query(request.query) + "\n" + canonical_headers + "\n" + signed_headers +
                          "\n" + request.payload_hash;

  const std::string scope = date + "/" + options.region + "/" + options.service + "/aws4_request";
  out.string_to_sign = "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256_hex(out.canonical_request);

  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
  key = hmac_sha256(key, options.region);
  key = hmac_sha256(key, options.service);
  key = hmac_sha256(key, "aws4_request");
  out.signature = to_hex(hmac_sha256(key, out.string_to_sign));
  crypto_library().cleanse(key.data(), key.size());

  out.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                      ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature;
  out.added_headers.emplace_back("authorization", out.authorization);
  return out;
}

}  // namespace neuralake::s3
