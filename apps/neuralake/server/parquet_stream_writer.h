// Writes a query result as a Parquet file, batch by batch, to a sink: the
// API server streams Parquet answers with about one row group in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/types.h"

namespace neuralake::server {

enum class ParquetCompression { None, Snappy };

// How a ParquetStreamWriter lays its file out. Every field has a safe default.
struct ParquetStreamOptions {
  // Rows per row group. The writer holds about one row group's encoded bytes.
  size_t row_group_rows = 122880;
  // A row group also ends once its encoded bytes reach this many, so that
  // rows of wide strings do not make the held row group large. 0: no bound.
  size_t row_group_bytes = size_t{64} << 20;
  // A column's data page ends once its levels and values reach this many
  // bytes (checked every few thousand rows), so readers decode in small steps.
  size_t page_bytes = size_t{1} << 20;
  ParquetCompression compression = ParquetCompression::Snappy;
};

// Turns DataFrame batches into one Parquet file written strictly in order (no
// seeking) to `sink`: "PAR1", row groups as they fill, and at finish() the
// footer (FileMetaData in Thrift's compact protocol), its length and "PAR1".
// Every column is OPTIONAL; values are PLAIN, definition and repetition levels
// RLE; pages are DataPage v1, optionally Snappy-compressed; column chunks carry
// their null count and, for fixed-width numbers, booleans, dates, times,
// timestamps and decimals up to precision 18, their min and max.
//
// Types: booleans; i8/i16/i32 as INT32 and i64 as INT64, u8..u64 likewise,
// with the INTEGER annotation (bit width, signedness); f32 FLOAT, f64 DOUBLE;
// strings BYTE_ARRAY annotated STRING, binary plain BYTE_ARRAY; dates INT32
// DATE; times INT64 TIME(micros); timestamps INT64 TIMESTAMP in their unit
// (seconds as millis), UTC-adjusted for timestamps with a time zone; decimals
// as INT32 (precision up to 9), INT64 (up to 18) or FIXED_LEN_BYTE_ARRAY;
// columns of nulls only as INT32 annotated UNKNOWN; lists of these
// (three-level LIST) and structs of these.
//
// Not thread-safe: one writer serves one response.
class ParquetStreamWriter {
 public:
  using Sink = std::function<void(std::string_view)>;

  // Checks the schema; writes nothing yet. Throws NotSupported naming the
  // column and its type for a type without a Parquet mapping here (i128,
  // intervals, maps, engine-only types, lists or structs of nested types),
  // and InvalidArgument if the schema is empty, names a column twice, or
  // row_group_rows is 0.
  ParquetStreamWriter(const Schema& schema, Sink sink, ParquetStreamOptions options = {});
  ~ParquetStreamWriter();
  ParquetStreamWriter(const ParquetStreamWriter&) = delete;
  ParquetStreamWriter& operator=(const ParquetStreamWriter&) = delete;

  // Writes the leading "PAR1" now rather than with the first row group, so
  // a response can begin before the first rows are ready. Optional; throws
  // InvalidArgument after finish().
  void begin();

  // Buffers the batch's rows, emitting each row group to the sink as it
  // fills. Throws InvalidArgument naming the column if the batch's columns
  // differ from the schema (by name, type or order), or if called after
  // finish(). Whatever the sink throws passes through; the writer is then
  // unusable (later calls throw InvalidArgument).
  void write(const DataFrame& batch);

  // Emits the last row group and the footer. A file of no rows is valid (one
  // schema, no row groups). Throws InvalidArgument if called twice.
  void finish();

  // Encoded bytes held and not yet given to the sink: at most about one row
  // group's worth.
  size_t buffered_bytes() const;
  // Bytes given to the sink so far.
  uint64_t bytes_written() const { return offset_; }
  uint64_t rows_written() const { return total_rows_; }
  // Row groups given to the sink so far.
  size_t row_groups_written() const { return row_group_count_; }

 private:
  struct Leaf;
  struct Column;

  void add_column(const Field& field);
  void append(const Column& column, const Series& series, size_t from, size_t to);
  void cut_page(Leaf& leaf);
  void flush_row_group();
  void emit(std::string_view bytes);
  void start_file();
  void check_usable(const char* call) const;

  Schema schema_;
  Sink sink_;
  ParquetStreamOptions options_;
  std::vector<Leaf> leaves_;
  std::vector<Column> columns_;
  std::string schema_elements_;  // the footer's SchemaElements, encoded
  size_t schema_element_count_ = 0;
  std::string row_groups_;       // the footer's RowGroups so far, encoded
  size_t row_group_count_ = 0;
  size_t buffered_rows_ = 0;
  uint64_t total_rows_ = 0;
  uint64_t offset_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace neuralake::server
