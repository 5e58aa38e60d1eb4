// Checkpoint rows through read_parquet, selecting only the action columns the
// replay needs: the few non-add rows as JSON, the adds as typed columns read
// straight from DuckDB's result chunks.
#include "engine/delta_checkpoint_reader.h"

#include <set>

#include "duckdb.hpp"
#include "engine/errors.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake::engine {

namespace {

// A VARCHAR cell as a view into its chunk, or nullopt for NULL.
std::optional<std::string_view> string_at(duckdb::Vector& v, duckdb::idx_t row) {
  if (!duckdb::FlatVector::Validity(v).RowIsValid(row)) return std::nullopt;
  const auto& s = duckdb::FlatVector::GetData<duckdb::string_t>(v)[row];
  return std::string_view(s.GetData(), s.GetSize());
}

template <class T>
std::optional<T> number_at(duckdb::Vector& v, duckdb::idx_t row) {
  if (!duckdb::FlatVector::Validity(v).RowIsValid(row)) return std::nullopt;
  return duckdb::FlatVector::GetData<T>(v)[row];
}

class DuckDbCheckpointReader : public delta::CheckpointReader {
 public:
  DuckDbCheckpointReader(duckdb::DatabaseInstance& db, std::unique_ptr<duckdb::DuckDB> owned = nullptr)
      : owned_(std::move(owned)), db_(db) {}

  void read_actions(ObjectStore& store, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view)>& row) override {
    duckdb::Connection con(db_);
    const Source src = source(con, store, keys);
    std::string fields;
    for (const char* action : {"remove", "metaData", "protocol", "txn"}) {
      if (!src.columns.count(action)) continue;
      fields += std::string(fields.empty() ? "" : ", ") + action + " := \"" + action + "\"";
    }
    if (fields.empty()) return;
    const std::string where = src.columns.count("add") ? " WHERE \"add\" IS NULL" : "";
    auto result = con.SendQuery("SELECT to_json(struct_pack(" + fields + "))::VARCHAR FROM " + src.sql + where);
    check(result, keys);
    while (auto chunk = result->Fetch()) {
      auto& vec = chunk->data[0];
      vec.Flatten(chunk->size());
      for (duckdb::idx_t i = 0; i < chunk->size(); ++i) {
        if (auto s = string_at(vec, i)) row(*s);
      }
    }
  }

