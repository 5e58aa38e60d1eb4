// Cancellation and time limits of a session's running queries.
#include "engine/running_query.h"

#include <atomic>
#include <set>

#include "duckdb/main/client_context.hpp"
#include "duckdb/main/client_context_state.hpp"
#include "engine/errors.h"

namespace neuralake::engine {

namespace {
// The key of a connection's CancelRequest among its client context states.
constexpr const char* kCancelKey = "neuralake_cancel_request";
}  // namespace

// A cancel request for the query on one connection. DuckDB resets a
// connection's interrupt flag when a query begins, so an interrupt sent just
// before that would be lost; the request is kept here and re-sent as each
// statement begins.
class CancelRequest : public duckdb::ClientContextState {
 public:
  void QueryBegin(duckdb::ClientContext& context) override {
    if (requested_.load()) context.Interrupt();
  }
  void request(duckdb::ClientContext& context) {
    requested_.store(true);
    context.Interrupt();
  }

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace neuralake::engine

namespace neuralake {

// The queries running with one CancelHandle (and its copies).
struct CancelHandle::State {
  std::mutex mu;
  std::set<engine::RunningQuery*> running;
};

CancelHandle::CancelHandle() : state_(std::make_shared<State>()) {}

void CancelHandle::cancel() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (auto* q : state_->running) q->cancel();
}

size_t CancelHandle::running() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->running.size();
}

}  // namespace neuralake

namespace neuralake::engine {

RunningQuery::RunningQuery(SessionState& st, duckdb::Connection& con, const QueryOptions& options)
    : st_(st),
      con_(con),
      cancel_(duckdb::make_shared_ptr<CancelRequest>()),
      timeout_(options.timeout.value_or(st.options.query_timeout)),
      own_timeout_(options.timeout.has_value()),
      handle_(options.cancel) {
  if (timeout_.count() < 0)
    throw Error(ErrorCode::InvalidArgument, "timeout", "a query's timeout must be 0 (no limit) or positive");
  con_.context->registered_state->Insert(kCancelKey, cancel_);
  {
    std::lock_guard<std::mutex> lock(st_.running_mu);
    st_.running.insert(&con_);
  }
  if (handle_) {
    std::lock_guard<std::mutex> lock(handle_->state()->mu);
    handle_->state()->running.insert(this);
  }
  if (timeout_.count() > 0) {
    watchdog_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, timeout_, [this] { return done_; })) {
        timed_out_ = true;
        cancel_->request(*con_.context);
      }
    });
  }
}

void RunningQuery::cancel() { cancel_->request(*con_.context); }

void RunningQuery::finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    done_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  if (handle_) {
    std::lock_guard<std::mutex> lock(handle_->state()->mu);
    handle_->state()->running.erase(this);
  }
  {
    std::lock_guard<std::mutex> lock(st_.running_mu);
    st_.running.erase(&con_);
  }
}

RunningQuery::~RunningQuery() {
  finish();
  con_.context->registered_state->Remove(kCancelKey);
}

bool RunningQuery::timed_out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timed_out_;
}

Error RunningQuery::error(const duckdb::ErrorData& e, const std::string& sql) const {
  // Only DuckDB's own interrupt means this query was stopped; a Cancelled or
  // Timeout error of ours thrown inside the query keeps its object.
  if (e.Type() != duckdb::ExceptionType::INTERRUPT || carried_error(e)) return translate_error(e, sql);
  if (timed_out()) {
    const std::string limit = std::to_string(timeout_.count()) + " ms";
    if (own_timeout_) return Error(ErrorCode::Timeout, "timeout", "query exceeded its timeout of " + limit);
    return Error(ErrorCode::Timeout, "query_timeout", "query exceeded query_timeout of " + limit);
  }
  return Error(ErrorCode::Cancelled, "query", "query was cancelled");
}

void interrupt_running_queries(SessionState& st) {
  std::lock_guard<std::mutex> lock(st.running_mu);
  for (auto* con : st.running) {
    auto request = con->context->registered_state->Get<CancelRequest>(kCancelKey);
    if (request) request->request(*con->context);
  }
}

}  // namespace neuralake::engine
