// What the plan rewrites did to a query: one entry per rewrite applied,
// kept on the connection for the query being planned, and collected by
// explain() on the thread that plans it.
#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"

namespace neuralake::engine::rewrites {

// One rewrite applied to a plan, e.g. {"count_distinct_bitmap", "l_orderkey"}.
struct Applied {
  std::string rewrite;
  std::string detail;
};

// Records `applied` for the query being planned on `context`.
void record_applied(duckdb::ClientContext& context, Applied applied);

// The rewrites applied to the last query planned on `context`.
std::vector<Applied> applied_rewrites(duckdb::ClientContext& context);

// "Rewrites applied: count_distinct_bitmap(l_orderkey, l_partkey); ..." or
// "Rewrites applied: none": entries of one rewrite are listed together.
std::string describe_applied(const std::vector<Applied>& applied);

// Collects what is applied to every query planned on this thread while it
// lives (explain() plans its query on the calling thread). Nests.
class AppliedCapture {
 public:
  AppliedCapture();
  ~AppliedCapture();
  AppliedCapture(const AppliedCapture&) = delete;
  AppliedCapture& operator=(const AppliedCapture&) = delete;

  const std::vector<Applied>& applied() const { return applied_; }

 private:
  friend void record_applied(duckdb::ClientContext&, Applied);
  std::vector<Applied> applied_;
  AppliedCapture* outer_;
};

}  // namespace neuralake::engine::rewrites
