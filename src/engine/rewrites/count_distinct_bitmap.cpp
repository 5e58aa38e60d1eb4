#include "engine/rewrites/count_distinct_bitmap.h"

#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/function/function.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/planner/expression/bound_aggregate_expression.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/operator/logical_aggregate.hpp"
#include "duckdb/storage/statistics/numeric_stats.hpp"
#include "engine/rewrites/applied.h"
#include "engine/rewrites/column_stats.h"

namespace neuralake::engine::rewrites {

using namespace duckdb;

namespace {

const char* const kFunctionName = "nl_count_distinct_bitmap";

// The widest range given a bitmap: 2^31 values, 256 MiB per aggregate state.
// Wider ranges keep DuckDB's hashed count distinct.
constexpr uint64_t kMaxRangeBits = uint64_t(1) << 31;

// A state's bitmap is made only once its hash set would take as much memory
// as the bitmap, so a group with few distinct values never pays for the whole
// range, and no state holds much more than hashing its values would.

// The range [lo, hi], in the widened type of the values (int64 for signed
// types and dates, uint64 for unsigned).
struct BitmapBounds : public FunctionData {
  bool is_signed = true;
  int64_t lo_s = 0, hi_s = 0;
  uint64_t lo_u = 0, hi_u = 0;

  uint64_t width() const {  // hi - lo: the bitmap has width() + 1 bits
    return is_signed ? uint64_t(hi_s) - uint64_t(lo_s) : hi_u - lo_u;
  }
  unique_ptr<FunctionData> Copy() const override { return make_uniq<BitmapBounds>(*this); }
  bool Equals(const FunctionData& other_p) const override {
    auto& o = other_p.Cast<BitmapBounds>();
    return is_signed == o.is_signed && lo_s == o.lo_s && hi_s == o.hi_s && lo_u == o.lo_u && hi_u == o.hi_u;
  }
  std::string range_string() const {
    return is_signed ? "[" + std::to_string(lo_s) + ", " + std::to_string(hi_s) + "]"
                     : "[" + std::to_string(lo_u) + ", " + std::to_string(hi_u) + "]";
  }
};

// One group's distinct values: values in [lo, hi] in the bitmap once it
// exists; every other value (and all of them before it exists) in an
// open-addressing set of their widened bits, at most half full. The key
// kEmpty marks a free slot, so that value is kept as a flag instead.
struct BitmapState {
  uint64_t* bitmap;
  uint64_t* slots;
  uint32_t capacity;  // 0 or a power of two
  uint32_t size;      // keys in slots
  bool has_empty_key;
};

constexpr uint64_t kEmpty = ~uint64_t(0);

uint64_t words_for(const BitmapBounds& b) { return b.width() / 64 + 1; }

inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

uint64_t* alloc_slots(uint32_t capacity) {
  auto* slots = static_cast<uint64_t*>(std::malloc(size_t(capacity) * sizeof(uint64_t)));
  if (!slots) throw OutOfMemoryException("%s: cannot allocate a set of %llu slots", kFunctionName, uint64_t(capacity));
  std::memset(slots, 0xff, size_t(capacity) * sizeof(uint64_t));
  return slots;
}

inline void place(uint64_t* slots, uint32_t capacity, uint64_t key, uint32_t& size) {
  const uint64_t mask = capacity - 1;
  for (uint64_t i = mix(key) & mask;; i = (i + 1) & mask) {
    if (slots[i] == key) return;
    if (slots[i] == kEmpty) {
      slots[i] = key;
      size++;
      return;
    }
  }
}

void grow(BitmapState& s) {
  if (s.capacity >= (uint32_t(1) << 31))
    throw OutOfMemoryException("%s: more than 2^30 distinct values outside the bitmap in one group", kFunctionName);
  const uint32_t capacity = s.capacity ? s.capacity * 2 : 8;
  uint64_t* slots = alloc_slots(capacity);
  uint32_t size = 0;
  for (uint32_t i = 0; i < s.capacity; i++)
    if (s.slots[i] != kEmpty) place(slots, capacity, s.slots[i], size);
  std::free(s.slots);
  s.slots = slots;
  s.capacity = capacity;
  s.size = size;
}

inline void set_insert(BitmapState& s, uint64_t key) {
  if (key == kEmpty) {
    s.has_empty_key = true;
    return;
  }
  if ((uint64_t(s.size) + 1) * 2 > s.capacity) grow(s);
  place(s.slots, s.capacity, key, s.size);
}

template <class T>
struct Widen {
  using type = std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>;
};

template <class T>
inline T from_key(uint64_t key) {
  return static_cast<T>(static_cast<typename Widen<T>::type>(key));
}

template <class T>
inline bool in_range(const BitmapBounds& b, T v, uint64_t& offset) {
  if constexpr (std::is_signed_v<T>) {
    const int64_t w = v;
    if (w < b.lo_s || w > b.hi_s) return false;
    offset = uint64_t(w) - uint64_t(b.lo_s);
  } else {
    const uint64_t w = v;
    if (w < b.lo_u || w > b.hi_u) return false;
    offset = w - b.lo_u;
  }
  return true;
}

void make_bitmap(BitmapState& s, const BitmapBounds& b) {
  const uint64_t words = words_for(b);
  s.bitmap = static_cast<uint64_t*>(std::calloc(words, sizeof(uint64_t)));
  if (!s.bitmap) throw OutOfMemoryException("%s: cannot allocate a bitmap of %llu bytes", kFunctionName, words * 8);
}

// Makes the bitmap and moves the set's values in [lo, hi] into it.
template <class T>
void migrate(BitmapState& s, const BitmapBounds& b) {
  make_bitmap(s, b);
  uint64_t* old = s.slots;
  const uint32_t old_capacity = s.capacity;
  const bool old_empty_key = s.has_empty_key;
  s.slots = nullptr;
  s.capacity = 0;
  s.size = 0;
  s.has_empty_key = false;
  auto keep = [&](uint64_t key) {
    uint64_t offset;
    if (in_range<T>(b, from_key<T>(key), offset))
      s.bitmap[offset >> 6] |= uint64_t(1) << (offset & 63);
    else
      set_insert(s, key);
  };
  for (uint32_t i = 0; i < old_capacity; i++)
    if (old[i] != kEmpty) keep(old[i]);
  if (old_empty_key) keep(kEmpty);
  std::free(old);
}

template <class T>
inline void add_value(BitmapState& s, const BitmapBounds& b, T v) {
  uint64_t offset;
  if (s.bitmap && in_range<T>(b, v, offset)) {
    s.bitmap[offset >> 6] |= uint64_t(1) << (offset & 63);
    return;
  }
  set_insert(s, uint64_t(static_cast<typename Widen<T>::type>(v)));
  if (!s.bitmap && uint64_t(s.capacity) * sizeof(uint64_t) >= words_for(b) * sizeof(uint64_t)) migrate<T>(s, b);
}

idx_t state_size(const AggregateFunction&) { return sizeof(BitmapState); }

void initialize(const AggregateFunction&, data_ptr_t state) {
  auto& s = *reinterpret_cast<BitmapState*>(state);
  s.bitmap = nullptr;
  s.slots = nullptr;
  s.capacity = 0;
  s.size = 0;
  s.has_empty_key = false;
}

const BitmapBounds& bounds_of(AggregateInputData& input) { return input.bind_data->Cast<BitmapBounds>(); }

template <class T>
void scatter_update(Vector inputs[], AggregateInputData& input, idx_t, Vector& states, idx_t count) {
  const auto& b = bounds_of(input);
  UnifiedVectorFormat idata, sdata;
  inputs[0].ToUnifiedFormat(count, idata);
  states.ToUnifiedFormat(count, sdata);
  auto values = UnifiedVectorFormat::GetData<T>(idata);
  auto state_ptrs = UnifiedVectorFormat::GetData<BitmapState*>(sdata);
  for (idx_t i = 0; i < count; i++) {
    const auto vi = idata.sel->get_index(i);
    if (!idata.validity.RowIsValid(vi)) continue;
    add_value<T>(*state_ptrs[sdata.sel->get_index(i)], b, values[vi]);
  }
}

template <class T>
void simple_update(Vector inputs[], AggregateInputData& input, idx_t, data_ptr_t state, idx_t count) {
  const auto& b = bounds_of(input);
  auto& s = *reinterpret_cast<BitmapState*>(state);
  UnifiedVectorFormat idata;
  inputs[0].ToUnifiedFormat(count, idata);
  auto values = UnifiedVectorFormat::GetData<T>(idata);
  for (idx_t i = 0; i < count; i++) {
    const auto vi = idata.sel->get_index(i);
    if (idata.validity.RowIsValid(vi)) add_value<T>(s, b, values[vi]);
  }
}

template <class T>
void combine(Vector& source, Vector& target, AggregateInputData& input, idx_t count) {
  const auto& b = bounds_of(input);
  UnifiedVectorFormat sdata;
  source.ToUnifiedFormat(count, sdata);
  auto sources = UnifiedVectorFormat::GetData<BitmapState*>(sdata);
  auto targets = FlatVector::GetData<BitmapState*>(target);
  const uint64_t words = words_for(b);
  for (idx_t i = 0; i < count; i++) {
    const auto& src = *sources[sdata.sel->get_index(i)];
    auto& dst = *targets[i];
    if (src.bitmap) {
      if (!dst.bitmap) migrate<T>(dst, b);
      for (uint64_t w = 0; w < words; w++) dst.bitmap[w] |= src.bitmap[w];
    }
    for (uint32_t k = 0; k < src.capacity; k++)
      if (src.slots[k] != kEmpty) add_value<T>(dst, b, from_key<T>(src.slots[k]));
    if (src.has_empty_key) add_value<T>(dst, b, from_key<T>(kEmpty));
  }
}

int64_t count_of(const BitmapState& s, const BitmapBounds& b) {
  int64_t n = int64_t(s.size) + (s.has_empty_key ? 1 : 0);
  if (s.bitmap) {
    const uint64_t words = words_for(b);
    for (uint64_t w = 0; w < words; w++) n += __builtin_popcountll(s.bitmap[w]);
  }
  return n;
}

void finalize(Vector& states, AggregateInputData& input, Vector& result, idx_t count, idx_t offset) {
  const auto& b = bounds_of(input);
  if (states.GetVectorType() == VectorType::CONSTANT_VECTOR) {
    result.SetVectorType(VectorType::CONSTANT_VECTOR);
    ConstantVector::GetData<int64_t>(result)[0] = count_of(**ConstantVector::GetData<BitmapState*>(states), b);
    return;
  }
  D_ASSERT(states.GetVectorType() == VectorType::FLAT_VECTOR);
  auto state_ptrs = FlatVector::GetData<BitmapState*>(states);
  auto out = FlatVector::GetData<int64_t>(result);
  for (idx_t i = 0; i < count; i++) out[i + offset] = count_of(*state_ptrs[i], b);
}

void destroy(Vector& states, AggregateInputData&, idx_t count) {
  UnifiedVectorFormat sdata;
  states.ToUnifiedFormat(count, sdata);
  auto state_ptrs = UnifiedVectorFormat::GetData<BitmapState*>(sdata);
  for (idx_t i = 0; i < count; i++) {
    auto& s = *state_ptrs[sdata.sel->get_index(i)];
    std::free(s.bitmap);
    std::free(s.slots);
    s.bitmap = nullptr;
    s.slots = nullptr;
  }
}

template <class T>
AggregateFunction make_function(const LogicalType& type) {
  AggregateFunction f(kFunctionName, {type}, LogicalType::BIGINT, state_size, initialize, scatter_update<T>,
                      combine<T>, finalize, FunctionNullHandling::SPECIAL_HANDLING, simple_update<T>, nullptr,
                      destroy);
  f.order_dependent = AggregateOrderDependent::NOT_ORDER_DEPENDENT;
  f.distinct_dependent = AggregateDistinctDependent::NOT_DISTINCT_DEPENDENT;
  return f;
}

bool counts_type(const LogicalType& type) {
  switch (type.id()) {
    case LogicalTypeId::TINYINT:
    case LogicalTypeId::SMALLINT:
    case LogicalTypeId::INTEGER:
    case LogicalTypeId::DATE:
    case LogicalTypeId::BIGINT:
    case LogicalTypeId::UTINYINT:
    case LogicalTypeId::USMALLINT:
    case LogicalTypeId::UINTEGER:
    case LogicalTypeId::UBIGINT:
      return true;
    default:
      return false;
  }
}

// The function counting values of `type` (one counts_type() accepts).
AggregateFunction function_for(const LogicalType& type) {
  switch (type.id()) {
    case LogicalTypeId::TINYINT: return make_function<int8_t>(type);
    case LogicalTypeId::SMALLINT: return make_function<int16_t>(type);
    case LogicalTypeId::INTEGER: return make_function<int32_t>(type);
    case LogicalTypeId::DATE: return make_function<int32_t>(type);  // days
    case LogicalTypeId::BIGINT: return make_function<int64_t>(type);
    case LogicalTypeId::UTINYINT: return make_function<uint8_t>(type);
    case LogicalTypeId::USMALLINT: return make_function<uint16_t>(type);
    case LogicalTypeId::UINTEGER: return make_function<uint32_t>(type);
    case LogicalTypeId::UBIGINT: return make_function<uint64_t>(type);
    default: throw InternalException("%s: no function for type %s", kFunctionName, type.ToString());
  }
}

bool is_signed_type(const LogicalType& type) {
  switch (type.id()) {
    case LogicalTypeId::UTINYINT:
    case LogicalTypeId::USMALLINT:
    case LogicalTypeId::UINTEGER:
    case LogicalTypeId::UBIGINT:
      return false;
    default:
      return true;
  }
}

// Bounds from two values of `type` (NULL-free); false when lo > hi or the
// range is wider than a bitmap may be.
bool make_bounds(const LogicalType& type, const Value& lo, const Value& hi, BitmapBounds& b) {
  b.is_signed = is_signed_type(type);
  if (b.is_signed) {
    if (type.id() == LogicalTypeId::DATE) {
      b.lo_s = lo.GetValueUnsafe<int32_t>();
      b.hi_s = hi.GetValueUnsafe<int32_t>();
    } else {
      b.lo_s = lo.DefaultCastAs(LogicalType::BIGINT).GetValue<int64_t>();
      b.hi_s = hi.DefaultCastAs(LogicalType::BIGINT).GetValue<int64_t>();
    }
    if (b.lo_s > b.hi_s) return false;
  } else {
    b.lo_u = lo.DefaultCastAs(LogicalType::UBIGINT).GetValue<uint64_t>();
    b.hi_u = hi.DefaultCastAs(LogicalType::UBIGINT).GetValue<uint64_t>();
    if (b.lo_u > b.hi_u) return false;
  }
  return b.width() < kMaxRangeBits;
}

// nl_count_distinct_bitmap(x, lo, hi): lo and hi are folded to constants at bind.
unique_ptr<FunctionData> bind_catalog_function(ClientContext& context, AggregateFunction& function,
                                               vector<unique_ptr<Expression>>& arguments) {
  const auto type = arguments[0]->return_type;
  if (!counts_type(type))
    throw BinderException("%s: cannot count values of type %s (an integer type or DATE is needed)", kFunctionName,
                          type.ToString());
  Value bound[2];
  for (idx_t i = 1; i <= 2; i++) {
    if (!arguments[i]->IsFoldable())
      throw BinderException("%s: the %s bound must be a constant", kFunctionName, i == 1 ? "lower" : "upper");
    bound[i - 1] = ExpressionExecutor::EvaluateScalar(context, *arguments[i]).DefaultCastAs(type);
    if (bound[i - 1].IsNull())
      throw BinderException("%s: the %s bound is NULL", kFunctionName, i == 1 ? "lower" : "upper");
  }
  auto b = make_uniq<BitmapBounds>();
  if (!make_bounds(type, bound[0], bound[1], *b))
    throw BinderException("%s: the range [%s, %s] is empty or wider than 2^31 values", kFunctionName,
                          bound[0].ToString(), bound[1].ToString());
  Function::EraseArgument(function, arguments, 2);
  Function::EraseArgument(function, arguments, 1);
  auto typed = function_for(type);
  typed.original_arguments = function.original_arguments;
  function = typed;
  return b;
}

}  // namespace

void register_count_distinct_bitmap(DatabaseInstance& db) {
  AggregateFunction f(kFunctionName, {LogicalType::ANY, LogicalType::ANY, LogicalType::ANY}, LogicalType::BIGINT,
                      nullptr, nullptr, nullptr, nullptr, nullptr, FunctionNullHandling::SPECIAL_HANDLING, nullptr,
                      bind_catalog_function);
  ExtensionLoader loader(db, "neuralake");
  loader.RegisterFunction(f);
}

void rewrite_count_distinct(ClientContext& context, LogicalOperator& op) {
  auto& aggregate = op.Cast<LogicalAggregate>();
  if (aggregate.grouping_sets.size() > 1) return;
  for (auto& expr : aggregate.expressions) {
    if (expr->GetExpressionClass() != ExpressionClass::BOUND_AGGREGATE) continue;
    auto& aggr = expr->Cast<BoundAggregateExpression>();
    if (!aggr.IsDistinct() || aggr.function.name != "count" || aggr.children.size() != 1) continue;
    if (aggr.filter || aggr.order_bys) continue;  // left to DuckDB
    auto& child = *aggr.children[0];
    if (child.GetExpressionClass() != ExpressionClass::BOUND_COLUMN_REF) continue;
    const LogicalType type = child.return_type;
    if (!counts_type(type)) continue;
    auto stats = scan_column_stats(context, *aggregate.children[0], child.Cast<BoundColumnRefExpression>().binding);
    if (!stats || stats->GetType() != type || !NumericStats::HasMinMax(*stats)) continue;
    auto bounds = make_uniq<BitmapBounds>();
    if (!make_bounds(type, NumericStats::Min(*stats), NumericStats::Max(*stats), *bounds)) continue;
    const std::string detail = child.GetName() + " in " + bounds->range_string();
    vector<unique_ptr<Expression>> children;
    children.push_back(std::move(aggr.children[0]));
    auto alias = expr->alias;
    expr = make_uniq<BoundAggregateExpression>(function_for(type), std::move(children), nullptr, std::move(bounds),
                                               AggregateType::NON_DISTINCT);
    expr->alias = alias;
    record_applied(context, {"count_distinct_bitmap", detail});
  }
}

}  // namespace neuralake::engine::rewrites
