// Arrow IPC encoding (Arrow columnar format 1.0, "Serialization and
// Interprocess Communication"). Every message is encapsulated: the
// continuation marker 0xFFFFFFFF, the int32 length of the metadata that
// follows (padded so that the body starts 8-byte aligned), the Message
// flatbuffer, then the body, whose buffers each start at a multiple of 8.
//
// The flatbuffer tables come from flatc-generated code (arrow_format.fbs,
// transcribed from Arrow's own schemas) rather than hand-placed vtable slots:
// the reader locates every field by its id, and a schema file keeps those ids
// in one readable place where a typo cannot silently shift a field.
#include "server/arrow_ipc_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "arrow_format_generated.h"
#include "neuralake/error.h"

static_assert(std::endian::native == std::endian::little,
              "the Arrow IPC writer declares little-endian buffers and writes them as they are in memory");

namespace neuralake::server {

namespace fb = org::apache::arrow::flatbuf;

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;
constexpr char kFileMagic[] = "ARROW1";  // 6 bytes; padded to 8 at the start of a file
constexpr char kZeros[8] = {};
// Pieces of a message smaller than this are gathered before reaching the
// sink; larger buffers go to it directly, without a copy.
constexpr size_t kStageBytes = 64 * 1024;

int64_t padded8(int64_t n) { return (n + 7) & ~int64_t{7}; }

// How a column's values are laid out in buffers (the C data interface and
// IPC agree on the buffers of every layout here).
enum class Layout {
  Null,        // no buffers
  Bits,        // validity, bit-packed values (booleans)
  Fixed,       // validity, values of byte_width bytes
  Binary32,    // validity, int32 offsets, bytes
  Binary64,    // validity, int64 offsets, bytes
  List32,      // validity, int32 offsets; one child (lists, maps)
  List64,      // validity, int64 offsets; one child
  FixedList,   // validity; one child of list_size values per row
  Struct,      // validity; the children
};

// One column (or nested child) of the schema: its Arrow type, parsed from
// the C data interface format string, and its layout.
struct Column {
  std::string name;
  std::string format;
  bool nullable = true;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<Column> children;

  Layout layout = Layout::Null;
  int64_t byte_width = 0;  // Fixed
  int64_t list_size = 0;   // FixedList

  fb::Type type = fb::Type_NONE;
  int bit_width = 0;  // Int, Decimal, Time
  bool is_signed = false;
  fb::Precision float_precision = fb::Precision_DOUBLE;
  int precision = 0;
  int scale = 0;
  fb::DateUnit date_unit = fb::DateUnit_DAY;
  fb::TimeUnit time_unit = fb::TimeUnit_SECOND;
  std::string timezone;
  fb::IntervalUnit interval_unit = fb::IntervalUnit_YEAR_MONTH;
  bool keys_sorted = false;
};

// The key/value pairs of a C data interface metadata blob: int32 count, then
// per pair an int32 length and the bytes of the key, and of the value.
std::vector<std::pair<std::string, std::string>> read_metadata(const char* blob) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!blob) return pairs;
  auto read_i32 = [&blob] {
    int32_t v;
    std::memcpy(&v, blob, sizeof v);
    blob += sizeof v;
    return v;
  };
  auto read_str = [&] {
    int32_t n = read_i32();
    std::string s(blob, static_cast<size_t>(n));
    blob += n;
    return s;
  };
  for (int32_t n = read_i32(); n > 0; --n) {
    std::string key = read_str();
    pairs.emplace_back(std::move(key), read_str());
  }
  return pairs;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Parses "N" or "P,S[,W]" after a format's prefix; false if malformed.
bool parse_ints(std::string_view text, std::vector<int64_t>& out) {
  out.clear();
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    if (part.empty() || part.size() > 18) return false;
    int64_t v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;
  }
  return !out.empty();
}

// What a column is called in errors: its path and, for a top-level column
// of a schema given as neuralake types, the type's SQL name.
struct Naming {
  const Schema* schema = nullptr;  // set when built from neuralake types
  std::string describe(const std::string& path, size_t top_index, bool top, const std::string& format) const {
    std::string type = top && schema && top_index < schema->size() ? (*schema)[top_index].type.sql_name()
                                                                   : "Arrow format '" + format + "'";
    return "column '" + path + "' of type " + type;
  }
};

