// The stats JSON of an add action (PROTOCOL.md, "Per-file Statistics")
// scanned into typed bounds for a stats layout.
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "delta/file_stats.h"

namespace neuralake::delta {

// Decoded text of strings that held escapes: a TypedBound only views its
// string, so the text must outlive the scan of one value. Elements of a
// deque keep their address as it grows; their capacity is reused per call.
class UnescapedStrings {
 public:
  void clear() { used_ = 0; }
  std::string& next() {
    if (used_ == pool_.size()) pool_.emplace_back();
    return pool_[used_++];
  }

 private:
  std::deque<std::string> pool_;
  size_t used_ = 0;
};

// Scans `text` into `out`, whose vectors the caller sized to `layout` and
// left all unknown: numRecords, and per layout column minValues, maxValues
// and nullCount where they have the column's type (others are skipped).
// False on any syntax error (the caller then keeps no stats). Strings with
// escapes are decoded into `strings` (which `out` then views) by way of
// `scratch`. Engine-free and store-free: any bytes may be passed.
bool scan_stats_json(std::string_view text, const StatsLayout& layout, TypedStats& out, UnescapedStrings& strings,
                     std::string& scratch);

}  // namespace neuralake::delta
