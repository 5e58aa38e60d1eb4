// The seam every computed table plugs into: a source that receives the
// projected columns and pushed-down filters, and yields rows in chunks.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/filter.h"
#include "neuralake/types.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// What the engine asks a source for. Filters are hints: the engine re-applies
// them above the scan, so a source may apply them, apply some, or ignore them,
// and the result is the same.
struct ScanRequest {
  std::vector<std::string> columns;  // projected, in schema order; never empty
  std::vector<Filter> filters;       // AND-ed, one column each
  // Rows the query needs at most, if the engine knows (e.g. from LIMIT); a hint.
  std::optional<uint64_t> limit;
};

// Yields a scan's rows chunk by chunk. next() is called until it returns
// std::nullopt; chunks may have any size and must have the requested columns
// (extra columns are ignored). It is called from one thread at a time.
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  virtual std::optional<DataFrame> next() = 0;
};

// A BatchReader over a generator function: call `next` until it returns nullopt.
std::unique_ptr<BatchReader> make_batch_reader(std::function<std::optional<DataFrame>()> next);
// A BatchReader that yields one frame and ends.
std::unique_ptr<BatchReader> make_batch_reader(DataFrame frame);

class TableSource {
 public:
  virtual ~TableSource() = default;
  // Called once per session when the table is bound. Throws to fail the bind.
  virtual Schema schema() const = 0;
  // Starts one scan. May be called from any thread, concurrently for
  // different scans; implementations must be thread-safe.
  virtual std::unique_ptr<BatchReader> scan(const ScanRequest& request) const = 0;
};

}  // namespace neuralake
#pragma GCC visibility pop
