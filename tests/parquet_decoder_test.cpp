// The Parquet decoder of src/parquet/ against DuckDB's own reader: files DuckDB
// writes are read leaf by leaf and must give DuckDB's values; corrupt ones must fail cleanly.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neuralake/data_frame.h"
#include "neuralake/expr.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"
#include "parquet/column_reader.h"
#include "parquet/encoding.h"
#include "parquet/file_metadata.h"
#include "parquet/parquet_file.h"
#include "parquet/thrift_compact.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace pq = neuralake::parquet;
namespace fs = std::filesystem;

namespace {

// Ten thousand rows of every flat type, NULLs in each nullable column, a
// low-cardinality string column DuckDB dictionary-encodes.
const char* kFlatRows =
    "SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS b, "
    "CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7919 % 100003 - 50000)::INTEGER END AS n32, "
    "CASE WHEN i % 17 = 0 THEN NULL ELSE DATE '1969-12-01' + (i % 20000)::INTEGER END AS d, "
    "CASE WHEN i % 19 = 0 THEN NULL ELSE (i * 1000000007 - 3000000000000)::BIGINT END AS n64, "
    "CASE WHEN i % 23 = 0 THEN NULL ELSE TIMESTAMP '1960-01-01 00:00:00' + to_microseconds(i * 123456789) END AS ts, "
    "CASE WHEN i % 29 = 0 THEN NULL ELSE (i / 7.0 - 300)::FLOAT END AS f, "
    "CASE WHEN i % 31 = 0 THEN NULL ELSE i / 3.0 - 1000 END AS x, "
    "CASE WHEN i % 37 = 0 THEN NULL ELSE 'text-' || i || repeat('é', (i % 5)::INTEGER) END AS s, "
    "CASE WHEN i % 41 = 0 THEN NULL ELSE ['alpha', 'beta', 'gamma', ''][(i % 4 + 1)::INTEGER] END AS low, "
    "CASE WHEN i % 43 = 0 THEN NULL ELSE ('\\x00\\xFF' || i)::BLOB END AS bin, "
    "i AS id "
    "FROM range(10000) t(i)";

// A struct of structs with NULLs at every level, a MAP with NULL, empty and
// NULL-valued entries, and a LIST with NULL lists, empty lists and NULL items.
const char* kNestedRows =
    "SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE {'a': CASE WHEN i % 5 = 0 THEN NULL ELSE "
    "{'b': CASE WHEN i % 3 = 0 THEN NULL ELSE i END, 'c': 'c' || i} END, 'z': i % 2 = 0} END AS s, "
    "CASE WHEN i % 6 = 0 THEN NULL WHEN i % 6 = 1 THEN MAP {}::MAP(VARCHAR, VARCHAR) "
    "ELSE map_from_entries(list_transform(range((i % 4 + 1)::BIGINT), "
    "k -> {'key': 'k' || k, 'value': CASE WHEN (i + k) % 5 = 0 THEN NULL ELSE 'v' || (i * k) END})) END AS m, "
    "CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN []::BIGINT[] "
    "ELSE list_transform(range((i % 5)::BIGINT), k -> CASE WHEN k = 2 THEN NULL ELSE i * 10 + k END) END AS l "
    "FROM range(3000) t(i)";

// DuckDB's expression for a leaf's column: nested fields by struct_extract.
std::string column_sql(const pq::Leaf& leaf) {
  std::string x = "\"" + leaf.path[0] + "\"";
  for (size_t i = 1; i < leaf.path.size(); ++i) x = "struct_extract(" + x + ", " + nl::sql_string_literal(leaf.path[i]) + ")";
  return x;
}

// The definition level DuckDB's view of a row implies: the level of the
// first NULL on the leaf's path, else the maximum.
std::string definition_sql(const pq::Leaf& leaf) {
  std::string x = "CASE";
  std::string prefix = "\"" + leaf.path[0] + "\"";
  int16_t before = 0;
  for (size_t i = 0; i < leaf.path.size(); ++i) {
    if (i > 0) prefix = "struct_extract(" + prefix + ", " + nl::sql_string_literal(leaf.path[i]) + ")";
    if (leaf.definition[i] > before) x += " WHEN " + prefix + " IS NULL THEN " + std::to_string(before);
    before = leaf.definition[i];
  }
  return x + " ELSE " + std::to_string(leaf.max_definition) + " END::BIGINT";
}

// DuckDB's expression for a leaf's value in the form the decoder gives it.
std::string value_sql(const pq::Leaf& leaf, const pq::SchemaElement& e) {
  const std::string x = column_sql(leaf);
  switch (*e.type) {
    case pq::PhysicalType::Boolean: return "CAST(" + x + " AS BIGINT)";
    case pq::PhysicalType::Int32:
      if (e.logical.kind == pq::LogicalType::Kind::Date) return "CAST(" + x + " - DATE '1970-01-01' AS BIGINT)";
      return "CAST(" + x + " AS BIGINT)";
    case pq::PhysicalType::Int64:
      if (e.logical.kind == pq::LogicalType::Kind::Timestamp) return "epoch_us(" + x + ")";
      return "CAST(" + x + " AS BIGINT)";
    case pq::PhysicalType::Float:
    case pq::PhysicalType::Double: return "CAST(" + x + " AS DOUBLE)";
    default: return x;
  }
}

// The decoder's current value as DuckDB's result would hold it.
nl::Value decoded(const pq::ColumnReader& r, const pq::SchemaElement& e) {
  switch (*e.type) {
    case pq::PhysicalType::Boolean:
    case pq::PhysicalType::Int32:
    case pq::PhysicalType::Int64: return nl::Value(r.integer());
    case pq::PhysicalType::Float:
    case pq::PhysicalType::Double: return nl::Value(r.real());
    case pq::PhysicalType::ByteArray:
      if (e.logical.kind == pq::LogicalType::Kind::String) return nl::Value(std::string(r.bytes()));
      return nl::Value(nl::Bytes{std::string(r.bytes())});
    default: return nl::Value(nl::Bytes{std::string(r.bytes())});
  }
}

// The first page header of a column chunk: its type (0 DATA_PAGE, 2
// DICTIONARY_PAGE, 3 DATA_PAGE_V2), its header length and compressed size.
struct PageHead {
  int32_t type = -1;
  size_t header_size = 0;
  int32_t compressed_size = 0;
};
PageHead page_head(const std::string& bytes, size_t at) {
  pq::CompactReader r(reinterpret_cast<const uint8_t*>(bytes.data()) + at, bytes.size() - at);
  PageHead h;
  r.read_struct([&](const pq::CompactReader::Field& f) {
    if (f.id == 1) {
      h.type = r.read_i32();
    } else if (f.id == 3) {
      h.compressed_size = r.read_i32();
    } else {
      r.skip(f.type);
    }
  });
  h.header_size = r.position();
  return h;
}

// Reads every entry of `r`, only for the errors it may throw.
size_t drain(pq::ColumnReader& r) {
  size_t n = 0;
  while (r.next()) {
    if (r.has_value()) {
      switch (r.type()) {
        case pq::PhysicalType::ByteArray:
        case pq::PhysicalType::FixedLenByteArray: n += r.bytes().size(); break;
        case pq::PhysicalType::Float:
        case pq::PhysicalType::Double: n += r.real() > 0; break;
        default: n += static_cast<size_t>(r.integer() & 1);
      }
    }
    ++n;
  }
  return n;
}

// A column reader over file bytes held in memory (which a test may corrupt).
pq::ColumnReader reader_over(const pq::FileMetadata& meta, size_t leaf, const std::string& bytes) {
  return pq::ColumnReader(meta, leaf, [&bytes](size_t, const pq::ColumnChunk& c, nl::RawBuffer& into) {
    const auto start = static_cast<size_t>(c.start());
    const auto n = static_cast<size_t>(c.total_compressed_size);
    if (start > bytes.size() || n > bytes.size() - start) throw pq::FormatError("chunk outside the file");
    std::memcpy(into.reset(n), bytes.data() + start, n);
  });
}

// The footer's thrift bytes of a whole file held in memory.
std::string footer_of(const std::string& file) {
  uint32_t n;
  std::memcpy(&n, file.data() + file.size() - 8, 4);
  return file.substr(file.size() - 8 - n, n);
}

class ParquetDecoder : public ::testing::Test {
 protected:
  // Writes `select` with COPY options `options` to `name` in the temp dir.
  std::string write(const std::string& name, const std::string& select, const std::string& options) {
    const std::string path = (dir_.path() / name).string();
    session_.execute("COPY (" + select + ") TO " + nl::sql_string_literal(path) + " (FORMAT parquet" +
                     (options.empty() ? "" : ", " + options) + ")");
    return name;
  }
  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }
  std::string source(const std::string& name) const {
    return "read_parquet(" + nl::sql_string_literal(path(name)) + ", file_row_number = true)";
  }
  pq::ParquetFile open(const std::string& name) {
    return pq::ParquetFile(store_, name, fs::file_size(path(name)));
  }

