#include "server/parquet_stream_writer.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <unordered_set>
#include <variant>

#include <snappy.h>

#include "neuralake/error.h"
#include "server/rle_hybrid.h"
#include "server/thrift_compact_writer.h"

#ifndef NEURALAKE_VERSION
#define NEURALAKE_VERSION "dev"
#endif

namespace neuralake::server {

// Numbers of the Parquet format, from apache/parquet-format's
// src/main/thrift/parquet.thrift (enums and the field ids used below).
namespace {

enum PhysicalType : int32_t {
  kBoolean = 0, kInt32 = 1, kInt64 = 2, kFloat = 4, kDouble = 5, kByteArray = 6, kFixedLenByteArray = 7,
};
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum ConvertedType : int32_t {
  kUtf8 = 0, kList = 3, kDecimal = 5, kDate = 6, kTimeMicros = 8, kTimestampMillis = 9, kTimestampMicros = 10,
  kUint8 = 11, kInt8 = 15,
};
enum Encoding : int32_t { kPlain = 0, kRle = 3 };
enum Codec : int32_t { kUncompressed = 0, kSnappy = 1 };
constexpr int32_t kDataPage = 0;

// LogicalType union members (parquet.thrift's LogicalType).
constexpr int16_t kLogicalString = 1, kLogicalList = 3, kLogicalDecimal = 5, kLogicalDate = 6, kLogicalTime = 7,
                  kLogicalTimestamp = 8, kLogicalInteger = 10, kLogicalUnknown = 11;

// Rows appended to every column before page sizes are checked: few enough
// that a page of 1 KB strings passes page_bytes by about 1 MB at most.
constexpr size_t kPieceRows = 1024;

// How one leaf's non-null values become PLAIN bytes.
enum class ValueKind {
  Bool,       // bit-packed at the page's end
  Int32,      // from int64 (signed) or uint64 (unsigned, two's complement bits)
  Int64,      // from int64 times `factor` (seconds as millis) or uint64
  Float,
  Double,
  Bytes,      // 4-byte length, then the bytes
  Date,       // days as INT32
  Time,       // micros as INT64
  Timestamp,  // INT64 in the leaf's unit
  Decimal,    // unscaled, as INT32, INT64 or big-endian FIXED_LEN_BYTE_ARRAY
};

template <class T>
void put_le(std::string& out, T v) {
  static_assert(std::is_trivially_copyable_v<T>);
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // x86-64 and aarch64 Linux are little-endian, as Parquet is
  out.append(b, sizeof(T));
}

// A leaf's physical type and how its values are encoded.
struct LeafFormat {
  int32_t physical = kInt32;
  ValueKind kind = ValueKind::Int32;
  int32_t fixed_length = 0;  // FIXED_LEN_BYTE_ARRAY decimals
  int64_t factor = 1;        // seconds stored as milliseconds
  TimeUnit unit = TimeUnit::Microseconds;
  bool unsigned_order = false;  // integers compared as unsigned (u8..u64)
};

// The smallest and largest value of a column chunk, for its Statistics
// (min_value and max_value, PLAIN-encoded). Kept for the physical types whose
// order is plain: integers (signed, or unsigned where annotated so), floats
// (NaN left out) and booleans; byte arrays get none.
class ValueRange {
 public:
  // Takes in a page's PLAIN values (booleans one a byte, before packing).
  void add(const LeafFormat& f, const std::string& values, const std::vector<uint8_t>& bools) {
    switch (f.physical) {
      case kBoolean:
        for (uint8_t b : bools) (b ? has_true_ : has_false_) = true;
        any_ = any_ || !bools.empty();
        break;
      case kInt32: add_ints<int32_t, uint32_t>(f, values); break;
      case kInt64: add_ints<int64_t, uint64_t>(f, values); break;
      case kFloat: add_floats<float>(values); break;
      case kDouble: add_floats<double>(values); break;
      default: break;
    }
  }
  bool empty() const { return !any_; }
  std::string min(const LeafFormat& f) const { return encode(f, false); }
  std::string max(const LeafFormat& f) const { return encode(f, true); }
  void clear() { *this = ValueRange(); }

