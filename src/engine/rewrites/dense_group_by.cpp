#include "engine/rewrites/dense_group_by.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "duckdb/common/row_operations/row_operations.hpp"
#include "duckdb/common/types/row/tuple_data_layout.hpp"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/execution/operator/aggregate/aggregate_object.hpp"
#include "duckdb/execution/physical_operator.hpp"
#include "duckdb/execution/physical_plan_generator.hpp"
#include "duckdb/planner/expression/bound_aggregate_expression.hpp"
#include "duckdb/planner/operator/logical_extension_operator.hpp"
#include "engine/rewrites/column_stats.h"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

const char* const kName = "NL_DENSE_GROUP_BY";
constexpr uint64_t kBlockShift = 11;
static_assert(kDenseBlockKeys == uint64_t(1) << kBlockShift);
static_assert(kDenseBlockKeys <= STANDARD_VECTOR_SIZE, "a block is combined in one vector");

// A block holds kDenseBlockKeys "has rows" flags, then one row of aggregate
// states per key (all initialized when the block is made).
constexpr uint64_t kFlagsBytes = kDenseBlockKeys;

// The groups of one thread, or of all threads once combined.
class DenseTable {
 public:
  DenseTable(shared_ptr<TupleDataLayout> layout, Allocator& allocator, DenseKeyRange range)
      : layout_(std::move(layout)),
        allocator_(allocator),
        range_(range),
        tuple_size_(layout_->GetRowWidth()),
        blocks_((range.slots + kDenseBlockKeys - 1) >> kBlockShift, nullptr),
        arena_(make_uniq<ArenaAllocator>(allocator)),
        addresses_(LogicalType::POINTER) {}

  ~DenseTable() {
    if (layout_->HasDestructor()) {
      for (auto* block : blocks_)
        if (block) destroy(states_of(block), kDenseBlockKeys, tuple_size_);
      for (auto& [key, state] : outside_) destroy(state, 1, 0);
      if (null_state_) destroy(null_state_, 1, 0);
    }
    for (auto* block : blocks_) std::free(block);
  }
  DenseTable(const DenseTable&) = delete;
  DenseTable& operator=(const DenseTable&) = delete;

  // The state row of `key` (already widened to int64), marked as having rows.
  data_ptr_t state_of(int64_t key) {
    const uint64_t offset = uint64_t(key) - uint64_t(range_.lo);
    if (offset >= range_.slots) return outside_state(key);
    auto*& block = blocks_[offset >> kBlockShift];
    if (!block) block = make_block();
    const uint64_t slot = offset & (kDenseBlockKeys - 1);
    block[slot] = 1;
    return states_of(block) + slot * tuple_size_;
  }

  data_ptr_t null_state() {
    if (!null_state_) null_state_ = make_single_state();
    return null_state_;
  }

  // Moves `other`'s groups into this table: whole blocks where this one has
  // none, else combining state by state.
  void absorb(DenseTable& other) {
    RowOperationsState row_state(*arena_);
    Vector sources(LogicalType::POINTER), targets(LogicalType::POINTER);
    auto* src = FlatVector::GetData<data_ptr_t>(sources);
    auto* dst = FlatVector::GetData<data_ptr_t>(targets);
    for (size_t b = 0; b < blocks_.size(); b++) {
      auto*& from = other.blocks_[b];
      if (!from) continue;
      auto*& to = blocks_[b];
      if (!to) {
        to = from;
        from = nullptr;
        continue;
      }
      idx_t n = 0;
      for (uint64_t slot = 0; slot < kDenseBlockKeys; slot++) {
        if (!from[slot]) continue;
        to[slot] = 1;
        src[n] = states_of(from) + slot * tuple_size_;
        dst[n] = states_of(to) + slot * tuple_size_;
        n++;
      }
      RowOperations::CombineStates(row_state, *layout_, sources, targets, n);
    }
    idx_t n = 0;
    auto flush = [&] {
      RowOperations::CombineStates(row_state, *layout_, sources, targets, n);
      n = 0;
    };
    auto merge_single = [&](data_ptr_t from, data_ptr_t& to) {
      if (!to) {
        to = make_single_state();
      }
      src[n] = from;
      dst[n] = to;
      if (++n == STANDARD_VECTOR_SIZE) flush();
    };
    for (auto& [key, state] : other.outside_) merge_single(state, outside_[key]);
    if (other.null_state_) merge_single(other.null_state_, null_state_);
    flush();
    // States may point into the other table's arena (strings, lists): keep it.
    stored_arenas_.push_back(std::move(other.arena_));
    other.arena_ = make_uniq<ArenaAllocator>(allocator_);
  }

