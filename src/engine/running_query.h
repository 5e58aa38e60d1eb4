// The queries a session is running: what Session::interrupt(), a query's
// CancelHandle and its time limit cancel.
#pragma once

#include <chrono>
#include <condition_variable>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "duckdb.hpp"
#include "engine/session_state.h"
#include "neuralake/error.h"
#include "neuralake/query.h"

namespace neuralake::engine {

class CancelRequest;

// A query on `con` that counts as running in its session from construction
// to destruction: interrupt_running_queries(), its cancel handle and its
// time limit (QueryOptions::timeout, else the session's query_timeout)
// cancel it during that time, and only then. A cancel request stays until the
// query ends and is applied again whenever the engine begins a statement on
// the connection (DuckDB clears a connection's interrupt flag as a query
// begins), so a cancel that lands after construction but before the engine
// has started the statement still cancels it.
class RunningQuery {
 public:
  RunningQuery(SessionState& st, duckdb::Connection& con, const QueryOptions& options = {});
  ~RunningQuery();
  RunningQuery(const RunningQuery&) = delete;
  RunningQuery& operator=(const RunningQuery&) = delete;

  // The neuralake::Error for what the query failed with: Timeout when its
  // time limit interrupted it, Cancelled when interrupt() or a cancel did.
  Error error(const duckdb::ErrorData& e, const std::string& sql) const;
  // Asks the engine to stop this query (from any thread).
  void cancel();
  // Ends the query's running time early (a stream that gave its last batch):
  // from now on nothing cancels it. Idempotent; the destructor calls it.
  void finish();

 private:
  bool timed_out() const;

  SessionState& st_;
  duckdb::Connection& con_;
  duckdb::shared_ptr<CancelRequest> cancel_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool finished_ = false;
  bool timed_out_ = false;
  std::chrono::milliseconds timeout_{0};
  bool own_timeout_ = false;  // QueryOptions::timeout set it, not the session
  std::optional<CancelHandle> handle_;
  std::thread watchdog_;
};

// Cancels every query of `st` running at this moment; a query that starts
// later is not affected.
void interrupt_running_queries(SessionState& st);

}  // namespace neuralake::engine