[[noreturn]] void not_supported(const std::string& path, const std::string& what, const std::string& why) {
  throw Error(ErrorCode::NotSupported, path, what + " cannot be written as Arrow IPC: " + why);
}

Column parse_column(const ArrowSchema& s, const std::string& path, size_t top_index, bool top,
                    const Naming& naming) {
  Column c;
  c.name = s.name ? s.name : "";
  c.format = s.format ? s.format : "";
  c.nullable = (s.flags & ARROW_FLAG_NULLABLE) != 0;
  c.keys_sorted = (s.flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0;
  c.metadata = read_metadata(s.metadata);
  const std::string what = naming.describe(path, top_index, top, c.format);
  if (s.dictionary) not_supported(path, what, "dictionary-encoded columns are not supported");
  const std::string_view f = c.format;
  std::vector<int64_t> ints;
  auto fixed = [&](fb::Type type, int64_t bytes) {
    c.type = type;
    c.layout = Layout::Fixed;
    c.byte_width = bytes;
  };
  auto integer = [&](int bits, bool is_signed) {
    fixed(fb::Type_Int, bits / 8);
    c.bit_width = bits;
    c.is_signed = is_signed;
  };
  auto time_unit = [](char u, fb::TimeUnit& out) {
    switch (u) {
      case 's': out = fb::TimeUnit_SECOND; return true;
      case 'm': out = fb::TimeUnit_MILLISECOND; return true;
      case 'u': out = fb::TimeUnit_MICROSECOND; return true;
      case 'n': out = fb::TimeUnit_NANOSECOND; return true;
      default: return false;
    }
  };
  bool known = true;
  if (f == "n") {
    c.type = fb::Type_Null;
    c.layout = Layout::Null;
  } else if (f == "b") {
    c.type = fb::Type_Bool;
    c.layout = Layout::Bits;
  } else if (f == "c") {
    integer(8, true);
  } else if (f == "C") {
    integer(8, false);
  } else if (f == "s") {
    integer(16, true);
  } else if (f == "S") {
    integer(16, false);
  } else if (f == "i") {
    integer(32, true);
  } else if (f == "I") {
    integer(32, false);
  } else if (f == "l") {
    integer(64, true);
  } else if (f == "L") {
    integer(64, false);
  } else if (f == "e" || f == "f" || f == "g") {
    fixed(fb::Type_FloatingPoint, f == "e" ? 2 : f == "f" ? 4 : 8);
    c.float_precision = f == "e" ? fb::Precision_HALF : f == "f" ? fb::Precision_SINGLE : fb::Precision_DOUBLE;
  } else if (f == "u" || f == "z") {
    c.type = f == "u" ? fb::Type_Utf8 : fb::Type_Binary;
    c.layout = Layout::Binary32;
  } else if (f == "U" || f == "Z") {
    c.type = f == "U" ? fb::Type_LargeUtf8 : fb::Type_LargeBinary;
    c.layout = Layout::Binary64;
  } else if (starts_with(f, "w:")) {
    if (!parse_ints(f.substr(2), ints) || ints.size() != 1 || ints[0] <= 0)
      not_supported(path, what, "a malformed fixed-size binary format");
    fixed(fb::Type_FixedSizeBinary, ints[0]);
  } else if (starts_with(f, "d:")) {
    if (!parse_ints(f.substr(2), ints) || ints.size() < 2 || ints.size() > 3)
      not_supported(path, what, "a malformed decimal format");
    int bits = ints.size() == 3 ? static_cast<int>(ints[2]) : 128;
    if (bits != 128 && bits != 256) not_supported(path, what, "only 128- and 256-bit decimals are supported");
    fixed(fb::Type_Decimal, bits / 8);
    c.precision = static_cast<int>(ints[0]);
    c.scale = static_cast<int>(ints[1]);
    c.bit_width = bits;
  } else if (f == "tdD" || f == "tdm") {
    fixed(fb::Type_Date, f == "tdD" ? 4 : 8);
    c.date_unit = f == "tdD" ? fb::DateUnit_DAY : fb::DateUnit_MILLISECOND;
  } else if (f.size() == 3 && starts_with(f, "tt") && time_unit(f[2], c.time_unit)) {
    bool narrow = c.time_unit == fb::TimeUnit_SECOND || c.time_unit == fb::TimeUnit_MILLISECOND;
    fixed(fb::Type_Time, narrow ? 4 : 8);
    c.bit_width = narrow ? 32 : 64;
  } else if (f.size() >= 4 && starts_with(f, "ts") && f[3] == ':' && time_unit(f[2], c.time_unit)) {
    fixed(fb::Type_Timestamp, 8);
    c.timezone = std::string(f.substr(4));
  } else if (f.size() == 3 && starts_with(f, "tD") && time_unit(f[2], c.time_unit)) {
    fixed(fb::Type_Duration, 8);
  } else if (f == "tiM") {
    fixed(fb::Type_Interval, 4);
    c.interval_unit = fb::IntervalUnit_YEAR_MONTH;
  } else if (f == "tiD") {
    fixed(fb::Type_Interval, 8);
    c.interval_unit = fb::IntervalUnit_DAY_TIME;
  } else if (f == "tin") {
    fixed(fb::Type_Interval, 16);
    c.interval_unit = fb::IntervalUnit_MONTH_DAY_NANO;
  } else if (f == "+l" || f == "+L" || f == "+m") {
    c.type = f == "+l" ? fb::Type_List : f == "+L" ? fb::Type_LargeList : fb::Type_Map;
    c.layout = f == "+L" ? Layout::List64 : Layout::List32;
  } else if (starts_with(f, "+w:")) {
    if (!parse_ints(f.substr(3), ints) || ints.size() != 1 || ints[0] <= 0 || ints[0] > INT32_MAX)
      not_supported(path, what, "a malformed fixed-size list format");
    c.type = fb::Type_FixedSizeList;
    c.layout = Layout::FixedList;
    c.list_size = ints[0];
  } else if (f == "+s") {
    c.type = fb::Type_Struct_;
    c.layout = Layout::Struct;
  } else {
    known = false;
  }
  if (!known) {
    std::string why = starts_with(f, "+u")   ? "union types are not supported"
                      : starts_with(f, "+r") ? "run-end encoded columns are not supported"
                      : starts_with(f, "v") || starts_with(f, "+v")
                          ? "string, binary and list views are not supported"
                          : "this Arrow type is not supported";
    not_supported(path, what, why);
  }

  const bool nested = c.layout == Layout::List32 || c.layout == Layout::List64 || c.layout == Layout::FixedList ||
                      c.layout == Layout::Struct;
  const int64_t expected_children = c.layout == Layout::Struct ? s.n_children : nested ? 1 : 0;
  if (s.n_children != expected_children || (s.n_children > 0 && !s.children))
    throw Error(ErrorCode::InvalidArgument, path,
                what + " has " + std::to_string(s.n_children) + " children in its Arrow schema, expected " +
                    std::to_string(expected_children));
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema& child = *s.children[i];
    std::string child_path = path + "." + (child.name ? child.name : "");
    c.children.push_back(parse_column(child, child_path, top_index, false, naming));
  }
  if (c.type == fb::Type_Map &&
      (c.children[0].layout != Layout::Struct || c.children[0].children.size() != 2))
    throw Error(ErrorCode::InvalidArgument, path, what + " is a map whose entries are not a struct of key and value");
  return c;
}