  // Compares every non-repeated leaf of `name` the decoder supports with
  // DuckDB's reading, row by row: definition level, value, row count. Returns
  // the leaves compared; those refused get their reason in `refused`.
  // `meta` and `make` replace the file's footer and column readers (for
  // pages rewritten in memory).
  using MakeReader = std::function<pq::ColumnReader(const pq::FileMetadata&, size_t)>;
  size_t compare_flat_leaves(const std::string& name, std::map<std::string, std::string>* refused = nullptr,
                             const pq::FileMetadata* meta = nullptr, const MakeReader& make = nullptr) {
    const pq::ParquetFile file = open(name);
    const pq::FileMetadata& m = meta ? *meta : file.metadata();
    const int64_t rows = session_.sql("SELECT count(*) FROM " + source(name)).value(0, 0).as<int64_t>();
    EXPECT_EQ(m.num_rows, rows) << name;
    size_t compared = 0;
    for (size_t l = 0; l < m.leaves.size(); ++l) {
      const pq::Leaf& leaf = m.leaves[l];
      if (leaf.max_repetition > 0) continue;
      std::string dotted;
      for (const auto& p : leaf.path) dotted += (dotted.empty() ? "" : ".") + p;
      SCOPED_TRACE(name + " column " + dotted);
      const std::string why = pq::ColumnReader::supports(m, l);
      if (!why.empty()) {
        if (refused) (*refused)[dotted] = why;
        continue;
      }
      const pq::SchemaElement& e = m.schema[leaf.element];
      const nl::DataFrame want = session_.sql("SELECT " + definition_sql(leaf) + ", " + value_sql(leaf, e) + " FROM " +
                                              source(name) + " ORDER BY file_row_number");
      pq::ColumnReader r = make ? make(m, l) : file.column(l);
      size_t row = 0;
      size_t mismatches = 0;
      for (; r.next(); ++row) {
        if (row >= want.num_rows()) {
          ADD_FAILURE() << "the decoder gives more rows than DuckDB's " << want.num_rows();
          break;
        }
        EXPECT_EQ(r.repetition(), 0);
        const int64_t def = want.value(row, 0).as<int64_t>();
        const nl::Value value = r.has_value() ? decoded(r, e) : nl::Value();
        if (r.definition() != def || !(value == want.value(row, 1))) {
          if (++mismatches <= 5) {
            ADD_FAILURE() << "row " << row << ": decoder def " << r.definition() << " value " << value.to_string()
                          << ", DuckDB def " << def << " value " << want.value(row, 1).to_string();
          }
        }
      }
      EXPECT_EQ(mismatches, 0u);
      EXPECT_EQ(row, want.num_rows());
      ++compared;
    }
    return compared;
  }

  nl::testing::TempDir dir_;
  nl::Session session_;
  std::shared_ptr<nl::ObjectStore> store_ = nl::make_local_store(dir_.str());
};

// --- flat columns, every codec the decoder reads, v1 and v2 pages ------------

struct CodecCase {
  const char* codec;
  bool v2;
};

class ParquetDecoderCodec : public ParquetDecoder, public ::testing::WithParamInterface<CodecCase> {};