  // Where a scan of the groups stands: keys of the range in order, then keys
  // outside it, then NULL.
  struct Cursor {
    uint64_t offset = 0;
    std::vector<std::pair<int64_t, data_ptr_t>> outside;
    size_t outside_next = 0;
    bool outside_listed = false;
    bool null_done = false;
  };

  // Puts up to `capacity` groups into keys/addresses; returns how many, with
  // `is_null` set for the NULL group's position (at most one).
  idx_t scan(Cursor& cursor, idx_t capacity, int64_t* keys, data_ptr_t* addresses, idx_t& null_position) const {
    idx_t n = 0;
    null_position = DConstants::INVALID_INDEX;
    while (n < capacity && cursor.offset < range_.slots) {
      auto* block = blocks_[cursor.offset >> kBlockShift];
      if (!block) {
        cursor.offset = ((cursor.offset >> kBlockShift) + 1) << kBlockShift;
        continue;
      }
      const uint64_t slot = cursor.offset & (kDenseBlockKeys - 1);
      if (block[slot]) {
        keys[n] = int64_t(uint64_t(range_.lo) + cursor.offset);
        addresses[n] = states_of(block) + slot * tuple_size_;
        n++;
      }
      cursor.offset++;
    }
    if (n < capacity && !cursor.outside_listed) {
      cursor.outside.assign(outside_.begin(), outside_.end());
      cursor.outside_listed = true;
    }
    while (n < capacity && cursor.outside_next < cursor.outside.size()) {
      keys[n] = cursor.outside[cursor.outside_next].first;
      addresses[n] = cursor.outside[cursor.outside_next].second;
      cursor.outside_next++;
      n++;
    }
    if (n < capacity && !cursor.null_done) {
      cursor.null_done = true;
      if (null_state_) {
        keys[n] = 0;
        addresses[n] = null_state_;
        null_position = n;
        n++;
      }
    }
    return n;
  }

  TupleDataLayout& layout() const { return *layout_; }
  ArenaAllocator& arena() { return *arena_; }

 private:
  static data_ptr_t states_of(data_ptr_t block) { return block + kFlagsBytes; }

  data_ptr_t make_block() {
    const size_t bytes = kFlagsBytes + kDenseBlockKeys * tuple_size_;
    auto* block = static_cast<data_ptr_t>(std::malloc(bytes));
    if (!block) throw OutOfMemoryException("%s: cannot allocate a block of %llu bytes", kName, uint64_t(bytes));
    std::memset(block, 0, kFlagsBytes);
    auto* rows = FlatVector::GetData<data_ptr_t>(addresses_);
    for (uint64_t i = 0; i < kDenseBlockKeys; i++) rows[i] = states_of(block) + i * tuple_size_;
    RowOperations::InitializeStates(*layout_, addresses_, *FlatVector::IncrementalSelectionVector(), kDenseBlockKeys);
    return block;
  }

  data_ptr_t make_single_state() {
    auto state = arena_->AllocateAligned(tuple_size_);
    FlatVector::GetData<data_ptr_t>(addresses_)[0] = state;
    RowOperations::InitializeStates(*layout_, addresses_, *FlatVector::IncrementalSelectionVector(), 1);
    return state;
  }

  data_ptr_t outside_state(int64_t key) {
    auto& state = outside_[key];
    if (!state) state = make_single_state();
    return state;
  }

