// Per-query control: a cancel handle, a time limit, and results read batch by
// batch (ResultStream) instead of collected whole.
//
//   neuralake::CancelHandle cancel;
//   auto stream = session.stream("SELECT * FROM sales.orders", {.cancel = cancel});
//   while (auto batch = stream.next()) consume(*batch);   // cancel.cancel() from any thread stops it
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "neuralake/data_frame.h"
#include "neuralake/types.h"

struct ArrowArrayStream;

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// Cancels the queries started with it. Copies share one handle, so a copy
// given to another thread cancels the same queries. cancel() stops every
// query running with this handle at the moment of the call: they throw
// Cancelled. Like Session::interrupt(), nothing stays pending: a query started
// with the handle after cancel() runs normally, and cancel() with no query
// running does nothing. A query counts as running from the call that starts
// it until it returns (sql(), execute(), collect()) or, for a stream, until
// the stream has given its last batch or is destroyed.
class CancelHandle {
 public:
  CancelHandle();
  void cancel() const;
  // How many of its queries are running now (for monitoring and tests).
  size_t running() const;

  struct State;  // the engine's bookkeeping
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  std::shared_ptr<State> state_;
};

struct QueryOptions {
  // Overrides SessionOptions::query_timeout for this query: a query running
  // longer throws Timeout. 0: no limit. Unset: the session's limit. A
  // stream's time runs from its start until its last batch has been read.
  std::optional<std::chrono::milliseconds> timeout;
  // Cancels this query when cancelled (see CancelHandle).
  std::optional<CancelHandle> cancel;
  // Rows per batch of a ResultStream (rounded up to the engine's vector size,
  // 2,048 rows); 0: the engine's own chunks.
  size_t batch_rows = 0;
};

// A query's result read batch by batch: memory stays bounded by a few
// batches whatever the result's size. Move-only; not for use from several
// threads at once, except cancel(). The session must outlive the stream.
class ResultStream {
 public:
  ResultStream(ResultStream&&) noexcept;
  ResultStream& operator=(ResultStream&&) noexcept;
  ~ResultStream();  // cancels the query if it is still running

  // Column names and types of every batch.
  const Schema& schema() const;
  // The next batch (at least one row), or std::nullopt once the result is
  // exhausted. Throws what Session::sql() throws: InvalidArgument for an
  // error found while running, Cancelled, Timeout.
  std::optional<DataFrame> next();
  // Rows given so far.
  size_t rows_read() const;
  // Stops the query; the next call to next() throws Cancelled. Safe from any thread.
  void cancel();
  // Hands the rest of the result to an Arrow C stream, which then owns the
  // query (releasing it cancels the query). This object is left empty.
  void to_arrow(ArrowArrayStream* out) &&;

  struct Impl;
  explicit ResultStream(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace neuralake
#pragma GCC visibility pop
