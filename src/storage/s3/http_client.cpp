// libcurl behind HttpClient: handle pooling for connection reuse, header and
// body capture, and curl's failures turned into plain transport errors.
// libcurl is opened by the first request (curl_library.h), not at start.
#include "storage/s3/http_client.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "storage/s3/curl_library.h"

namespace neuralake::s3 {
namespace {

// One transfer's destination: the response, and the caller's buffer for a 206.
struct Transfer {
  HttpResponse* response;
  char* out = nullptr;  // HttpRequest::body_out
  size_t capacity = 0;
  int status = 0;  // of the last status line seen
  const std::function<bool(const HttpResponse&, std::string_view)>* sink = nullptr;  // HttpRequest::body_sink
};

// A 206 goes straight into the caller's buffer when it gave one; anything else
// is appended to the response body, sized once from Content-Length so a large
// body is not copied again each time the string grows.
size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  HttpResponse* response = t->response;
  const size_t len = size * n;
  if (t->sink && *t->sink && t->status / 100 == 2) {
    response->status = t->status;
    if (!(*t->sink)(*response, std::string_view(data, len))) return 0;  // aborts the transfer
    response->body_out_size += len;
    return len;
  }
  if (t->out && t->status == 206) {
    // Bytes beyond the buffer (more than the range asked for) are dropped; the
    // caller checks what it got against what it asked for.
    const size_t take = std::min(len, t->capacity - response->body_out_size);
    std::memcpy(t->out + response->body_out_size, data, take);
    response->body_out_size += take;
    return len;
  }
  if (response->body.empty()) {
    const std::string length = response->header("content-length");
    unsigned long long expected = 0;
    if (!length.empty() && std::sscanf(length.c_str(), "%llu", &expected) == 1 && expected <= (1ULL << 32))
      response->body.reserve(static_cast<size_t>(expected));
  }
  response->body.append(data, len);
  return len;
}

// Asked by libcurl about once a second, and as data moves: non-zero abandons the transfer.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  auto* t = static_cast<Transfer*>(user);
  HeaderList* headers = &t->response->headers;
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100-continue or a redirect)
    int status = 0;
    const size_t space = line.find(' ');
    if (space != std::string_view::npos && std::sscanf(std::string(line.substr(space + 1, 3)).c_str(), "%d", &status) == 1) {
      t->status = status;
    }
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  // A range of a zero-byte object has nothing to send; a server that still
  // announces a body would leave us waiting for bytes that never come.
  bool nothing_to_send = name == "content-range" && value.ends_with("/0");
  headers->emplace_back(std::move(name), std::string(value));
  return nothing_to_send ? 0 : size * n;
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t on_read(char* out, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t len = std::min(size * n, up->data.size() - up->offset);
  std::copy_n(up->data.data() + up->offset, len, out);
  up->offset += len;
  return len;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* up = static_cast<Upload*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > up->data.size()) return CURL_SEEKFUNC_FAIL;
  up->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {}

HttpClient::~HttpClient() {
  // A handle exists only once a request has opened libcurl.
  for (void* h : idle_) curl_library().easy_cleanup(static_cast<CURL*>(h));
}

size_t HttpClient::handles_created() const {
  std::lock_guard lock(mutex_);
  return created_;
}

size_t HttpClient::connections_opened() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

void* HttpClient::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
    ++created_;
  }
  return curl_library().easy_init();
}

void HttpClient::release(void* handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(handle);
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  const CurlLibrary& lib = curl_library();  // throws, naming the library, when it cannot be opened
  CURL* curl = static_cast<CURL*>(acquire());
  lib.easy_reset(curl);  // keeps the connection cache, drops the last request's options
  HttpResponse response;
  Transfer transfer{&response, request.body_out, request.body_out ? request.body_out_capacity : 0, 0, &request.body_sink};
  Upload upload{request.body, 0};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) headers = lib.slist_append(headers, (k + ": " + v).c_str());
  // curl adds these unless told not to; S3 does not want them.
  headers = lib.slist_append(headers, "Expect:");
  headers = lib.slist_append(headers, "Accept:");

  lib.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  lib.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  // "No progress for request_timeout": fewer than 1 byte/s for that long.
  lib.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(options_.request_timeout.count() / 1000)));
  lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  lib.easy_setopt(curl, CURLOPT_BUFFERSIZE, static_cast<long>(options_.receive_buffer));
  lib.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.cancel) {
    lib.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    lib.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    lib.easy_setopt(curl, CURLOPT_XFERINFODATA, request.cancel);
  }
  // Proxies come only from our settings, never from curl's own reading of the environment.
  const bool https = request.url.rfind("https://", 0) == 0;
  const std::string& proxy = https ? options_.https_proxy : options_.http_proxy;
  lib.easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  if (!options_.no_proxy.empty()) lib.easy_setopt(curl, CURLOPT_NOPROXY, options_.no_proxy.c_str());
  if (!options_.ca_bundle.empty()) lib.easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());

  if (request.method == "HEAD") {
    lib.easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    lib.easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method == "PUT" || request.method == "POST") {
      lib.easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      lib.easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
      lib.easy_setopt(curl, CURLOPT_READDATA, &upload);
      lib.easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
      lib.easy_setopt(curl, CURLOPT_SEEKDATA, &upload);
      lib.easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    lib.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = lib.easy_perform(curl);
  lib.slist_free_all(headers);
  long connects = 0;
  if (lib.easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
    std::lock_guard lock(mutex_);
    connections_ += static_cast<size_t>(connects);
  }
  if (rc != CURLE_OK) {
    response.transport_error = static_cast<int>(rc);
    response.transport_message = lib.easy_strerror(rc);
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.status = 0;
    response.body.clear();
    // A sink keeps what it took (the caller resumes after it); a buffer's bytes are void.
    if (!request.body_sink) response.body_out_size = 0;
  } else {
    long status = 0;
    lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
  }
  release(curl);
  return response;
}

}  // namespace neuralake::s3