  // Runs the aggregates' destructors on `count` rows `stride` apart from `first`.
  void destroy(data_ptr_t first, idx_t count, idx_t stride) {
    RowOperationsState row_state(*arena_);
    Vector rows(LogicalType::POINTER);
    auto* p = FlatVector::GetData<data_ptr_t>(rows);
    for (idx_t i = 0; i < count; i++) p[i] = first + i * stride;
    RowOperations::DestroyStates(row_state, *layout_, rows, count);
  }

  shared_ptr<TupleDataLayout> layout_;
  Allocator& allocator_;
  DenseKeyRange range_;
  idx_t tuple_size_;
  std::vector<data_ptr_t> blocks_;
  std::unordered_map<int64_t, data_ptr_t> outside_;
  data_ptr_t null_state_ = nullptr;
  unique_ptr<ArenaAllocator> arena_;
  std::vector<unique_ptr<ArenaAllocator>> stored_arenas_;
  Vector addresses_;  // scratch for initializing states
};

template <class T>
void locate_keys(DenseTable& table, UnifiedVectorFormat& keys, idx_t count, data_ptr_t* addresses) {
  const auto* data = UnifiedVectorFormat::GetData<T>(keys);
  if (keys.validity.AllValid()) {
    for (idx_t i = 0; i < count; i++) addresses[i] = table.state_of(int64_t(data[keys.sel->get_index(i)]));
    return;
  }
  for (idx_t i = 0; i < count; i++) {
    const idx_t row = keys.sel->get_index(i);
    addresses[i] = keys.validity.RowIsValid(row) ? table.state_of(int64_t(data[row])) : table.null_state();
  }
}

template <class T>
void write_keys(Vector& out, const int64_t* keys, idx_t count, idx_t null_position) {
  auto* data = FlatVector::GetData<T>(out);
  for (idx_t i = 0; i < count; i++) data[i] = T(keys[i]);
  if (null_position != DConstants::INVALID_INDEX) FlatVector::SetNull(out, null_position, true);
}

// Calls f(T{}) with the C++ type a dense key is stored as.
template <class F>
void with_key_type(const LogicalType& type, F&& f) {
  if (!dense_key_type(type) || !with_integer_type(type.InternalType(), f))
    throw InternalException("%s: unsupported key type %s", kName, type.ToString());
}

class DenseGlobalSinkState : public GlobalSinkState {
 public:
  explicit DenseGlobalSinkState(unique_ptr<DenseTable> table) : table(std::move(table)) {}
  std::mutex lock;
  unique_ptr<DenseTable> table;
};

class DenseLocalSinkState : public LocalSinkState {
 public:
  DenseLocalSinkState(ClientContext& context, unique_ptr<DenseTable> table, const Expression& key,
                      const vector<unique_ptr<Expression>>& inputs, const vector<LogicalType>& input_types)
      : table(std::move(table)), key_executor(context, key), input_executor(context), addresses(LogicalType::POINTER) {
    key_chunk.Initialize(Allocator::Get(context), {key.return_type});
    for (auto& e : inputs) input_executor.AddExpression(*e);
    if (!input_types.empty()) inputs_chunk.Initialize(Allocator::Get(context), input_types);
  }
  unique_ptr<DenseTable> table;
  ExpressionExecutor key_executor;
  ExpressionExecutor input_executor;
  DataChunk key_chunk;
  DataChunk inputs_chunk;
  Vector addresses;
};

class DenseSourceState : public GlobalSourceState {
 public:
  DenseTable::Cursor cursor;
};

class PhysicalDenseGroupBy : public PhysicalOperator {
 public:
  PhysicalDenseGroupBy(PhysicalPlan& plan, vector<LogicalType> types, unique_ptr<Expression> key,
                       vector<unique_ptr<Expression>> aggregates, DenseKeyRange range, idx_t estimated_cardinality)
      : PhysicalOperator(plan, PhysicalOperatorType::EXTENSION, std::move(types), estimated_cardinality),
        key_(std::move(key)),
        aggregates_(std::move(aggregates)),
        range_(range),
        layout_(make_shared_ptr<TupleDataLayout>()) {
    vector<BoundAggregateExpression*> bindings;
    for (auto& e : aggregates_) {
      auto& aggr = e->Cast<BoundAggregateExpression>();
      bindings.push_back(&aggr);
      for (auto& child : aggr.children) {
        inputs_.push_back(child->Copy());
        input_types_.push_back(child->return_type);
      }
    }
    layout_->Initialize(AggregateObject::CreateAggregateObjects(bindings));
  }

