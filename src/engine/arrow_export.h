// DataFrame -> Arrow C data interface, without copying the values whose
// storage already has Arrow's layout (see arrow_export.cpp).
#pragma once

#include <cerrno>
#include <memory>
#include <string>

#include "duckdb.hpp"
#include "neuralake/arrow_c.h"
#include "neuralake/data_frame.h"
#include "neuralake/error.h"

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

// The errno an Arrow stream callback returns for an error.
inline int arrow_errno(const Error& e) {
  switch (e.code()) {
    case ErrorCode::InvalidArgument: return EINVAL;
    case ErrorCode::Cancelled:
    case ErrorCode::Timeout: return ECANCELED;
    case ErrorCode::NotFound: return ENOENT;
    default: return EIO;
  }
}

// What an Arrow C stream made by make_arrow_stream() owns: its source and
// the text of its last error.
template <class Source>
struct ArrowStreamHolder {
  std::unique_ptr<Source> source;
  std::string last_error;

  static ArrowStreamHolder& of(ArrowArrayStream* s) { return *static_cast<ArrowStreamHolder*>(s->private_data); }
  template <class F>
  static int guarded(ArrowArrayStream* s, F&& f) {
    auto& h = of(s);
    try {
      f(*h.source);
      return 0;
    } catch (const Error& e) {
      h.last_error = e.what();
      return arrow_errno(e);
    } catch (const std::exception& e) {
      h.last_error = e.what();
      return EIO;
    }
  }
  static int get_schema(ArrowArrayStream* s, ArrowSchema* schema) {
    return guarded(s, [&](Source& src) { src.schema(schema); });
  }
  static int get_next(ArrowArrayStream* s, ArrowArray* array) {
    return guarded(s, [&](Source& src) {
      if (!src.next(array)) array->release = nullptr;  // end of stream
    });
  }
  static const char* get_last_error(ArrowArrayStream* s) {
    auto& h = of(s);
    return h.last_error.empty() ? nullptr : h.last_error.c_str();
  }
  static void release(ArrowArrayStream* s) {
    delete static_cast<ArrowStreamHolder*>(s->private_data);
    s->release = nullptr;
  }
};

// Fills `out` with an Arrow C stream over `source`, which it then owns.
// Source has `void schema(ArrowSchema*)` and `bool next(ArrowArray*)` (false
// at the end); what they throw becomes the callback's errno and
// get_last_error()'s text.
template <class Source>
void make_arrow_stream(std::unique_ptr<Source> source, ArrowArrayStream* out) {
  using Holder = ArrowStreamHolder<Source>;
  auto holder = std::make_unique<Holder>();
  holder->source = std::move(source);
  out->get_schema = Holder::get_schema;
  out->get_next = Holder::get_next;
  out->get_last_error = Holder::get_last_error;
  out->release = Holder::release;
  out->private_data = holder.release();
}

}  // namespace neuralake::engine
