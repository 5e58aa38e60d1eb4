// Checkpoint rows through read_parquet, selecting only the action columns the
// replay needs and handing each row over as one JSON object.
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

class DuckDbCheckpointReader : public delta::CheckpointReader {
 public:
  DuckDbCheckpointReader(duckdb::DatabaseInstance& db, std::unique_ptr<duckdb::DuckDB> owned = nullptr)
      : owned_(std::move(owned)), db_(db) {}

  void read(ObjectStore& store, const std::vector<std::string>& keys,
            const std::function<void(std::string_view)>& row) override {
    std::string files = "[";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!store.head(keys[i])) {
        throw Error(ErrorCode::NotFound, keys[i], "Delta checkpoint part '" + keys[i] + "' is missing");
      }
      files += (i ? ", " : "") + sql_string(object_uri(store, keys[i]));
    }
    files += "]";
    duckdb::Connection con(db_);
    const std::string source = "read_parquet(" + files + ", union_by_name = true)";
    // Checkpoints written by different engines hold different action columns.
    auto described = con.Query("DESCRIBE SELECT * FROM " + source);
    if (described->HasError()) {
      throw Error(ErrorCode::Corruption, keys.front(),
                  "Delta checkpoint '" + keys.front() + "' is not readable Parquet: " + described->GetError());
    }
    std::set<std::string> present;
    for (duckdb::idx_t r = 0; r < described->RowCount(); ++r) present.insert(described->GetValue(0, r).ToString());
    std::string fields;
    for (const char* action : {"add", "remove", "metaData", "protocol", "txn"}) {
      if (!present.count(action)) continue;
      fields += std::string(fields.empty() ? "" : ", ") + action + " := \"" + action + "\"";
    }
    if (fields.empty()) return;
    auto result = con.Query("SELECT to_json(struct_pack(" + fields + "))::VARCHAR FROM " + source);
    if (result->HasError()) {
      throw Error(ErrorCode::Corruption, keys.front(),
                  "Delta checkpoint '" + keys.front() + "' could not be read: " + result->GetError());
    }
    while (auto chunk = result->Fetch()) {
      auto& vec = chunk->data[0];
      vec.Flatten(chunk->size());
      auto* strings = duckdb::FlatVector::GetData<duckdb::string_t>(vec);
      auto& validity = duckdb::FlatVector::Validity(vec);
      for (duckdb::idx_t i = 0; i < chunk->size(); ++i) {
        if (!validity.RowIsValid(i)) continue;
        row(std::string_view(strings[i].GetData(), strings[i].GetSize()));
      }
    }
  }

 private:
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
