// Endpoint URL parsing shared by the config validation and the S3 client.
#include "storage/s3/endpoint.h"

#include <algorithm>
#include <cctype>

#include "neuralake/error.h"

namespace neuralake::s3 {

std::string Endpoint::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port ? h + ":" + std::to_string(port) : h;
}

std::string Endpoint::base_url() const { return scheme + "://" + authority(); }

Endpoint parse_endpoint(const std::string& url, const std::string& setting) {
  auto fail = [&](const std::string& why) -> Endpoint {
    throw Error(ErrorCode::InvalidArgument, setting,
                setting + " must be an http:// or https:// URL like https://s3.example.com:9000 (" + why + ")");
  };
  Endpoint ep;
  size_t sep = url.find("://");
  if (sep == std::string::npos) return fail("no scheme");
  ep.scheme = url.substr(0, sep);
  std::transform(ep.scheme.begin(), ep.scheme.end(), ep.scheme.begin(), ::tolower);
  if (ep.scheme != "http" && ep.scheme != "https") return fail("scheme '" + ep.scheme + "'");
  std::string rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) ep.path = rest.substr(slash);
  while (!ep.path.empty() && ep.path.back() == '/') ep.path.pop_back();
  if (authority.find('@') != std::string::npos) return fail("credentials in the URL are not allowed");
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return fail("unclosed '['");
    ep.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return fail("junk after ']'");
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    ep.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (ep.host.empty()) return fail("no host");
  if (!port_text.empty() || authority.back() == ':') {
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return fail("bad port");
    }
    ep.port = std::stoi(port_text);
    if (ep.port < 1 || ep.port > 65535) return fail("bad port");
  }
  std::transform(ep.host.begin(), ep.host.end(), ep.host.begin(), ::tolower);
  return ep;
}

bool is_loopback_host(const std::string& host_in) {
  std::string host = host_in;
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  if (host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"))) return true;
  if (host == "::1" || host == "::" || host == "0.0.0.0" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.rfind("::ffff:127.", 0) == 0) return true;
  // 127.0.0.0/8, written as a dotted quad
  if (host.rfind("127.", 0) == 0) {
    return std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
  }
  return false;
}

}  // namespace neuralake::s3
