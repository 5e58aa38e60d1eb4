// A small HTTP/1.1 client over libcurl for S3 and the AWS credential
// endpoints: pooled handles (connections are reused), timeouts, proxies, CA bundle.
// libcurl is opened by the first request (curl_library.h), not linked.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/s3/sigv4.h"

namespace neuralake::s3 {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // libcurl's receive buffer: each read from the socket takes up to this much
  // (libcurl's default, 16 KiB, makes a system call and a callback per 16 KiB).
  size_t receive_buffer = 256u << 10;
  // A transfer that makes no progress for this long is abandoned.
  std::chrono::milliseconds request_timeout{30000};
  std::string https_proxy;  // used for https:// URLs; empty: none
  std::string http_proxy;   // used for http:// URLs; empty: none
  std::string no_proxy;     // comma-separated hosts that bypass the proxies
  std::string ca_bundle;    // empty: the system's CA certificates
};

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string url;          // fully encoded
  HeaderList headers;
  std::string_view body;    // sent as-is; must outlive perform()
  // Where a 206 (Partial Content) body goes: written straight into these
  // `body_out_capacity` bytes instead of HttpResponse::body (bytes beyond them
  // are dropped). Any other answer (an error document, a 200 from a server
  // that ignored Range) still goes to HttpResponse::body.
  char* body_out = nullptr;
  size_t body_out_capacity = 0;
  // Where a 2xx body goes instead, piece by piece as it arrives; `head` holds
  // the status and headers. Returning false aborts the transfer (a transport
  // failure). HttpResponse::body_out_size counts the bytes it took.
  std::function<bool(const HttpResponse& head, std::string_view piece)> body_sink = nullptr;
  // When set and it turns true, the transfer is abandoned within about a
  // second even while the server sends nothing (a transport failure).
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  // 0 when a response arrived; otherwise the transfer failed (see transport_*).
  int transport_error = 0;
  std::string transport_message;  // e.g. "Connection refused", never a header value
  bool timed_out = false;
  int status = 0;
  HeaderList headers;  // names lower-cased
  std::string body;
  // Bytes written to HttpRequest::body_out (a 206 answer only).
  size_t body_out_size = 0;

  // The first header with this lower-case name, or "".
  std::string header(std::string_view name) const;
};

// Thread-safe: each perform() borrows an idle curl handle (keeping its open
// connections) or makes one, and returns it afterwards.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request. Transport failures are reported in the response,
  // not thrown, so that callers can decide whether to retry. A body shorter
  // than its Content-Length is a transport failure, never a short success.
  // Throws Error(Unavailable) naming libcurl when it cannot be opened.
  HttpResponse perform(const HttpRequest& request);

  // Handles created so far: a measure of connection reuse for tests.
  size_t handles_created() const;
  // Connections opened so far (to servers or proxies): the other measure. A
  // handle that is reused but reconnects each time would show here.
  size_t connections_opened() const;

 private:
  void* acquire();
  void release(void* handle);

  HttpOptions options_;
  mutable std::mutex mutex_;
  std::vector<void*> idle_;
  size_t created_ = 0;
  size_t connections_ = 0;
};

}  // namespace neuralake::s3
