// Checkpoint rows through read_parquet, selecting only the action columns the
// replay needs: the few non-add rows as JSON, the adds as typed columns read
// straight from DuckDB's result chunks.
#include "engine/delta_checkpoint_reader.h"

#include <set>

#include "duckdb.hpp"
#include "engine/errors.h"
#include "neuralake/error.h"

namespace neuralake::engine {

namespace {

std::string sql_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

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
                 const std::vector<std::string>& partition_keys,
                 const std::function<void(const delta::CheckpointAdd&)>& add) override {
    duckdb::Connection con(db_);
    const Source src = source(con, store, keys);
    if (!src.columns.count("add")) return;
    const std::string& type = src.columns.at("add");
    auto has = [&](const char* field) { return type.find(field) != std::string::npos; };
    // Columns 0-4 always, then the DV's five fields, then one per partition key.
    std::string cols = "\"add\".path, \"add\".size::BIGINT, \"add\".modificationTime::BIGINT, ";
    cols += has("stats ") ? "\"add\".stats" : "NULL::VARCHAR";
    const bool dv = has("deletionVector ");
    cols += dv ? ", \"add\".deletionVector.storageType, \"add\".deletionVector.pathOrInlineDv, "
                 "\"add\".deletionVector.\"offset\"::INTEGER, \"add\".deletionVector.sizeInBytes::INTEGER, "
                 "\"add\".deletionVector.cardinality::BIGINT"
               : ", NULL::VARCHAR, NULL::VARCHAR, NULL::INTEGER, NULL::INTEGER, NULL::BIGINT";
    for (const auto& k : partition_keys) {
      cols += has("partitionValues ") ? ", map_extract_value(\"add\".partitionValues, " + sql_string(k) + ")"
                                      : ", NULL::VARCHAR";
    }
    // Streamed chunk by chunk: a checkpoint's stats can be hundreds of MB.
    auto result = con.SendQuery("SELECT " + cols + " FROM " + src.sql + " WHERE \"add\" IS NOT NULL");
    check(result, keys);
    delta::CheckpointAdd a;
    a.partition_values.resize(partition_keys.size());
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

  Source source(duckdb::Connection& con, ObjectStore& store, const std::vector<std::string>& keys) {
    std::string files = "[";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!store.head(keys[i])) {
        throw Error(ErrorCode::NotFound, keys[i], "Delta checkpoint part '" + keys[i] + "' is missing");
      }
      files += (i ? ", " : "") + sql_string(object_uri(store, keys[i]));
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
