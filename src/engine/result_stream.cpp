// ResultStream: a query's result pulled chunk by chunk from the engine's
// streaming result, as DataFrame batches or through the Arrow C stream
// interface, in memory bounded by a batch.
#include <algorithm>

#include "duckdb/common/arrow/arrow.hpp"
#include "duckdb/common/arrow/arrow_appender.hpp"
#include "duckdb/common/arrow/arrow_converter.hpp"
#include "engine/arrow_export.h"
#include "engine/conversion.h"
#include "engine/engine.h"
#include "engine/errors.h"
#include "engine/running_query.h"
#include "engine/session_state.h"
#include "neuralake/error.h"
#include "neuralake/query.h"

namespace neuralake {

struct ResultStream::Impl {
  std::shared_ptr<SessionState> state;  // the database the connection belongs to
  std::string sql;
  std::unique_ptr<duckdb::Connection> con;
  std::unique_ptr<engine::RunningQuery> running;
  duckdb::unique_ptr<duckdb::QueryResult> result;
  Schema schema;
  size_t batch_rows = 0;
  size_t rows_read = 0;
  bool exhausted = false;

  ~Impl() {
    // Drop the result before the query's bookkeeping and the connection.
    result.reset();
    running.reset();
    con.reset();
  }

  // The next chunk with rows, or null at the end. Throws neuralake::Error.
  duckdb::unique_ptr<duckdb::DataChunk> fetch() {
    if (exhausted) return nullptr;
    duckdb::unique_ptr<duckdb::DataChunk> chunk;
    try {
      chunk = result->Fetch();
    } catch (const Error&) {
      finish();
      throw;
    } catch (const std::exception& e) {
      finish();
      throw running->error(duckdb::ErrorData(e), sql);
    }
    if (result->HasError()) {
      auto error = running->error(result->GetErrorObject(), sql);
      finish();
      throw error;
    }
    if (!chunk || chunk->size() == 0) {
      finish();
      return nullptr;
    }
    rows_read += chunk->size();
    return chunk;
  }

  // The query stops counting as running: its time limit and cancels no longer apply.
  void finish() {
    exhausted = true;
    if (running) running->finish();
  }

  // Whole engine chunks until `batch_rows` rows, at least one chunk.
  template <class Sink>
  bool next_batch(Sink&& sink) {
    auto chunk = fetch();
    if (!chunk) return false;
    size_t rows = 0;
    while (chunk) {
      rows += chunk->size();
      sink(*chunk);
      if (rows >= batch_rows) break;
      chunk = fetch();
    }
    return true;
  }
};

namespace {

// The Arrow C stream's source over a ResultStream's engine result: each
// array is built straight from the engine's chunks (no DataFrame in between).
struct ArrowResultSource {
  std::unique_ptr<ResultStream::Impl> impl;

  void schema(ArrowSchema* out) {
    auto props = impl->con->context->GetClientProperties();
    duckdb::ArrowConverter::ToArrowSchema(out, impl->result->types, impl->result->names, props);
  }
  bool next(ArrowArray* out) {
    auto props = impl->con->context->GetClientProperties();
    duckdb::unordered_map<duckdb::idx_t, const duckdb::shared_ptr<duckdb::ArrowTypeExtensionData>> none;
    std::unique_ptr<duckdb::ArrowAppender> appender;
    bool any = impl->next_batch([&](duckdb::DataChunk& chunk) {
      if (!appender)
        appender = std::make_unique<duckdb::ArrowAppender>(impl->result->types,
                                                           std::max<size_t>(impl->batch_rows, chunk.size()), props, none);
      appender->Append(chunk, 0, chunk.size(), chunk.size());
    });
    if (!any) return false;
    *out = appender->Finalize();
    return true;
  }
};

}  // namespace

ResultStream::ResultStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultStream::ResultStream(ResultStream&&) noexcept = default;
ResultStream& ResultStream::operator=(ResultStream&&) noexcept = default;
ResultStream::~ResultStream() = default;

static ResultStream::Impl& live(const std::unique_ptr<ResultStream::Impl>& impl) {
  if (!impl) throw Error(ErrorCode::InvalidArgument, "stream", "this result stream was moved or handed to Arrow");
  return *impl;
}

const Schema& ResultStream::schema() const { return live(impl_).schema; }

size_t ResultStream::rows_read() const { return live(impl_).rows_read; }

void ResultStream::cancel() {
  auto& impl = live(impl_);
  if (impl.running) impl.running->cancel();
}

std::optional<DataFrame> ResultStream::next() {
  auto& impl = live(impl_);
  auto columns = engine::empty_columns(impl.result->names, impl.result->types);
  bool any = impl.next_batch([&](duckdb::DataChunk& chunk) { engine::append_chunk(chunk, impl.result->types, columns); });
  if (!any) return std::nullopt;
  return DataFrame::from_columns(std::move(columns));
}

void ResultStream::to_arrow(ArrowArrayStream* out) && {
  if (!out) throw Error(ErrorCode::InvalidArgument, "to_arrow", "to_arrow() needs a stream to fill");
  live(impl_);
  auto source = std::make_unique<ArrowResultSource>();
  source->impl = std::move(impl_);
  engine::make_arrow_stream(std::move(source), out);
}

namespace engine {

// Rows per batch when the caller does not say: large enough that per-batch
// costs vanish, small enough that a batch of wide rows stays a few MB.
constexpr size_t kDefaultBatchRows = 65536;

ResultStream stream_query(const std::shared_ptr<SessionState>& state, const std::string& sql,
                          const QueryOptions& options) {
  auto impl = std::make_unique<ResultStream::Impl>();
  impl->state = state;
  impl->sql = sql;
  impl->batch_rows = options.batch_rows ? options.batch_rows : kDefaultBatchRows;
  impl->con = std::make_unique<duckdb::Connection>(*state->db);
  impl->running = std::make_unique<RunningQuery>(*state, *impl->con, options);
  try {
    impl->result = impl->con->SendQuery(sql);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw impl->running->error(duckdb::ErrorData(e), sql);
  }
  if (impl->result->HasError()) throw impl->running->error(impl->result->GetErrorObject(), sql);
  impl->schema = schema_of(impl->result->names, impl->result->types);
  return ResultStream(std::move(impl));
}

}  // namespace engine

}  // namespace neuralake
