// The checkpoint reader built on the project's Parquet decoder against DuckDB's
// reader: the same adds and stats, row for row, and the decoder (not DuckDB) doing the reading.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/checkpoint_parquet_reader.h"
#include "delta/checkpoint_reader.h"
#include "delta/file_stats.h"
#include "delta/schema.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/data_frame.h"
#include "neuralake/expr.h"
#include "neuralake/object_store.h"
#include "neuralake/session.h"
#include "parquet/encoding.h"
#include "parquet/parquet_file.h"
#include "parquet/thrift_compact.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
namespace pq = neuralake::parquet;
namespace fs = std::filesystem;

namespace {

// How often a reader was asked to read adds or stats.
struct Calls {
  std::atomic<int> adds{0}, stats{0};
};

// Forwards to DuckDB's reader, counting the calls: a fallback that shows
// whether the decoder passed a part on.
class CountingReader : public delta::CheckpointReader {
 public:
  CountingReader(std::unique_ptr<delta::CheckpointReader> target, std::shared_ptr<Calls> calls)
      : target_(std::move(target)), calls_(std::move(calls)) {}
  void read_actions(const std::shared_ptr<nl::ObjectStore>& store, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view)>& row) override {
    target_->read_actions(store, keys, row);
  }
  void read_adds(const std::shared_ptr<nl::ObjectStore>& store, const std::vector<std::string>& keys,
                 const std::vector<std::string>& partition_keys,
                 const std::function<void(const delta::CheckpointAdd&)>& add) override {
    ++calls_->adds;
    target_->read_adds(store, keys, partition_keys, add);
  }
  void read_add_stats(const std::shared_ptr<nl::ObjectStore>& store, const std::vector<std::string>& keys,
                      const std::function<const delta::StatsLayout&()>& layout,
                      const std::function<void(const delta::CheckpointStats&)>& stats, delta::RowShare share) override {
    ++calls_->stats;
    target_->read_add_stats(store, keys, layout, stats, share);
  }

 private:
  std::unique_ptr<delta::CheckpointReader> target_;
  std::shared_ptr<Calls> calls_;
};

std::string row_of(const delta::CheckpointRow& at) {
  return std::to_string(at.part) + ":" + std::to_string(at.row);
}

// Every add the reader gives, one comparable line each, in its order.
std::vector<std::string> adds_of(delta::CheckpointReader& reader, const std::shared_ptr<nl::ObjectStore>& store,
                                 const std::vector<std::string>& keys, const std::vector<std::string>& partition_keys) {
  std::vector<std::string> out;
  reader.read_adds(store, keys, partition_keys, [&](const delta::CheckpointAdd& a) {
    std::string line = row_of(a.at) + " path=" + nl::testing::json_string(a.path) + " size=" + std::to_string(a.size) +
                       " mtime=" + std::to_string(a.modification_time) + " pv=[";
    for (size_t i = 0; i < a.partition_values.size(); ++i) {
      const auto& v = a.partition_values[i];
      line += (i ? "," : "") + (v ? nl::testing::json_string(*v) : std::string("null"));
    }
    line += "]";
    if (const auto& d = a.deletion_vector) {
      line += std::string(" dv=") + d->storage_type + "/" + d->path_or_inline + "/" +
              (d->offset ? std::to_string(*d->offset) : "none") + "/" + std::to_string(d->size_in_bytes) + "/" +
              std::to_string(d->cardinality);
    }
    out.push_back(std::move(line));
  });
  return out;
}

std::string bound(const delta::TypedBound& b, delta::StatsColumn::Kind kind) {
  if (!b.known) return "?";
  switch (kind) {
    case delta::StatsColumn::Kind::Double: {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", b.d);
      return text;
    }
    case delta::StatsColumn::Kind::String: return nl::testing::json_string(b.s);
    default: return std::to_string(b.i);
  }
}

