// Checkpoint rows through read_parquet, selecting only the action columns the
// replay needs: the few non-add rows as JSON, the adds as typed columns read
// straight from DuckDB's result chunks.
#include "engine/delta_checkpoint_reader.h"

#include <cstdlib>
#include <set>

#include "delta/checkpoint_parquet_reader.h"
#include "duckdb.hpp"
#include "engine/errors.h"
#include "engine/object_store_fs.h"
#include "storage/store_registry.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake::engine {

namespace {

// A result column read in place through its selection: flattening a
// filtered chunk would copy every string (the stats text is most of a
// checkpoint's bytes).
class Column {
 public:
  Column(duckdb::Vector& v, duckdb::idx_t count) { v.ToUnifiedFormat(count, format_); }
  // A VARCHAR cell as a view into its chunk, or nullopt for NULL.
  std::optional<std::string_view> string(duckdb::idx_t row) const {
    const auto i = format_.sel->get_index(row);
    if (!format_.validity.RowIsValid(i)) return std::nullopt;
    const auto& s = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(format_)[i];
    return std::string_view(s.GetData(), s.GetSize());
  }
  template <class T>
  std::optional<T> number(duckdb::idx_t row) const {
    const auto i = format_.sel->get_index(row);
    if (!format_.validity.RowIsValid(i)) return std::nullopt;
    return duckdb::UnifiedVectorFormat::GetData<T>(format_)[i];
  }

 private:
  duckdb::UnifiedVectorFormat format_;
};

// A MAP(VARCHAR, VARCHAR) column read in place.
class MapColumn {
 public:
  MapColumn(duckdb::Vector& v, duckdb::idx_t count) {
    v.ToUnifiedFormat(count, entries_);
    const auto size = duckdb::ListVector::GetListSize(v);
    auto& fields = duckdb::StructVector::GetEntries(duckdb::ListVector::GetEntry(v));
    keys_.emplace(*fields[0], size);
    values_.emplace(*fields[1], size);
  }
  // Sets values[p] to the value of keys[p] in `row`, for the keys present.
  void lookup(duckdb::idx_t row, const std::vector<std::string>& keys,
              std::vector<std::optional<std::string_view>>& values) const {
    const auto i = entries_.sel->get_index(row);
    if (!entries_.validity.RowIsValid(i)) return;
    const auto& e = duckdb::UnifiedVectorFormat::GetData<duckdb::list_entry_t>(entries_)[i];
    for (duckdb::idx_t k = e.offset; k < e.offset + e.length; ++k) {
      const auto key = keys_->string(k);
      if (!key) continue;
      for (size_t p = 0; p < keys.size(); ++p) {
        if (*key == keys[p]) {
          values[p] = values_->string(k);
          break;
        }
      }
    }
  }

 private:
  duckdb::UnifiedVectorFormat entries_;
  std::optional<Column> keys_, values_;
};

// The columns of `chunk`, read in place.
std::vector<Column> columns_of(duckdb::DataChunk& chunk) {
  std::vector<Column> cols;
  cols.reserve(chunk.ColumnCount());
  for (auto& v : chunk.data) cols.emplace_back(v, chunk.size());
  return cols;
}

// Streams `result` chunk by chunk into `on_chunk`. When `on_chunk` throws (a
// corrupt row, or a load that no longer needs the rows), the query is
// interrupted and drained before the error leaves: tearing down a connection
// whose query still has tasks running on the scheduler let those tasks touch
// the freed client context.
template <class OnChunk>
void stream_chunks(duckdb::Connection& con, duckdb::QueryResult& result, OnChunk&& on_chunk) {
  try {
    while (auto chunk = result.Fetch()) on_chunk(*chunk);
  } catch (...) {
    con.Interrupt();
    try {
      while (result.Fetch()) {
      }
    } catch (...) {
    }
    throw;
  }
}

class DuckDbCheckpointReader : public delta::CheckpointReader {
 public:
  DuckDbCheckpointReader(duckdb::DatabaseInstance& db, std::unique_ptr<duckdb::DuckDB> owned = nullptr,
                         std::shared_ptr<StoreRegistry> own_registry = nullptr)
      : owned_(std::move(owned)), own_registry_(std::move(own_registry)), db_(db) {}

