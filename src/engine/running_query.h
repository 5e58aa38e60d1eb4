// The queries a session is running: what Session::interrupt() and the
// session's query_timeout cancel.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "duckdb.hpp"
#include "engine/session_state.h"
#include "neuralake/error.h"

namespace neuralake::engine {

class CancelRequest;

// A query on `con` that counts as running in its session from construction
// to destruction: interrupt_running_queries() and the session's timeout
// cancel it during that time, and only then. A cancel request stays until the
// query ends and is applied again whenever the engine begins a statement on
// the connection (DuckDB clears a connection's interrupt flag as a query
// begins), so a cancel that lands after construction but before the engine
// has started the statement still cancels it.
class RunningQuery {
 public:
  RunningQuery(SessionState& st, duckdb::Connection& con);
  ~RunningQuery();
  RunningQuery(const RunningQuery&) = delete;
  RunningQuery& operator=(const RunningQuery&) = delete;

  // The neuralake::Error for what the query failed with: Timeout when the
  // session's query_timeout interrupted it, Cancelled when interrupt() did.
  Error error(const duckdb::ErrorData& e, const std::string& sql) const;

 private:
  bool timed_out() const;

  SessionState& st_;
  duckdb::Connection& con_;
  duckdb::shared_ptr<CancelRequest> cancel_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool timed_out_ = false;
  std::thread watchdog_;
};

// Cancels every query of `st` running at this moment; a query that starts
// later is not affected.
void interrupt_running_queries(SessionState& st);

}  // namespace neuralake::engine
