#include "engine/frame_collector.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <utility>

#include "duckdb/execution/operator/helper/physical_result_collector.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/prepared_statement_data.hpp"
#include "engine/conversion.h"
#include "frame/series_append.h"

namespace neuralake::engine {

using namespace duckdb;

namespace {

// How the rows of the plan below must be ordered, as DuckDB's own choice of
// collector decides it.
enum class RowOrder {
  any,          // no order to keep: threads hand rows over as they fill
  one_thread,   // an order, but no batch indexes: the sink runs on one thread
  batch_index,  // an order, kept by the sources' batch indexes
};

// The rows of a finished query.
class FrameQueryResult : public QueryResult {
 public:
  FrameQueryResult(StatementType statement_type, StatementProperties properties, vector<LogicalType> types,
                   vector<string> names, ClientProperties client_properties, std::vector<Series> columns)
      : QueryResult(QueryResultType::MATERIALIZED_RESULT, statement_type, std::move(properties), std::move(types),
                    std::move(names), std::move(client_properties)),
        columns_(std::move(columns)) {}

  std::vector<Series> take() { return std::move(columns_); }

  // The rows are only handed over whole (take()); DuckDB's chunk interface
  // has nothing to give.
  unique_ptr<DataChunk> FetchRaw() override { return nullptr; }
  string ToString() override { return "FrameQueryResult"; }

 private:
  std::vector<Series> columns_;
};

// Rows converted by one thread and not yet handed over.
struct Piece {
  std::vector<Series> columns;
  size_t rows = 0;
};

class FrameSinkGlobal : public GlobalSinkState {
 public:
  explicit FrameSinkGlobal(std::vector<Series> rows_p) : rows(std::move(rows_p)) {}

  std::mutex lock;
  std::vector<Series> rows;                 // in order
  std::map<idx_t, Piece> finished_batches;  // batch_index order: finished, not yet in `rows`
  std::vector<Piece> spare;                 // emptied pieces, their buffers kept for reuse
  unique_ptr<QueryResult> result;
};

class FrameSinkLocal : public LocalSinkState {
 public:
  Piece piece;
  optional_idx batch;  // the batch `piece` holds (batch_index order)
};

// Pieces of the unordered modes are handed over at this many rows, so a
// thread's piece stays small while the lock is rarely taken.
constexpr size_t kHandOverRows = 16 * STANDARD_VECTOR_SIZE;

// The most cells (rows x columns) the frame is sized for up front from the
// planner's estimate: 8 bytes each, 1 GiB of address space.
constexpr idx_t kReserveCells = idx_t{1} << 27;

class FrameCollector : public PhysicalResultCollector {
 public:
  FrameCollector(PhysicalPlan& physical_plan, PreparedStatementData& data, RowOrder order)
      : PhysicalResultCollector(physical_plan, data), order_(order) {}

  unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext&) const override {
    auto rows = empty_columns(names, types);
    // Sized for the planner's estimate of the rows, where it is modest: the
    // frame then never regrows (each regrowth copies it onto fresh pages).
    // Pages reserved but never written take no memory.
    // Where the address space is short, the frame simply grows instead.
    const idx_t estimate = plan.estimated_cardinality;
    if (estimate > 0 && estimate <= kReserveCells / std::max<size_t>(rows.size(), 1)) {
      try {
        for (auto& column : rows)
          if (!std::holds_alternative<std::vector<Value>>(column.storage())) column.reserve(estimate);
      } catch (const std::bad_alloc&) {
        rows = empty_columns(names, types);
      }
    }
    return make_uniq<FrameSinkGlobal>(std::move(rows));
  }
  unique_ptr<LocalSinkState> GetLocalSinkState(ExecutionContext&) const override {
    return make_uniq<FrameSinkLocal>();
  }
  bool ParallelSink() const override { return order_ != RowOrder::one_thread; }
  bool SinkOrderDependent() const override { return order_ == RowOrder::one_thread; }
  OperatorPartitionInfo RequiredPartitionInfo() const override {
    return order_ == RowOrder::batch_index ? OperatorPartitionInfo::BatchIndex()
                                           : OperatorPartitionInfo::NoPartitionInfo();
  }

  SinkResultType Sink(ExecutionContext&, DataChunk& chunk, OperatorSinkInput& input) const override {
    auto& local = input.local_state.Cast<FrameSinkLocal>();
    auto& global = input.global_state.Cast<FrameSinkGlobal>();
    if (order_ == RowOrder::batch_index) {
      const idx_t batch = local.partition_info.batch_index.GetIndex();
      // NextBatch() hands a finished batch over; this covers a source that
      // moves on without announcing it.
      if (local.batch.IsValid() && local.batch.GetIndex() != batch) hand_over_batch(global, local);
      local.batch = batch;
    }
    if (local.piece.columns.empty()) local.piece = new_piece(global);
    append_chunk(chunk, types, local.piece.columns);
    local.piece.rows += chunk.size();
    if (order_ != RowOrder::batch_index && local.piece.rows >= kHandOverRows) hand_over_rows(global, local.piece);
    return SinkResultType::NEED_MORE_INPUT;
  }