  string GetName() const override { return kName; }

  InsertionOrderPreservingMap<string> ParamsToString() const override {
    InsertionOrderPreservingMap<string> result;
    result["Groups"] = key_->GetName();
    string aggregates;
    for (auto& e : aggregates_) aggregates += (aggregates.empty() ? "" : "\n") + e->GetName();
    result["Aggregates"] = aggregates;
    result["Key range"] = to_string(range_);
    SetEstimatedCardinality(result, estimated_cardinality);
    return result;
  }

  // --- sink -------------------------------------------------------------------
  bool IsSink() const override { return true; }
  bool ParallelSink() const override { return true; }

  unique_ptr<GlobalSinkState> GetGlobalSinkState(ClientContext& context) const override {
    return make_uniq<DenseGlobalSinkState>(make_table(context));
  }
  unique_ptr<LocalSinkState> GetLocalSinkState(ExecutionContext& context) const override {
    return make_uniq<DenseLocalSinkState>(context.client, make_table(context.client), *key_, inputs_, input_types_);
  }

  SinkResultType Sink(ExecutionContext&, DataChunk& chunk, OperatorSinkInput& input) const override {
    auto& local = input.local_state.Cast<DenseLocalSinkState>();
    const idx_t count = chunk.size();
    local.key_chunk.Reset();
    local.key_executor.Execute(chunk, local.key_chunk);
    UnifiedVectorFormat keys;
    local.key_chunk.data[0].ToUnifiedFormat(count, keys);
    auto* addresses = FlatVector::GetData<data_ptr_t>(local.addresses);
    with_key_type(key_->return_type,
                  [&](auto zero) { locate_keys<decltype(zero)>(*local.table, keys, count, addresses); });

    if (!input_types_.empty()) {
      local.inputs_chunk.Reset();
      local.input_executor.Execute(chunk, local.inputs_chunk);
    }
    local.inputs_chunk.SetCardinality(count);
    auto& layout = local.table->layout();
    RowOperationsState row_state(local.table->arena());
    VectorOperations::AddInPlace(local.addresses, int64_t(layout.GetAggrOffset()), count);
    idx_t input_index = 0;
    for (auto& aggregate : layout.GetAggregates()) {
      RowOperations::UpdateStates(row_state, aggregate, local.addresses, local.inputs_chunk, input_index, count);
      input_index += aggregate.child_count;
      VectorOperations::AddInPlace(local.addresses, int64_t(aggregate.payload_size), count);
    }
    return SinkResultType::NEED_MORE_INPUT;
  }

  SinkCombineResultType Combine(ExecutionContext&, OperatorSinkCombineInput& input) const override {
    auto& local = input.local_state.Cast<DenseLocalSinkState>();
    auto& global = input.global_state.Cast<DenseGlobalSinkState>();
    std::lock_guard<std::mutex> guard(global.lock);
    global.table->absorb(*local.table);
    local.table.reset();  // frees what was combined rather than moved, while other threads still run
    return SinkCombineResultType::FINISHED;
  }

  SinkFinalizeType Finalize(Pipeline&, Event&, ClientContext&, OperatorSinkFinalizeInput&) const override {
    return SinkFinalizeType::READY;
  }

  // --- source -----------------------------------------------------------------
  bool IsSource() const override { return true; }

  unique_ptr<GlobalSourceState> GetGlobalSourceState(ClientContext&) const override {
    return make_uniq<DenseSourceState>();
  }