TEST_P(ParquetDecoderCodec, EveryFlatColumnReadsAsDuckDbReadsIt) {
  const CodecCase c = GetParam();
  const std::string name = std::string("flat-") + c.codec + (c.v2 ? "-v2" : "-v1") + ".parquet";
  write(name, kFlatRows,
        std::string("COMPRESSION ") + c.codec + ", ROW_GROUP_SIZE 2048" + (c.v2 ? ", PARQUET_VERSION V2" : ""));
  const pq::ParquetFile file = open(name);
  const pq::FileMetadata& m = file.metadata();
  ASSERT_EQ(m.leaves.size(), 11u);
  EXPECT_GE(m.row_groups.size(), 4u) << "10000 rows in row groups of 2048 rows";
  const pq::Codec codec = m.row_groups[0].columns[0].codec;
  EXPECT_EQ(std::string(pq::codec_name(codec)), c.codec);

  std::map<std::string, std::string> refused;
  const size_t compared = compare_flat_leaves(name, &refused);
  EXPECT_EQ(compared + refused.size(), m.leaves.size());
  if (!c.v2) {
    EXPECT_TRUE(refused.empty()) << "v1 pages are PLAIN or dictionary: " << refused.begin()->first << ": "
                                 << refused.begin()->second;
  }
  // A refusal must name the encoding that is not read, and that encoding
  // must really be in the chunk (never a readable column turned away).
  for (const auto& [column, why] : refused) {
    const int leaf = m.find_leaf({column});
    ASSERT_GE(leaf, 0) << column;
    bool named = false;
    for (const char* e : {"DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"}) {
      if (why.find(e) == std::string::npos) continue;
      named = true;
      const int32_t code = std::string(e) == "DELTA_BINARY_PACKED"       ? pq::kDeltaBinaryPacked
                           : std::string(e) == "DELTA_LENGTH_BYTE_ARRAY" ? pq::kDeltaLengthByteArray
                           : std::string(e) == "DELTA_BYTE_ARRAY"        ? pq::kDeltaByteArray
                                                                         : pq::kByteStreamSplit;
      bool present = false;
      for (const auto& g : m.row_groups) {
        const auto& enc = g.columns[static_cast<size_t>(leaf)].encodings;
        present |= std::find(enc.begin(), enc.end(), code) != enc.end();
      }
      EXPECT_TRUE(present) << column << " refused for " << why << " which its chunks do not list";
    }
    EXPECT_TRUE(named) << column << ": " << why;
  }
  // The low-cardinality strings are dictionary-encoded and read.
  const int low = m.find_leaf({"low"});
  ASSERT_GE(low, 0);
  EXPECT_FALSE(refused.count("low"));
  EXPECT_TRUE(m.row_groups[0].columns[static_cast<size_t>(low)].dictionary_page_offset.has_value());
  // DuckDB's V2 changes the encodings (DELTA_*, BYTE_STREAM_SPLIT), not the
  // page headers: its data pages stay DATA_PAGE, so DATA_PAGE_V2 is read in
  // pages rewritten from DuckDB's (DataPageV2*) and hand-built ones below.
  const std::string bytes = nl::testing::read_file(path(name));
  const pq::ColumnChunk& low_chunk = m.row_groups[0].columns[static_cast<size_t>(low)];
  EXPECT_EQ(page_head(bytes, static_cast<size_t>(low_chunk.data_page_offset)).type, 0);
  if (c.v2) {
    EXPECT_FALSE(refused.empty()) << "no DELTA_* or BYTE_STREAM_SPLIT column in a V2 file";
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetDecoderCodec,
                         ::testing::Values(CodecCase{"SNAPPY", false}, CodecCase{"ZSTD", false},
                                           CodecCase{"GZIP", false}, CodecCase{"UNCOMPRESSED", false},
                                           CodecCase{"SNAPPY", true}, CodecCase{"ZSTD", true},
                                           CodecCase{"GZIP", true}, CodecCase{"UNCOMPRESSED", true}),
                         [](const auto& info) {
                           return std::string(info.param.codec) + (info.param.v2 ? "_V2" : "_V1");
                         });

TEST_F(ParquetDecoder, CodecsItDoesNotReadAreNamedBySupports) {
  for (const char* codec : {"LZ4", "BROTLI"}) {
    SCOPED_TRACE(codec);
    const std::string name = std::string("flat-") + codec + ".parquet";
    write(name, "SELECT i, 'v' || i AS s FROM range(100) t(i)", std::string("COMPRESSION ") + codec);
    const pq::ParquetFile file = open(name);
    for (size_t l = 0; l < file.metadata().leaves.size(); ++l) {
      const std::string why = pq::ColumnReader::supports(file.metadata(), l);
      EXPECT_NE(why.find(codec), std::string::npos) << "supports() says: '" << why << "'";
    }
  }
}

// --- seeking and skipping rows, as the checkpoint reader's row shares do ----

TEST_F(ParquetDecoder, SeekStartsAtTheRowAcrossRowGroupsAndPages) {
  const std::string name = write("seek.parquet", kFlatRows, "COMPRESSION SNAPPY, ROW_GROUP_SIZE 2048");
  const pq::ParquetFile file = open(name);
  const pq::FileMetadata& m = file.metadata();
  const int s = m.find_leaf({"s"});
  const int x = m.find_leaf({"x"});
  const nl::DataFrame want = session_.sql("SELECT s, x FROM " + source(name) + " ORDER BY file_row_number");
  for (int64_t start : {int64_t{0}, int64_t{1}, int64_t{2047}, int64_t{2048}, int64_t{2049}, int64_t{5000},
                        int64_t{9999}, int64_t{10000}}) {
    SCOPED_TRACE("seek to " + std::to_string(start));
    for (int leaf : {s, x}) {
      pq::ColumnReader r = file.column(static_cast<size_t>(leaf));
      r.seek(start);
      const size_t col = leaf == s ? 0 : 1;
      size_t row = static_cast<size_t>(start);
      for (; r.next(); ++row) {
        ASSERT_LT(row, want.num_rows());
        const nl::Value got = !r.has_value() ? nl::Value() : leaf == s ? nl::Value(std::string(r.bytes())) : nl::Value(r.real());
        ASSERT_EQ(got, want.value(row, col)) << "row " << row;
      }
      EXPECT_EQ(row, want.num_rows());
    }
  }
  // skip_rows() from the start lands on the same rows.
  pq::ColumnReader r = file.column(static_cast<size_t>(s));
  int64_t at = 0;
  for (int64_t step : {int64_t{0}, int64_t{3}, int64_t{2044}, int64_t{1}, int64_t{4000}, int64_t{3951}}) {
    ASSERT_TRUE(r.skip_rows(step));
    at += step;
    const nl::Value got = r.has_value() ? nl::Value(std::string(r.bytes())) : nl::Value();
    EXPECT_EQ(got, want.value(static_cast<size_t>(at), 0)) << "row " << at;
  }
  EXPECT_FALSE(r.skip_rows(10000));
}

// --- nested columns ----------------------------------------------------------

TEST_F(ParquetDecoder, StructOfStructsHasNullsAtEveryLevel) {
  const std::string name = write("nested.parquet", kNestedRows, "COMPRESSION ZSTD, ROW_GROUP_SIZE 1000");
  const pq::ParquetFile file = open(name);
  const pq::FileMetadata& m = file.metadata();
  const int b = m.find_leaf({"s", "a", "b"});
  ASSERT_GE(b, 0);
  EXPECT_EQ(m.leaves[static_cast<size_t>(b)].max_definition, 3);
  EXPECT_EQ(m.leaves[static_cast<size_t>(b)].max_repetition, 0);
  // s.a.b, s.a.c and s.z compared with DuckDB, levels included.
  EXPECT_EQ(compare_flat_leaves(name), 3u);
  // Each level of s.a.b occurs: s NULL, s.a NULL, s.a.b NULL, a value.
  std::map<int16_t, int> levels;
  pq::ColumnReader r = file.column(static_cast<size_t>(b));
  while (r.next()) ++levels[r.definition()];
  EXPECT_EQ(levels.size(), 4u);
  EXPECT_EQ(levels[0], 3000 / 7 + 1);
}

// A map or list row as text: null, {} / [], or its entries in order.
std::string map_text(const nl::Value& keys, const nl::Value& values) {
  if (keys.is_null()) return "null";
  const auto& k = keys.as<nl::ValueList>();
  const auto& v = values.as<nl::ValueList>();
  std::string out = "{";
  for (size_t i = 0; i < k.size(); ++i) out += (i ? ", " : "") + k[i].to_string() + "=" + v[i].to_string();
  return out + "}";
}

TEST_F(ParquetDecoder, MapEntriesPerRowFollowTheirLevels) {
  const std::string name = write("map.parquet", kNestedRows, "COMPRESSION SNAPPY, ROW_GROUP_SIZE 1000");
  const pq::ParquetFile file = open(name);
  const pq::FileMetadata& m = file.metadata();
  // DuckDB writes m (optional) / key_value (repeated) / key (required), value (optional).
  const int mk = m.find_leaf({"m", "key_value", "key"});
  const int mv = m.find_leaf({"m", "key_value", "value"});
  ASSERT_GE(mk, 0);
  ASSERT_GE(mv, 0);
  EXPECT_EQ(m.leaves[static_cast<size_t>(mk)].max_definition, 2);
  EXPECT_EQ(m.leaves[static_cast<size_t>(mv)].max_definition, 3);
  EXPECT_EQ(m.leaves[static_cast<size_t>(mk)].max_repetition, 1);
  ASSERT_EQ(pq::ColumnReader::supports(m, static_cast<size_t>(mk)), "");
  ASSERT_EQ(pq::ColumnReader::supports(m, static_cast<size_t>(mv)), "");

  const nl::DataFrame want =
      session_.sql("SELECT map_keys(m), map_values(m) FROM " + source(name) + " ORDER BY file_row_number");
  std::vector<std::string> expected;
  for (size_t row = 0; row < want.num_rows(); ++row) expected.push_back(map_text(want.value(row, 0), want.value(row, 1)));

  // Rows rebuilt from the two leaves' levels alone.
  pq::ColumnReader keys = file.column(static_cast<size_t>(mk));
  pq::ColumnReader values = file.column(static_cast<size_t>(mv));
  struct Row {
    bool null = false;
    std::vector<std::string> entries;
  };
  std::vector<Row> rows;
  while (keys.next()) {
    ASSERT_TRUE(values.next());
    ASSERT_EQ(keys.repetition(), values.repetition());
    if (keys.repetition() == 0) {
      rows.emplace_back();
      rows.back().null = keys.definition() == 0;  // 0: the map is NULL; 1: it is empty; 2: an entry
    }
    ASSERT_FALSE(rows.empty()) << "the first entry continues a row";
    if (keys.definition() < 2) {
      EXPECT_EQ(values.definition(), keys.definition());
      continue;
    }
    ASSERT_TRUE(keys.has_value());
    EXPECT_GE(values.definition(), 2);
    rows.back().entries.push_back(nl::Value(std::string(keys.bytes())).to_string() + "=" +
                                  (values.has_value() ? nl::Value(std::string(values.bytes())) : nl::Value()).to_string());
  }
  std::vector<std::string> got;
  for (const Row& r : rows) {
    std::string text = "{";
    for (size_t i = 0; i < r.entries.size(); ++i) text += (i ? ", " : "") + r.entries[i];
    got.push_back(r.null ? "null" : text + "}");
  }
  EXPECT_FALSE(values.next());
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "row " << i;
  // The rows include NULL maps and empty maps.
  EXPECT_NE(std::find(got.begin(), got.end(), "null"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "{}"), got.end());
}

TEST_F(ParquetDecoder, ListItemsPerRowFollowTheirLevels) {
  const std::string name = write("list.parquet", kNestedRows, "COMPRESSION GZIP, ROW_GROUP_SIZE 700");
  const pq::ParquetFile file = open(name);
  const pq::FileMetadata& m = file.metadata();
  int leaf = -1;
  for (size_t l = 0; l < m.leaves.size(); ++l) {
    if (m.leaves[l].path[0] == "l") leaf = static_cast<int>(l);
  }
  ASSERT_GE(leaf, 0);
  const pq::Leaf& item = m.leaves[static_cast<size_t>(leaf)];
  EXPECT_EQ(item.max_repetition, 1);
  ASSERT_EQ(item.max_definition, 3);  // l optional, list repeated, element optional
  ASSERT_EQ(pq::ColumnReader::supports(m, static_cast<size_t>(leaf)), "");

  const nl::DataFrame want = session_.sql("SELECT l FROM " + source(name) + " ORDER BY file_row_number");
  pq::ColumnReader r = file.column(static_cast<size_t>(leaf));
  std::vector<nl::Value> got;
  std::optional<nl::ValueList> items;
  bool is_null = false, any = false;
  const auto close = [&] {
    if (any) got.push_back(is_null ? nl::Value() : nl::Value::list(*items));
  };
  while (r.next()) {
    if (r.repetition() == 0) {
      close();
      any = true;
      is_null = r.definition() == 0;
      items.emplace();
    }
    if (r.definition() >= 2) items->push_back(r.has_value() ? nl::Value(r.integer()) : nl::Value());
  }
  close();
  ASSERT_EQ(got.size(), want.num_rows());
  for (size_t row = 0; row < got.size(); ++row) {
    EXPECT_EQ(got[row], want.value(row, 0)) << "row " << row << ": " << got[row].to_string() << " vs "
                                            << want.value(row, 0).to_string();
  }
}

// --- corrupt files -------------------------------------------------------------

TEST_F(ParquetDecoder, TruncatedFilesAndWrongMagicAreFormatErrors) {
  const std::string name = write("whole.parquet", kFlatRows, "COMPRESSION SNAPPY, ROW_GROUP_SIZE 2048");
  const std::string bytes = nl::testing::read_file(path(name));
  for (size_t keep : {size_t{0}, size_t{4}, size_t{11}, size_t{12}, size_t{100}, bytes.size() / 2, bytes.size() - 1,
                      bytes.size() - 5, bytes.size() - 9}) {
    SCOPED_TRACE("truncated to " + std::to_string(keep) + " bytes");
    nl::testing::write_file(path("cut.parquet"), bytes.substr(0, keep));
    EXPECT_THROW(open("cut.parquet"), pq::FormatError);
  }
  std::string wrong = bytes;
  wrong.replace(wrong.size() - 4, 4, "PAR2");
  nl::testing::write_file(path("magic.parquet"), wrong);
  EXPECT_THROW(open("magic.parquet"), pq::FormatError);
  // A footer length larger than the file.
  std::string long_footer = bytes;
  const uint32_t huge = 0x7fffffff;
  std::memcpy(long_footer.data() + long_footer.size() - 8, &huge, 4);
  nl::testing::write_file(path("footer.parquet"), long_footer);
  EXPECT_THROW(open("footer.parquet"), pq::FormatError);
  // A file cut inside its data, with the footer kept: the chunks it lists
  // lie past the end.
  const std::string footer = footer_of(bytes);
  std::string hollow = bytes.substr(0, 4) + bytes.substr(bytes.size() - 8 - footer.size());
  nl::testing::write_file(path("hollow.parquet"), hollow);
  const pq::ParquetFile file = open("hollow.parquet");
  for (size_t l = 0; l < file.metadata().leaves.size(); ++l) {
    pq::ColumnReader r = file.column(l);
    EXPECT_THROW(drain(r), pq::FormatError) << "leaf " << l;
  }
}

// Flips bytes inside the compressed payload of the first data page of every
// chunk of the first row group, one position at a time. GZIP checks a CRC, so
// every flip must be found; SNAPPY and ZSTD (without checksums) may decode to
// other bytes, but must only ever fail with FormatError.
TEST_F(ParquetDecoder, FlippedBytesInCompressedPagesFailCleanly) {
  for (const char* codec : {"GZIP", "SNAPPY", "ZSTD"}) {
    SCOPED_TRACE(codec);
    const std::string name =
        write(std::string("flip-") + codec + ".parquet", kFlatRows, std::string("COMPRESSION ") + codec + ", ROW_GROUP_SIZE 2048");
    const std::string bytes = nl::testing::read_file(path(name));
    const pq::FileMetadata meta =
        pq::FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer_of(bytes).data()), footer_of(bytes).size());
    std::mt19937 rng(7);
    int failures = 0, flips = 0, failed = 0;
    for (size_t l = 0; l < meta.leaves.size(); ++l) {
      const pq::ColumnChunk& c = meta.row_groups[0].columns[l];
      const auto at = static_cast<size_t>(c.data_page_offset);
      const PageHead h = page_head(bytes, at);
      ASSERT_TRUE(h.type == 0) << "leaf " << l;
      const size_t payload = at + h.header_size;
      // The first bytes (codec framing, sizes) and a sample of the rest.
      std::vector<size_t> positions;
      for (size_t i = 0; i < std::min<size_t>(12, static_cast<size_t>(h.compressed_size)); ++i) positions.push_back(i);
      for (int k = 0; k < 24; ++k) positions.push_back(rng() % static_cast<size_t>(h.compressed_size));
      for (size_t pos : positions) {
        // GZIP's own header (flags, time, OS: bytes 3-9) is not checked by inflate.
        const bool must_fail = std::string(codec) == "GZIP" && pos >= 10;
        std::string corrupt = bytes;
        corrupt[payload + pos] = static_cast<char>(corrupt[payload + pos] ^ (1 << (rng() % 8)));
        pq::ColumnReader r = reader_over(meta, l, corrupt);
        flips += must_fail;
        try {
          drain(r);
        } catch (const pq::FormatError&) {
          failures += must_fail;
          ++failed;
        }
      }
    }
    EXPECT_EQ(failures, flips) << "flips past GZIP's header that went unnoticed";
    EXPECT_GT(failed, 0);
  }
}

