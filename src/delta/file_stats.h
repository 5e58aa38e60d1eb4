// Per-file column statistics (Delta's add.stats), kept in a compact binary
// form so that a snapshot of 100k files stays small, and read back for pruning.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/schema.h"
#include "neuralake/value.h"

namespace neuralake::delta {

// The columns whose min/max/nullCount a snapshot keeps: top-level primitive
// data columns (not partition columns). Nested columns keep no stats.
struct StatsColumn {
  enum class Kind : uint8_t { Int, Double, String, Date, Timestamp, NullCountOnly };
  std::string name;      // logical
  std::string key;       // the key in the stats JSON (the physical name)
  Kind kind = Kind::NullCountOnly;
};

struct StatsLayout {
  std::vector<StatsColumn> columns;
  static StatsLayout from_schema(const DeltaSchema& schema, const std::vector<std::string>& partition_columns);
  // Index of the stats column for logical `name`, or -1.
  int find(const std::string& name) const;
};

struct ColumnStats {
  Value min;  // null: unknown
  Value max;  // null: unknown
  std::optional<int64_t> null_count;
};

// Encodes a stats JSON text ("{\"numRecords\":..}") in `layout`'s compact
// form; sets `num_records` (-1 when absent or negative). Malformed stats are
// treated as absent (empty blob, no pruning), never as an error: they only
// ever make reads faster. String bounds over 64 bytes keep a 64-byte prefix
// as min and no max; negative or non-integer null counts are dropped.
std::string encode_stats(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records);

// Stats already typed, as a checkpoint's add.stats_parsed holds them:
// per column of a layout, bounds by the column's kind (Int: `i`; Date: days
// in `i`; Timestamp: microseconds in `i`, as written, not yet widened;
// Double: `d`; String: `s`). Equal stats encode to the same bytes as JSON.
struct TypedBound {
  bool known = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};
struct TypedStats {
  int64_t num_records = -1;  // -1: absent
  std::vector<TypedBound> mins, maxs;  // indexed like StatsLayout::columns
  std::vector<std::optional<int64_t>> null_counts;
};

// encode_stats() over many files without a heap allocation per file: the
// scan buffers and the output are kept between calls. One per thread.
class StatsEncoder {
 public:
  StatsEncoder();
  ~StatsEncoder();
  StatsEncoder(const StatsEncoder&) = delete;
  StatsEncoder& operator=(const StatsEncoder&) = delete;
  // As encode_stats(); the view is valid until the next call.
  std::string_view encode(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records);
  // The same encoding from typed stats (no JSON to scan); vectors shorter
  // than the layout leave the remaining columns unknown.
  std::string_view encode(const TypedStats& stats, const StatsLayout& layout, int64_t& num_records);

 private:
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

// The stats of column `index` from an encoded blob (all unknown if empty, or
// if `index` is outside the layout). A timestamp max comes back widened by
// 999 us (saturating), as writers truncate timestamp stats to milliseconds.
ColumnStats decode_column_stats(std::string_view blob, const StatsLayout& layout, size_t index);

}  // namespace neuralake::delta
