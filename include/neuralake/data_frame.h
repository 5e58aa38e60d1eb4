// A collected, in-memory result: named, typed columns (Series) of equal length.
// DataFrames are plain values: copyable, immutable once built, safe to read
// from several threads at once.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "neuralake/string_column.h"
#include "neuralake/types.h"
#include "neuralake/value.h"

struct ArrowArrayStream;

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// One named, typed column. Storage is columnar by physical kind:
//   signed integers, booleans, dates, times, timestamps -> int64 (dates in days,
//   times and timestamps in the type's unit); unsigned -> uint64; floats -> double;
//   strings and binary -> StringColumn (Arrow's large string layout); 128-bit integers, decimals, intervals,
//   nested and engine-only types -> Value. Float32 values are kept rounded to float.
class Series {
 public:
  using Storage = std::variant<std::vector<int64_t>, std::vector<uint64_t>, std::vector<double>,
                               StringColumn, std::vector<Value>>;

  Series() = default;
  // Builds from values; each non-null value must fit `type` (throws
  // InvalidArgument naming the series, the row and the value otherwise).
  Series(std::string name, DataType type, const std::vector<Value>& values);
  // Typed conveniences; std::nullopt is null.
  Series(std::string name, std::vector<int64_t> values);
  Series(std::string name, std::vector<double> values);
  Series(std::string name, std::vector<std::string> values);
  Series(std::string name, std::vector<bool> values);
  Series(std::string name, std::vector<std::optional<int64_t>> values);
  Series(std::string name, std::vector<std::optional<double>> values);
  Series(std::string name, std::vector<std::optional<std::string>> values);

  // An empty series of `type`, ready for push_back.
  static Series empty(std::string name, DataType type);

  const std::string& name() const { return name_; }
  const DataType& type() const { return type_; }
  size_t size() const { return buf_->validity.size(); }
  bool is_null(size_t row) const { return !buf_->validity[row]; }

  // The cell as a Value (null if null). Throws InvalidArgument if out of range.
  Value get(size_t row) const;
  // Typed access; std::nullopt for null. Throws InvalidArgument naming the
  // series if T does not match its storage.
  template <class T> std::optional<T> at(size_t row) const;

  void push_back(const Value& v);  // throws InvalidArgument if it does not fit type()
  void push_null();
  void reserve(size_t n);

  // Copies of a series share its buffers until one of them is changed
  // (copy on write), so copying a frame, slicing off nothing or exporting it
  // to Arrow copies no values. A reference from mutable_storage() or
  // mutable_validity() is valid until the series is next copied.
  const Storage& storage() const { return buf_->data; }
  Storage& mutable_storage() { return own().data; }
  std::vector<uint8_t>& mutable_validity() { return own().validity; }
  const std::vector<uint8_t>& validity() const { return buf_->validity; }
  Series renamed(std::string name) const;

 private:
  struct Buffers {
    Storage data;
    std::vector<uint8_t> validity;  // 1 valid, 0 null; its size is the length
  };
  // The buffers, made this series' own first if they are shared.
  Buffers& own();
  const Storage& cdata() const { return buf_->data; }

  std::string name_;
  DataType type_;
  std::shared_ptr<Buffers> buf_ = std::make_shared<Buffers>();
};

// How DataFrame::to_string lays a frame out. The defaults print what Polars
// prints when its output is not a terminal (POLARS_FMT_* unset).
struct FormatOptions {
  // More rows print as the first ceil(max_rows/2), a "…" row, and the last
  // floor(max_rows/2). 0: only a "…" row.
  size_t max_rows = 10;
  // More columns print as the first ceil(max_columns/2), a "…" column, and the
  // last floor(max_columns/2).
  size_t max_columns = 8;
  // Cells and column names with more characters keep their first max_string_len
  // characters and end in "…" (Polars' POLARS_FMT_STR_LEN).
  size_t max_string_len = 30;
  // Lists with more items print the first max_list_items-1 items, "…" and the
  // last item, e.g. [1, 2, … 5] (Polars' POLARS_FMT_TABLE_CELL_LIST_LEN).
  size_t max_list_items = 3;
  // Width of the whole table in terminal columns; wider content wraps inside
  // its cell the way Polars wraps it (Polars' POLARS_TABLE_WIDTH).
  size_t table_width = 100;
};

// Named columns of equal length.
class DataFrame {
 public:
  DataFrame() = default;
  // Throws InvalidArgument if lengths differ or two columns share a name.
  static DataFrame from_columns(std::vector<Series> columns);

  size_t num_rows() const;
  size_t num_columns() const { return columns_.size(); }
  std::pair<size_t, size_t> shape() const { return {num_rows(), num_columns()}; }
  std::vector<std::string> column_names() const;
  Schema schema() const;

  const Series& column(size_t i) const;  // throws InvalidArgument if out of range
  // Throws NotFound naming the column (with a suggestion) if absent.
  const Series& column(const std::string& name) const;
  const std::vector<Series>& columns() const { return columns_; }
  Value value(size_t row, size_t col) const { return column(col).get(row); }

  // Rows [offset, offset+length) as a new frame; both are clamped to the
  // frame, so slicing past the end gives fewer (or no) rows, never an error.
  DataFrame slice(size_t offset, size_t length) const;
  // Appends `other`'s rows; throws InvalidArgument naming the column if the
  // schemas differ. A frame without columns becomes a copy of `other`.
  void append(const DataFrame& other);

  // Polars' table rendering: a "shape: (r, c)" line, then the table; no
  // trailing newline (like Polars' toString()).
  std::string to_string(const FormatOptions& options = {}) const;

  // Writes as Parquet / CSV (with header). Throws IOError naming the path.
  void write_parquet(const std::string& path) const;
  void write_csv(const std::string& path) const;
  // Exports through the Arrow C stream interface (neuralake/arrow_c.h), as
  // one struct array. 64-bit integers, timestamps, times, doubles, strings
  // (large utf8, "U") and binary ("Z") are shared with this frame, not
  // copied; narrower integers, dates, floats and booleans are narrowed or
  // packed; decimals, intervals and nested types are converted. The stream
  // keeps what it shares alive and may outlive this frame; the caller
  // releases it.
  void to_arrow(ArrowArrayStream* out) const;

 private:
  std::vector<Series> columns_;
};

// Writes exactly df.to_string(): no trailing newline.
std::ostream& operator<<(std::ostream& os, const DataFrame& df);

}  // namespace neuralake
#pragma GCC visibility pop

#include "neuralake/detail/series_inl.h"
