// Checkpoint adds, their stats and the other actions read with our own
// Parquet decoder, each part checked from its footer before it is read.
#include "delta/checkpoint_parquet_reader.h"

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/error.h"
#include "parquet/json_rows.h"
#include "parquet/parquet_file.h"
#include "parquet/thrift_compact.h"

namespace neuralake::delta {

namespace {

using parquet::ColumnReader;
using parquet::FileMetadata;
using parquet::FormatError;
using parquet::LogicalType;
using parquet::ParquetFile;
using parquet::PhysicalType;
using parquet::SchemaElement;

// How a typed stats value becomes the form TypedBound holds.
enum class Conversion : uint8_t { Int, Unsigned32, Real, IntToReal, String, Date, TimestampMillis, TimestampMicros };

bool is_integral(const SchemaElement& e) {
  if (e.type != PhysicalType::Int32 && e.type != PhysicalType::Int64) return false;
  if (e.logical.kind == LogicalType::Kind::None) return true;
  return e.logical.kind == LogicalType::Kind::Integer && (e.logical.is_signed || e.logical.bit_width < 64);
}

// An integral leaf read as int64 (unsigned 8-32 bit values come sign-extended
// from their INT32 storage).
Conversion integral_conversion(const SchemaElement& e) {
  return e.logical.kind == LogicalType::Kind::Integer && !e.logical.is_signed ? Conversion::Unsigned32
                                                                               : Conversion::Int;
}

int64_t as_int(const ColumnReader& r, Conversion c) {
  const int64_t v = r.integer();
  return c == Conversion::Unsigned32 ? static_cast<int64_t>(static_cast<uint32_t>(v)) : v;
}

// Whether `leaf` of `m` (if any: -1 is none) is readable here with
// `repetition` as its maximum repetition level.
bool readable(const FileMetadata& m, int leaf, int16_t repetition = 0) {
  if (leaf < 0) return true;
  return m.leaves[static_cast<size_t>(leaf)].max_repetition == repetition &&
         ColumnReader::supports(m, static_cast<size_t>(leaf)).empty();
}

const SchemaElement& element_of(const FileMetadata& m, int leaf) { return m.schema[m.leaves[static_cast<size_t>(leaf)].element]; }

[[noreturn]] void corrupt(const std::string& key, const std::string& what) {
  throw Error(ErrorCode::Corruption, key, "Delta checkpoint '" + key + "' is corrupt: " + what);
}

// Advances a column that has one entry per row.
void advance(ColumnReader& r, const std::string& key) {
  if (!r.next()) corrupt(key, "column " + r.leaf().path.back() + " has fewer values than the file has rows");
}

// A MAP(STRING, STRING) action field, read row by row: the entries of a row
// are those up to the next one with repetition level 0.
class MapReader {
 public:
  MapReader(ColumnReader keys, ColumnReader values) : keys_(std::move(keys)), values_(std::move(values)) {}

  // Sets out[p] for each of `wanted` found in the next row, copying the
  // values into `store` (the entries' pages may be gone once the row is read).
  void read_row(const std::vector<std::string>& wanted, std::vector<std::string>& store,
                std::vector<std::optional<std::string_view>>& out, const std::string& key) {
    if (!started_) {
      started_ = true;
      have_ = step();
    }
    if (!have_) corrupt(key, "a map column has fewer rows than the file");
    do {
      if (keys_.has_value()) {
        const std::string_view k = keys_.bytes();
        for (size_t p = 0; p < wanted.size(); ++p) {
          if (k != wanted[p]) continue;
          if (values_.has_value()) {
            store[p].assign(values_.bytes());
            out[p] = store[p];
          } else {
            out[p].reset();
          }
          break;
        }
      }
      have_ = step();
    } while (have_ && keys_.repetition() != 0);
  }

 private:
  bool step() {
    const bool k = keys_.next();
    if (values_.next() != k) throw FormatError("a map's keys and values disagree in length");
    if (k && keys_.repetition() != values_.repetition()) throw FormatError("a map's keys and values disagree");
    return k;
  }