// The columns of a struct ("+s") schema, the shape of a record batch.
std::vector<Column> parse_schema(const ArrowSchema& s, const Naming& naming) {
  if (!s.format || std::string_view(s.format) != "+s")
    throw Error(ErrorCode::InvalidArgument, "schema",
                std::string("an Arrow IPC schema must be a struct (\"+s\") of columns, not format '") +
                    (s.format ? s.format : "") + "'");
  if (s.n_children > 0 && !s.children)
    throw Error(ErrorCode::InvalidArgument, "schema", "the Arrow schema lists columns without their schemas");
  std::vector<Column> columns;
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema& child = *s.children[i];
    columns.push_back(parse_column(child, child.name ? child.name : "", static_cast<size_t>(i), true, naming));
  }
  return columns;
}

// A batch's columns agree with the writer's when names and Arrow types match.
void check_same(const std::vector<Column>& expected, const std::vector<Column>& got, const std::string& parent) {
  if (expected.size() != got.size())
    throw Error(ErrorCode::InvalidArgument, parent.empty() ? "batch" : parent,
                "the batch has " + std::to_string(got.size()) + " columns" +
                    (parent.empty() ? "" : " in '" + parent + "'") + ", the schema " +
                    std::to_string(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const Column& e = expected[i];
    const Column& g = got[i];
    std::string path = parent.empty() ? e.name : parent + "." + e.name;
    if (e.name != g.name || e.format != g.format)
      throw Error(ErrorCode::InvalidArgument, path,
                  "the batch's column " + std::to_string(i + 1) + " is '" + g.name + "' of Arrow format '" +
                      g.format + "', the schema's is '" + e.name + "' of format '" + e.format + "'");
    check_same(e.children, g.children, path);
  }
}

using Builder = flatbuffers::FlatBufferBuilder;

flatbuffers::Offset<void> type_table(Builder& fbb, const Column& c) {
  switch (c.type) {
    case fb::Type_Null: return fb::CreateNull(fbb).Union();
    case fb::Type_Bool: return fb::CreateBool(fbb).Union();
    case fb::Type_Int: return fb::CreateInt(fbb, c.bit_width, c.is_signed).Union();
    case fb::Type_FloatingPoint: return fb::CreateFloatingPoint(fbb, c.float_precision).Union();
    case fb::Type_Utf8: return fb::CreateUtf8(fbb).Union();
    case fb::Type_Binary: return fb::CreateBinary(fbb).Union();
    case fb::Type_LargeUtf8: return fb::CreateLargeUtf8(fbb).Union();
    case fb::Type_LargeBinary: return fb::CreateLargeBinary(fbb).Union();
    case fb::Type_FixedSizeBinary:
      return fb::CreateFixedSizeBinary(fbb, static_cast<int32_t>(c.byte_width)).Union();
    case fb::Type_Decimal: return fb::CreateDecimal(fbb, c.precision, c.scale, c.bit_width).Union();
    case fb::Type_Date: return fb::CreateDate(fbb, c.date_unit).Union();
    case fb::Type_Time: return fb::CreateTime(fbb, c.time_unit, c.bit_width).Union();
    case fb::Type_Timestamp: {
      auto tz = c.timezone.empty() ? 0 : fbb.CreateString(c.timezone);
      return fb::CreateTimestamp(fbb, c.time_unit, tz).Union();
    }
    case fb::Type_Duration: return fb::CreateDuration(fbb, c.time_unit).Union();
    case fb::Type_Interval: return fb::CreateInterval(fbb, c.interval_unit).Union();
    case fb::Type_List: return fb::CreateList(fbb).Union();
    case fb::Type_LargeList: return fb::CreateLargeList(fbb).Union();
    case fb::Type_FixedSizeList: return fb::CreateFixedSizeList(fbb, static_cast<int32_t>(c.list_size)).Union();
    case fb::Type_Map: return fb::CreateMap(fbb, c.keys_sorted).Union();
    case fb::Type_Struct_: return fb::CreateStruct_(fbb).Union();
    default: throw Error(ErrorCode::Internal, c.name, "no Arrow IPC type table for format '" + c.format + "'");
  }
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>> key_values(
    Builder& fbb, const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (pairs.empty()) return 0;
  std::vector<flatbuffers::Offset<fb::KeyValue>> kvs;
  for (const auto& [k, v] : pairs) kvs.push_back(fb::CreateKeyValueDirect(fbb, k.c_str(), v.c_str()));
  return fbb.CreateVector(kvs);
}

flatbuffers::Offset<fb::Field> field_table(Builder& fbb, const Column& c) {
  std::vector<flatbuffers::Offset<fb::Field>> children;
  for (const auto& child : c.children) children.push_back(field_table(fbb, child));
  auto name = fbb.CreateString(c.name);
  auto type = type_table(fbb, c);
  auto kids = fbb.CreateVector(children);
  auto metadata = key_values(fbb, c.metadata);
  return fb::CreateField(fbb, name, c.nullable, c.type, type, 0, kids, metadata);
}

flatbuffers::Offset<fb::Schema> schema_table(Builder& fbb, const std::vector<Column>& columns) {
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const auto& c : columns) fields.push_back(field_table(fbb, c));
  return fb::CreateSchema(fbb, fb::Endianness_Little, fbb.CreateVector(fields));
}

// The body of one record batch: its field nodes, its buffers' places, and
// the bytes of each buffer (pointing into the batch's arrays, or into
// `owned` for buffers that had to be sliced or rebased).
struct Body {
  std::vector<fb::FieldNode> nodes;
  std::vector<fb::Buffer> buffers;
  std::vector<std::string_view> bytes;
  std::deque<std::vector<uint8_t>> owned;
  int64_t size = 0;

  void add(const void* data, int64_t length) {
    buffers.emplace_back(size, length);
    bytes.emplace_back(static_cast<const char*>(data), static_cast<size_t>(length));
    size += padded8(length);
  }
  void add(std::vector<uint8_t> data) {
    owned.push_back(std::move(data));
    add(owned.back().data(), static_cast<int64_t>(owned.back().size()));
  }
};

bool bit_set(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

int64_t count_nulls(const uint8_t* validity, int64_t start, int64_t length) {
  if (!validity) return 0;
  int64_t set = 0;
  int64_t i = start;
  const int64_t end = start + length;
  for (; i < end && (i & 7); ++i) set += bit_set(validity, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t word;
    std::memcpy(&word, validity + (i >> 3), sizeof word);
    set += std::popcount(word);
  }
  for (; i < end; ++i) set += bit_set(validity, i);
  return length - set;
}

// Bits [start, start+length) as a buffer of their own, starting at bit 0.
void add_bits(Body& body, const uint8_t* bits, int64_t start, int64_t length) {
  const int64_t bytes = (length + 7) / 8;
  if (start % 8 == 0) {
    body.add(bits + start / 8, bytes);
    return;
  }
  std::vector<uint8_t> out(static_cast<size_t>(bytes), 0);
  for (int64_t i = 0; i < length; ++i)
    if (bit_set(bits, start + i)) out[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  body.add(std::move(out));
}

// Offsets [start, start+length] as a buffer starting at 0; returns the range
// of values (bytes or child rows) they cover.
template <class T>
std::pair<int64_t, int64_t> add_offsets(Body& body, const void* buffer, int64_t start, int64_t length,
                                        const std::string& path) {
  static const T kZero = 0;
  if (length == 0) {  // one zero offset, whatever the producer gave
    body.add(&kZero, sizeof(T));
    return {0, 0};
  }
  const T* offsets = static_cast<const T*>(buffer) + start;
  const T first = offsets[0];
  const T last = offsets[length];
  // Only the ends are checked (they bound what is read); the offsets in
  // between are the producer's promise.
  if (first < 0 || last < first)
    throw Error(ErrorCode::InvalidArgument, path,
                "column '" + path + "' has offsets running from " + std::to_string(first) + " to " +
                    std::to_string(last));
  if (first == 0) {
    body.add(offsets, (length + 1) * static_cast<int64_t>(sizeof(T)));
  } else {
    std::vector<uint8_t> out(static_cast<size_t>(length + 1) * sizeof(T));
    T* rebased = reinterpret_cast<T*>(out.data());
    for (int64_t i = 0; i <= length; ++i) rebased[i] = offsets[i] - first;
    body.add(std::move(out));
  }
  return {first, last};
}

int64_t buffer_count(Layout layout) {
  switch (layout) {
    case Layout::Null: return 0;
    case Layout::Bits:
    case Layout::Fixed:
    case Layout::List32:
    case Layout::List64: return 2;
    case Layout::Binary32:
    case Layout::Binary64: return 3;
    case Layout::FixedList:
    case Layout::Struct: return 1;
  }
  return 0;
}

// Adds the node and buffers of rows [start, start+length) of `a` (positions
// in its buffers, its own offset already applied), then of its children.
void add_array(Body& body, const Column& c, const ArrowArray& a, int64_t start, int64_t length,
               const std::string& path) {
  const int64_t want_buffers = buffer_count(c.layout);
  const int64_t want_children = static_cast<int64_t>(c.children.size());
  // A null array may carry no buffers at all (the current format) or one
  // absent validity buffer (older producers).
  const bool buffers_ok = c.layout == Layout::Null ? a.n_buffers <= 1 : a.n_buffers == want_buffers;
  if (!buffers_ok || a.n_children != want_children || (a.n_buffers > 0 && !a.buffers) ||
      (want_children > 0 && !a.children))
    throw Error(ErrorCode::InvalidArgument, path,
                "column '" + path + "' has " + std::to_string(a.n_buffers) + " buffers and " +
                    std::to_string(a.n_children) + " children, but Arrow format '" + c.format + "' needs " +
                    std::to_string(want_buffers) + " and " + std::to_string(want_children));
  if (start < a.offset || length < 0 || start + length > a.offset + a.length)
    throw Error(ErrorCode::InvalidArgument, path,
                "column '" + path + "' is read at rows " + std::to_string(start - a.offset) + " to " +
                    std::to_string(start - a.offset + length) + " but has " + std::to_string(a.length));
  if (c.layout == Layout::Null) {
    body.nodes.emplace_back(length, length);
    return;
  }
  // Values and offsets must be there for any row; the validity bitmap only
  // when there are nulls, the bytes of strings only when there are some.
  for (int64_t b = 1; b < std::min<int64_t>(a.n_buffers, 2); ++b)
    if (length > 0 && !a.buffers[b])
      throw Error(ErrorCode::InvalidArgument, path,
                  "column '" + path + "' has " + std::to_string(length) + " rows but no buffer " + std::to_string(b));
  for (int64_t i = 0; i < want_children; ++i)
    if (!a.children[i])
      throw Error(ErrorCode::InvalidArgument, path, "column '" + path + "' lacks its child array " + std::to_string(i));
  const auto* validity = static_cast<const uint8_t*>(a.buffers[0]);
  const bool whole = start == a.offset && length == a.length;
  const int64_t nulls = whole && a.null_count >= 0 ? (validity ? a.null_count : 0)
                                                   : count_nulls(validity, start, length);
  body.nodes.emplace_back(length, nulls);
  if (nulls == 0)
    body.add(nullptr, 0);  // no bitmap needed
  else
    add_bits(body, validity, start, length);

  auto child_path = [&](size_t i) { return path + "." + c.children[i].name; };
  switch (c.layout) {
    case Layout::Null: break;
    case Layout::Bits:
      if (length > 0) add_bits(body, static_cast<const uint8_t*>(a.buffers[1]), start, length);
      else body.add(nullptr, 0);
      break;
    case Layout::Fixed:
      body.add(length > 0 ? static_cast<const uint8_t*>(a.buffers[1]) + start * c.byte_width : nullptr,
               length * c.byte_width);
      break;
    case Layout::Binary32:
    case Layout::Binary64: {
      auto [first, last] = c.layout == Layout::Binary32 ? add_offsets<int32_t>(body, a.buffers[1], start, length, path)
                                                        : add_offsets<int64_t>(body, a.buffers[1], start, length, path);
      if (last > first && !a.buffers[2])
        throw Error(ErrorCode::InvalidArgument, path, "column '" + path + "' has text offsets but no bytes");
      body.add(last > first ? static_cast<const uint8_t*>(a.buffers[2]) + first : nullptr, last - first);
      break;
    }
    case Layout::List32:
    case Layout::List64: {
      auto [first, last] = c.layout == Layout::List32 ? add_offsets<int32_t>(body, a.buffers[1], start, length, path)
                                                      : add_offsets<int64_t>(body, a.buffers[1], start, length, path);
      const ArrowArray& child = *a.children[0];
      add_array(body, c.children[0], child, child.offset + first, last - first, child_path(0));
      break;
    }
    case Layout::FixedList: {
      const ArrowArray& child = *a.children[0];
      add_array(body, c.children[0], child, child.offset + start * c.list_size, length * c.list_size,
                child_path(0));
      break;
    }
    case Layout::Struct:
      for (size_t i = 0; i < c.children.size(); ++i) {
        const ArrowArray& child = *a.children[i];
        add_array(body, c.children[i], child, child.offset + start, length, child_path(i));
      }
      break;
  }
}

// Releases what the C data interface handed over, on every path.
struct StreamGuard {
  ArrowArrayStream stream{};
  ~StreamGuard() {
    if (stream.release) stream.release(&stream);
  }
  [[noreturn]] void fail(const std::string& what) {
    const char* msg = stream.get_last_error ? stream.get_last_error(&stream) : nullptr;
    throw Error(ErrorCode::Internal, "batch", what + (msg ? std::string(": ") + msg : std::string()));
  }
};
struct SchemaGuard {
  ArrowSchema schema{};
  ~SchemaGuard() {
    if (schema.release) schema.release(&schema);
  }
};
struct ArrayGuard {
  ArrowArray array{};
  ~ArrayGuard() {
    if (array.release) array.release(&array);
  }
};

}  // namespace

struct ArrowIpcWriter::State {
  std::vector<Column> columns;
  Format format;
  Sink sink;
  std::string staged;
  uint64_t written = 0;
  uint64_t batches = 0;
  bool started = false;
  bool finished = false;
  bool broken = false;
  std::vector<fb::Block> blocks;  // the record batches, for the file footer

  void put(std::string_view bytes) {
    if (bytes.empty()) return;
    if (bytes.size() >= kStageBytes) {
      flush();
      sink(bytes);
    } else {
      staged.append(bytes);
      if (staged.size() >= kStageBytes) flush();
    }
    written += bytes.size();
  }
  void put_u32(uint32_t v) { put(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  void pad_to_8(int64_t length) { put(std::string_view(kZeros, static_cast<size_t>(padded8(length) - length))); }
  void flush() {
    if (staged.empty()) return;
    sink(staged);
    staged.clear();
  }

  // One encapsulated message: prefix, the finished Message flatbuffer padded
  // to 8, then the body. Returns its Block (where it starts and its lengths).
  fb::Block put_message(Builder& fbb, const Body* body) {
    const int64_t offset = static_cast<int64_t>(written);
    const int64_t metadata = padded8(fbb.GetSize());
    put_u32(kContinuation);
    put_u32(static_cast<uint32_t>(metadata));
    put(std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
    pad_to_8(fbb.GetSize());
    int64_t body_length = 0;
    if (body) {
      for (auto bytes : body->bytes) {
        put(bytes);
        pad_to_8(static_cast<int64_t>(bytes.size()));
      }
      body_length = body->size;
    }
    flush();
    return fb::Block(offset, static_cast<int32_t>(8 + metadata), body_length);
  }

  void start() {
    if (started) return;
    started = true;
    if (format == Format::File) {
      put(std::string_view(kFileMagic, 6));
      put(std::string_view(kZeros, 2));
    }
    Builder fbb;
    auto schema = schema_table(fbb, columns);
    fbb.Finish(fb::CreateMessage(fbb, fb::MetadataVersion_V5, fb::MessageHeader_Schema, schema.Union(), 0));
    put_message(fbb, nullptr);
  }

  void check_open() const {
    if (finished) throw Error(ErrorCode::InvalidArgument, "Arrow IPC writer", "the Arrow IPC writer is finished");
    if (broken)
      throw Error(ErrorCode::InvalidArgument, "Arrow IPC writer",
                  "the Arrow IPC writer failed earlier and cannot write more");
  }

  // Runs `f`, marking the writer unusable if it throws after output began:
  // a half-written message cannot be continued.
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      if (started) broken = true;
      throw;
    }
  }
};

ArrowIpcWriter::ArrowIpcWriter(const Schema& schema, Format format, Sink sink) {
  std::vector<Series> empty;
  empty.reserve(schema.size());
  for (const auto& field : schema) empty.push_back(Series::empty(field.name, field.type));
  StreamGuard guard;
  DataFrame::from_columns(std::move(empty)).to_arrow(&guard.stream);
  SchemaGuard arrow;
  if (guard.stream.get_schema(&guard.stream, &arrow.schema) != 0) guard.fail("cannot describe the columns in Arrow");
  Naming naming{&schema};
  state_ = std::make_unique<State>();
  state_->columns = parse_schema(arrow.schema, naming);
  state_->format = format;
  state_->sink = std::move(sink);
}

ArrowIpcWriter::ArrowIpcWriter(const ArrowSchema& schema, Format format, Sink sink) {
  state_ = std::make_unique<State>();
  state_->columns = parse_schema(schema, Naming{});
  state_->format = format;
  state_->sink = std::move(sink);
}

ArrowIpcWriter::~ArrowIpcWriter() = default;

void ArrowIpcWriter::begin() {
  State& s = *state_;
  s.check_open();
  s.guarded([&] {
    s.start();
    s.flush();
  });
}

void ArrowIpcWriter::write(const DataFrame& batch) {
  state_->check_open();
  StreamGuard guard;
  batch.to_arrow(&guard.stream);
  SchemaGuard arrow;
  if (guard.stream.get_schema(&guard.stream, &arrow.schema) != 0) guard.fail("cannot export the batch to Arrow");
  check_same(state_->columns, parse_schema(arrow.schema, Naming{}), "");
  ArrayGuard array;
  if (guard.stream.get_next(&guard.stream, &array.array) != 0) guard.fail("cannot export the batch to Arrow");
  if (!array.array.release) throw Error(ErrorCode::Internal, "batch", "the batch's Arrow export gave no array");
  write(array.array);
}

void ArrowIpcWriter::write(const ArrowArray& batch) {
  State& s = *state_;
  s.check_open();
  const int64_t columns = static_cast<int64_t>(s.columns.size());
  if (batch.n_children != columns || (columns > 0 && !batch.children) || batch.length < 0 || batch.offset < 0)
    throw Error(ErrorCode::InvalidArgument, "batch",
                "the Arrow batch has " + std::to_string(batch.n_children) + " columns, the schema " +
                    std::to_string(columns));
  Body body;
  for (int64_t i = 0; i < columns; ++i) {
    const ArrowArray& child = *batch.children[i];
    const Column& c = s.columns[static_cast<size_t>(i)];
    add_array(body, c, child, child.offset + batch.offset, batch.length, c.name);
  }
  Builder fbb;
  auto record_batch = fb::CreateRecordBatch(fbb, batch.length, fbb.CreateVectorOfStructs(body.nodes),
                                            fbb.CreateVectorOfStructs(body.buffers));
  fbb.Finish(
      fb::CreateMessage(fbb, fb::MetadataVersion_V5, fb::MessageHeader_RecordBatch, record_batch.Union(), body.size));
  s.guarded([&] {
    s.start();
    s.blocks.push_back(s.put_message(fbb, &body));
  });
  ++s.batches;
}

void ArrowIpcWriter::finish() {
  State& s = *state_;
  s.check_open();
  s.guarded([&] {
    s.start();
    s.put_u32(kContinuation);  // end of stream: a message of length 0
    s.put_u32(0);
    if (s.format == Format::File) {
      const uint64_t footer_start = s.written;
      Builder fbb;
      auto schema = schema_table(fbb, s.columns);
      std::vector<fb::Block> none;
      fbb.Finish(fb::CreateFooter(fbb, fb::MetadataVersion_V5, schema, fbb.CreateVectorOfStructs(none),
                                  fbb.CreateVectorOfStructs(s.blocks)));
      s.put(std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
      s.put_u32(static_cast<uint32_t>(s.written - footer_start));
      s.put(std::string_view(kFileMagic, 6));
    }
    s.flush();
  });
  s.finished = true;
}

uint64_t ArrowIpcWriter::bytes_written() const { return state_->written; }

uint64_t ArrowIpcWriter::batches_written() const { return state_->batches; }

}  // namespace neuralake::server
