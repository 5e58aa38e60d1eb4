#include "engine/rewrites/aggregate_sizing.h"

#include <algorithm>
#include <optional>

#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context_state.hpp"
#include "duckdb/parallel/task_scheduler.hpp"
#include "duckdb/planner/expression/bound_aggregate_expression.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"
#include "duckdb/storage/buffer_manager.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"
#include "engine/rewrites/applied.h"
#include "engine/rewrites/column_stats.h"
#include "engine/rewrites/huge_pages.h"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

const char* const kSetting = "perfect_ht_threshold";
const char* const kGuardKey = "neuralake_aggregate_sizing";

// Each thread fills a perfect hash table of 2^bits slots of the aggregate
// states, and one more table takes their combination. They are allocated
// outside DuckDB's buffer manager (memory_limit does not see them and they
// cannot spill), so all of them together must fit in a quarter of the memory
// limit and in 1 GiB.
constexpr uint64_t kBudgetCap = uint64_t(1) << 30;
// And each table at most 32 MiB: glibc maps a larger allocation afresh every
// time (32 MiB is the most its mmap threshold adapts to), so every query
// faults such a table in page by page. Measured on the peer benchmark's Q4
// (2^21 slots of 24 bytes, 48 MiB a table, 2 threads): those page faults cost
// as much as the perfect hash saved (2,144 ms against 2,046 ms plain, +63 MB),
// while a 2^18-slot grouping of the same rows ran 1.8x faster than plain.
constexpr uint64_t kTableCap = uint64_t(32) << 20;
// Unless huge pages back such allocations in this process (the system's
// choice, or the user's through GLIBC_TUNABLES; see huge_pages.h): then a
// 48 MiB table takes 24 faults instead of 12,288 and Q4 ran 2.3x faster with
// the perfect hash than with DuckDB's hash aggregate. The budget below still
// bounds them.
constexpr uint64_t kHugePageTableCap = uint64_t(256) << 20;
// A table with far more slots than input rows is mostly empty and is scanned
// whole when threads combine: slots may be at most 4x the estimated rows.
constexpr uint64_t kMaxSlotsPerRow = 4;
// DuckDB accepts thresholds up to 32 bits.
constexpr uint64_t kMaxBits = 32;

// The connection's threshold before this query raised it; put back as the query ends.
class ThresholdGuard : public ClientContextState {
 public:
  void QueryEnd(ClientContext& context) override { restore(context); }
  void restore(ClientContext& context) {
    if (!raised) return;
    auto& vars = ClientConfig::GetConfig(context).set_variables;
    if (previous)
      vars[kSetting] = *previous;
    else
      vars.erase(kSetting);
    raised = false;
    previous.reset();
  }
  bool raised = false;
  std::optional<Value> previous;
};

// The bits DuckDB's planner needs for `aggregate`'s perfect hash table (its
// rule: per key, the bits of max - min + 2), or nullopt when it cannot use one.
std::optional<uint64_t> required_bits(LogicalAggregate& aggregate) {
  if (aggregate.groups.empty() || aggregate.grouping_sets.size() > 1 || !aggregate.grouping_functions.empty())
    return std::nullopt;
  if (aggregate.group_stats.size() != aggregate.groups.size()) return std::nullopt;
  for (auto& e : aggregate.expressions) {
    auto& aggr = e->Cast<BoundAggregateExpression>();
    if (aggr.IsDistinct() || !aggr.function.combine) return std::nullopt;
  }
  uint64_t total = 0;
  for (idx_t i = 0; i < aggregate.groups.size(); i++) {
    auto& stats = aggregate.group_stats[i];
    const auto& type = aggregate.groups[i]->return_type;
    // DuckDB's perfect hash takes keys stored as integers of up to 64 bits;
    // their bounds in stored values (a DATE's days).
    auto bounds = stats ? stored_integer_bounds(type.InternalType(), *stats) : std::nullopt;
    if (!bounds) return std::nullopt;
    const auto [lo, hi] = *bounds;
    if (hi < lo) return std::nullopt;
    hugeint_t range = hi - lo;
    if (range >= hugeint_t(NumericLimits<int32_t>::Maximum())) return std::nullopt;
    total += perfect_hash_bits(uint64_t(range.lower));
  }
  return total;
}