  SinkNextBatchType NextBatch(ExecutionContext&, OperatorSinkNextBatchInput& input) const override {
    auto& local = input.local_state.Cast<FrameSinkLocal>();
    if (order_ == RowOrder::batch_index && local.batch.IsValid())
      hand_over_batch(input.global_state.Cast<FrameSinkGlobal>(), local);
    return SinkNextBatchType::READY;
  }

  SinkCombineResultType Combine(ExecutionContext&, OperatorSinkCombineInput& input) const override {
    auto& local = input.local_state.Cast<FrameSinkLocal>();
    auto& global = input.global_state.Cast<FrameSinkGlobal>();
    if (order_ == RowOrder::batch_index) {
      if (local.batch.IsValid()) hand_over_batch(global, local);
    } else if (local.piece.rows > 0) {
      hand_over_rows(global, local.piece);
    }
    return SinkCombineResultType::FINISHED;
  }

  SinkFinalizeType Finalize(Pipeline&, Event&, ClientContext& context, OperatorSinkFinalizeInput& input) const override {
    auto& global = input.global_state.Cast<FrameSinkGlobal>();
    std::lock_guard<std::mutex> guard(global.lock);
    for (auto& [batch, piece] : global.finished_batches) append_rows(global, piece);
    global.finished_batches.clear();
    global.spare.clear();
    global.result = make_uniq<FrameQueryResult>(statement_type, properties, types, names,
                                                context.GetClientProperties(), std::move(global.rows));
    return SinkFinalizeType::READY;
  }

  unique_ptr<QueryResult> GetResult(GlobalSinkState& state) override {
    auto& global = state.Cast<FrameSinkGlobal>();
    D_ASSERT(global.result);
    return std::move(global.result);
  }

 private:
  // An empty piece: a spare one, whose buffers are already mapped, if any.
  Piece new_piece(FrameSinkGlobal& global) const {
    {
      std::lock_guard<std::mutex> guard(global.lock);
      if (!global.spare.empty()) {
        Piece piece = std::move(global.spare.back());
        global.spare.pop_back();
        return piece;
      }
    }
    return Piece{empty_columns(names, types), 0};
  }

  // Appends `piece` to the rows collected so far (the caller holds the
  // lock) and empties it, keeping its buffers.
  static void append_rows(FrameSinkGlobal& global, Piece& piece) {
    if (piece.rows == 0) return;
    for (size_t c = 0; c < global.rows.size(); ++c) detail::append_values(global.rows[c], piece.columns[c]);
    for (auto& column : piece.columns) clear_series(column);
    piece.rows = 0;
  }

  // Empties `series`, keeping its buffers.
  static void clear_series(Series& series) {
    std::visit([](auto& data) { data.clear(); }, series.mutable_storage());
    series.mutable_validity().clear();
  }

  // Unordered modes: the piece joins the rows at once, and is kept.
  static void hand_over_rows(FrameSinkGlobal& global, Piece& piece) {
    std::lock_guard<std::mutex> guard(global.lock);
    append_rows(global, piece);
  }

  // Batch order: the local piece is one finished batch. It waits with the
  // other finished batches until no thread reads a lower batch; then all
  // finished batches below the lowest one still read join the rows, in
  // order. The lowest batch still read is the one the pipeline last told
  // this thread: it only grows, and a thread hands its batch over before the
  // pipeline counts it as done, so every batch below it is here.
  static void hand_over_batch(FrameSinkGlobal& global, FrameSinkLocal& local) {
    const idx_t batch = local.batch.GetIndex();
    local.batch = optional_idx();
    const auto& lowest_read = local.partition_info.min_batch_index;
    std::lock_guard<std::mutex> guard(global.lock);
    if (local.piece.rows > 0) global.finished_batches.emplace(batch, std::exchange(local.piece, Piece{}));
    if (!lowest_read.IsValid()) return;
    auto it = global.finished_batches.begin();
    while (it != global.finished_batches.end() && it->first < lowest_read.GetIndex()) {
      append_rows(global, it->second);
      global.spare.push_back(std::move(it->second));
      it = global.finished_batches.erase(it);
    }
  }

  RowOrder order_;
};

PhysicalOperator& make_frame_collector(ClientContext& context, PreparedStatementData& data) {
  auto& plan = data.physical_plan->Root();
  RowOrder order = RowOrder::batch_index;
  if (!PhysicalPlanGenerator::PreserveInsertionOrder(context, plan)) order = RowOrder::any;
  else if (!PhysicalPlanGenerator::UseBatchIndex(context, plan)) order = RowOrder::one_thread;
  return data.physical_plan->Make<FrameCollector>(data, order);
}

}  // namespace

unique_ptr<QueryResult> query_into_frame(ClientContext& context, const std::string& sql) {
  auto& config = ClientConfig::GetConfig(context);
  auto previous = std::exchange(config.get_result_collector, make_frame_collector);
  try {
    auto result = context.Query(sql, /*allow_stream_result=*/false);
    config.get_result_collector = std::move(previous);
    return result;
  } catch (...) {
    config.get_result_collector = std::move(previous);
    throw;
  }
}

std::optional<std::vector<Series>> take_frame_columns(QueryResult& result) {
  auto* frame = dynamic_cast<FrameQueryResult*>(&result);
  if (!frame) return std::nullopt;
  return frame->take();
}

}  // namespace neuralake::engine