  void read_actions(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view)>& row) override {
    duckdb::Connection con(db_);
    std::vector<std::string> uris;
    for (const auto& k : keys) uris.push_back(uri_of(store, k));
    const Source src = source(con, uris, keys.front());
    std::string fields, where;
    for (const char* action : {"remove", "metaData", "protocol", "txn"}) {
      if (!src.columns.count(action)) continue;
      fields += std::string(fields.empty() ? "" : ", ") + action + " := \"" + action + "\"";
      // Tested per action, never on "add": that would read every add column.
      where += std::string(where.empty() ? " WHERE " : " OR ") + "\"" + action + "\" IS NOT NULL";
    }
    if (fields.empty()) return;
    auto result = con.SendQuery("SELECT to_json(struct_pack(" + fields + "))::VARCHAR FROM " + src.sql + where);
    check(result, keys.front());
    stream_chunks(con, *result, [&](duckdb::DataChunk& chunk) {
      const Column col(chunk.data[0], chunk.size());
      for (duckdb::idx_t i = 0; i < chunk.size(); ++i) {
        if (auto s = col.string(i)) row(*s);
      }
    });
  }

  void read_adds(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                 const std::vector<std::string>& partition_keys,
                 const std::function<void(const delta::CheckpointAdd&)>& add) override {
    duckdb::Connection con(db_);
    delta::CheckpointAdd a;
    a.partition_values.resize(partition_keys.size());
    for (size_t part = 0; part < keys.size(); ++part) {
      const Source src = source(con, {uri_of(store, keys[part])}, keys[part], true);
      if (!src.columns.count("add")) continue;
      const std::string& type = src.columns.at("add");
      auto has = [&](const char* field) { return type.find(field) != std::string::npos; };
      // Columns 0-3 always, then the DV's five fields, then one per partition key.
      // Rows of other actions have a NULL add; an add with a NULL path but a
      // size or modification time is passed on with an empty path
      // (Corruption), not skipped. (Testing "add" itself would read every
      // add column.)
      std::string cols =
          "file_row_number, coalesce(\"add\".path, CASE WHEN \"add\".size IS NOT NULL OR "
          "\"add\".modificationTime IS NOT NULL THEN '' END), \"add\".size::BIGINT, \"add\".modificationTime::BIGINT";
      const bool dv = has("deletionVector ");
      cols += dv ? ", \"add\".deletionVector.storageType, \"add\".deletionVector.pathOrInlineDv, "
                   "\"add\".deletionVector.\"offset\"::INTEGER, \"add\".deletionVector.sizeInBytes::INTEGER, "
                   "\"add\".deletionVector.cardinality::BIGINT"
                 : ", NULL::VARCHAR, NULL::VARCHAR, NULL::INTEGER, NULL::INTEGER, NULL::BIGINT";
      // The map as it is (looked up below): cheaper than one lookup per key.
      const bool partitioned = !partition_keys.empty() && has("partitionValues ");
      if (partitioned) cols += ", \"add\".partitionValues";
      // Streamed chunk by chunk, unfiltered: rows of other actions have a
      // NULL path and are skipped here.
      auto result = con.SendQuery("SELECT " + cols + " FROM " + src.sql);
      check(result, keys[part]);
      a.at.part = static_cast<uint32_t>(part);
      stream_chunks(con, *result, [&](duckdb::DataChunk& chunk) {
        const auto c = columns_of(chunk);
        std::optional<MapColumn> partition_map;
        if (partitioned) partition_map.emplace(chunk.data[9], chunk.size());
        for (duckdb::idx_t i = 0; i < chunk.size(); ++i) {
          auto path = c[1].string(i);
          if (!path) continue;
          a.at.row = static_cast<uint64_t>(c[0].number<int64_t>(i).value_or(0));
          a.path = *path;
          const auto size = c[2].number<int64_t>(i), mtime = c[3].number<int64_t>(i);
          a.has_size = size.has_value();
          a.has_modification_time = mtime.has_value();
          a.size = size.value_or(0);
          a.modification_time = mtime.value_or(0);
          a.deletion_vector.reset();
          if (dv) {
            if (auto st = c[4].string(i)) {
              auto d = std::make_shared<delta::DeletionVectorDescriptor>();
              d->storage_type = st->empty() ? 'u' : (*st)[0];
              d->path_or_inline = std::string(c[5].string(i).value_or(""));
              d->offset = c[6].number<int32_t>(i);
              d->size_in_bytes = c[7].number<int32_t>(i).value_or(0);
              d->cardinality = c[8].number<int64_t>(i).value_or(0);
              a.deletion_vector = std::move(d);
            }
          }
          for (auto& v : a.partition_values) v.reset();
          if (partition_map) partition_map->lookup(i, partition_keys, a.partition_values);
          add(a);
        }
      });
    }
  }