void collect(LogicalOperator& op, std::vector<LogicalAggregate*>& out) {
  if (op.type == LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY) out.push_back(&op.Cast<LogicalAggregate>());
  for (auto& child : op.children) collect(*child, out);
}

}  // namespace

uint64_t perfect_hash_bits(uint64_t width) {
  uint64_t bits = 0;
  for (uint64_t n = width + 2; n > 0; n >>= 1) bits++;
  return bits;
}

uint64_t slot_bytes(const LogicalAggregate& aggregate) {
  uint64_t bytes = 1;  // the slot's "occupied" flag
  for (auto& e : aggregate.expressions) {
    auto& aggr = e->Cast<BoundAggregateExpression>();
    bytes += AlignValue(aggr.function.state_size(aggr.function));
  }
  return bytes;
}

uint64_t perfect_hash_threshold(ClientContext& context) {
  Value v;
  if (context.TryGetCurrentSetting(kSetting, v) && !v.IsNull()) return v.GetValue<uint64_t>();
  return 12;
}

uint64_t unmanaged_table_budget(ClientContext& context) {
  return std::min<uint64_t>(kBudgetCap, BufferManager::GetBufferManager(context).GetMaxMemory() / 4);
}

uint64_t query_threads(ClientContext& context) {
  return std::max<uint64_t>(1, TaskScheduler::GetScheduler(context).NumberOfThreads());
}

void restore_aggregate_sizing(ClientContext& context) {
  if (auto guard = context.registered_state->Get<ThresholdGuard>(kGuardKey)) guard->restore(context);
}

void size_aggregates(ClientContext& context, LogicalOperator& plan) {
  std::vector<LogicalAggregate*> aggregates;
  collect(plan, aggregates);
  if (aggregates.empty()) return;
  const uint64_t threshold = perfect_hash_threshold(context);
  const uint64_t threads = query_threads(context);
  const uint64_t budget = unmanaged_table_budget(context);

  uint64_t raise_to = threshold;
  std::vector<std::pair<LogicalAggregate*, uint64_t>> chosen, others;
  for (auto* aggregate : aggregates) {
    auto bits = required_bits(*aggregate);
    if (!bits || *bits <= threshold) continue;  // DuckDB decides these as it would
    // One key only: a value outside the stated range then either has a slot
    // of its own or stops the query with DuckDB's error on corrupt
    // statistics; with several keys it could spill into another key's bits.
    bool fits = *bits <= kMaxBits && aggregate->groups.size() == 1;
    if (fits) {
      const uint64_t slots = uint64_t(1) << *bits;
      const uint64_t rows = aggregate->children[0]->EstimateCardinality(context);
      const uint64_t table = slots * slot_bytes(*aggregate);
      const uint64_t cap = large_allocations_use_huge_pages() ? kHugePageTableCap : kTableCap;
      fits = table <= cap && table * (threads + 1) <= budget && slots <= kMaxSlotsPerRow * rows;
    }
    (fits ? chosen : others).push_back({aggregate, *bits});
    if (fits) raise_to = std::max(raise_to, *bits);
  }
  if (chosen.empty()) return;
  // The threshold holds for the whole query: no aggregate left out may fall under it.
  for (auto& [aggregate, bits] : others)
    if (bits <= raise_to) return;

  auto guard = context.registered_state->GetOrCreate<ThresholdGuard>(kGuardKey);
  guard->restore(context);
  auto& vars = ClientConfig::GetConfig(context).set_variables;
  auto it = vars.find(kSetting);
  guard->previous = it == vars.end() ? std::nullopt : std::optional<Value>(it->second);
  guard->raised = true;
  vars[kSetting] = Value::UBIGINT(raise_to);
  for (auto& [aggregate, bits] : chosen)
    record_applied(context, {"aggregate_sizing", "perfect hash on " + aggregate->groups[0]->GetName() + ", " +
                                                     std::to_string(bits) + " bits"});
}

}  // namespace neuralake::engine::rewrites
