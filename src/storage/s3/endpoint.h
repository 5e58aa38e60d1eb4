// Parsing of endpoint URLs ("http(s)://host[:port][/path]") and the loopback
// test that production's safety rules need.
#pragma once

#include <string>

namespace neuralake::s3 {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0: the scheme's default
  std::string path;    // "" or "/..." (kept for servers mounted under a path)

  // "host" or "host:port" as it appears in a Host header ("[::1]:9000" for IPv6).
  std::string authority() const;
  // scheme://authority
  std::string base_url() const;
};

// Parses an endpoint URL. Throws InvalidArgument naming `setting` if it is not
// http(s)://host[:port][/path]. Never echoes user info (user:pass@) back.
Endpoint parse_endpoint(const std::string& url, const std::string& setting);

// True for localhost names, 127.0.0.0/8, ::1, 0.0.0.0 and ::.
bool is_loopback_host(const std::string& host);

}  // namespace neuralake::s3