// Every byte of the first data page of each chunk of an uncompressed file
// (levels, lengths, dictionary indices, values) mutated in turn: the decoder
// must fail with FormatError or read on, never read outside its buffers.
TEST_F(ParquetDecoder, MutatedUncompressedPagesFailCleanly) {
  const std::string name = write("plain.parquet", std::string(kFlatRows).replace(std::string(kFlatRows).find("range(10000)"), 12, "range(300)"),
                                 "COMPRESSION UNCOMPRESSED");
  const std::string bytes = nl::testing::read_file(path(name));
  const std::string footer = footer_of(bytes);
  const pq::FileMetadata meta = pq::FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  std::mt19937 rng(11);
  int failures = 0;
  for (size_t l = 0; l < meta.leaves.size(); ++l) {
    const pq::ColumnChunk& c = meta.row_groups[0].columns[l];
    const auto start = static_cast<size_t>(c.start());
    // Dictionary page (if any) and data page: each one's payload.
    for (size_t at = start; at < start + static_cast<size_t>(c.total_compressed_size);) {
      const PageHead h = page_head(bytes, at);
      const size_t payload = at + h.header_size;
      for (size_t pos = 0; pos < static_cast<size_t>(h.compressed_size); ++pos) {
        for (uint8_t value : {static_cast<uint8_t>(bytes[payload + pos] ^ 0xff), static_cast<uint8_t>(rng())}) {
          std::string corrupt = bytes;
          corrupt[payload + pos] = static_cast<char>(value);
          pq::ColumnReader r = reader_over(meta, l, corrupt);
          try {
            drain(r);
          } catch (const pq::FormatError&) {
            ++failures;
          }
        }
      }
      at = payload + static_cast<size_t>(h.compressed_size);
    }
  }
  EXPECT_GT(failures, 0);
}

