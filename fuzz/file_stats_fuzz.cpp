// Fuzzes Delta's file-stats JSON (add.stats): the scanner and the compact
// codec. The input is the stats text; it is encoded for a layout with a
// column of every kind, each column decoded, and what decodes is encoded
// again from typed bounds (as a checkpoint's stats_parsed is), which must
// give the same bytes. The input is also decoded as a blob, which must not
// read outside it. Malformed stats are never an error, so nothing may be
// thrown at all.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "delta/file_stats.h"
#include "fuzz_util.h"

using namespace neuralake;
using namespace neuralake::delta;

namespace {

const StatsLayout& layout() {
  static const StatsLayout l = [] {
    using K = StatsColumn::Kind;
    StatsLayout out;
    // Names as the seeds (and the shared test tables) use them; "phys" is a
    // column-mapped one, found by its physical key.
    out.columns = {{"id", "id", K::Int},          {"value", "value", K::Int},     {"x", "x", K::Double},
                   {"name", "name", K::String},   {"date", "date", K::Date},      {"ts", "ts", K::Timestamp},
                   {"n", "n", K::NullCountOnly},  {"letter", "letter", K::String}, {"number", "number", K::Int},
                   {"a_float", "a_float", K::Double}, {"logical", "col-5f4e", K::Int}};
    return out;
  }();
  return l;
}

// The typed bound a decoded value came from.
TypedBound typed(const Value& v, StatsColumn::Kind kind, bool is_max, bool& exact) {
  TypedBound b;
  if (v.is_null()) return b;
  b.known = true;
  switch (kind) {
    case StatsColumn::Kind::Int: b.i = v.as<int64_t>(); break;
    case StatsColumn::Kind::Date: b.i = v.as<Date>().days; break;
    case StatsColumn::Kind::Timestamp:
      b.i = v.as<Timestamp>().micros;
      // A max comes back widened by 999 us, saturating at the largest value,
      // where the original cannot be told.
      if (is_max) {
        if (b.i == std::numeric_limits<int64_t>::max()) exact = false;
        b.i -= 999;
      }
      break;
    case StatsColumn::Kind::Double: b.d = v.as<double>(); break;
    case StatsColumn::Kind::String: b.s = v.as<std::string>(); break;
    case StatsColumn::Kind::NullCountOnly: break;
  }
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const StatsLayout& l = layout();
  int64_t num_records = 0;
  const std::string blob = encode_stats(text, l, num_records);

  std::vector<ColumnStats> decoded;
  for (size_t i = 0; i <= l.columns.size(); ++i) decoded.push_back(decode_column_stats(blob, l, i));

  TypedStats stats;
  stats.num_records = num_records;
  bool exact = true;
  for (size_t i = 0; i < l.columns.size(); ++i) {
    stats.mins.push_back(typed(decoded[i].min, l.columns[i].kind, false, exact));
    stats.maxs.push_back(typed(decoded[i].max, l.columns[i].kind, true, exact));
    stats.null_counts.push_back(decoded[i].null_count);
  }
  StatsEncoder encoder;
  int64_t typed_records = 0;
  const std::string again(encoder.encode(stats, l, typed_records));
  if (exact && again != blob) fuzz::property_failed("decoded stats encode to other bytes");
  if (typed_records != num_records) fuzz::property_failed("numRecords changed on re-encoding");

  // A damaged blob loses stats, never reads past its end.
  for (size_t i = 0; i < l.columns.size(); ++i) (void)decode_column_stats(text, l, i);
  return 0;
}