  ColumnReader keys_, values_;
  bool started_ = false, have_ = false;
};

// The key and value leaves of map field `path` (a group holding one repeated
// group of two leaves), or {-1, -1}.
std::pair<int, int> map_leaves(const FileMetadata& m, const std::vector<std::string_view>& path) {
  const int e = m.find_element(path);
  if (e < 0) return {-1, -1};
  const auto entries = m.children(static_cast<size_t>(e));
  if (entries.size() != 1) return {-1, -1};
  const auto kv = m.children(entries[0]);
  if (kv.size() != 2) return {-1, -1};
  return {m.leaf_of_element(kv[0]), m.leaf_of_element(kv[1])};
}

class CheckpointParquetReader : public CheckpointReader {
 public:
  explicit CheckpointParquetReader(std::unique_ptr<CheckpointReader> fallback) : fallback_(std::move(fallback)) {}

  void read_actions(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view)>& row) override {
    // Parts are read whole, one after another: this reader decides per part
    // before its first row whether it reads it or the fallback does.
    for (const auto& key : keys) {
      auto file = open(store, key);
      bool done = false;
      if (file) {
        try {
          done = parquet::json_rows(*file, {"remove", "metaData", "protocol", "txn"}, row);
        } catch (const FormatError& e) {
          corrupt(key, e.what());
        }
      }
      if (!done) fallback(key).read_actions(store, {key}, row);
    }
  }

  void read_adds(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                 const std::vector<std::string>& partition_keys,
                 const std::function<void(const CheckpointAdd&)>& add) override {
    for (size_t part = 0; part < keys.size(); ++part) {
      const auto& key = keys[part];
      auto file = open(store, key);
      if (!file || !read_adds_of(*file, key, static_cast<uint32_t>(part), partition_keys, add)) {
        fallback(key).read_adds(store, {key}, partition_keys, [&](const CheckpointAdd& a) {
          CheckpointAdd b = a;
          b.at.part = static_cast<uint32_t>(part);
          add(b);
        });
      }
    }
  }

  void read_add_stats(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                      const std::function<const StatsLayout&()>& stats_layout,
                      const std::function<void(const CheckpointStats&)>& stats, RowShare share) override {
    for (size_t part = 0; part < keys.size(); ++part) {
      const auto& key = keys[part];
      auto file = open(store, key);
      if (!file || !read_stats_of(*file, key, static_cast<uint32_t>(part), share, stats_layout, stats)) {
        if (share.index != 0) continue;  // a part the fallback reads is the first share's
        fallback(key).read_add_stats(
            store, {key}, stats_layout,
            [&](const CheckpointStats& s) {
              CheckpointStats t = s;
              t.at.part = static_cast<uint32_t>(part);
              stats(t);
            },
            RowShare{});
      }
    }
  }

  bool shares_rows() const override { return true; }

  // The footers kept serve one load's threads; a checkpoint's footer can be
  // megabytes, not to be held between loads.
  void release_buffers() override {
    {
      std::lock_guard<std::mutex> lock(footers_mu_);
      footers_.clear();
    }
    if (fallback_) fallback_->release_buffers();
  }

