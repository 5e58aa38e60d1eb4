// The per-file statistics a Delta writer puts in add.stats ("Per-file
// Statistics" in the protocol): numRecords, and minValues, maxValues and
// nullCount for the indexed leaf columns, nested like the schema.
//
// Values arrive as the engine prints them and are converted per Delta type:
//  - integers, decimals and finite floats become JSON numbers; floats of a
//    file holding NaN get no min/max;
//  - strings are cut to 32 characters; a cut max gets U+10FFFF appended so it
//    stays >= every value (a max already cut by the engine is cut the same way);
//  - dates stay "YYYY-MM-DD"; timestamps become ISO-8601 with milliseconds
//    ("...Z" for timestamp, no zone for timestamp_ntz), the min cut down and
//    the max rounded up to the millisecond so both stay bounds;
//  - booleans, binary, lists and maps get no min/max (lists and maps no
//    nullCount either: the engine reports only their elements).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/schema.h"

namespace neuralake::delta {

// One leaf column's statistics as the engine reports them for one file.
struct LeafStats {
  std::optional<std::string> min, max;
  std::optional<int64_t> null_count;
  bool has_nan = false;
};

// Leaf column path ({"st", "a"} for field a of struct st) -> its stats.
using FileColumnStats = std::map<std::vector<std::string>, LeafStats>;

// Which columns get statistics, from the table's configuration:
// delta.dataSkippingStatsColumns (a comma-separated list of column paths,
// backticks allowed) when set, else the first delta.dataSkippingNumIndexedCols
// (default 32; -1: all) leaf columns. Throws InvalidArgument naming a
// malformed property.
struct StatsColumns {
  int num_indexed = 32;
  std::optional<std::vector<std::vector<std::string>>> named;
  static StatsColumns from_configuration(const std::map<std::string, std::string>& configuration);
};

// The stats JSON of a file with `num_records` rows, for a table of `schema`
// whose `partition_columns` are not in the files.
std::string file_stats_json(const DeltaSchema& schema, const std::vector<std::string>& partition_columns,
                            const StatsColumns& which, int64_t num_records, const FileColumnStats& columns);

// Splits a column path as the engine quotes it ("\"st\".\"a\"" or "st.a").
std::vector<std::string> split_column_path(const std::string& quoted);

// "2020-01-01 08:00:00.123456+00" -> "2020-01-01T08:00:00.123Z" (with_zone)
// or "2020-01-01T08:00:00.123"; `round_up` rounds a sub-millisecond part up.
// nullopt if the text is not a timestamp.
std::optional<std::string> iso_millis(const std::string& text, bool with_zone, bool round_up);

}  // namespace neuralake::delta