 private:
  template <class S, class U>
  void add_ints(const LeafFormat& f, const std::string& values) {
    for (size_t at = 0; at + sizeof(S) <= values.size(); at += sizeof(S)) {
      S x;
      std::memcpy(&x, values.data() + at, sizeof(S));
      const int64_t i = x;
      const uint64_t u = static_cast<U>(x);
      if (!any_ || (f.unsigned_order ? u < umin_ : i < imin_)) (f.unsigned_order ? umin_ = u : imin_ = i);
      if (!any_ || (f.unsigned_order ? u > umax_ : i > imax_)) (f.unsigned_order ? umax_ = u : imax_ = i);
      any_ = true;
    }
  }
  template <class F>
  void add_floats(const std::string& values) {
    for (size_t at = 0; at + sizeof(F) <= values.size(); at += sizeof(F)) {
      F x;
      std::memcpy(&x, values.data() + at, sizeof(F));
      if (x != x) continue;  // NaN has no place in the order
      if (!any_ || x < dmin_) dmin_ = x;
      if (!any_ || x > dmax_) dmax_ = x;
      any_ = true;
    }
  }
  std::string encode(const LeafFormat& f, bool max) const {
    std::string out;
    switch (f.physical) {
      case kBoolean: out.push_back(static_cast<char>(max ? has_true_ : !has_false_)); break;
      case kInt32:
        if (f.unsigned_order) put_le(out, static_cast<uint32_t>(max ? umax_ : umin_));
        else put_le(out, static_cast<int32_t>(max ? imax_ : imin_));
        break;
      case kInt64:
        if (f.unsigned_order) put_le(out, max ? umax_ : umin_);
        else put_le(out, max ? imax_ : imin_);
        break;
      case kFloat: case kDouble: {
        // A zero bound is written -0.0 as minimum and +0.0 as maximum, as the
        // format asks, since either zero may be in the chunk.
        double d = max ? dmax_ : dmin_;
        if (d == 0) d = max ? 0.0 : -0.0;
        if (f.physical == kFloat) put_le(out, static_cast<float>(d));
        else put_le(out, d);
        break;
      }
      default: break;
    }
    return out;
  }

  bool any_ = false;
  bool has_true_ = false, has_false_ = false;
  int64_t imin_ = 0, imax_ = 0;
  uint64_t umin_ = 0, umax_ = 0;
  double dmin_ = 0, dmax_ = 0;
};

}  // namespace

// One leaf column of the file, with the row group's bytes buffered for it.
struct ParquetStreamWriter::Leaf {
  std::string column;  // the top-level column, for messages
  std::vector<std::string> path;
  LeafFormat format;
  uint8_t max_def = 1;
  uint8_t max_rep = 0;

  // The open page.
  std::string values;
  std::vector<uint8_t> bools;
  std::vector<uint8_t> defs;
  std::vector<uint8_t> reps;
  // Finished pages of the open column chunk.
  std::string chunk;
  int64_t chunk_values = 0;
  int64_t chunk_nulls = 0;
  int64_t chunk_uncompressed = 0;
  ValueRange chunk_range;