// --- the Thrift footer ---------------------------------------------------------

TEST_F(ParquetDecoder, MutatedFootersParseOrFailWithFormatError) {
  const std::string name = write("footer.parquet", kNestedRows, "COMPRESSION SNAPPY, ROW_GROUP_SIZE 500");
  const std::string footer = footer_of(nl::testing::read_file(path(name)));
  const pq::FileMetadata good = pq::FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  EXPECT_EQ(good.num_rows, 3000);
  std::mt19937 rng(20240611);
  int parsed = 0, failed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string f = footer;
    const int kind = static_cast<int>(rng() % 4);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % f.size();
      if (kind == 0) {
        f[pos] = static_cast<char>(f[pos] ^ (1 << (rng() % 8)));  // a flipped bit
      } else if (kind == 1) {
        f[pos] = static_cast<char>(rng());  // a random byte
      } else if (kind == 2) {
        f[pos] = static_cast<char>(std::vector<uint8_t>{0x00, 0xff, 0x7f, 0x80, 0x0c, 0x19, 0xf9}[rng() % 7]);
      } else {
        f.resize(pos);  // cut short
        break;
      }
    }
    // A copy of exactly the bytes, so reading past them is visible to tools.
    std::vector<uint8_t> exact(f.begin(), f.end());
    try {
      const pq::FileMetadata m = pq::FileMetadata::parse(exact.data(), exact.size());
      ++parsed;
    } catch (const pq::FormatError&) {
      ++failed;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "mutation " << i << " threw " << typeid(e).name() << ": " << e.what();
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(parsed, 0);
}