  SourceResultType GetData(ExecutionContext&, DataChunk& chunk, OperatorSourceInput& input) const override {
    auto& state = input.global_state.Cast<DenseSourceState>();
    auto& table = *sink_state->Cast<DenseGlobalSinkState>().table;
    int64_t keys[STANDARD_VECTOR_SIZE];
    Vector addresses(LogicalType::POINTER);
    idx_t null_position;
    const idx_t n =
        table.scan(state.cursor, STANDARD_VECTOR_SIZE, keys, FlatVector::GetData<data_ptr_t>(addresses), null_position);
    if (n == 0) return SourceResultType::FINISHED;
    with_key_type(key_->return_type,
                  [&](auto zero) { write_keys<decltype(zero)>(chunk.data[0], keys, n, null_position); });
    chunk.SetCardinality(n);
    RowOperationsState row_state(table.arena());
    RowOperations::FinalizeStates(row_state, table.layout(), addresses, chunk, 1);
    return SourceResultType::HAVE_MORE_OUTPUT;
  }

 private:
  unique_ptr<DenseTable> make_table(ClientContext& context) const {
    return make_uniq<DenseTable>(layout_, Allocator::Get(context), range_);
  }

  unique_ptr<Expression> key_;
  vector<unique_ptr<Expression>> aggregates_;
  vector<unique_ptr<Expression>> inputs_;  // the aggregates' arguments, in order
  vector<LogicalType> input_types_;
  DenseKeyRange range_;
  shared_ptr<TupleDataLayout> layout_;
};

// Replaces a LogicalAggregate in the plan: its expressions are the key, then
// the aggregates; it keeps the aggregate's table indexes, so the operators
// above still find their columns.
class LogicalDenseGroupBy : public LogicalExtensionOperator {
 public:
  LogicalDenseGroupBy(LogicalAggregate& aggregate, DenseKeyRange range)
      : group_index_(aggregate.group_index), aggregate_index_(aggregate.aggregate_index), range_(range) {
    expressions.push_back(std::move(aggregate.groups[0]));
    for (auto& e : aggregate.expressions) expressions.push_back(std::move(e));
    children = std::move(aggregate.children);
    if (aggregate.has_estimated_cardinality) SetEstimatedCardinality(aggregate.estimated_cardinality);
  }

  vector<ColumnBinding> GetColumnBindings() override {
    vector<ColumnBinding> result{ColumnBinding(group_index_, 0)};
    for (idx_t i = 1; i < expressions.size(); i++) result.emplace_back(aggregate_index_, i - 1);
    return result;
  }

  PhysicalOperator& CreatePlan(ClientContext&, PhysicalPlanGenerator& planner) override {
    auto& child = planner.CreatePlan(*children[0]);
    vector<unique_ptr<Expression>> aggregates;
    for (idx_t i = 1; i < expressions.size(); i++) aggregates.push_back(expressions[i]->Copy());
    auto& op = planner.Make<PhysicalDenseGroupBy>(types, expressions[0]->Copy(), std::move(aggregates), range_,
                                                  estimated_cardinality);
    op.children.push_back(child);
    return op;
  }

  vector<idx_t> GetTableIndex() const override { return {group_index_, aggregate_index_}; }
  string GetName() const override { return kName; }
  string GetExtensionName() const override { return "neuralake_dense_group_by"; }

 protected:
  void ResolveTypes() override {
    for (auto& e : expressions) types.push_back(e->return_type);
  }

 private:
  idx_t group_index_;
  idx_t aggregate_index_;
  DenseKeyRange range_;
};

}  // namespace

bool dense_key_type(const LogicalType& type) {
  // Integers whose values fit int64: all but UBIGINT.
  return type.InternalType() != PhysicalType::UINT64 && with_integer_type(type.InternalType(), [](auto) {});
}

std::string to_string(const DenseKeyRange& range) {
  return "[" + std::to_string(range.lo) + ", " + std::to_string(int64_t(uint64_t(range.lo) + range.slots - 1)) + "]";
}

unique_ptr<LogicalOperator> make_dense_group_by(LogicalAggregate& aggregate, DenseKeyRange range) {
  return make_uniq<LogicalDenseGroupBy>(aggregate, range);
}

}  // namespace neuralake::engine::rewrites