  void read_add_stats(const std::shared_ptr<ObjectStore>& store, const std::vector<std::string>& keys,
                      const std::function<const delta::StatsLayout&()>& stats_layout,
                      const std::function<void(const delta::CheckpointStats&)>& stats,
                      delta::RowShare share) override {
    if (share.count != 1) throw Error(ErrorCode::Internal, keys.front(), "DuckDB's checkpoint reader reads no row shares");
    duckdb::Connection con(db_);
    delta::CheckpointStats s;
    delta::TypedStats typed;
    for (size_t part = 0; part < keys.size(); ++part) {
      const Source src = source(con, {uri_of(store, keys[part])}, keys[part], true);
      if (!src.columns.count("add")) continue;
      // Typed stats, where the checkpoint has them, replace the JSON text: they
      // are the same numbers without the text to decompress and scan.
      const StatsPlan plan = stats_plan(con, src, keys[part], stats_layout);
      const size_t n = plan.parsed ? stats_layout().columns.size() : 0;
      std::string sql;
      if (plan.parsed) {
        sql = "SELECT file_row_number";
        for (const auto& c : plan.columns) sql += ", " + c.sql;
        sql += " FROM " + src.sql + " WHERE \"add\".stats_parsed IS NOT NULL";
      } else if (src.columns.at("add").find("stats ") != std::string::npos) {
        sql = "SELECT file_row_number, \"add\".stats FROM " + src.sql + " WHERE \"add\".stats IS NOT NULL";
      } else {
        continue;  // no stats at all: nothing to prune with
      }
      auto result = con.SendQuery(sql);
      check(result, keys[part]);
      s.at.part = static_cast<uint32_t>(part);
      s.parsed = plan.parsed ? &typed : nullptr;
      stream_chunks(con, *result, [&](duckdb::DataChunk& chunk) {
        const auto c = columns_of(chunk);
        for (duckdb::idx_t i = 0; i < chunk.size(); ++i) {
          s.at.row = static_cast<uint64_t>(c[0].number<int64_t>(i).value_or(0));
          if (plan.parsed) {
            typed.num_records = -1;
            typed.mins.assign(n, {});
            typed.maxs.assign(n, {});
            typed.null_counts.assign(n, std::nullopt);
            for (size_t k = 0; k < plan.columns.size(); ++k) read_stat(plan.columns[k], c[1 + k], i, typed);
          } else {
            auto text = c[1].string(i);
            if (!text) continue;
            s.json = *text;
          }
          stats(s);
        }
      });
    }
  }

  void release_buffers() override { duckdb::Allocator::FlushAll(); }

 private:
  // The parts as one read_parquet source, with its top-level columns and types.
  struct Source {
    std::string sql;
    std::map<std::string, std::string> columns;
  };

  // One typed value selected from add.stats_parsed: what it is and where it goes.
  struct StatsColumn {
    enum class Role : uint8_t { NumRecords, Min, Max, NullCount } role;
    size_t index = 0;  // into the layout's columns
    delta::StatsColumn::Kind kind = delta::StatsColumn::Kind::Int;
    std::string sql;
  };
  struct StatsPlan {
    bool parsed = false;  // the checkpoint has add.stats_parsed
    std::vector<StatsColumn> columns;
  };

  static const duckdb::LogicalType* field(const duckdb::LogicalType& t, const std::string& name) {
    if (t.id() != duckdb::LogicalTypeId::STRUCT) return nullptr;
    for (const auto& [child, child_type] : duckdb::StructType::GetChildTypes(t)) {
      if (child == name) return &child_type;
    }
    return nullptr;
  }