  size_t page_size() const { return values.size() + bools.size() / 8 + defs.size() + reps.size(); }
};

// A top-level column: its leaves (one unless it is a list or a struct).
struct ParquetStreamWriter::Column {
  std::string name;
  DataType type;
  size_t first_leaf = 0;
  size_t leaf_count = 1;
};

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Levels behind their 4-byte length, as DataPage v1 stores them.
void put_levels(std::string& out, const std::vector<uint8_t>& levels, uint8_t max_level) {
  const size_t length_at = out.size();
  out.append(4, '\0');
  append_rle_hybrid(out, levels.data(), levels.size(), level_bit_width(max_level));
  const uint32_t length = static_cast<uint32_t>(out.size() - length_at - 4);
  std::memcpy(out.data() + length_at, &length, 4);
}

std::string type_text(const DataType& t) { return t.polars_name(); }

[[noreturn]] void unsupported(const std::string& column, const DataType& type, const std::string& why) {
  throw Error(ErrorCode::NotSupported, column,
              "column '" + column + "' of type " + type_text(type) + " cannot be written as Parquet: " + why);
}

bool is_primitive(const DataType& t) {
  switch (t.id()) {
    case TypeId::Null:
    case TypeId::Boolean:
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64:
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64:
    case TypeId::Float32: case TypeId::Float64:
    case TypeId::Decimal: case TypeId::String: case TypeId::Binary:
    case TypeId::Date: case TypeId::Time: case TypeId::Timestamp: case TypeId::TimestampTz:
      return true;
    default:
      return false;
  }
}

// Why a primitive-looking type still has no mapping, or empty.
std::string primitive_problem(const DataType& t) {
  switch (t.id()) {
    case TypeId::Int128: return "128-bit integers have no Parquet type (cast to DECIMAL(38,0))";
    case TypeId::Interval: return "intervals are not supported (cast to VARCHAR)";
    case TypeId::Other: return "the engine type " + t.engine_name() + " has no Parquet mapping here (cast it)";
    case TypeId::Decimal:
      if (t.precision() < 1 || t.precision() > 38) return "decimal precision must be 1 to 38";
      return {};
    default: return is_primitive(t) ? std::string() : "only lists and structs of primitive types are supported";
  }
}

int integer_bits(TypeId id) {
  switch (id) {
    case TypeId::Int8: case TypeId::UInt8: return 8;
    case TypeId::Int16: case TypeId::UInt16: return 16;
    case TypeId::Int32: case TypeId::UInt32: return 32;
    default: return 64;
  }
}

bool is_unsigned(TypeId id) {
  return id == TypeId::UInt8 || id == TypeId::UInt16 || id == TypeId::UInt32 || id == TypeId::UInt64;
}

// Bytes of a FIXED_LEN_BYTE_ARRAY that holds every unscaled value of `precision` digits.
int32_t decimal_bytes(int precision) {
  __int128 max = 1;
  for (int i = 0; i < precision; ++i) max *= 10;
  int32_t n = 1;
  while (n < 16 && (__int128{1} << (8 * n - 1)) < max) ++n;
  return n;
}

void write_time_unit(CompactWriter& w, TimeUnit unit) {
  w.begin_struct(2);  // unit
  w.begin_struct(unit == TimeUnit::Nanoseconds ? 3 : unit == TimeUnit::Microseconds ? 2 : 1);  // NANOS, MICROS, MILLIS
  w.end_struct();
  w.end_struct();
}

// The leaf's SchemaElement (parquet.thrift: 1 type, 2 type_length,
// 3 repetition_type, 4 name, 6 converted_type, 7 scale, 8 precision,
// 10 logicalType), and how its values are encoded.
LeafFormat describe_leaf(CompactWriter& w, const std::string& name, const DataType& t) {
  LeafFormat f;
  int32_t& physical = f.physical;
  ValueKind& kind = f.kind;
  int32_t converted = -1;
  int16_t logical = 0;
  switch (t.id()) {
    // A column of nulls only: INT32 annotated UNKNOWN (always null), as the format suggests.
    case TypeId::Null: physical = kInt32; kind = ValueKind::Int32; logical = kLogicalUnknown; break;
    case TypeId::Boolean: physical = kBoolean; kind = ValueKind::Bool; break;
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64:
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64: {
      const int bits = integer_bits(t.id());
      physical = bits == 64 ? kInt64 : kInt32;
      kind = bits == 64 ? ValueKind::Int64 : ValueKind::Int32;
      const int log2 = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
      converted = (is_unsigned(t.id()) ? kUint8 : kInt8) + log2;
      f.unsigned_order = is_unsigned(t.id());
      logical = kLogicalInteger;
      break;
    }
    case TypeId::Float32: physical = kFloat; kind = ValueKind::Float; break;
    case TypeId::Float64: physical = kDouble; kind = ValueKind::Double; break;
    case TypeId::String:
      physical = kByteArray;
      kind = ValueKind::Bytes;
      converted = kUtf8;
      logical = kLogicalString;
      break;
    case TypeId::Binary: physical = kByteArray; kind = ValueKind::Bytes; break;
    case TypeId::Date: physical = kInt32; kind = ValueKind::Date; converted = kDate; logical = kLogicalDate; break;
    case TypeId::Time:
      physical = kInt64;
      kind = ValueKind::Time;
      converted = kTimeMicros;
      logical = kLogicalTime;
      break;
    case TypeId::Timestamp:
      physical = kInt64;
      kind = ValueKind::Timestamp;
      f.unit = t.time_unit();
      // Parquet has no seconds: they are written as milliseconds.
      if (f.unit == TimeUnit::Seconds) {
        f.unit = TimeUnit::Milliseconds;
        f.factor = 1000;
      }
      logical = kLogicalTimestamp;
      // The converted TIMESTAMP_* types mean UTC-adjusted, so a local timestamp has none.
      break;
    case TypeId::TimestampTz:
      physical = kInt64;
      kind = ValueKind::Timestamp;
      f.unit = TimeUnit::Microseconds;
      converted = kTimestampMicros;
      logical = kLogicalTimestamp;
      break;
    case TypeId::Decimal:
      kind = ValueKind::Decimal;
      if (t.precision() <= 9) {
        physical = kInt32;
      } else if (t.precision() <= 18) {
        physical = kInt64;
      } else {
        physical = kFixedLenByteArray;
        f.fixed_length = decimal_bytes(t.precision());
      }
      converted = kDecimal;
      logical = kLogicalDecimal;
      break;
    default:
      break;  // refused before
  }
  w.begin_struct();
  w.field_i32(1, physical);
  if (physical == kFixedLenByteArray) w.field_i32(2, f.fixed_length);
  w.field_i32(3, kOptional);
  w.field_binary(4, name);
  if (converted >= 0) w.field_i32(6, converted);
  if (t.id() == TypeId::Decimal) {
    w.field_i32(7, t.scale());
    w.field_i32(8, t.precision());
  }
  if (logical != 0) {
    w.begin_struct(10);
    w.begin_struct(logical);
    switch (logical) {
      case kLogicalInteger:
        w.field_i8(1, static_cast<int8_t>(integer_bits(t.id())));
        w.field_bool(2, !is_unsigned(t.id()));
        break;
      case kLogicalDecimal:
        w.field_i32(1, t.scale());
        w.field_i32(2, t.precision());
        break;
      case kLogicalTime:
        w.field_bool(1, false);
        write_time_unit(w, TimeUnit::Microseconds);
        break;
      case kLogicalTimestamp:
        w.field_bool(1, t.id() == TypeId::TimestampTz);
        write_time_unit(w, f.unit);
        break;
      default:
        break;  // STRING and DATE are empty structs
    }
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
  return f;
}

// A group's SchemaElement: 3 repetition_type, 4 name, 5 num_children, and
// for a LIST its converted and logical type.
void describe_group(CompactWriter& w, const std::string& name, int32_t repetition, int32_t children, bool list) {
  w.begin_struct();
  w.field_i32(3, repetition);
  w.field_binary(4, name);
  w.field_i32(5, children);
  if (list) {
    w.field_i32(6, kList);
    w.begin_struct(10);
    w.begin_struct(kLogicalList);
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
}

__int128 unscaled_of(const Value& v) {
  if (v.is<Decimal>()) return v.as<Decimal>().unscaled;
  if (v.is<int64_t>()) return v.as<int64_t>();
  return static_cast<__int128>(v.as<uint64_t>());
}

// Appends one non-null value, given as a Value (nested children and columns
// stored as Values), in the leaf's PLAIN encoding; booleans go to `bools`.
void put_value(const LeafFormat& f, std::string& out, std::vector<uint8_t>& bools, const Value& v) {
  switch (f.kind) {
    case ValueKind::Bool: bools.push_back(v.as<bool>() ? 1 : 0); return;
    case ValueKind::Int32:
      if (v.is<uint64_t>()) put_le(out, static_cast<int32_t>(static_cast<uint32_t>(v.as<uint64_t>())));
      else put_le(out, static_cast<int32_t>(v.as<int64_t>()));
      return;
    case ValueKind::Int64:
      if (v.is<uint64_t>()) put_le(out, static_cast<int64_t>(v.as<uint64_t>()));
      else put_le(out, v.as<int64_t>());
      return;
    case ValueKind::Float: put_le(out, static_cast<float>(v.as<double>())); return;
    case ValueKind::Double: put_le(out, v.as<double>()); return;
    case ValueKind::Bytes: {
      const std::string& s = v.is<Bytes>() ? v.as<Bytes>().data : v.as<std::string>();
      put_le(out, static_cast<uint32_t>(s.size()));
      out.append(s);
      return;
    }
    case ValueKind::Date: put_le(out, v.as<Date>().days); return;
    case ValueKind::Time: put_le(out, v.as<Time>().micros); return;
    case ValueKind::Timestamp: {
      // A Value holds microseconds whatever the column's unit.
      const int64_t micros = v.as<Timestamp>().micros;
      const int64_t stored = f.unit == TimeUnit::Nanoseconds    ? micros * 1000
                             : f.unit == TimeUnit::Milliseconds ? floor_div(micros, 1000)
                                                              : micros;
      put_le(out, stored);
      return;
    }
    case ValueKind::Decimal: {
      const __int128 u = unscaled_of(v);
      if (f.physical == kInt32) {
        put_le(out, static_cast<int32_t>(u));
      } else if (f.physical == kInt64) {
        put_le(out, static_cast<int64_t>(u));
      } else {
        // Big-endian two's complement, as the DECIMAL annotation prescribes.
        for (int32_t b = f.fixed_length - 1; b >= 0; --b) {
          out.push_back(static_cast<char>(static_cast<uint8_t>(u >> (8 * b))));
        }
      }
      return;
    }
  }
}

}  // namespace

ParquetStreamWriter::ParquetStreamWriter(const Schema& schema, Sink sink, ParquetStreamOptions options)
    : schema_(schema), sink_(std::move(sink)), options_(options) {
  if (options_.row_group_rows == 0) {
    throw Error(ErrorCode::InvalidArgument, "row_group_rows", "a Parquet row group needs row_group_rows of 1 or more");
  }
  if (schema_.empty()) throw Error(ErrorCode::InvalidArgument, "", "a Parquet file needs at least one column");
  std::unordered_set<std::string> names;
  for (const Field& f : schema_) {
    if (!names.insert(f.name).second) {
      throw Error(ErrorCode::InvalidArgument, f.name, "column '" + f.name + "' appears twice in the schema");
    }
  }
  // Refuse every column before describing any, so the message names the first at fault.
  for (const Field& f : schema_) {
    if (f.type.id() == TypeId::List) {
      const DataType& e = f.type.children()[0].type;
      if (auto why = primitive_problem(e); !why.empty()) unsupported(f.name, f.type, "list element: " + why);
    } else if (f.type.id() == TypeId::Struct) {
      if (f.type.children().empty()) unsupported(f.name, f.type, "a struct needs at least one field");
      for (const Field& c : f.type.children()) {
        if (auto why = primitive_problem(c.type); !why.empty()) {
          unsupported(f.name, f.type, "field '" + c.name + "': " + why);
        }
      }
    } else if (f.type.id() == TypeId::Map) {
      unsupported(f.name, f.type, "maps are not supported (cast to a list of structs)");
    } else if (auto why = primitive_problem(f.type); !why.empty()) {
      unsupported(f.name, f.type, why);
    }
  }
  CompactWriter w;
  // The root: parquet-format names it freely; 5 num_children.
  w.begin_struct();
  w.field_binary(4, "schema");
  w.field_i32(5, static_cast<int32_t>(schema_.size()));
  w.end_struct();
  schema_element_count_ = 1;
  schema_elements_ = w.take();
  for (const Field& f : schema_) add_column(f);
}

ParquetStreamWriter::~ParquetStreamWriter() = default;

void ParquetStreamWriter::add_column(const Field& field) {
  Column column{field.name, field.type, leaves_.size(), 0};
  CompactWriter w;
  auto add_leaf = [&](const std::string& name, const DataType& t, std::vector<std::string> path, uint8_t max_def,
                      uint8_t max_rep) {
    Leaf leaf;
    leaf.column = field.name;
    leaf.path = std::move(path);
    leaf.max_def = max_def;
    leaf.max_rep = max_rep;
    leaf.format = describe_leaf(w, name, t);
    ++schema_element_count_;
    leaves_.push_back(std::move(leaf));
    ++column.leaf_count;
  };
  if (field.type.id() == TypeId::List) {
    // The three-level LIST: optional group <name> (LIST) { repeated group list { optional <element> } }.
    describe_group(w, field.name, kOptional, 1, true);
    describe_group(w, "list", kRepeated, 1, false);
    schema_element_count_ += 2;
    add_leaf("element", field.type.children()[0].type, {field.name, "list", "element"}, 3, 1);
  } else if (field.type.id() == TypeId::Struct) {
    const auto& children = field.type.children();
    describe_group(w, field.name, kOptional, static_cast<int32_t>(children.size()), false);
    ++schema_element_count_;
    for (const Field& c : children) add_leaf(c.name, c.type, {field.name, c.name}, 2, 0);
  } else {
    add_leaf(field.name, field.type, {field.name}, 1, 0);
  }
  schema_elements_ += w.bytes();
  columns_.push_back(std::move(column));
}

void ParquetStreamWriter::check_usable(const char* call) const {
  if (finished_) {
    throw Error(ErrorCode::InvalidArgument, "", std::string(call) + " after finish(): the Parquet file is complete");
  }
  if (failed_) {
    throw Error(ErrorCode::InvalidArgument, "",
                std::string(call) + " after a failed write: the Parquet file is incomplete and cannot be continued");
  }
}

void ParquetStreamWriter::begin() {
  check_usable("begin()");
  failed_ = true;
  start_file();
  failed_ = false;
}

void ParquetStreamWriter::write(const DataFrame& batch) {
  check_usable("write()");
  if (batch.num_columns() != schema_.size()) {
    throw Error(ErrorCode::InvalidArgument, "",
                "a batch of " + std::to_string(batch.num_columns()) + " columns does not match the Parquet schema of " +
                    std::to_string(schema_.size()));
  }
  for (size_t c = 0; c < schema_.size(); ++c) {
    const Series& s = batch.column(c);
    if (s.name() != schema_[c].name || !(s.type() == schema_[c].type)) {
      throw Error(ErrorCode::InvalidArgument, s.name(),
                  "batch column " + std::to_string(c) + " is '" + s.name() + "' of type " + type_text(s.type()) +
                      " where the Parquet schema has '" + schema_[c].name + "' of type " + type_text(schema_[c].type));
    }
  }
  failed_ = true;  // until this batch is in: a throwing sink leaves a torn file
  const size_t rows = batch.num_rows();
  size_t from = 0;
  while (from < rows) {
    const size_t take = std::min({rows - from, options_.row_group_rows - buffered_rows_, kPieceRows});
    for (size_t c = 0; c < columns_.size(); ++c) append(columns_[c], batch.column(c), from, from + take);
    for (Leaf& leaf : leaves_) {
      if (leaf.page_size() >= options_.page_bytes) cut_page(leaf);
    }
    from += take;
    buffered_rows_ += take;
    if (buffered_rows_ == options_.row_group_rows ||
        (options_.row_group_bytes && buffered_bytes() >= options_.row_group_bytes))
      flush_row_group();
  }
  failed_ = false;
}

void ParquetStreamWriter::append(const Column& column, const Series& series, size_t from, size_t to) {
  const auto& valid = series.validity();
  if (column.type.id() == TypeId::List) {
    Leaf& leaf = leaves_[column.first_leaf];
    for (size_t r = from; r < to; ++r) {
      if (!valid[r]) {
        leaf.defs.push_back(0);
        leaf.reps.push_back(0);
        ++leaf.chunk_nulls;
        continue;
      }
      const Value row = series.get(r);
      const ValueList& items = row.as<ValueList>();
      if (items.empty()) {
        leaf.defs.push_back(1);
        leaf.reps.push_back(0);
        ++leaf.chunk_nulls;
        continue;
      }
      for (size_t i = 0; i < items.size(); ++i) {
        leaf.reps.push_back(i == 0 ? 0 : 1);
        if (items[i].is_null()) {
          leaf.defs.push_back(2);
          ++leaf.chunk_nulls;
        } else {
          leaf.defs.push_back(3);
          put_value(leaf.format, leaf.values, leaf.bools, items[i]);
        }
      }
    }
    return;
  }
  if (column.type.id() == TypeId::Struct) {
    for (size_t r = from; r < to; ++r) {
      if (!valid[r]) {
        for (size_t k = 0; k < column.leaf_count; ++k) {
          leaves_[column.first_leaf + k].defs.push_back(0);
          ++leaves_[column.first_leaf + k].chunk_nulls;
        }
        continue;
      }
      const Value row = series.get(r);
      const ValueStruct& fields = row.as<ValueStruct>();
      for (size_t k = 0; k < column.leaf_count; ++k) {
        Leaf& leaf = leaves_[column.first_leaf + k];
        const Value& v = fields[k].second;
        if (v.is_null()) {
          leaf.defs.push_back(1);
          ++leaf.chunk_nulls;
        } else {
          leaf.defs.push_back(2);
          put_value(leaf.format, leaf.values, leaf.bools, v);
        }
      }
    }
    return;
  }

  // A flat column: its definition level is its validity.
  Leaf& leaf = leaves_[column.first_leaf];
  leaf.defs.insert(leaf.defs.end(), valid.begin() + static_cast<std::ptrdiff_t>(from),
                   valid.begin() + static_cast<std::ptrdiff_t>(to));
  size_t present = 0;
  for (size_t r = from; r < to; ++r) present += valid[r] != 0;
  leaf.chunk_nulls += static_cast<int64_t>((to - from) - present);
  std::string& out = leaf.values;
  const auto& storage = series.storage();
  if (const auto* ints = std::get_if<std::vector<int64_t>>(&storage)) {
    const int64_t* v = ints->data();
    switch (leaf.format.kind) {
      case ValueKind::Bool:
        for (size_t r = from; r < to; ++r) {
          if (valid[r]) leaf.bools.push_back(v[r] != 0);
        }
        return;
      case ValueKind::Int32: case ValueKind::Date: {
        const size_t at = out.size();
        out.resize(at + present * 4);
        char* p = out.data() + at;
        for (size_t r = from; r < to; ++r) {
          if (!valid[r]) continue;
          const int32_t x = static_cast<int32_t>(v[r]);
          std::memcpy(p, &x, 4);
          p += 4;
        }
        return;
      }
      case ValueKind::Int64: case ValueKind::Time: case ValueKind::Timestamp: {
        // Stored in the column's own unit already; seconds become milliseconds.
        const size_t at = out.size();
        out.resize(at + present * 8);
        char* p = out.data() + at;
        for (size_t r = from; r < to; ++r) {
          if (!valid[r]) continue;
          const int64_t x = v[r] * leaf.format.factor;
          std::memcpy(p, &x, 8);
          p += 8;
        }
        return;
      }
      default:
        break;
    }
  } else if (const auto* uints = std::get_if<std::vector<uint64_t>>(&storage)) {
    const uint64_t* v = uints->data();
    for (size_t r = from; r < to; ++r) {
      if (!valid[r]) continue;
      if (leaf.format.kind == ValueKind::Int32) put_le(out, static_cast<uint32_t>(v[r]));
      else put_le(out, v[r]);
    }
    return;
  } else if (const auto* doubles = std::get_if<std::vector<double>>(&storage)) {
    const double* v = doubles->data();
    for (size_t r = from; r < to; ++r) {
      if (!valid[r]) continue;
      if (leaf.format.kind == ValueKind::Float) put_le(out, static_cast<float>(v[r]));
      else put_le(out, v[r]);
    }
    return;
  } else if (const auto* strings = std::get_if<StringColumn>(&storage)) {
    const auto& offsets = strings->offsets();
    const char* bytes = strings->bytes().data();
    for (size_t r = from; r < to; ++r) {
      if (!valid[r]) continue;
      const int64_t len = offsets[r + 1] - offsets[r];
      if (len > std::numeric_limits<int32_t>::max()) {
        throw Error(ErrorCode::InvalidArgument, column.name,
                    "column '" + column.name + "' row " + std::to_string(r) +
                        " holds more than 2 GiB, the Parquet limit");
      }
      put_le(out, static_cast<uint32_t>(len));
      out.append(bytes + offsets[r], static_cast<size_t>(len));
    }
    return;
  }
  // Values (decimals) and anything stored otherwise than expected.
  for (size_t r = from; r < to; ++r) {
    if (valid[r]) {
      put_value(leaf.format, out, leaf.bools, series.get(r));
    }
  }
}

void ParquetStreamWriter::cut_page(Leaf& leaf) {
  if (leaf.defs.empty()) return;
  std::string page;
  page.reserve(leaf.page_size() + 16);
  if (leaf.max_rep > 0) put_levels(page, leaf.reps, leaf.max_rep);
  put_levels(page, leaf.defs, leaf.max_def);
  if (leaf.format.kind == ValueKind::Bool) {
    // PLAIN booleans: one bit each, least significant first.
    const size_t at = page.size();
    page.append((leaf.bools.size() + 7) / 8, '\0');
    for (size_t i = 0; i < leaf.bools.size(); ++i) {
      if (leaf.bools[i]) page[at + i / 8] = static_cast<char>(page[at + i / 8] | (1 << (i % 8)));
    }
  } else {
    page += leaf.values;
  }
  std::string compressed;
  const std::string* body = &page;
  if (options_.compression == ParquetCompression::Snappy) {
    snappy::Compress(page.data(), page.size(), &compressed);
    body = &compressed;
  }
  if (std::max(page.size(), body->size()) > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw Error(ErrorCode::InvalidArgument, leaf.column,
                "a page of column '" + leaf.column + "' exceeds 2 GiB, the Parquet limit: lower page_bytes");
  }
  const int32_t count = static_cast<int32_t>(leaf.defs.size());
  // PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size,
  // 5 data_page_header { 1 num_values, 2 encoding, 3 definition_level_encoding,
  // 4 repetition_level_encoding }.
  CompactWriter h;
  h.begin_struct();
  h.field_i32(1, kDataPage);
  h.field_i32(2, static_cast<int32_t>(page.size()));
  h.field_i32(3, static_cast<int32_t>(body->size()));
  h.begin_struct(5);
  h.field_i32(1, count);
  h.field_i32(2, kPlain);
  h.field_i32(3, kRle);
  h.field_i32(4, kRle);
  h.end_struct();
  h.end_struct();
  leaf.chunk += h.bytes();
  leaf.chunk += *body;
  leaf.chunk_uncompressed += static_cast<int64_t>(h.bytes().size() + page.size());
  leaf.chunk_values += count;
  leaf.chunk_range.add(leaf.format, leaf.values, leaf.bools);
  leaf.values.clear();
  leaf.bools.clear();
  leaf.defs.clear();
  leaf.reps.clear();
}

void ParquetStreamWriter::start_file() {
  if (started_) return;
  started_ = true;
  emit("PAR1");
}

void ParquetStreamWriter::emit(std::string_view bytes) {
  sink_(bytes);
  offset_ += bytes.size();
}

void ParquetStreamWriter::flush_row_group() {
  if (buffered_rows_ == 0) return;
  start_file();
  const int64_t group_offset = static_cast<int64_t>(offset_);
  int64_t total_uncompressed = 0;
  // RowGroup: 1 columns, 2 total_byte_size, 3 num_rows, 5 file_offset,
  // 6 total_compressed_size, 7 ordinal. ColumnChunk: 2 file_offset,
  // 3 meta_data. ColumnMetaData: 1 type, 2 encodings, 3 path_in_schema,
  // 4 codec, 5 num_values, 6 total_uncompressed_size, 7 total_compressed_size,
  // 9 data_page_offset, 12 statistics { 3 null_count }.
  CompactWriter w;
  w.begin_struct();
  w.begin_list(1, CompactWriter::kStruct, leaves_.size());
  for (Leaf& leaf : leaves_) {
    cut_page(leaf);
    const int64_t chunk_offset = static_cast<int64_t>(offset_);
    emit(leaf.chunk);
    w.begin_struct();
    w.field_i64(2, chunk_offset);
    w.begin_struct(3);
    w.field_i32(1, leaf.format.physical);
    w.begin_list(2, CompactWriter::kI32, 2);
    w.i32_element(kPlain);
    w.i32_element(kRle);
    w.begin_list(3, CompactWriter::kBinary, leaf.path.size());
    for (const auto& p : leaf.path) w.binary_element(p);
    w.field_i32(4, options_.compression == ParquetCompression::Snappy ? kSnappy : kUncompressed);
    w.field_i64(5, leaf.chunk_values);
    w.field_i64(6, leaf.chunk_uncompressed);
    w.field_i64(7, static_cast<int64_t>(leaf.chunk.size()));
    w.field_i64(9, chunk_offset);
    // Statistics: 3 null_count, 5 max_value, 6 min_value.
    w.begin_struct(12);
    w.field_i64(3, leaf.chunk_nulls);
    if (!leaf.chunk_range.empty()) {
      w.field_binary(5, leaf.chunk_range.max(leaf.format));
      w.field_binary(6, leaf.chunk_range.min(leaf.format));
    }
    w.end_struct();
    w.end_struct();
    w.end_struct();
    total_uncompressed += leaf.chunk_uncompressed;
    leaf.chunk.clear();
    leaf.chunk_values = 0;
    leaf.chunk_nulls = 0;
    leaf.chunk_uncompressed = 0;
    leaf.chunk_range.clear();
  }
  w.field_i64(2, total_uncompressed);
  w.field_i64(3, static_cast<int64_t>(buffered_rows_));
  w.field_i64(5, group_offset);
  w.field_i64(6, static_cast<int64_t>(offset_) - group_offset);
  // The ordinal is 16-bit: a file of more row groups leaves it out past that.
  if (row_group_count_ <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    w.field_i16(7, static_cast<int16_t>(row_group_count_));
  }
  w.end_struct();
  row_groups_ += w.bytes();
  ++row_group_count_;
  total_rows_ += buffered_rows_;
  buffered_rows_ = 0;
}

void ParquetStreamWriter::finish() {
  check_usable("finish()");
  failed_ = true;
  flush_row_group();
  start_file();
  // FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row_groups, 6 created_by,
  // 7 column_orders (each leaf's TYPE_ORDER: the order min_value and max_value follow).
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, 1);
  w.begin_list(2, CompactWriter::kStruct, schema_element_count_);
  w.raw(schema_elements_);
  w.field_i64(3, static_cast<int64_t>(total_rows_));
  w.begin_list(4, CompactWriter::kStruct, row_group_count_);
  w.raw(row_groups_);
  w.field_binary(6, "neuralake version " NEURALAKE_VERSION);
  w.begin_list(7, CompactWriter::kStruct, leaves_.size());
  for (size_t i = 0; i < leaves_.size(); ++i) {
    w.begin_struct();
    w.begin_struct(1);
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
  const std::string& footer = w.bytes();
  emit(footer);
  std::string tail;
  put_le(tail, static_cast<uint32_t>(footer.size()));
  tail += "PAR1";
  emit(tail);
  failed_ = false;
  finished_ = true;
}

size_t ParquetStreamWriter::buffered_bytes() const {
  size_t n = 0;
  for (const Leaf& leaf : leaves_) {
    n += leaf.values.size() + leaf.bools.size() + leaf.defs.size() + leaf.reps.size() + leaf.chunk.size();
  }
  return n;
}

}  // namespace neuralake::server