// Every stats row the reader gives for `share`, one comparable line each.
std::vector<std::string> stats_of(delta::CheckpointReader& reader, const std::shared_ptr<nl::ObjectStore>& store,
                                  const std::vector<std::string>& keys, const delta::StatsLayout& layout,
                                  delta::RowShare share = {}) {
  std::vector<std::string> out;
  reader.read_add_stats(
      store, keys, [&]() -> const delta::StatsLayout& { return layout; },
      [&](const delta::CheckpointStats& s) {
        std::string line = row_of(s.at);
        if (!s.parsed) {
          line += " json=" + std::string(s.json);
        } else {
          const delta::TypedStats& t = *s.parsed;
          line += " records=" + std::to_string(t.num_records);
          for (size_t i = 0; i < layout.columns.size(); ++i) {
            const auto kind = layout.columns[i].kind;
            line += " " + layout.columns[i].name + "=[" + (i < t.mins.size() ? bound(t.mins[i], kind) : "-") + ".." +
                    (i < t.maxs.size() ? bound(t.maxs[i], kind) : "-") + " nulls " +
                    (i < t.null_counts.size() && t.null_counts[i] ? std::to_string(*t.null_counts[i]) : "?") + "]";
          }
        }
        out.push_back(std::move(line));
      },
      share);
  return out;
}

// The own-decoder reader with a counting DuckDB fallback, and DuckDB's alone.
struct Readers {
  std::shared_ptr<Calls> fallback = std::make_shared<Calls>();
  std::unique_ptr<delta::CheckpointReader> own = delta::make_checkpoint_parquet_reader(
      std::make_unique<CountingReader>(nl::engine::make_standalone_checkpoint_reader(false), fallback));
  std::unique_ptr<delta::CheckpointReader> duck = nl::engine::make_standalone_checkpoint_reader(false);
};

// Compares the two readers on `keys`: adds, stats whole and in three row
// shares. Returns the number of adds (and stats rows) seen.
std::pair<size_t, size_t> compare_readers(Readers& r, const std::shared_ptr<nl::ObjectStore>& store,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& partition_keys,
                                          const delta::StatsLayout& layout) {
  const auto own_adds = adds_of(*r.own, store, keys, partition_keys);
  const auto duck_adds = adds_of(*r.duck, store, keys, partition_keys);
  EXPECT_EQ(own_adds.size(), duck_adds.size());
  for (size_t i = 0; i < std::min(own_adds.size(), duck_adds.size()); ++i) {
    if (own_adds[i] != duck_adds[i]) {
      ADD_FAILURE() << "add " << i << ":\n  own:    " << own_adds[i] << "\n  DuckDB: " << duck_adds[i];
      break;
    }
  }
  const auto duck_stats = stats_of(*r.duck, store, keys, layout);
  const auto own_stats = stats_of(*r.own, store, keys, layout);
  EXPECT_EQ(own_stats.size(), duck_stats.size());
  for (size_t i = 0; i < std::min(own_stats.size(), duck_stats.size()); ++i) {
    if (own_stats[i] != duck_stats[i]) {
      ADD_FAILURE() << "stats " << i << ":\n  own:    " << own_stats[i] << "\n  DuckDB: " << duck_stats[i];
      break;
    }
  }
  // Three shares together: every row once.
  EXPECT_TRUE(r.own->shares_rows());
  std::vector<std::string> shared;
  for (uint32_t s = 0; s < 3; ++s) {
    auto part = stats_of(*r.own, store, keys, layout, delta::RowShare{s, 3});
    shared.insert(shared.end(), part.begin(), part.end());
  }
  const auto by_row = [](const std::string& a, const std::string& b) {
    const auto key = [](const std::string& s) {
      const size_t colon = s.find(':');
      return std::make_pair(std::stoull(s.substr(0, colon)), std::stoull(s.substr(colon + 1)));
    };
    return key(a) < key(b);
  };
  std::stable_sort(shared.begin(), shared.end(), by_row);
  EXPECT_EQ(shared, duck_stats) << "stats read in three row shares";
  return {duck_adds.size(), duck_stats.size()};
}

// The codec of the first column chunk of `key`.
pq::Codec codec_of(const std::shared_ptr<nl::ObjectStore>& store, const std::string& key) {
  const pq::ParquetFile f(store, key, store->head(key)->size);
  return f.metadata().row_groups.at(0).columns.at(0).codec;
}

// --- checkpoints of the shared test tables --------------------------------------