  static std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }

  // The add.stats_parsed fields to select for `layout`, each cast to the
  // form TypedBound holds; fields of other types than expected are skipped
  // (those bounds stay unknown, as malformed JSON stats do).
  static StatsPlan stats_plan(duckdb::Connection& con, const Source& src, const std::string& key,
                              const std::function<const delta::StatsLayout&()>& layout_of) {
    StatsPlan plan;
    auto prepared = con.Prepare("SELECT \"add\" FROM " + src.sql + " LIMIT 0");
    if (prepared->HasError()) {
      throw Error(ErrorCode::Corruption, key, "Delta checkpoint '" + key + "' could not be read: " + prepared->GetError());
    }
    const duckdb::LogicalType add_type = prepared->GetTypes().at(0);
    const duckdb::LogicalType* parsed = field(add_type, "stats_parsed");
    if (!parsed || parsed->id() != duckdb::LogicalTypeId::STRUCT) return plan;
    plan.parsed = true;
    const delta::StatsLayout& layout = layout_of();
    const std::string base = "\"add\".stats_parsed";
    if (const auto* t = field(*parsed, "numRecords"); t && t->IsIntegral()) {
      plan.columns.push_back({StatsColumn::Role::NumRecords, 0, delta::StatsColumn::Kind::Int,
                              "TRY_CAST(" + base + ".numRecords AS BIGINT)"});
    }
    using Kind = delta::StatsColumn::Kind;
    const auto* mins = field(*parsed, "minValues");
    const auto* maxs = field(*parsed, "maxValues");
    const auto* nulls = field(*parsed, "nullCount");
    for (size_t i = 0; i < layout.columns.size(); ++i) {
      const auto& col = layout.columns[i];
      const std::string key = quoted(col.key);
      for (auto role : {StatsColumn::Role::Min, StatsColumn::Role::Max}) {
        const bool is_min = role == StatsColumn::Role::Min;
        const duckdb::LogicalType* bounds = is_min ? mins : maxs;
        const auto* t = bounds ? field(*bounds, col.key) : nullptr;
        if (!t || col.kind == Kind::NullCountOnly || t->IsNested()) continue;
        const std::string x = base + (is_min ? ".minValues." : ".maxValues.") + key;
        std::string sql;
        switch (col.kind) {
          case Kind::Int: sql = "TRY_CAST(" + x + " AS BIGINT)"; break;
          case Kind::Double: sql = "TRY_CAST(" + x + " AS DOUBLE)"; break;
          case Kind::String: sql = "TRY_CAST(" + x + " AS VARCHAR)"; break;
          case Kind::Date: sql = "(TRY_CAST(" + x + " AS DATE) - DATE '1970-01-01')::BIGINT"; break;
          case Kind::Timestamp:
            // An instant either way: with a zone it needs no conversion.
            sql = t->id() == duckdb::LogicalTypeId::TIMESTAMP_TZ ? "epoch_us(" + x + ")"
                                                                 : "epoch_us(TRY_CAST(" + x + " AS TIMESTAMP))";
            break;
          case Kind::NullCountOnly: break;
        }
        plan.columns.push_back({role, i, col.kind, sql});
      }
      const auto* nt = nulls ? field(*nulls, col.key) : nullptr;
      if (nt && nt->IsIntegral()) {
        plan.columns.push_back({StatsColumn::Role::NullCount, i, col.kind,
                                "TRY_CAST(" + base + ".nullCount." + key + " AS BIGINT)"});
      }
    }
    return plan;
  }

  static void read_stat(const StatsColumn& c, const Column& v, duckdb::idx_t row, delta::TypedStats& out) {
    using Role = StatsColumn::Role;
    if (c.role == Role::NumRecords) {
      out.num_records = v.number<int64_t>(row).value_or(-1);
      return;
    }
    if (c.role == Role::NullCount) {
      out.null_counts[c.index] = v.number<int64_t>(row);
      return;
    }
    delta::TypedBound& b = (c.role == Role::Min ? out.mins : out.maxs)[c.index];
    if (c.kind == delta::StatsColumn::Kind::Double) {
      if (auto d = v.number<double>(row)) b = {true, 0, *d, {}};
    } else if (c.kind == delta::StatsColumn::Kind::String) {
      if (auto s = v.string(row)) b = {true, 0, 0, *s};
    } else if (auto i = v.number<int64_t>(row)) {
      b = {true, *i, 0, {}};
    }
  }


  std::string uri_of(const std::shared_ptr<ObjectStore>& store, const std::string& key) {
    if (!store->head(key)) throw Error(ErrorCode::NotFound, key, "Delta checkpoint part '" + key + "' is missing");
    if (own_registry_) {
      // A reader with its own database serves every store it is handed
      // (s3://, memory://) through the object-store filesystem; file:// it
      // serves already.
      const StoreLocation loc = split_uri(store->uri());
      if (loc.key.empty() && loc.store_uri.rfind("file://", 0) != 0) own_registry_->add(loc.store_uri, store);
    }
    return object_uri(*store, key);
  }

  // `uris` as one read_parquet source (with each row's number in its file
  // if `row_numbers`), with its top-level columns and types; `key` names
  // the checkpoint in errors.
  static Source source(duckdb::Connection& con, const std::vector<std::string>& uris, const std::string& key,
                       bool row_numbers = false) {
    std::string files = "[";
    for (size_t i = 0; i < uris.size(); ++i) files += (i ? ", " : "") + sql_string_literal(uris[i]);
    Source src;
    src.sql = "read_parquet(" + files + "], union_by_name = true" + (row_numbers ? ", file_row_number = true)" : ")");
    // Checkpoints written by different engines hold different action columns.
    auto described = con.Query("DESCRIBE SELECT * FROM " + src.sql);
    if (described->HasError()) {
      throw Error(ErrorCode::Corruption, key,
                  "Delta checkpoint '" + key + "' is not readable Parquet: " + described->GetError());
    }
    for (duckdb::idx_t r = 0; r < described->RowCount(); ++r) {
      src.columns[described->GetValue(0, r).ToString()] = described->GetValue(1, r).ToString();
    }
    return src;
  }

  static void check(const duckdb::unique_ptr<duckdb::QueryResult>& result, const std::string& key) {
    if (result->HasError()) {
      throw Error(ErrorCode::Corruption, key, "Delta checkpoint '" + key + "' could not be read: " + result->GetError());
    }
  }

  std::unique_ptr<duckdb::DuckDB> owned_;
  std::shared_ptr<StoreRegistry> own_registry_;  // set for a reader with its own database
  duckdb::DatabaseInstance& db_;
};

}  // namespace

