// DataFrame output through the engine: Parquet and CSV files, and the Arrow C
// stream interface (arrow_export.cpp lays the arrays out).
#include <filesystem>
#include <random>

#include "engine/arrow_export.h"
#include "engine/conversion.h"
#include "engine/errors.h"
#include "neuralake/data_frame.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake {

void engine::load_frame(duckdb::Connection& con, const DataFrame& df, const std::string& table, bool temporary) {
  duckdb::vector<duckdb::LogicalType> types;
  for (const auto& s : df.columns()) types.push_back(engine::to_duckdb_type(s.type()));
  std::string create = std::string(temporary ? "CREATE TEMP TABLE " : "CREATE TABLE ") + quote_identifier(table) + " (";
  for (size_t c = 0; c < df.num_columns(); ++c)
    create += (c ? ", " : "") + quote_identifier(df.column(c).name()) + " " + types[c].ToString();
  auto r = con.Query(create + ")");
  if (r->HasError()) r->ThrowError();
  duckdb::Appender appender(con, table);
  // Chunks of at most STANDARD_VECTOR_SIZE rows, as the appender takes them.
  for (size_t offset = 0; offset < df.num_rows(); offset += STANDARD_VECTOR_SIZE) {
    size_t count = std::min<size_t>(STANDARD_VECTOR_SIZE, df.num_rows() - offset);
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
    for (size_t c = 0; c < df.num_columns(); ++c)
      engine::write_vector(df.column(c), offset, count, chunk.data[c], types[c], "data frame");
    chunk.SetCardinality(count);
    appender.AppendDataChunk(chunk);
  }
  appender.Close();
}

namespace {

// Writes the frame with COPY ... TO into a temporary file beside `path`, then
// renames it into place, so a failure leaves no half-written file.
void write_with_copy(const DataFrame& df, const std::string& path, const std::string& format_options) {
  namespace fs = std::filesystem;
  if (df.num_columns() == 0)
    throw Error(ErrorCode::InvalidArgument, path, "cannot write a frame without columns to '" + path + "'");
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path() && !fs::is_directory(target.parent_path(), ec)) {
    throw Error(ErrorCode::NotFound, path, "cannot write '" + path + "': directory '" +
                                               target.parent_path().string() + "' does not exist");
  }
  std::random_device rd;
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(rd());
  try {
    duckdb::DuckDB db(nullptr);
    duckdb::Connection con(db);
    engine::load_frame(con, df, "frame", false);
    auto r = con.Query("COPY frame TO " + sql_string_literal(tmp.string()) + " (" + format_options + ")");
    if (r->HasError()) r->ThrowError();
  } catch (const Error&) {
    fs::remove(tmp, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    duckdb::ErrorData err(e);
    throw Error(ErrorCode::IOError, path, "cannot write '" + path + "': " + err.RawMessage());
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ErrorCode::IOError, path, "cannot write '" + path + "': " + ec.message());
  }
}

// One array: the frame, sharing its buffers.
struct FrameSource {
  DataFrame frame;  // a copy: shares the buffers, keeps them alive
  engine::EngineContext context;
  bool given = false;

  void schema(ArrowSchema* out) { engine::export_schema(frame, context, out); }
  bool next(ArrowArray* out) {
    if (given) return false;
    engine::export_array(frame, context, out);
    given = true;
    return true;
  }
};

}  // namespace

void DataFrame::write_parquet(const std::string& path) const { write_with_copy(*this, path, "FORMAT parquet"); }

void DataFrame::write_csv(const std::string& path) const { write_with_copy(*this, path, "FORMAT csv, HEADER"); }

void DataFrame::to_arrow(ArrowArrayStream* out) const {
  if (!out) throw Error(ErrorCode::InvalidArgument, "to_arrow", "to_arrow() needs a stream to fill");
  auto source = std::make_unique<FrameSource>();
  source->frame = *this;
  engine::make_arrow_stream(std::move(source), out);
}

}  // namespace neuralake
