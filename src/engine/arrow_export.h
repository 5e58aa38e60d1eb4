// DataFrame -> Arrow C data interface, without copying the values whose
// storage already has Arrow's layout (see arrow_export.cpp).
#pragma once

#include <memory>

#include "duckdb.hpp"
#include "neuralake/data_frame.h"

struct ArrowSchema;
struct ArrowArray;

namespace neuralake::engine {

// A client context for the engine's Arrow converter, made only when a column
// needs it (decimals, intervals, nested types).
class EngineContext {
 public:
  EngineContext();
  ~EngineContext();
  duckdb::ClientContext& operator()();

 private:
  std::unique_ptr<duckdb::DuckDB> db_;
  std::unique_ptr<duckdb::Connection> con_;
};

// The frame's schema as an Arrow struct ("+s") of its columns.
void export_schema(const DataFrame& df, EngineContext& context, ArrowSchema* out);
// The frame as one Arrow struct array; it shares the frame's buffers and
// keeps them alive until released.
void export_array(const DataFrame& df, EngineContext& context, ArrowArray* out);

}  // namespace neuralake::engine