std::string object_uri(const ObjectStore& store, const std::string& key) {
  std::string u = store.uri();
  if (!u.empty() && u.back() == '/') return u + key;
  return u + "/" + key;
}

CheckpointDecoder parse_checkpoint_decoder(std::string_view value, std::string_view variable) {
  if (value.empty() || value == "auto") return CheckpointDecoder::Auto;
  if (value == "native") return CheckpointDecoder::Native;
  if (value == "duckdb") return CheckpointDecoder::DuckDb;
  throw Error(ErrorCode::InvalidArgument, std::string(variable),
              std::string(variable) + "='" + std::string(value) + "' is not a checkpoint reader: use auto, native or duckdb");
}

CheckpointDecoder checkpoint_decoder_from_environment() {
  const char* value = std::getenv(kCheckpointReaderVariable);
  return parse_checkpoint_decoder(value ? value : "");
}

const char* to_string(CheckpointDecoder decoder) {
  switch (decoder) {
    case CheckpointDecoder::Auto: return "auto";
    case CheckpointDecoder::Native: return "native";
    case CheckpointDecoder::DuckDb: return "duckdb";
  }
  return "auto";
}

namespace {

std::unique_ptr<delta::CheckpointReader> with_decoder(std::unique_ptr<delta::CheckpointReader> duckdb_reader,
                                                      CheckpointDecoder decoder) {
  switch (decoder) {
    case CheckpointDecoder::DuckDb: return duckdb_reader;
    case CheckpointDecoder::Native: return delta::make_checkpoint_parquet_reader(nullptr);
    case CheckpointDecoder::Auto: break;
  }
  return delta::make_checkpoint_parquet_reader(std::move(duckdb_reader));
}

}  // namespace

std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db, CheckpointDecoder decoder) {
  return with_decoder(std::make_unique<DuckDbCheckpointReader>(db), decoder);
}

std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db) {
  return make_checkpoint_reader(db, checkpoint_decoder_from_environment());
}

std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader(CheckpointDecoder decoder) {
  auto db = std::make_unique<duckdb::DuckDB>(nullptr);
  auto& instance = *db->instance;
  auto registry = std::make_shared<StoreRegistry>();
  register_object_store_filesystem(instance, registry);
  return with_decoder(std::make_unique<DuckDbCheckpointReader>(instance, std::move(db), std::move(registry)), decoder);
}

std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader(bool own_decoder) {
  return make_standalone_checkpoint_reader(own_decoder ? CheckpointDecoder::Auto : CheckpointDecoder::DuckDb);
}

std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader() {
  return make_standalone_checkpoint_reader(checkpoint_decoder_from_environment());
}

}  // namespace neuralake::engine
