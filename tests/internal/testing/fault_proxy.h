// A fault-injecting HTTP proxy on 127.0.0.1 between our S3 client and a
// server: forwards requests, or answers with injected 5xx/SlowDown/403/412,
// delays, truncated bodies or connection resets; records what it saw.
//
// It honours "If-None-Match: *" on PUT itself (answering 412 when the object
// exists), atomically among the requests it forwards, so a server that
// ignores the header (the local s3rver) behaves like S3 behind it.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "storage/s3/http_client.h"
#include "testing/s3_loopback_server.h"

namespace neuralake::testing {

struct Fault {
  std::string method;  // only requests with this method ("" = any)
  std::string path_contains;  // only requests whose path holds this ("" = any)
  int times = 1;       // how many matching requests it hits
  // Answer without forwarding: an S3 error document with this status and code.
  int status = 0;
  std::string s3_code;
  // Forward, then damage the answer.
  long truncate_body_at = -1;
  std::chrono::milliseconds delay{0};
  bool reset = false;  // drop the connection instead of answering
  // Forward the request, then drop the connection instead of answering: the
  // server acted, the client never hears of it (a lost response).
  bool reset_after_forward = false;
};

class FaultProxy {
 public:
  // Forwards to `upstream` ("http://127.0.0.1:port"); a request in proxy form
  // (absolute URL, as sent through HTTP_PROXY) goes to its own URL instead,
  // unless `answer` handles it (a stand-in for hosts that do not exist).
  explicit FaultProxy(std::string upstream, LoopbackHttpServer::Handler answer = {})
      : upstream_(std::move(upstream)), answer_(std::move(answer)), server_([this](const HttpExchange& ex) { return handle(ex); }) {}

  std::string url() const { return server_.url(); }
  int port() const { return server_.port(); }
  void inject(Fault f) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(f));
  }
  void clear() {
    std::lock_guard lock(mutex_);
    faults_.clear();
  }
  std::vector<HttpExchange> seen() const { return server_.exchanges(); }
  size_t faults_fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
  }

 private:
  std::optional<Fault> take(const HttpExchange& ex) {
    std::lock_guard lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if (!it->method.empty() && it->method != ex.method) continue;
      if (!it->path_contains.empty() && ex.path().find(it->path_contains) == std::string::npos) continue;
      Fault f = *it;
      if (--it->times <= 0) faults_.erase(it);
      ++fired_;
      return f;
    }
    return std::nullopt;
  }

  HttpReply handle(const HttpExchange& ex) {
    std::optional<Fault> fault = take(ex);
    if (fault && fault->status) {
      HttpReply r;
      r.status = fault->status;
      r.headers.emplace_back("Content-Type", "application/xml");
      r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + fault->s3_code +
               "</Code><Message>injected by the fault proxy</Message></Error>";
      r.delay = fault->delay;
      return r;
    }
    if (fault && fault->reset) {
      HttpReply r;
      r.reset = true;
      return r;
    }
    HttpReply r = conditional(ex);
    if (fault && fault->reset_after_forward) {
      HttpReply lost;
      lost.reset = true;
      return lost;
    }
    if (fault) {
      r.truncate_body_at = fault->truncate_body_at;
      r.delay = fault->delay;
    }
    return r;
  }

  // A PUT with If-None-Match: * is forwarded only if the object is absent
  // (checked with a HEAD, both under one lock); otherwise 412, as S3 answers.
  HttpReply conditional(const HttpExchange& ex) {
    if (ex.method != "PUT" || ex.header("if-none-match") != "*") return forward(ex);
    std::lock_guard lock(conditional_mutex_);
    HttpExchange head = ex;
    head.method = "HEAD";
    head.body.clear();
    head.headers.erase("if-none-match");
    head.headers.erase("content-type");
    head.headers.erase("content-md5");
    head.target = ex.path();
    HttpReply exists = forward(head);
    if (exists.status == 200) {
      HttpReply r;
      r.status = 412;
      r.headers.emplace_back("Content-Type", "application/xml");
      r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code>"
               "<Message>At least one of the pre-conditions you specified did not hold</Message></Error>";
      return r;
    }
    return forward(ex);
  }

  HttpReply forward(const HttpExchange& ex) {
    const bool proxy_form = ex.target.rfind("http://", 0) == 0;
    if (proxy_form && answer_) return answer_(ex);
    s3::HttpRequest req;
    req.method = ex.method;
    req.url = proxy_form ? ex.target : upstream_ + ex.target;
    for (const auto& [k, v] : ex.headers) {
      if (k == "connection" || k == "proxy-connection" || k == "content-length" || k == "transfer-encoding" || k == "expect") continue;
      req.headers.emplace_back(k, v);
    }
    req.body = ex.body;
    s3::HttpResponse res = client_.perform(req);
    HttpReply r;
    if (res.transport_error) {
      r.status = 502;
      r.body = "upstream unreachable";
      return r;
    }
    r.status = res.status;
    for (const auto& [k, v] : res.headers) {
      if (k == "connection" || k == "keep-alive" || k == "transfer-encoding") continue;
      if (k == "content-length" && ex.method != "HEAD") continue;  // recomputed from the body
      r.headers.emplace_back(k, v);
    }
    r.body = std::move(res.body);
    return r;
  }

  std::string upstream_;
  LoopbackHttpServer::Handler answer_;
  s3::HttpClient client_;
  mutable std::mutex mutex_;
  std::mutex conditional_mutex_;
  std::deque<Fault> faults_;
  size_t fired_ = 0;
  LoopbackHttpServer server_;  // last: stops (joins its threads) before the rest is destroyed
};

}  // namespace neuralake::testing