 private:
  // The part's footer, or null when it does not parse here (the fallback
  // then reads the part, and names what is wrong with it if anything is).
  std::shared_ptr<const ParquetFile> open(const std::shared_ptr<ObjectStore>& store, const std::string& key) {
    const auto info = store->head(key);
    if (!info) throw Error(ErrorCode::NotFound, key, "Delta checkpoint part '" + key + "' is missing");
    // A load reads each part's footer on several threads (actions, adds,
    // stats shares): the last few parts' footers are kept until the load
    // ends (release_buffers()), known by their store, key, size and etag.
    const std::string store_uri = store->uri();
    {
      std::lock_guard<std::mutex> lock(footers_mu_);
      for (const auto& f : footers_) {
        if (f.store_uri == store_uri && f.key == key && f.size == info->size && f.etag == info->etag) return f.file;
      }
    }
    std::shared_ptr<const ParquetFile> file;
    try {
      // From a remote store, a part of moderate size is fetched in one
      // request, not one per column chunk and row group (a round trip each).
      const bool whole = store_uri.rfind("file://", 0) != 0 && info->size <= kWholeReadLimit;
      file = std::make_shared<const ParquetFile>(store, key, info->size, whole);
    } catch (const FormatError&) {
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(footers_mu_);
    footers_.push_front({store_uri, key, info->size, info->etag, file});
    if (footers_.size() > kFootersKept) footers_.pop_back();
    return file;
  }

  // The leaves of a part's add columns (-1: absent).
  struct AddLeaves {
    int path = -1, size = -1, mtime = -1;
    int dv[5] = {-1, -1, -1, -1, -1};  // storageType, pathOrInlineDv, offset, sizeInBytes, cardinality
    bool has_dv = false;
    std::pair<int, int> pv{-1, -1};  // partitionValues keys and values
  };

  // The add leaves of a part, or nullopt if it needs the fallback (a type or
  // encoding this decoder does not read). `out.path` -1: no adds at all.
  static std::optional<AddLeaves> add_leaves(const FileMetadata& m, const std::vector<std::string>& partition_keys) {
    AddLeaves l;
    if (m.find_element({"add"}) < 0) return l;  // no adds in this part
    l.path = m.find_leaf({"add", "path"});
    l.size = m.find_leaf({"add", "size"});
    l.mtime = m.find_leaf({"add", "modificationTime"});
    if (l.path < 0 || element_of(m, l.path).type != PhysicalType::ByteArray) return std::nullopt;
    for (int leaf : {l.size, l.mtime}) {
      if (leaf >= 0 && !is_integral(element_of(m, leaf))) return std::nullopt;
    }
    l.has_dv = m.find_element({"add", "deletionVector"}) >= 0;
    if (l.has_dv) {
      const char* names[5] = {"storageType", "pathOrInlineDv", "offset", "sizeInBytes", "cardinality"};
      for (int i = 0; i < 5; ++i) {
        l.dv[i] = m.find_leaf({"add", "deletionVector", names[i]});
        if (l.dv[i] < 0) continue;
        const bool text = i < 2;
        if (text ? element_of(m, l.dv[i]).type != PhysicalType::ByteArray : !is_integral(element_of(m, l.dv[i]))) {
          return std::nullopt;
        }
      }
      if (l.dv[0] < 0) return std::nullopt;
    }
    if (!partition_keys.empty() && m.find_element({"add", "partitionValues"}) >= 0) {
      l.pv = map_leaves(m, {"add", "partitionValues"});
      if (l.pv.first < 0 || l.pv.second < 0 || element_of(m, l.pv.first).type != PhysicalType::ByteArray ||
          element_of(m, l.pv.second).type != PhysicalType::ByteArray) {
        return std::nullopt;
      }
    }
    for (int leaf : {l.path, l.size, l.mtime, l.dv[0], l.dv[1], l.dv[2], l.dv[3], l.dv[4]}) {
      if (!readable(m, leaf)) return std::nullopt;
    }
    if (!readable(m, l.pv.first, 1) || !readable(m, l.pv.second, 1)) return std::nullopt;
    return l;
  }

  // False if the part needs the fallback (decided before any add is passed on).
  static bool read_adds_of(const ParquetFile& file, const std::string& key, uint32_t part,
                           const std::vector<std::string>& partition_keys,
                           const std::function<void(const CheckpointAdd&)>& add) {
    const FileMetadata& m = file.metadata();
    const auto leaves = add_leaves(m, partition_keys);
    if (!leaves) return false;
    if (leaves->path < 0) return true;
    const AddLeaves& l = *leaves;
    try {
      ColumnReader paths = file.column(static_cast<size_t>(l.path));
      std::optional<ColumnReader> sizes, mtimes;
      if (l.size >= 0) sizes.emplace(file.column(static_cast<size_t>(l.size)));
      if (l.mtime >= 0) mtimes.emplace(file.column(static_cast<size_t>(l.mtime)));
      std::vector<std::optional<ColumnReader>> dvs(5);
      for (int i = 0; i < 5; ++i) {
        if (l.dv[i] >= 0) dvs[i].emplace(file.column(static_cast<size_t>(l.dv[i])));
      }
      std::optional<MapReader> partitions;
      if (l.pv.first >= 0) partitions.emplace(file.column(static_cast<size_t>(l.pv.first)), file.column(static_cast<size_t>(l.pv.second)));
      std::vector<std::string> partition_store(partition_keys.size());

      // The level at which a row's add struct is present: one with a null
      // path is passed on with an empty path (Corruption), not skipped.
      const int16_t add_level = m.leaves[static_cast<size_t>(l.path)].definition[0];
      CheckpointAdd a;
      a.at.part = part;
      a.partition_values.resize(partition_keys.size());
      for (int64_t row = 0; row < m.num_rows; ++row) {
        advance(paths, key);
        if (sizes) advance(*sizes, key);
        if (mtimes) advance(*mtimes, key);
        for (auto& r : dvs) {
          if (r) advance(*r, key);
        }
        for (auto& v : a.partition_values) v.reset();
        if (partitions) partitions->read_row(partition_keys, partition_store, a.partition_values, key);
        const bool has_path = paths.has_value();
        if (!has_path && paths.definition() < add_level) continue;  // another action's row
        a.at.row = static_cast<uint64_t>(row);
        a.path = has_path ? paths.bytes() : std::string_view();
        a.has_size = sizes && sizes->has_value();
        a.has_modification_time = mtimes && mtimes->has_value();
        a.size = a.has_size ? sizes->integer() : 0;
        a.modification_time = a.has_modification_time ? mtimes->integer() : 0;
        a.deletion_vector.reset();
        if (l.has_dv && dvs[0]->has_value()) a.deletion_vector = deletion_vector(dvs);
        add(a);
      }
    } catch (const FormatError& e) {
      corrupt(key, e.what());
    }
    return true;
  }

  // The deletion vector of the row the readers (storageType first) are at.
  static std::shared_ptr<const DeletionVectorDescriptor> deletion_vector(std::vector<std::optional<ColumnReader>>& dvs) {
    auto d = std::make_shared<DeletionVectorDescriptor>();
    const std::string_view st = dvs[0]->bytes();
    d->storage_type = st.empty() ? 'u' : st[0];
    if (dvs[1] && dvs[1]->has_value()) d->path_or_inline = std::string(dvs[1]->bytes());
    if (dvs[2] && dvs[2]->has_value()) d->offset = static_cast<int32_t>(dvs[2]->integer());
    if (dvs[3] && dvs[3]->has_value()) d->size_in_bytes = static_cast<int32_t>(dvs[3]->integer());
    if (dvs[4] && dvs[4]->has_value()) d->cardinality = dvs[4]->integer();
    return d;
  }

  // One add.stats_parsed leaf selected for a layout.
  struct TypedLeaf {
    enum class Role : uint8_t { NumRecords, Min, Max, NullCount } role;
    size_t index = 0;  // into the layout's columns
    Conversion conversion = Conversion::Int;
    int leaf = -1;
  };

  // The conversion of a bound of `kind` stored as `e`, or nullopt if this
  // reader does not convert it (the fallback then reads the part).
  static std::optional<Conversion> bound_conversion(StatsColumn::Kind kind, const SchemaElement& e) {
    using K = LogicalType::Kind;
    switch (kind) {
      case StatsColumn::Kind::Int:
        if (is_integral(e)) return integral_conversion(e);
        break;
      case StatsColumn::Kind::Double:
        if (e.type == PhysicalType::Double || e.type == PhysicalType::Float) return Conversion::Real;
        if (is_integral(e) && integral_conversion(e) == Conversion::Int) return Conversion::IntToReal;
        break;
      case StatsColumn::Kind::String:
        if (e.type == PhysicalType::ByteArray && e.logical.kind == K::String) return Conversion::String;
        break;
      case StatsColumn::Kind::Date:
        if (e.type == PhysicalType::Int32 && e.logical.kind == K::Date) return Conversion::Date;
        break;
      case StatsColumn::Kind::Timestamp:
        if (e.type == PhysicalType::Int64 && e.logical.kind == K::Timestamp) {
          if (e.logical.unit == LogicalType::Unit::Millis) return Conversion::TimestampMillis;
          if (e.logical.unit == LogicalType::Unit::Micros) return Conversion::TimestampMicros;
        }
        break;
      case StatsColumn::Kind::NullCountOnly:
        break;
    }
    return std::nullopt;
  }

  // The rows of `share`: [first, end). Shares start at row groups where
  // there are enough of them (no page is then decoded by two shares), and at
  // even cuts of the rows otherwise.
  struct Rows {
    int64_t first, end;
    Rows(const FileMetadata& m, RowShare share) : first(start(m, share.index, share.count)), end(start(m, share.index + 1, share.count)) {}
    static int64_t start(const FileMetadata& m, uint32_t index, uint32_t count) {
      const int64_t even = m.num_rows * index / count;
      if (index == 0 || index >= count || m.row_groups.size() < count) return index >= count ? m.num_rows : even;
      int64_t at = 0;  // the first row group starting at or after the even cut
      for (const auto& g : m.row_groups) {
        if (at >= even) return at;
        at += g.num_rows;
      }
      return m.num_rows;
    }
  };

  static bool read_stats_of(const ParquetFile& file, const std::string& key, uint32_t part, RowShare share,
                            const std::function<const StatsLayout&()>& stats_layout,
                            const std::function<void(const CheckpointStats&)>& stats) {
    const FileMetadata& m = file.metadata();
    if (m.find_element({"add"}) < 0) return true;
    const int parsed = m.find_element({"add", "stats_parsed"});
    if (parsed >= 0 && m.schema[static_cast<size_t>(parsed)].num_children > 0) {
      return read_typed_stats(file, key, part, share, stats_layout(), stats);
    }
    const int json = m.find_leaf({"add", "stats"});
    if (json < 0) return true;  // no stats at all: nothing to prune with
    if (element_of(m, json).type != PhysicalType::ByteArray || !readable(m, json)) return false;
    try {
      ColumnReader texts = file.column(static_cast<size_t>(json));
      const Rows rows(m, share);
      texts.seek(rows.first);
      CheckpointStats s;
      s.at.part = part;
      for (int64_t row = rows.first; row < rows.end; ++row) {
        advance(texts, key);
        if (!texts.has_value()) continue;
        s.at.row = static_cast<uint64_t>(row);
        s.json = texts.bytes();
        stats(s);
      }
    } catch (const FormatError& e) {
      corrupt(key, e.what());
    }
    return true;
  }

  // Which add.stats_parsed leaves a part's rows are read from for `layout`,
  // converted how (fields missing or nested stay unknown), and `presence`, a
  // leaf whose definition level tells whether a row has stats_parsed (-1:
  // none). False if the part needs the fallback.
  static bool plan_typed_stats(const FileMetadata& m, const StatsLayout& layout, std::vector<TypedLeaf>& plan,
                               int& presence) {
    const auto leaf_of = [&](std::string_view group, std::string_view name) {
      return group.empty() ? m.find_leaf({"add", "stats_parsed", name}) : m.find_leaf({"add", "stats_parsed", group, name});
    };
    if (const int n = leaf_of({}, "numRecords"); n >= 0) {
      if (!is_integral(element_of(m, n))) return false;
      plan.push_back({TypedLeaf::Role::NumRecords, 0, integral_conversion(element_of(m, n)), n});
    }
    for (size_t i = 0; i < layout.columns.size(); ++i) {
      const auto& col = layout.columns[i];
      if (col.kind != StatsColumn::Kind::NullCountOnly) {
        for (auto role : {TypedLeaf::Role::Min, TypedLeaf::Role::Max}) {
          const int leaf = leaf_of(role == TypedLeaf::Role::Min ? "minValues" : "maxValues", col.key);
          if (leaf < 0) continue;
          const auto conversion = bound_conversion(col.kind, element_of(m, leaf));
          if (!conversion) return false;
          plan.push_back({role, i, *conversion, leaf});
        }
      }
      const int nulls = leaf_of("nullCount", col.key);
      if (nulls >= 0) {
        if (!is_integral(element_of(m, nulls))) continue;  // as a non-integral count is dropped
        plan.push_back({TypedLeaf::Role::NullCount, i, integral_conversion(element_of(m, nulls)), nulls});
      }
    }
    presence = -1;
    for (size_t l = 0; l < m.leaves.size() && presence < 0; ++l) {
      const auto& p = m.leaves[l].path;
      if (p.size() > 2 && p[0] == "add" && p[1] == "stats_parsed") presence = static_cast<int>(l);
    }
    if (presence < 0) return true;
    for (const auto& t : plan) {
      if (!readable(m, t.leaf)) return false;
    }
    return readable(m, presence);
  }

  // Sets the bound or count `t` says from reader `r` (which has a value).
  [[gnu::always_inline]] static void set_typed(TypedStats& typed, const TypedLeaf& t, const ColumnReader& r) {
    switch (t.role) {
      case TypedLeaf::Role::NumRecords: typed.num_records = as_int(r, t.conversion); return;
      case TypedLeaf::Role::NullCount: typed.null_counts[t.index] = as_int(r, t.conversion); return;
      case TypedLeaf::Role::Min:
      case TypedLeaf::Role::Max: break;
    }
    TypedBound& b = (t.role == TypedLeaf::Role::Min ? typed.mins : typed.maxs)[t.index];
    switch (t.conversion) {
      case Conversion::Real: b = {true, 0, r.real(), {}}; break;
      case Conversion::IntToReal: b = {true, 0, static_cast<double>(r.integer()), {}}; break;
      case Conversion::String: b = {true, 0, 0, r.bytes()}; break;
      case Conversion::TimestampMillis: b = {true, r.integer() * 1000, 0, {}}; break;
      default: b = {true, as_int(r, t.conversion), 0, {}};
    }
  }

  static bool read_typed_stats(const ParquetFile& file, const std::string& key, uint32_t part, RowShare share,
                               const StatsLayout& layout, const std::function<void(const CheckpointStats&)>& stats) {
    const FileMetadata& m = file.metadata();
    std::vector<TypedLeaf> plan;
    int presence = -1;
    if (!plan_typed_stats(m, layout, plan, presence)) return false;
    if (presence < 0) return true;
    try {
      ColumnReader present = file.column(static_cast<size_t>(presence));
      const int16_t present_level = m.leaves[static_cast<size_t>(presence)].definition[1];
      std::vector<ColumnReader> readers;
      readers.reserve(plan.size());
      for (const auto& t : plan) readers.push_back(file.column(static_cast<size_t>(t.leaf)));
      const Rows rows(m, share);
      present.seek(rows.first);
      for (auto& r : readers) r.seek(rows.first);
      const size_t n = layout.columns.size();
      TypedStats typed;
      CheckpointStats s;
      s.at.part = part;
      s.parsed = &typed;
      for (int64_t row = rows.first; row < rows.end; ++row) {
        advance(present, key);
        for (auto& r : readers) advance(r, key);
        if (present.definition() < present_level) continue;
        typed.num_records = -1;
        typed.mins.assign(n, {});
        typed.maxs.assign(n, {});
        typed.null_counts.assign(n, std::nullopt);
        for (size_t k = 0; k < plan.size(); ++k) {
          if (readers[k].has_value()) set_typed(typed, plan[k], readers[k]);
        }
        s.at.row = static_cast<uint64_t>(row);
        stats(s);
      }
    } catch (const FormatError& e) {
      corrupt(key, e.what());
    }
    return true;
  }

  struct Footer {
    std::string store_uri, key;
    uint64_t size;
    std::string etag;
    std::shared_ptr<const ParquetFile> file;
  };
  static constexpr size_t kFootersKept = 8;
  static constexpr uint64_t kWholeReadLimit = uint64_t{128} << 20;
  std::mutex footers_mu_;
  std::deque<Footer> footers_;  // most recent first

  // The reader for a part this one does not read; without one (native
  // decoding required) such a part is NotSupported.
  CheckpointReader& fallback(const std::string& key) {
    if (!fallback_) {
      throw Error(ErrorCode::NotSupported, key,
                  "Delta checkpoint part '" + key +
                      "' uses a Parquet feature the native checkpoint decoder does not read, and native decoding "
                      "was required");
    }
    return *fallback_;
  }

  std::unique_ptr<CheckpointReader> fallback_;  // null: none
};

}  // namespace

std::unique_ptr<CheckpointReader> make_checkpoint_parquet_reader(std::unique_ptr<CheckpointReader> fallback) {
  return std::make_unique<CheckpointParquetReader>(std::move(fallback));
}

}  // namespace neuralake::delta