TEST(DeltaCheckpointParquet, SharedCheckpointsReadAsDuckDbReadsThem) {
  const fs::path root = nl::testing::shared_dir() / "testdata" / "delta";
  if (nl::testing::shared_dir().empty() || !fs::is_directory(root)) {
    GTEST_SKIP() << "no shared Delta test data at " << root;
  }
  nl::Session session;
  int checked = 0;
  for (const auto& table : fs::directory_iterator(root)) {
    const fs::path log = table.path() / "_delta_log";
    if (!fs::is_directory(log)) continue;
    std::vector<std::string> names;
    for (const auto& f : fs::directory_iterator(log)) {
      const std::string n = f.path().filename().string();
      if (n.find(".checkpoint") != std::string::npos && n.size() > 8 && n.substr(n.size() - 8) == ".parquet") {
        names.push_back(n);
      }
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      SCOPED_TRACE(table.path().filename().string() + "/" + name);
      const auto store = nl::make_local_store(table.path().string());
      const std::string key = "_delta_log/" + name;
      // The stats layout and partition keys from the checkpoint's own metaData.
      const nl::DataFrame meta = session.sql("SELECT metaData.schemaString, metaData.partitionColumns FROM read_parquet(" +
                                             nl::sql_string_literal((log / name).string()) +
                                             ") WHERE metaData IS NOT NULL");
      ASSERT_EQ(meta.num_rows(), 1u);
      std::vector<std::string> partition_keys;
      // Held by name: a range-for over a member of the temporary value()
      // would read it after its end.
      const nl::Value partition_columns = meta.value(0, 1);
      if (!partition_columns.is_null()) {
        for (const auto& v : partition_columns.as<nl::ValueList>()) partition_keys.push_back(v.as<std::string>());
      }
      const delta::StatsLayout layout = delta::StatsLayout::from_schema(
          delta::parse_schema(meta.value(0, 0).as<std::string>(), key), partition_keys);
      partition_keys.push_back("no-such-column");
      Readers r;
      const auto [adds, stats] = compare_readers(r, store, {key}, partition_keys, layout);
      EXPECT_GT(adds, 0u);
      if (pq::codec_supported(codec_of(store, key))) {
        EXPECT_EQ(r.fallback->adds, 0) << "adds went to DuckDB";
        EXPECT_EQ(r.fallback->stats, 0) << "stats went to DuckDB";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "no checkpoint under " << root;
}

// --- checkpoints written here -------------------------------------------------------

struct Shape {
  const char* name;
  const char* codec = "SNAPPY";
  bool json_stats = true;
  bool parsed_stats = false;
  bool partitioned = false;
  bool deletion_vectors = false;
  int parts = 1;
  bool v2 = false;
  // Whether every part is the decoder's to read (no fallback call).
  bool own_reads_all = true;
};

// The add.stats_parsed value of row i: NULL for every 7th add, NULL fields here and there.
const char* kParsedStats =
    "CASE WHEN i % 7 = 0 THEN NULL ELSE {"
    "'numRecords': i + 1, "
    "'minValues': {'id': i * 10, 'x': i / 4.0, 'name': 'n' || i, 'd': DATE '2024-01-01' + (i % 100)::INTEGER, "
    "'ts': TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1000003), 'small': (i % 100)::INTEGER, "
    "'tsms': (TIMESTAMP '2023-06-01 00:00:00' + to_milliseconds(i * 1001))::TIMESTAMP_MS, "
    "'tstz': (TIMESTAMP '2023-06-01 00:00:00' + to_microseconds(i * 7))::TIMESTAMPTZ, 'u8': (i % 250)::UTINYINT}, "
    "'maxValues': {'id': i * 10 + 9, 'x': i / 4.0 + 1, 'name': CASE WHEN i % 11 = 0 THEN NULL ELSE 'n' || i || 'z' END, "
    "'d': DATE '2024-02-01' + (i % 100)::INTEGER, 'ts': TIMESTAMP '2024-02-01 00:00:00' + to_microseconds(i), "
    "'small': (i % 100 + 5)::INTEGER, 'tsms': NULL::TIMESTAMP_MS, "
    "'tstz': (TIMESTAMP '2023-07-01 00:00:00' - to_microseconds(i))::TIMESTAMPTZ, 'u8': 255::UTINYINT}, "
    "'nullCount': {'id': i % 3, 'x': 0, 'name': CASE WHEN i % 5 = 0 THEN NULL ELSE i % 4 END, 'd': 0, 'ts': 1, "
    "'small': 2}} END";

const char* kJsonStats =
    "CASE WHEN i % 7 = 0 THEN NULL ELSE '{\"numRecords\":' || (i + 1) || ',\"minValues\":{\"id\":' || (i * 10) || "
    "',\"name\":\"n' || i || '\"},\"maxValues\":{\"id\":' || (i * 10 + 9) || '},\"nullCount\":{\"id\":' || (i % 3) || "
    "'}}' END";

// Partition values: both keys, a NULL value, a key missing, an empty map.
const char* kPartitionValues =
    "CASE WHEN i % 10 = 3 THEN map([]::VARCHAR[], []::VARCHAR[]) "
    "WHEN i % 10 = 7 THEN map(['day'], ['2024-01-0' || (i % 3 + 1)]) "
    "ELSE map(['day', 'region'], ['2024-01-0' || (i % 3 + 1), CASE WHEN i % 4 = 0 THEN NULL ELSE 'r' || (i % 5) END]) END";

const char* kDeletionVector =
    "CASE WHEN i % 5 = 0 THEN {'storageType': 'u', 'pathOrInlineDv': 'ab^-aqEH.-t@S}K{vb[*k^' || (i % 10), "
    "'offset': CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 50)::INTEGER END, 'sizeInBytes': 34::INTEGER, "
    "'cardinality': (i % 9)::BIGINT} "
    "WHEN i % 5 = 1 THEN {'storageType': 'i', 'pathOrInlineDv': 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', "
    "'offset': NULL::INTEGER, 'sizeInBytes': 18::INTEGER, 'cardinality': 2::BIGINT} END";

// The stats columns compared: every kind, one column the checkpoint lacks,
// an integer bound read as a double, one column with null counts only,
// millisecond and zoned timestamps, an unsigned byte.
delta::StatsLayout generated_layout() {
  using K = delta::StatsColumn::Kind;
  delta::StatsLayout l;
  l.columns = {{"id", "id", K::Int},        {"x", "x", K::Double},        {"name", "name", K::String},
               {"d", "d", K::Date},         {"ts", "ts", K::Timestamp},   {"small", "small", K::Int},
               {"absent", "absent", K::Int}, {"id_real", "id", K::Double}, {"counted", "name", K::NullCountOnly},
               {"tsms", "tsms", K::Timestamp}, {"tstz", "tstz", K::Timestamp}, {"u8", "u8", K::Int}};
  return l;
}

class DeltaCheckpointParquetGenerated : public ::testing::TestWithParam<Shape> {
 protected:
  // Writes rows [first, end) of the shape as checkpoint part `key`: adds
  // with a txn, a remove and the protocol in between.
  void write_part(const Shape& s, const std::string& key, int first, int end) {
    std::string add = "{'path': 'day=x/part-' || i || '.parquet', 'partitionValues': " +
                      std::string(s.partitioned ? kPartitionValues : "map([]::VARCHAR[], []::VARCHAR[])") +
                      ", 'size': 1000 + i, 'modificationTime': 1700000000000 + i * 3, 'dataChange': true";
    if (s.json_stats) add += std::string(", 'stats': ") + kJsonStats;
    if (s.parsed_stats) add += std::string(", 'stats_parsed': ") + kParsedStats;
    if (s.deletion_vectors) add += std::string(", 'deletionVector': ") + kDeletionVector;
    add += "}";
    const fs::path file = dir_.path() / key;
    fs::create_directories(file.parent_path());
    session_.execute(
        "COPY (SELECT "
        "CASE WHEN i % 97 = 5 THEN {'appId': 'app', 'version': i, 'lastUpdated': 7} END AS txn, "
        "CASE WHEN i % 97 IN (5, 6) OR i = " + std::to_string(first) + " THEN NULL ELSE " + add + " END AS add, "
        "CASE WHEN i % 97 = 6 THEN {'path': 'gone-' || i || '.parquet', 'deletionTimestamp': 5, 'dataChange': true} END "
        "AS remove, "
        "CASE WHEN i = " + std::to_string(first) + " THEN {'minReaderVersion': 1, 'minWriterVersion': 2} END AS protocol "
        "FROM range(" + std::to_string(first) + ", " + std::to_string(end) + ") t(i)) TO " +
        nl::sql_string_literal(file.string()) + " (FORMAT parquet, COMPRESSION " + s.codec +
        ", ROW_GROUP_SIZE 700" + (s.v2 ? ", PARQUET_VERSION V2" : "") + ")");
  }

  std::vector<std::string> write_checkpoint(const Shape& s, int rows = 3000) {
    std::vector<std::string> keys;
    for (int p = 0; p < s.parts; ++p) {
      const std::string key = s.parts == 1 ? "_delta_log/00000000000000000009.checkpoint.parquet"
                                           : "_delta_log/00000000000000000009.checkpoint.000000000" +
                                                 std::to_string(p + 1) + ".000000000" + std::to_string(s.parts) +
                                                 ".parquet";
      write_part(s, key, rows * p / s.parts, rows * (p + 1) / s.parts);
      keys.push_back(key);
    }
    return keys;
  }

  nl::testing::TempDir dir_;
  nl::Session session_;
  std::shared_ptr<nl::ObjectStore> store_ = nl::make_local_store(dir_.str());
};

TEST_P(DeltaCheckpointParquetGenerated, AddsAndStatsReadAsDuckDbReadsThem) {
  const Shape s = GetParam();
  const auto keys = write_checkpoint(s);
  Readers r;
  const auto [adds, stats] = compare_readers(r, store_, keys, {"day", "region", "absent"}, generated_layout());
  EXPECT_GT(adds, 2800u);
  EXPECT_GT(stats, 2000u);
  if (s.own_reads_all) {
    EXPECT_EQ(r.fallback->adds, 0) << "adds went to DuckDB";
    EXPECT_EQ(r.fallback->stats, 0) << "stats went to DuckDB";
  } else {
    EXPECT_GE(r.fallback->adds, 1) << "the decoder read what it does not support";
    EXPECT_GE(r.fallback->stats, 1) << "the decoder read what it does not support";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DeltaCheckpointParquetGenerated,
    ::testing::Values(Shape{"JsonStats"}, Shape{"ParsedStats", "ZSTD", false, true},
                      Shape{"BothStats", "SNAPPY", true, true}, Shape{"Partitioned", "ZSTD", true, false, true},
                      Shape{"DeletionVectors", "SNAPPY", false, true, true, true},
                      Shape{"ThreeParts", "SNAPPY", true, false, true, true, 3},
                      Shape{"ThreePartsParsed", "GZIP", false, true, true, false, 3},
                      Shape{"Uncompressed", "UNCOMPRESSED", true, true, true, true},
                      Shape{"Lz4", "LZ4", true, true, true, true, 1, false, false},
                      Shape{"V2Encodings", "SNAPPY", true, true, true, true, 2, true, false}),
    [](const auto& info) { return std::string(info.param.name); });

// A part written with LZ4 among parts the decoder reads: only that one goes
// to DuckDB, and the rows keep their part numbers.
TEST_F(DeltaCheckpointParquetGenerated, OnlyTheUnreadablePartGoesToDuckDb) {
  Shape snappy{"Mixed", "SNAPPY", true, true, true, true};
  Shape lz4 = snappy;
  lz4.codec = "LZ4";
  const std::vector<std::string> keys = {"_delta_log/00000000000000000009.checkpoint.0000000001.0000000003.parquet",
                                         "_delta_log/00000000000000000009.checkpoint.0000000002.0000000003.parquet",
                                         "_delta_log/00000000000000000009.checkpoint.0000000003.0000000003.parquet"};
  write_part(snappy, keys[0], 0, 1000);
  write_part(lz4, keys[1], 1000, 2000);
  write_part(snappy, keys[2], 2000, 3000);
  Readers r;
  compare_readers(r, store_, keys, {"day", "region"}, generated_layout());
  EXPECT_EQ(r.fallback->adds, 1);
  EXPECT_EQ(r.fallback->stats, 2);  // whole, then the first of three shares
}

// --- errors -------------------------------------------------------------------------

// The first data page of leaf `path` in `key`: its payload's offset in the file.
size_t payload_of(const std::shared_ptr<nl::ObjectStore>& store, const std::string& key,
                  const std::vector<std::string_view>& path, const std::string& bytes) {
  const pq::ParquetFile f(store, key, bytes.size());
  const int leaf = f.metadata().find_leaf(path);
  EXPECT_GE(leaf, 0);
  const auto at = static_cast<size_t>(f.metadata().row_groups.at(0).columns.at(static_cast<size_t>(leaf)).data_page_offset);
  pq::CompactReader r(reinterpret_cast<const uint8_t*>(bytes.data()) + at, bytes.size() - at);
  r.read_struct([&](const pq::CompactReader::Field& field) { r.skip(field.type); });
  return at + r.position();
}

TEST_F(DeltaCheckpointParquetGenerated, CorruptPageIsCorruptionNamingThePart) {
  for (const char* column : {"path", "stats"}) {
    SCOPED_TRACE(column);
    const auto keys = write_checkpoint(Shape{"Corrupt"}, 2000);
    const std::string key = keys[0];
    const fs::path file = dir_.path() / key;
    std::string bytes = nl::testing::read_file(file);
    // The page's SNAPPY preamble (its decompressed length) one off: the
    // page no longer decompresses to the size its header states.
    const size_t at = payload_of(store_, key, {"add", column}, bytes);
    bytes[at] = static_cast<char>(bytes[at] ^ 1);
    nl::testing::write_file(file, bytes);
    Readers r;
    if (std::string(column) == "path") {
      EXPECT_NL_ERROR(adds_of(*r.own, store_, keys, {}), Corruption, key);
    } else {
      EXPECT_NL_ERROR(stats_of(*r.own, store_, keys, generated_layout()), Corruption, key);
    }
  }
}

TEST_F(DeltaCheckpointParquetGenerated, NotParquetIsCorruptionNamingThePart) {
  const auto keys = write_checkpoint(Shape{"NotParquet"}, 500);
  nl::testing::write_file(dir_.path() / keys[0], "this is not a Parquet file at all");
  Readers r;
  EXPECT_NL_ERROR(adds_of(*r.own, store_, keys, {}), Corruption, keys[0]);
  EXPECT_NL_ERROR(stats_of(*r.own, store_, keys, generated_layout()), Corruption, keys[0]);
}

TEST_F(DeltaCheckpointParquetGenerated, MissingPartIsNotFoundNamingIt) {
  Shape two{"Missing"};
  two.parts = 2;
  auto keys = write_checkpoint(two, 1000);
  fs::remove(dir_.path() / keys[1]);
  Readers r;
  EXPECT_NL_ERROR(adds_of(*r.own, store_, keys, {}), NotFound, keys[1]);
  EXPECT_NL_ERROR(stats_of(*r.own, store_, keys, generated_layout()), NotFound, keys[1]);
}

}  // namespace

// Counts ranged reads; its URI is not file://, so the reader takes it for a
// remote store.
class RemoteLookingStore : public nl::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  std::string uri() const override { return "mem://remote-looking"; }
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    ++reads;
    return ForwardingObjectStore::read_range(key, offset, length, out);
  }
  std::atomic<int> reads{0};
};

TEST_F(DeltaCheckpointParquetGenerated, RemotePartIsFetchedInOneRequestPerRead) {
  // Five row groups of several columns: locally a read per column chunk, from
  // a remote store one request for the whole part, whose footer and bytes
  // then serve adds, stats and actions alike until the load ends.
  const auto keys = write_checkpoint(Shape{"Remote", "SNAPPY", true, false, true}, 3000);
  auto remote = std::make_shared<RemoteLookingStore>(store_);
  Readers r;
  const auto want = adds_of(*r.duck, store_, keys, {"day"});
  const auto got = adds_of(*r.own, remote, keys, {"day"});
  EXPECT_EQ(got, want);
  EXPECT_EQ(stats_of(*r.own, remote, keys, generated_layout()), stats_of(*r.duck, store_, keys, generated_layout()));
  size_t actions = 0;
  r.own->read_actions(remote, keys, [&](std::string_view) { ++actions; });
  EXPECT_GT(actions, 0u);
  EXPECT_EQ(remote->reads, 1) << "the part was read in pieces";
  EXPECT_EQ(r.fallback->adds + r.fallback->stats, 0);
  r.own->release_buffers();
  adds_of(*r.own, remote, keys, {"day"});
  EXPECT_EQ(remote->reads, 2) << "a new load reads the part again";
}
