// Per-file column statistics: the layout of the columns a snapshot keeps
// stats for, and the encoder from stats JSON or typed stats to the compact
// blob (stats_json.h scans the JSON, stats_blob.h writes and reads the blob).
#include "delta/file_stats.h"

#include "delta/stats_blob.h"
#include "delta/stats_json.h"

namespace neuralake::delta {

namespace {

using Kind = StatsColumn::Kind;

StatsColumn::Kind kind_of(const DeltaType& t) {
  if (t.kind != DeltaType::Kind::Primitive) return Kind::NullCountOnly;
  const std::string& p = t.primitive;
  if (p == "long" || p == "integer" || p == "short" || p == "byte") return Kind::Int;
  if (p == "float" || p == "double") return Kind::Double;
  if (p == "string") return Kind::String;
  if (p == "date") return Kind::Date;
  if (p == "timestamp" || p == "timestamp_ntz") return Kind::Timestamp;
  return Kind::NullCountOnly;
}

}  // namespace

StatsLayout StatsLayout::from_schema(const DeltaSchema& schema, const std::vector<std::string>& partition_columns) {
  StatsLayout layout;
  for (const auto& f : schema.fields) {
    bool is_partition = false;
    for (const auto& p : partition_columns) is_partition |= p == f.name;
    if (is_partition) continue;
    layout.columns.push_back({f.name, f.physical_name, kind_of(f.type)});
  }
  return layout;
}

int StatsLayout::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

struct StatsEncoder::Buffers {
  TypedStats scanned;  // the JSON input, typed
  UnescapedStrings unescaped;
  std::string scratch, out;
};

StatsEncoder::StatsEncoder() : buffers_(std::make_unique<Buffers>()) {}
StatsEncoder::~StatsEncoder() = default;

std::string encode_stats(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records) {
  StatsEncoder encoder;
  return std::string(encoder.encode(stats_json, layout, num_records));
}

std::string_view StatsEncoder::encode(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records) {
  num_records = -1;
  if (stats_json.empty()) return {};
  TypedStats& typed = buffers_->scanned;
  const size_t n = layout.columns.size();
  typed.num_records = -1;
  typed.mins.assign(n, TypedBound{});
  typed.maxs.assign(n, TypedBound{});
  typed.null_counts.assign(n, std::nullopt);
  buffers_->unescaped.clear();
  if (!scan_stats_json(stats_json, layout, typed, buffers_->unescaped, buffers_->scratch)) return {};
  return encode(typed, layout, num_records);
}

std::string_view StatsEncoder::encode(const TypedStats& stats, const StatsLayout& layout, int64_t& num_records) {
  num_records = stats.num_records < 0 ? -1 : stats.num_records;
  return encode_stats_blob(stats, layout, buffers_->out);
}

}  // namespace neuralake::delta