  void read_adds(ObjectStore& store, const std::vector<std::string>& keys,
                 const std::vector<std::string>& partition_keys, const delta::StatsLayout& stats_layout,
                 const std::function<void(const delta::CheckpointAdd&)>& add) override {
    duckdb::Connection con(db_);
    const Source src = source(con, store, keys);
    if (!src.columns.count("add")) return;
    const std::string& type = src.columns.at("add");
    auto has = [&](const char* field) { return type.find(field) != std::string::npos; };
    // Typed stats, where the checkpoint has them, replace the JSON text: they
    // are the same numbers without the text to decompress and scan.
    const StatsPlan plan = stats_plan(con, src, keys, stats_layout);
    // Columns 0-4 always, then the DV's five fields, then one per partition
    // key, then the typed stats.
    std::string cols = "\"add\".path, \"add\".size::BIGINT, \"add\".modificationTime::BIGINT, ";
    cols += !plan.parsed && has("stats ") ? "\"add\".stats" : "NULL::VARCHAR";
    const bool dv = has("deletionVector ");
    cols += dv ? ", \"add\".deletionVector.storageType, \"add\".deletionVector.pathOrInlineDv, "
                 "\"add\".deletionVector.\"offset\"::INTEGER, \"add\".deletionVector.sizeInBytes::INTEGER, "
                 "\"add\".deletionVector.cardinality::BIGINT"
               : ", NULL::VARCHAR, NULL::VARCHAR, NULL::INTEGER, NULL::INTEGER, NULL::BIGINT";
    for (const auto& k : partition_keys) {
      cols += has("partitionValues ") ? ", map_extract_value(\"add\".partitionValues, " + sql_string_literal(k) + ")"
                                      : ", NULL::VARCHAR";
    }
    for (const auto& c : plan.columns) cols += ", " + c.sql;
    // Streamed chunk by chunk: a checkpoint's stats can be hundreds of MB.
    // Filtered on the path alone: a test on the whole add struct would read
    // all of its columns, the unused stats text too.
    auto result = con.SendQuery("SELECT " + cols + " FROM " + src.sql + " WHERE \"add\".path IS NOT NULL");
    check(result, keys);
    delta::CheckpointAdd a;
    a.partition_values.resize(partition_keys.size());
    delta::TypedStats typed;
    const size_t n = stats_layout.columns.size();
    const size_t first_stat = 9 + partition_keys.size();
    if (plan.parsed) a.stats_parsed = &typed;
    while (auto chunk = result->Fetch()) {
      chunk->Flatten();
      for (duckdb::idx_t i = 0; i < chunk->size(); ++i) {
        auto path = string_at(chunk->data[0], i);
        if (!path) continue;
        a.path = *path;
        a.size = number_at<int64_t>(chunk->data[1], i).value_or(0);
        a.modification_time = number_at<int64_t>(chunk->data[2], i).value_or(0);
        a.stats = string_at(chunk->data[3], i);
        a.deletion_vector.reset();
        if (dv) {
          if (auto st = string_at(chunk->data[4], i)) {
            auto d = std::make_shared<delta::DeletionVectorDescriptor>();
            d->storage_type = st->empty() ? 'u' : (*st)[0];
            d->path_or_inline = std::string(string_at(chunk->data[5], i).value_or(""));
            d->offset = number_at<int32_t>(chunk->data[6], i);
            d->size_in_bytes = number_at<int32_t>(chunk->data[7], i).value_or(0);
            d->cardinality = number_at<int64_t>(chunk->data[8], i).value_or(0);
            a.deletion_vector = std::move(d);
          }
        }
        for (size_t p = 0; p < partition_keys.size(); ++p) a.partition_values[p] = string_at(chunk->data[9 + p], i);
        if (plan.parsed) {
          typed.num_records = -1;
          typed.mins.assign(n, {});
          typed.maxs.assign(n, {});
          typed.null_counts.assign(n, std::nullopt);
          for (size_t k = 0; k < plan.columns.size(); ++k) read_stat(plan.columns[k], chunk->data[first_stat + k], i, typed);
        }
        add(a);
      }
    }
  }

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
  static StatsPlan stats_plan(duckdb::Connection& con, const Source& src, const std::vector<std::string>& keys,
                              const delta::StatsLayout& layout) {
    StatsPlan plan;
    auto prepared = con.Prepare("SELECT \"add\" FROM " + src.sql + " LIMIT 0");
    if (prepared->HasError()) {
      throw Error(ErrorCode::Corruption, keys.front(),
                  "Delta checkpoint '" + keys.front() + "' could not be read: " + prepared->GetError());
    }
    const duckdb::LogicalType add_type = prepared->GetTypes().at(0);
    const duckdb::LogicalType* parsed = field(add_type, "stats_parsed");
    if (!parsed || parsed->id() != duckdb::LogicalTypeId::STRUCT) return plan;
    plan.parsed = true;
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

  static void read_stat(const StatsColumn& c, duckdb::Vector& v, duckdb::idx_t row, delta::TypedStats& out) {
    using Role = StatsColumn::Role;
    if (c.role == Role::NumRecords) {
      out.num_records = number_at<int64_t>(v, row).value_or(-1);
      return;
    }
    if (c.role == Role::NullCount) {
      out.null_counts[c.index] = number_at<int64_t>(v, row);
      return;
    }
    delta::TypedBound& b = (c.role == Role::Min ? out.mins : out.maxs)[c.index];
    if (c.kind == delta::StatsColumn::Kind::Double) {
      if (auto d = number_at<double>(v, row)) b = {true, 0, *d, {}};
    } else if (c.kind == delta::StatsColumn::Kind::String) {
      if (auto s = string_at(v, row)) b = {true, 0, 0, *s};
    } else if (auto i = number_at<int64_t>(v, row)) {
      b = {true, *i, 0, {}};
    }
  }


  Source source(duckdb::Connection& con, ObjectStore& store, const std::vector<std::string>& keys) {
    std::string files = "[";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!store.head(keys[i])) {
        throw Error(ErrorCode::NotFound, keys[i], "Delta checkpoint part '" + keys[i] + "' is missing");
      }
      files += (i ? ", " : "") + sql_string_literal(object_uri(store, keys[i]));
    }
    Source src;
    src.sql = "read_parquet(" + files + "], union_by_name = true)";
    // Checkpoints written by different engines hold different action columns.
    auto described = con.Query("DESCRIBE SELECT * FROM " + src.sql);
    if (described->HasError()) {
      throw Error(ErrorCode::Corruption, keys.front(),
                  "Delta checkpoint '" + keys.front() + "' is not readable Parquet: " + described->GetError());
    }
    for (duckdb::idx_t r = 0; r < described->RowCount(); ++r) {
      src.columns[described->GetValue(0, r).ToString()] = described->GetValue(1, r).ToString();
    }
    return src;
  }

  static void check(const duckdb::unique_ptr<duckdb::QueryResult>& result,
                    const std::vector<std::string>& keys) {
    if (result->HasError()) {
      throw Error(ErrorCode::Corruption, keys.front(),
                  "Delta checkpoint '" + keys.front() + "' could not be read: " + result->GetError());
    }
  }

  std::unique_ptr<duckdb::DuckDB> owned_;
  duckdb::DatabaseInstance& db_;
};

}  // namespace

std::string object_uri(const ObjectStore& store, const std::string& key) {
  std::string u = store.uri();
  if (!u.empty() && u.back() == '/') return u + key;
  return u + "/" + key;
}

std::unique_ptr<delta::CheckpointReader> make_checkpoint_reader(duckdb::DatabaseInstance& db) {
  return std::make_unique<DuckDbCheckpointReader>(db);
}

std::unique_ptr<delta::CheckpointReader> make_standalone_checkpoint_reader() {
  auto db = std::make_unique<duckdb::DuckDB>(nullptr);
  auto& instance = *db->instance;
  return std::make_unique<DuckDbCheckpointReader>(instance, std::move(db));
}

}  // namespace neuralake::engine