TEST_F(ParquetDecoder, DeeplyNestedThriftIsRefused) {
  // Struct fields opening structs, a thousand deep.
  std::vector<uint8_t> bytes(1000, 0x1c);
  EXPECT_THROW(pq::FileMetadata::parse(bytes.data(), bytes.size()), pq::FormatError);
  // A list claiming more elements than bytes follow.
  const std::vector<uint8_t> list = {0x29, 0xfc, 0xff, 0xff, 0xff, 0x0f};
  EXPECT_THROW(pq::FileMetadata::parse(list.data(), list.size()), pq::FormatError);
  // A string longer than the bytes left.
  const std::vector<uint8_t> binary = {0x18, 0xff, 0xff, 0x03, 'a'};
  EXPECT_THROW(pq::FileMetadata::parse(binary.data(), binary.size()), pq::FormatError);
}

// --- hand-built pages ------------------------------------------------------------

// Thrift compact encoding of the few fields a page header needs.
class CompactWriter {
 public:
  void i32(int16_t id, int32_t v) {
    header(id, 5);
    varint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  void boolean(int16_t id, bool v) { header(id, v ? 1 : 2); }
  void begin(int16_t id) {
    header(id, 12);
    last_.push_back(0);
  }
  void end() {
    out_.push_back(0);
    last_.pop_back();
  }
  std::string bytes() const { return out_ + '\0'; }

 private:
  void header(int16_t id, uint8_t type) {
    out_.push_back(static_cast<char>(((id - last_.back()) << 4) | type));
    last_.back() = id;
  }
  void varint(uint32_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
  std::vector<int16_t> last_{0};
};

// `in` as a SNAPPY stream of literals only: valid for any decoder, and
// enough to give a page a compressed part without a compressor.
std::string snappy_literals(const std::string& in) {
  std::string out;
  for (size_t v = in.size(); ; v >>= 7) {
    out.push_back(static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
    if (v < 0x80) break;
  }
  for (size_t at = 0; at < in.size();) {
    const size_t n = std::min<size_t>(65536, in.size() - at);
    if (n <= 60) {
      out.push_back(static_cast<char>((n - 1) << 2));
    } else if (n <= 256) {
      out.push_back(static_cast<char>(60 << 2));
      out.push_back(static_cast<char>(n - 1));
    } else {
      out.push_back(static_cast<char>(61 << 2));
      out.push_back(static_cast<char>((n - 1) & 0xff));
      out.push_back(static_cast<char>((n - 1) >> 8));
    }
    out.append(in, at, n);
    at += n;
  }
  return out;
}

// An uncompressed file with every data page rewritten as DATA_PAGE_V2: the
// levels without their length prefix, the values as they were or (with
// `snappy`) as a SNAPPY stream, the dictionary pages likewise. DuckDB writes
// no DATA_PAGE_V2 pages; this gives the decoder real ones.
struct RewrittenFile {
  pq::FileMetadata meta;
  std::string bytes;
};
RewrittenFile with_v2_pages(const std::string& file, const pq::FileMetadata& meta, bool snappy) {
  RewrittenFile out{meta, "PAR1"};
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    for (size_t l = 0; l < meta.leaves.size(); ++l) {
      const pq::ColumnChunk& c = meta.row_groups[g].columns[l];
      pq::ColumnChunk& n = out.meta.row_groups[g].columns[l];
      EXPECT_EQ(c.codec, pq::Codec::Uncompressed);
      n.codec = snappy ? pq::Codec::Snappy : pq::Codec::Uncompressed;
      n.dictionary_page_offset.reset();
      const size_t new_start = out.bytes.size();
      bool first_data = true;
      for (size_t at = static_cast<size_t>(c.start()); at < static_cast<size_t>(c.start() + c.total_compressed_size);) {
        pq::CompactReader r(reinterpret_cast<const uint8_t*>(file.data()) + at, file.size() - at);
        int32_t type = -1, size = 0, num_values = 0, encoding = 0;
        r.read_struct([&](const pq::CompactReader::Field& f) {
          if (f.id == 1) {
            type = r.read_i32();
          } else if (f.id == 3) {
            size = r.read_i32();
          } else if (f.id == 5 || f.id == 7) {
            r.read_struct([&](const pq::CompactReader::Field& h) {
              if (h.id == 1) {
                num_values = r.read_i32();
              } else if (h.id == 2) {
                encoding = r.read_i32();
              } else {
                r.skip(h.type);
              }
            });
          } else {
            r.skip(f.type);
          }
        });
        const std::string payload = file.substr(at + r.position(), static_cast<size_t>(size));
        at += r.position() + static_cast<size_t>(size);
        CompactWriter w;
        if (type == 2) {
          const std::string body = snappy ? snappy_literals(payload) : payload;
          w.i32(1, 2);
          w.i32(2, static_cast<int32_t>(payload.size()));
          w.i32(3, static_cast<int32_t>(body.size()));
          w.begin(7);
          w.i32(1, num_values);
          w.i32(2, encoding);
          w.end();
          n.dictionary_page_offset = static_cast<int64_t>(out.bytes.size());
          out.bytes += w.bytes() + body;
          continue;
        }
        EXPECT_EQ(type, 0);
        // v1: [u32 length, repetition levels] [u32 length, definition levels] values
        size_t p = 0;
        std::string levels[2];
        for (int k = 0; k < 2; ++k) {
          if ((k == 0 ? meta.leaves[l].max_repetition : meta.leaves[l].max_definition) == 0) continue;
          uint32_t len;
          std::memcpy(&len, payload.data() + p, 4);
          levels[k] = payload.substr(p + 4, len);
          p += 4 + len;
        }
        const std::string values = payload.substr(p);
        const std::string body = snappy ? snappy_literals(values) : values;
        const size_t level_bytes = levels[0].size() + levels[1].size();
        w.i32(1, 3);
        w.i32(2, static_cast<int32_t>(level_bytes + values.size()));
        w.i32(3, static_cast<int32_t>(level_bytes + body.size()));
        w.begin(8);
        w.i32(1, num_values);
        w.i32(2, 0);
        w.i32(3, num_values);
        w.i32(4, encoding);
        w.i32(5, static_cast<int32_t>(levels[1].size()));
        w.i32(6, static_cast<int32_t>(levels[0].size()));
        w.boolean(7, snappy);
        w.end();
        if (first_data) n.data_page_offset = static_cast<int64_t>(out.bytes.size());
        first_data = false;
        out.bytes += w.bytes() + levels[0] + levels[1] + body;
      }
      n.total_compressed_size = static_cast<int64_t>(out.bytes.size() - new_start);
    }
  }
  return out;
}

TEST_F(ParquetDecoder, DataPageV2ReadsAsDuckDbReadsTheSameRows) {
  const std::string name = write("for-v2.parquet", kFlatRows, "COMPRESSION UNCOMPRESSED, ROW_GROUP_SIZE 2048");
  const std::string bytes = nl::testing::read_file(path(name));
  const std::string footer = footer_of(bytes);
  const pq::FileMetadata meta = pq::FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  for (bool snappy : {false, true}) {
    SCOPED_TRACE(snappy ? "values compressed" : "values uncompressed");
    const RewrittenFile v2 = with_v2_pages(bytes, meta, snappy);
    EXPECT_EQ(page_head(v2.bytes, static_cast<size_t>(v2.meta.row_groups[0].columns[0].data_page_offset)).type, 3);
    const size_t compared = compare_flat_leaves(name, nullptr, &v2.meta, [&](const pq::FileMetadata& m, size_t l) {
      return reader_over(m, l, v2.bytes);
    });
    EXPECT_EQ(compared, meta.leaves.size());
  }
}

// Repeated and nested leaves in DATA_PAGE_V2 pages give the entries (levels
// and values) their v1 pages give.
TEST_F(ParquetDecoder, DataPageV2LevelsOfNestedColumnsMatchV1) {
  const std::string name = write("nested-v2.parquet", kNestedRows, "COMPRESSION UNCOMPRESSED, ROW_GROUP_SIZE 1000");
  const std::string bytes = nl::testing::read_file(path(name));
  const std::string footer = footer_of(bytes);
  const pq::FileMetadata meta = pq::FileMetadata::parse(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  const RewrittenFile v2 = with_v2_pages(bytes, meta, true);
  for (size_t l = 0; l < meta.leaves.size(); ++l) {
    SCOPED_TRACE("leaf " + meta.leaves[l].path.back());
    pq::ColumnReader a = reader_over(meta, l, bytes);
    pq::ColumnReader b = reader_over(v2.meta, l, v2.bytes);
    size_t entries = 0;
    for (; a.next(); ++entries) {
      ASSERT_TRUE(b.next()) << "entry " << entries;
      ASSERT_EQ(a.definition(), b.definition()) << "entry " << entries;
      ASSERT_EQ(a.repetition(), b.repetition()) << "entry " << entries;
      if (a.has_value()) {
        const pq::SchemaElement& e = meta.schema[meta.leaves[l].element];
        ASSERT_EQ(decoded(a, e), decoded(b, e)) << "entry " << entries;
      }
    }
    EXPECT_FALSE(b.next());
    EXPECT_GE(entries, 3000u);
  }
}

// One optional INT32 column of `rows` rows in one chunk of `chunk` bytes.
pq::FileMetadata one_int_column(int64_t rows, size_t chunk) {
  pq::FileMetadata m;
  m.num_rows = rows;
  pq::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  pq::SchemaElement v;
  v.name = "v";
  v.type = pq::PhysicalType::Int32;
  v.repetition = pq::Repetition::Optional;
  m.schema = {root, v};
  pq::Leaf leaf;
  leaf.path = {"v"};
  leaf.element = 1;
  leaf.max_definition = 1;
  leaf.definition = {1};
  m.leaves = {leaf};
  pq::ColumnChunk c;
  c.type = pq::PhysicalType::Int32;
  c.encodings = {pq::kPlain, pq::kRle};
  c.num_values = rows;
  c.total_compressed_size = static_cast<int64_t>(chunk);
  pq::RowGroup g;
  g.num_rows = rows;
  g.columns = {c};
  m.row_groups = {g};
  return m;
}

// An uncompressed DATA_PAGE_V2 of four INT32 values (all defined) whose
// header states `definition_bytes` bytes of levels, followed in its chunk by
// `tail` (what a reader past the page would see).
std::string v2_page(int32_t definition_bytes, const std::string& tail) {
  std::string payload = std::string("\x08\x01", 2);  // RLE run: 4 levels of 1
  for (int32_t v : {10, 20, 30, 40}) payload.append(reinterpret_cast<const char*>(&v), 4);
  CompactWriter w;
  w.i32(1, 3);  // DATA_PAGE_V2
  w.i32(2, static_cast<int32_t>(payload.size()));
  w.i32(3, static_cast<int32_t>(payload.size()));
  w.begin(8);
  w.i32(1, 4);  // num_values
  w.i32(2, 0);  // num_nulls
  w.i32(3, 4);  // num_rows
  w.i32(4, pq::kPlain);
  w.i32(5, definition_bytes);
  w.i32(6, 0);
  w.boolean(7, false);
  w.end();
  return w.bytes() + payload + tail;
}

std::vector<int64_t> read_ints(const pq::FileMetadata& m, const std::string& chunk) {
  pq::ColumnReader r(m, 0, [&](size_t, const pq::ColumnChunk&, nl::RawBuffer& into) {
    std::memcpy(into.reset(chunk.size()), chunk.data(), chunk.size());
  });
  std::vector<int64_t> out;
  for (int i = 0; i < 4 && r.next(); ++i) out.push_back(r.has_value() ? r.integer() : -1);
  return out;
}

TEST_F(ParquetDecoder, HandBuiltV2PageReads) {
  const std::string chunk = v2_page(2, "");
  EXPECT_EQ(read_ints(one_int_column(4, chunk.size()), chunk), (std::vector<int64_t>{10, 20, 30, 40}));
}

// Regression: the levels of an uncompressed DATA_PAGE_V2 page must lie within
// the page. With a stated length past the page's end, the decoder read the
// levels and then the values from the bytes after the page.
TEST_F(ParquetDecoder, UncompressedV2PageWithLevelsLongerThanThePageIsAFormatError) {
  std::string filler;
  for (int32_t v = 0; v < 64; ++v) filler.append(reinterpret_cast<const char*>(&v), 4);
  const std::string chunk = v2_page(18 + 64, filler);
  const pq::FileMetadata m = one_int_column(4, chunk.size());
  pq::ColumnReader r(m, 0, [&](size_t, const pq::ColumnChunk&, nl::RawBuffer& into) {
    std::memcpy(into.reset(chunk.size()), chunk.data(), chunk.size());
  });
  EXPECT_THROW(r.next(), pq::FormatError);
}

// --- caps: no buffer sized by a page header beyond what its bytes can hold ----

// A SNAPPY DATA_PAGE (v1) of the one-int column whose header states
// `uncompressed` bytes for `compressed` (literals, a valid SNAPPY stream).
std::string snappy_page_stating(int32_t uncompressed, const std::string& literal_bytes) {
  const std::string payload = snappy_literals(literal_bytes);
  CompactWriter w;
  w.i32(1, 0);  // DATA_PAGE
  w.i32(2, uncompressed);
  w.i32(3, static_cast<int32_t>(payload.size()));
  w.begin(5);
  w.i32(1, 4);  // num_values
  w.i32(2, pq::kPlain);
  w.i32(3, pq::kRle);
  w.i32(4, pq::kRle);
  w.end();
  return w.bytes() + payload;
}

std::string page_error(const std::string& chunk) {
  pq::FileMetadata m = one_int_column(4, chunk.size());
  m.row_groups[0].columns[0].codec = pq::Codec::Snappy;
  pq::ColumnReader r(m, 0, [&](size_t, const pq::ColumnChunk&, nl::RawBuffer& into) {
    std::memcpy(into.reset(chunk.size()), chunk.data(), chunk.size());
  });
  try {
    while (r.next()) {
    }
  } catch (const pq::FormatError& e) {
    return e.what();
  }
  return "";
}

TEST(ParquetDecoderCaps, PageStatingOver1000TimesItsCompressedBytesIsAFormatErrorNamingTheColumn) {
  // 100 MB stated for a page of a few dozen bytes: refused before a buffer
  // of that size exists.
  const std::string error = page_error(snappy_page_stating(100000000, std::string(40, 'x')));
  EXPECT_NE(error.find("'v'"), std::string::npos) << error;
  EXPECT_NE(error.find("100000000 bytes uncompressed"), std::string::npos) << error;
}

TEST(ParquetDecoderCaps, PageStatingOver1GiBIsAFormatErrorWhateverItsCompressedSize) {
  // 2 MiB of compressed bytes would allow 2 GB by the ratio; the ceiling refuses it.
  const std::string error = page_error(snappy_page_stating(1500000000, std::string(size_t{2} << 20, '\0')));
  EXPECT_NE(error.find("'v'"), std::string::npos) << error;
  EXPECT_NE(error.find("more than they can hold"), std::string::npos) << error;
}

TEST(ParquetDecoderCaps, SmallPagesMayExpandPastTheRatioUpToTheFloor) {
  // 16 bytes of values stated as 16 bytes: the decompressed size disagrees
  // with the stream's, a FormatError of decompression (not of the cap)...
  const std::string wrong = page_error(snappy_page_stating(60000, std::string(16, 'x')));
  EXPECT_EQ(wrong.find("more than they can hold"), std::string::npos) << wrong;
  // ...while the same page stating its true size reads.
  std::string values;
  for (int32_t v : {1, 2, 3, 4}) values.append(reinterpret_cast<const char*>(&v), 4);
  const std::string levels = std::string("\x02\x00\x00\x00\x08\x01", 6);  // RLE: 4 levels of 1
  EXPECT_EQ(page_error(snappy_page_stating(static_cast<int32_t>(levels.size() + values.size()), levels + values)), "");
}

TEST(ParquetDecoderCaps, FixedLengthColumnOfWidthZeroIsAFormatError) {
  pq::FileMetadata m = one_int_column(4, 0);
  m.schema[1].type = pq::PhysicalType::FixedLenByteArray;
  m.schema[1].type_length = 0;
  m.row_groups[0].columns[0].type = pq::PhysicalType::FixedLenByteArray;
  const std::string levels = std::string("\x02\x00\x00\x00\x08\x01", 6);
  CompactWriter w;
  w.i32(1, 0);
  w.i32(2, static_cast<int32_t>(levels.size()));
  w.i32(3, static_cast<int32_t>(levels.size()));
  w.begin(5);
  w.i32(1, 4);
  w.i32(2, pq::kPlain);
  w.i32(3, pq::kRle);
  w.i32(4, pq::kRle);
  w.end();
  const std::string chunk = w.bytes() + levels;
  m.row_groups[0].columns[0].total_compressed_size = static_cast<int64_t>(chunk.size());
  pq::ColumnReader r(m, 0, [&](size_t, const pq::ColumnChunk&, nl::RawBuffer& into) {
    std::memcpy(into.reset(chunk.size()), chunk.data(), chunk.size());
  });
  EXPECT_THROW(r.next(), pq::FormatError);
}

}  // namespace
