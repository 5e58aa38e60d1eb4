// A Parquet file's footer: its schema, with the definition and repetition
// levels of each leaf column, and its row groups' column chunks. The subset of
// the format's metadata a reader of plain columns needs; the rest is skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neuralake::parquet {

enum class PhysicalType : int8_t {
  Boolean = 0, Int32 = 1, Int64 = 2, Int96 = 3, Float = 4, Double = 5, ByteArray = 6, FixedLenByteArray = 7,
};

enum class Codec : int8_t { Uncompressed = 0, Snappy = 1, Gzip = 2, Lzo = 3, Brotli = 4, Lz4 = 5, Zstd = 6, Lz4Raw = 7 };

// Page and level encodings (the format's numbering).
enum Encoding : int32_t {
  kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6, kDeltaByteArray = 7, kRleDictionary = 8, kByteStreamSplit = 9,
};

enum class Repetition : int8_t { Required = 0, Optional = 1, Repeated = 2 };

// What a leaf's bytes mean, from its logical type or (older writers) its
// converted type.
struct LogicalType {
  enum class Kind : uint8_t { None, String, Date, Timestamp, Integer, Decimal, List, Map, Other };
  Kind kind = Kind::None;
  enum class Unit : uint8_t { Millis, Micros, Nanos } unit = Unit::Micros;  // Timestamp
  int8_t bit_width = 64;  // Integer
  bool is_signed = true;  // Integer
};

struct SchemaElement {
  std::string name;
  std::optional<PhysicalType> type;  // absent for groups
  int32_t type_length = 0;
  Repetition repetition = Repetition::Required;
  int32_t num_children = 0;
  LogicalType logical;
};

// A leaf column: its path from the root and its levels.
struct Leaf {
  std::vector<std::string> path;
  size_t element = 0;  // index into FileMetadata::schema
  int16_t max_definition = 0;
  int16_t max_repetition = 0;
  // definition[i]: the definition level at which path[0..i] is present
  // (each optional or repeated element on the path adds one).
  std::vector<int16_t> definition;
};

struct ColumnChunk {
  PhysicalType type = PhysicalType::ByteArray;
  std::vector<int32_t> encodings;
  Codec codec = Codec::Uncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<int64_t> null_count;  // from the chunk's statistics, where written
  // Where the chunk's pages start and how many bytes they take.
  int64_t start() const {
    return dictionary_page_offset && *dictionary_page_offset > 0 && *dictionary_page_offset < data_page_offset
               ? *dictionary_page_offset
               : data_page_offset;
  }
};

struct RowGroup {
  int64_t num_rows = 0;
  std::vector<ColumnChunk> columns;  // indexed like FileMetadata::leaves
};

struct FileMetadata {
  int64_t num_rows = 0;
  std::vector<SchemaElement> schema;  // depth first; schema[0] is the root
  std::vector<Leaf> leaves;
  std::vector<RowGroup> row_groups;

  // Parses a footer (the thrift bytes between the data and the trailing
  // length). Throws FormatError.
  static FileMetadata parse(const uint8_t* data, size_t size);
  // The leaf at `path`, or -1.
  int find_leaf(const std::vector<std::string_view>& path) const;
  // The leaf that schema element `element` is, or -1 (a group).
  int leaf_of_element(size_t element) const;
  // Index of the schema element at `path` (a group or a leaf), or -1.
  int find_element(const std::vector<std::string_view>& path) const;
  // The names of the children of schema element `element`.
  std::vector<size_t> children(size_t element) const;
};

}  // namespace neuralake::parquet
