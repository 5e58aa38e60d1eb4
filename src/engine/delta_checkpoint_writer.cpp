// A classic Delta checkpoint as one DuckDB COPY: the previous checkpoint's
// rows and the JSON commits after it, each action converted to the one
// column type the checkpoint declares; the newest version of each key found
// by a hash aggregate over the keys alone; the rows themselves picked by a
// semi join as the log streams past again, filtered (live adds, unexpired
// tombstones) and written to Parquet through the object-store filesystem.
// No row is held whole: memory grows with the keys (paths), not with the
// log's text, and DuckDB spills the aggregate beyond its memory limit.
#include "engine/delta_checkpoint_writer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "common/json_string.h"
#include "delta/last_checkpoint.h"
#include "delta/log_listing.h"
#include "delta/schema.h"
#include "duckdb.hpp"
#include "engine/delta_checkpoint_reader.h"
#include "engine/errors.h"
#include "engine/session_state.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake::engine {

namespace {

// One field of the checkpoint's schema: a DuckDB type, or a struct of fields.
struct Field {
  std::string name;
  std::string type;  // empty for a struct
  std::vector<Field> children;
};

std::string quoted(const std::string& name) { return quote_identifier(name); }

std::string type_sql(const Field& f) {
  if (f.children.empty()) return f.type;
  std::string out = "STRUCT(";
  for (size_t i = 0; i < f.children.size(); ++i) {
    out += (i ? ", " : "") + quoted(f.children[i].name) + " " + type_sql(f.children[i]);
  }
  return out + ")";
}

Field scalar(const char* name, const char* type) { return {name, type, {}}; }

const char* kMap = "MAP(VARCHAR, VARCHAR)";

Field deletion_vector() {
  return {"deletionVector",
          "",
          {scalar("storageType", "VARCHAR"), scalar("pathOrInlineDv", "VARCHAR"), scalar("offset", "INTEGER"),
           scalar("sizeInBytes", "INTEGER"), scalar("cardinality", "BIGINT")}};
}

// The actions a checkpoint holds, in the Delta protocol's checkpoint schema
// (every field optional, as Delta writers write them). A remove keeps no
// stats or tags: tombstones only serve VACUUM.
const std::vector<Field>& actions() {
  static const std::vector<Field> all = {
      {"protocol",
       "",
       {scalar("minReaderVersion", "INTEGER"), scalar("minWriterVersion", "INTEGER"),
        scalar("readerFeatures", "VARCHAR[]"), scalar("writerFeatures", "VARCHAR[]")}},
      {"metaData",
       "",
       {scalar("id", "VARCHAR"), scalar("name", "VARCHAR"), scalar("description", "VARCHAR"),
        {"format", "", {scalar("provider", "VARCHAR"), scalar("options", kMap)}}, scalar("schemaString", "VARCHAR"),
        scalar("partitionColumns", "VARCHAR[]"), scalar("configuration", kMap), scalar("createdTime", "BIGINT")}},
      {"txn", "", {scalar("appId", "VARCHAR"), scalar("version", "BIGINT"), scalar("lastUpdated", "BIGINT")}},
      {"add",
       "",
       {scalar("path", "VARCHAR"), scalar("partitionValues", kMap), scalar("size", "BIGINT"),
        scalar("modificationTime", "BIGINT"), scalar("dataChange", "BOOLEAN"), scalar("stats", "VARCHAR"),
        scalar("tags", kMap), deletion_vector(), scalar("baseRowId", "BIGINT"),
        scalar("defaultRowCommitVersion", "BIGINT"), scalar("clusteringProvider", "VARCHAR")}},
      {"remove",
       "",
       {scalar("path", "VARCHAR"), scalar("deletionTimestamp", "BIGINT"), scalar("dataChange", "BOOLEAN"),
        scalar("extendedFileMetadata", "BOOLEAN"), scalar("partitionValues", kMap), scalar("size", "BIGINT"),
        deletion_vector(), scalar("baseRowId", "BIGINT"), scalar("defaultRowCommitVersion", "BIGINT")}},
      {"domainMetadata",
       "",
       {scalar("domain", "VARCHAR"), scalar("configuration", "VARCHAR"), scalar("removed", "BOOLEAN")}},
  };
  return all;
}

const Field& action(const std::string& name) {
  for (const auto& a : actions()) {
    if (a.name == name) return a;
  }
  throw Error(ErrorCode::Internal, name, "no checkpoint action '" + name + "'");
}

// Fields and actions a checkpoint holds only when the log uses them: a
// column of nulls still costs the Parquet writer a pass over every row.
const std::vector<std::string>& optional_fields() {
  static const std::vector<std::string> all = {
      "txn", "domainMetadata", "add.tags", "add.deletionVector", "add.baseRowId", "add.defaultRowCommitVersion",
      "add.clusteringProvider", "remove.extendedFileMetadata", "remove.partitionValues", "remove.size",
      "remove.deletionVector", "remove.baseRowId", "remove.defaultRowCommitVersion"};
  return all;
}

const duckdb::LogicalType* child_type(const duckdb::LogicalType& t, const std::string& name) {
  if (t.id() != duckdb::LogicalTypeId::STRUCT) return nullptr;
  for (const auto& [child, type] : duckdb::StructType::GetChildTypes(t)) {
    if (child == name) return &type;
  }
  return nullptr;
}

// `expr` (of type `from`, as another writer's checkpoint holds it) as the
// type of `to`: struct fields matched by name, those it lacks NULL. A
// checkpoint that kept only add.stats_parsed gives its stats as JSON text.
std::string converted(const std::string& expr, const duckdb::LogicalType* from, const Field& to) {
  if (!from) return "NULL::" + type_sql(to);
  if (to.children.empty()) {
    if (from->ToString() == to.type) return expr;
    return "CAST(" + expr + " AS " + to.type + ")";
  }
  if (from->id() != duckdb::LogicalTypeId::STRUCT) return "NULL::" + type_sql(to);
  std::string fields;
  for (const auto& c : to.children) {
    const duckdb::LogicalType* t = child_type(*from, c.name);
    std::string value;
    if (!t && c.name == "stats" && to.name == "add" && child_type(*from, "stats_parsed")) {
      value = "to_json(" + expr + ".stats_parsed)::VARCHAR";
    } else {
      value = converted(expr + "." + quoted(c.name), t, c);
    }
    fields += (fields.empty() ? "" : ", ") + quoted(c.name) + " := " + value;
  }
  return "CASE WHEN " + expr + " IS NULL THEN NULL ELSE struct_pack(" + fields + ") END";
}

std::string list_sql(const std::vector<std::string>& uris) {
  std::string out = "[";
  for (size_t i = 0; i < uris.size(); ++i) out += (i ? ", " : "") + sql_string_literal(uris[i]);
  return out + "]";
}

std::string json_quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// The typed stats of one column as json_transform structures: its min/max
// type (empty: Delta keeps no bounds for it) and its nullCount type. Struct
// columns nest; arrays and maps have a null count only.
void stats_types(const delta::DeltaType& t, std::string& bounds, std::string& nulls) {
  if (t.kind == delta::DeltaType::Kind::Struct) {
    std::string b, n;
    for (const auto& f : t.fields) {
      std::string fb, fn;
      stats_types(f.type, fb, fn);
      if (!fb.empty()) b += (b.empty() ? "" : ",") + json_quoted(f.physical_name) + ":" + fb;
      n += (n.empty() ? "" : ",") + json_quoted(f.physical_name) + ":" + fn;
    }
    bounds = b.empty() ? "" : "{" + b + "}";
    nulls = n.empty() ? "\"BIGINT\"" : "{" + n + "}";
    return;
  }
  nulls = "\"BIGINT\"";
  bounds.clear();
  if (t.kind != delta::DeltaType::Kind::Primitive) return;
  const std::string& p = t.primitive;
  if (p == "boolean" || p == "binary" || p == "variant") return;
  bounds = json_quoted(delta::duckdb_physical_type_name(t));
}

// json_transform's structure that types add.stats as the checkpoint's
// add.stats_parsed: numRecords, then minValues/maxValues/nullCount keyed by
// the physical names of the data columns (partition columns have none).
std::string stats_structure(const delta::DeltaSchema& schema, const std::vector<std::string>& partition_columns) {
  std::string bounds, nulls;
  for (const auto& f : schema.fields) {
    bool partition = false;
    for (const auto& p : partition_columns) partition |= p == f.name;
    if (partition) continue;
    std::string b, n;
    stats_types(f.type, b, n);
    if (!b.empty()) bounds += (bounds.empty() ? "" : ",") + json_quoted(f.physical_name) + ":" + b;
    nulls += (nulls.empty() ? "" : ",") + json_quoted(f.physical_name) + ":" + n;
  }
  std::string out = "{\"numRecords\":\"BIGINT\"";
  if (!bounds.empty()) out += ",\"minValues\":{" + bounds + "},\"maxValues\":{" + bounds + "}";
  if (!nulls.empty()) out += ",\"nullCount\":{" + nulls + "}";
  return out + "}";
}

// Where the state at the checkpoint's version comes from.
struct LogSources {
  int64_t base_version = -1;              // the previous checkpoint's version, -1: none
  std::vector<std::string> base_uris;     // its parts
  std::vector<std::string> commit_uris;   // the JSON commits after it, up to the version
};

class CheckpointWriter {
 public:
  CheckpointWriter(duckdb::DatabaseInstance& db, const delta::TableLocation& table, int64_t version, int64_t now_ms)
      : con_(db), table_(table), version_(version), now_ms_(now_ms) {}

  CheckpointWritten run();

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& object, const std::string& problem) const {
    throw Error(code, object,
                "Delta table '" + table_.name + "': cannot write the checkpoint of version " +
                    std::to_string(version_) + ": " + problem);
  }
  duckdb::unique_ptr<duckdb::MaterializedQueryResult> query(const std::string& sql);
  void find_sources(const delta::LogListing& listing);
  std::string actions_sql(const std::vector<std::string>& names);
  void read_table_facts();
  std::string file_sql(const Field& f, const std::string& expr);
  void write_last_checkpoint(const delta::LogListing& listing, const CheckpointWritten& out);

  duckdb::Connection con_;
  const delta::TableLocation& table_;
  const int64_t version_;
  const int64_t now_ms_;
  LogSources sources_;
  int64_t cutoff_ = 0;          // tombstones deleted at or before this time (ms) have expired
  std::string stats_structure_;  // json_transform's structure for add.stats_parsed; empty: none
  std::set<std::string> present_;  // the optional_fields() some row of the log has
  duckdb::LogicalType base_types_[6];  // by actions() index; INVALID: the base lacks it
};

duckdb::unique_ptr<duckdb::MaterializedQueryResult> CheckpointWriter::query(const std::string& sql) {
  auto result = con_.Query(sql);
  if (result->HasError()) {
    const Error e = translate_error(result->GetErrorObject(), sql);
    // The queries are ours: input they cannot convert is a log that does
    // not hold what the protocol says (a field of the wrong type).
    const ErrorCode code = e.code() == ErrorCode::InvalidArgument ? ErrorCode::Corruption : e.code();
    fail(code, e.object().empty() ? table_.name : e.object(), e.what());
  }
  return result;
}

void CheckpointWriter::find_sources(const delta::LogListing& listing) {
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    fail(ErrorCode::NotFound, table_.name, "it is not a Delta table (_delta_log holds no commits)");
  }
  if (!listing.commits.count(version_) && !listing.checkpoints.count(version_)) {
    const int64_t latest = listing.commits.empty() ? -1 : listing.commits.rbegin()->first;
    fail(ErrorCode::NotFound, table_.name,
         "the table has no version " + std::to_string(version_) + " (latest is " + std::to_string(latest) + ")");
  }
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->first > version_ || !it->second.complete()) continue;
    if (it->second.v2) {
      fail(ErrorCode::NotSupported, it->second.keys.front(),
           "its newest checkpoint is a v2 checkpoint (" + it->second.keys.front() + "), which is not supported");
    }
    sources_.base_version = it->first;
    for (const auto& k : it->second.keys) sources_.base_uris.push_back(object_uri(*table_.store, k));
    break;
  }
  for (int64_t v = sources_.base_version + 1; v <= version_; ++v) {
    auto c = listing.commits.find(v);
    if (c == listing.commits.end()) {
      fail(ErrorCode::NotFound, listing.commit_key(v),
           "commit " + listing.commit_key(v) + " is missing and no checkpoint covers it");
    }
    sources_.commit_uris.push_back(object_uri(*table_.store, c->second.key));
  }
  if (sources_.base_uris.empty()) return;
  // Other writers' checkpoints hold other columns and fields.
  auto prepared = con_.Prepare("SELECT * FROM read_parquet(" + list_sql(sources_.base_uris) +
                               ", union_by_name = true) LIMIT 0");
  if (prepared->HasError()) {
    const Error e = translate_error(prepared->GetErrorObject(), "");
    fail(e.code() == ErrorCode::NotFound ? ErrorCode::NotFound : ErrorCode::Corruption, sources_.base_uris.front(),
         "its previous checkpoint " + sources_.base_uris.front() + " is not readable: " + e.what());
  }
  const auto& names = prepared->GetNames();
  const auto& types = prepared->GetTypes();
  for (size_t a = 0; a < actions().size(); ++a) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == actions()[a].name) base_types_[a] = types[i];
    }
  }
}

// The actions `names` of every log row (previous checkpoint and commits) in
// the checkpoint's types, with `v`, the version the row comes from.
std::string CheckpointWriter::actions_sql(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  if (!sources_.base_uris.empty()) {
    std::string cols = std::to_string(sources_.base_version) + "::BIGINT AS v";
    for (const auto& n : names) {
      size_t a = 0;
      while (actions()[a].name != n) ++a;
      const auto* t = base_types_[a].id() == duckdb::LogicalTypeId::INVALID ? nullptr : &base_types_[a];
      cols += ", " + converted(quoted(n), t, actions()[a]) + " AS " + quoted(n);
    }
    parts.push_back("SELECT " + cols + " FROM read_parquet(" + list_sql(sources_.base_uris) +
                    ", union_by_name = true)");
  }
  if (!sources_.commit_uris.empty()) {
    std::string columns, cols;
    for (const auto& n : names) {
      columns += (columns.empty() ? "" : ", ") + sql_string_literal(n) + ": " + sql_string_literal(type_sql(action(n)));
      cols += ", " + quoted(n);
    }
    // A commit's version is its file name: <20 digits>.json.
    parts.push_back("SELECT CAST(substr(filename, length(filename) - 24, 20) AS BIGINT) AS v" + cols +
                    " FROM read_json(" + list_sql(sources_.commit_uris) +
                    ", format = 'newline_delimited', filename = true, columns = {" + columns + "})");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " UNION ALL ") + p;
  return out;
}

// What the newest metaData and protocol say: the tombstone retention, the
// stats layout when delta.checkpoint.writeStatsAsStruct asks for typed stats,
// and that the table has the actions a checkpoint needs and no v2 checkpoints.
void CheckpointWriter::read_table_facts() {
  const std::string retention_key = "delta.deletedFileRetentionDuration";
  const std::string struct_key = "delta.checkpoint.writeStatsAsStruct";
  std::string presence, present_sql;
  for (size_t i = 0; i < optional_fields().size(); ++i) {
    const std::string& f = optional_fields()[i];
    const size_t dot = f.find('.');
    const std::string expr =
        dot == std::string::npos ? quoted(f) : quoted(f.substr(0, dot)) + "." + quoted(f.substr(dot + 1));
    presence += ", has" + std::to_string(i);
    present_sql += "bool_or(" + expr + " IS NOT NULL) AS has" + std::to_string(i) + ", ";
  }
  auto r = query(
      "SELECT m IS NOT NULL, m.retention, p IS NOT NULL, "
      "coalesce(list_contains(p.protocol.readerFeatures, 'v2Checkpoint'), false) OR "
      "coalesce(list_contains(p.protocol.writerFeatures, 'v2Checkpoint'), false), "
      "coalesce(lower(m.stats_as_struct) = 'true', false), m.schema, m.partitions" + presence + " FROM ("
      "SELECT " + present_sql + "arg_max(struct_pack(retention := \"metaData\".\"configuration\"[" +
      sql_string_literal(retention_key) + "], stats_as_struct := \"metaData\".\"configuration\"[" +
      sql_string_literal(struct_key) +
      "], schema := \"metaData\".schemaString, partitions := \"metaData\".partitionColumns), v) "
      "FILTER (WHERE \"metaData\" IS NOT NULL) AS m, "
      "arg_max(struct_pack(protocol := \"protocol\"), v) FILTER (WHERE \"protocol\" IS NOT NULL) AS p FROM (" +
      actions_sql({"protocol", "metaData", "txn", "add", "remove", "domainMetadata"}) + "))");
  if (!r->GetValue(0, 0).GetValue<bool>()) fail(ErrorCode::Corruption, table_.name, "its log holds no metaData");
  if (!r->GetValue(2, 0).GetValue<bool>()) fail(ErrorCode::Corruption, table_.name, "its log holds no protocol");
  if (r->GetValue(3, 0).GetValue<bool>()) {
    fail(ErrorCode::NotSupported, table_.name,
         "the table uses v2 checkpoints (feature 'v2Checkpoint'); only classic v1 checkpoints are written");
  }
  for (size_t i = 0; i < optional_fields().size(); ++i) {
    const duckdb::Value has = r->GetValue(7 + i, 0);
    if (!has.IsNull() && has.GetValue<bool>()) present_.insert(optional_fields()[i]);
  }
  const duckdb::Value retention = r->GetValue(1, 0);
  if (retention.IsNull()) {
    cutoff_ = now_ms_ - 7LL * 24 * 3600 * 1000;
  } else {
    try {
      cutoff_ = now_ms_ - parse_interval_ms(duckdb::StringValue::Get(retention), retention_key);
    } catch (const Error& e) {
      fail(e.code(), retention_key, e.what());
    }
  }
  if (!r->GetValue(4, 0).GetValue<bool>() || r->GetValue(5, 0).IsNull()) return;
  std::vector<std::string> partitions;
  const duckdb::Value list = r->GetValue(6, 0);
  if (!list.IsNull()) {
    for (const auto& v : duckdb::ListValue::GetChildren(list)) {
      if (!v.IsNull()) partitions.push_back(duckdb::StringValue::Get(v));
    }
  }
  try {
    const std::string schema = duckdb::StringValue::Get(r->GetValue(5, 0));
    stats_structure_ = stats_structure(delta::parse_schema(schema, table_.name), partitions);
  } catch (const Error&) {
    // A schema the reader does not type: typed stats are optional, the JSON stats stay.
    stats_structure_.clear();
  }
}

// An add or remove from the reconciled row `expr`, written with dataChange
// false as a checkpoint's file actions are.
std::string CheckpointWriter::file_sql(const Field& f, const std::string& expr) {
  std::string fields;
  for (const auto& c : f.children) {
    const std::string name = f.name + "." + c.name;
    if (!present_.count(name) &&
        std::find(optional_fields().begin(), optional_fields().end(), name) != optional_fields().end()) {
      continue;
    }
    fields += (fields.empty() ? "" : ", ") + quoted(c.name) + " := " +
              (c.name == "dataChange" ? std::string("false") : expr + "." + quoted(c.name));
    if (c.name == "stats" && f.name == "add" && !stats_structure_.empty()) {
      // Malformed stats text stays JSON only (readers treat it as absent).
      fields += ", \"stats_parsed\" := CASE WHEN json_valid(" + expr + ".stats) THEN json_transform(" + expr +
                ".stats, " + sql_string_literal(stats_structure_) + ") END";
    }
  }
  return "CASE WHEN " + expr + " IS NULL THEN NULL ELSE struct_pack(" + fields + ") END";
}

CheckpointWritten CheckpointWriter::run() {
  if (version_ < 0) fail(ErrorCode::InvalidArgument, table_.name, "a version is at least 0");
  const delta::LogListing listing = delta::list_log(table_);
  find_sources(listing);
  read_table_facts();

  // A file's key is (path, deletion vector id); a remove and an add of one
  // key in one commit leave the file live (o: the version, then adds last).
  auto dv_id = [](const std::string& a) {
    const std::string dv = quoted(a) + ".deletionVector";
    return "coalesce(" + dv + ".storageType || " + dv + ".pathOrInlineDv || coalesce('@' || " + dv +
           ".\"offset\", ''), '')";
  };
  std::vector<std::string> names;
  for (const auto& a : actions()) names.push_back(a.name);
  const std::string keyed =
      "SELECT v * 2 + (\"add\" IS NOT NULL)::BIGINT AS o, "
      "CASE WHEN \"add\" IS NOT NULL OR \"remove\" IS NOT NULL THEN 'f' WHEN \"txn\" IS NOT NULL THEN 't' "
      "WHEN \"metaData\" IS NOT NULL THEN 'm' WHEN \"protocol\" IS NOT NULL THEN 'p' "
      "WHEN \"domainMetadata\" IS NOT NULL THEN 'd' END AS kind, "
      "CASE WHEN \"add\" IS NOT NULL THEN \"add\".path WHEN \"remove\" IS NOT NULL THEN \"remove\".path "
      "WHEN \"txn\" IS NOT NULL THEN \"txn\".appId WHEN \"domainMetadata\" IS NOT NULL THEN \"domainMetadata\".domain "
      "ELSE '' END AS name, "
      "CASE WHEN \"add\" IS NOT NULL THEN " + dv_id("add") + " WHEN \"remove\" IS NOT NULL THEN " + dv_id("remove") +
      " ELSE '' END AS dv, "
      "struct_pack(a := \"add\", r := \"remove\", m := \"metaData\", p := \"protocol\", t := \"txn\", "
      "d := \"domainMetadata\") AS w FROM (" + actions_sql(names) + ")";
  // The newest row of each key, found from the keys alone (a small hash
  // table keeping the two newest versions of each), then the rows themselves
  // picked by a semi join as the log streams past a second time: no row is
  // held whole. Two actions of one kind for one key in one version (which
  // the protocol forbids) would both pass: they are refused, except
  // duplicate tombstones, which are harmless.
  const std::string newest =
      "SELECT kind, name, dv, top[1] AS o FROM (SELECT kind, name, dv, max(o, 2) AS top FROM (" + keyed +
      ") WHERE kind IS NOT NULL AND name IS NOT NULL GROUP BY kind, name, dv) "
      "WHERE CASE WHEN len(top) = 1 OR top[1] <> top[2] OR (kind = 'f' AND top[1] % 2 = 0) THEN true ELSE error("
      "'version ' || (top[1] // 2) || ' of the log holds more than one ' || CASE kind "
      "WHEN 'f' THEN 'add action for ' || name WHEN 't' THEN 'txn action for appId ' || name "
      "WHEN 'm' THEN 'metaData action' WHEN 'p' THEN 'protocol action' "
      "ELSE 'domainMetadata action for domain ' || name END)::BOOLEAN END";
  const std::string rows =
      std::string("SELECT w.p AS \"protocol\", w.m AS \"metaData\", ") +
      (present_.count("txn") ? "w.t AS \"txn\", " : "") + file_sql(action("add"), "w.a") + " AS \"add\", " +
      file_sql(action("remove"), "w.r") + " AS \"remove\"" +
      (present_.count("domainMetadata") ? ", w.d AS \"domainMetadata\"" : "") + " FROM (" +
      keyed + ") k SEMI JOIN (" + newest + ") latest USING (kind, name, dv, o) "
      "WHERE w.a IS NOT NULL OR w.p IS NOT NULL OR w.m IS NOT NULL OR w.t IS NOT NULL "
      "OR (w.d IS NOT NULL AND NOT coalesce(w.d.removed, false)) "
      "OR (w.r IS NOT NULL AND w.r.deletionTimestamp > " + std::to_string(cutoff_) + ")";

  const std::string key = listing.log_prefix + delta::padded_version(version_) + ".checkpoint.parquet";
  const std::string uri = object_uri(*table_.store, key);
  // Written straight to its key: the object-store filesystem publishes it on
  // close, whole, and a failed COPY publishes nothing.
  query("COPY (" + rows + ") TO " + sql_string_literal(uri) +
        " (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 4096, PRESERVE_ORDER false, USE_TMP_FILE false)");

  CheckpointWritten out;
  out.version = version_;
  auto counts = query("SELECT count(*), count(\"add\".path), count(\"remove\".path), " +
                      std::string(present_.count("txn") ? "count(\"txn\".appId)" : "0") + " FROM read_parquet(" +
                      sql_string_literal(uri) + ")");
  out.rows = counts->GetValue(0, 0).GetValue<int64_t>();
  out.adds = counts->GetValue(1, 0).GetValue<int64_t>();
  out.removes = counts->GetValue(2, 0).GetValue<int64_t>();
  out.txns = counts->GetValue(3, 0).GetValue<int64_t>();
  const auto info = table_.store->head(key);
  if (!info) fail(ErrorCode::IOError, key, "the checkpoint " + key + " is missing after it was written");
  out.size_bytes = static_cast<int64_t>(info->size);
  write_last_checkpoint(listing, out);
  return out;
}

// _last_checkpoint names the newest checkpoint: one naming a newer version stays.
void CheckpointWriter::write_last_checkpoint(const delta::LogListing& listing, const CheckpointWritten& out) {
  try {
    const auto last = delta::read_last_checkpoint(table_, listing);
    if (last && last->version > version_) return;
  } catch (const Error&) {
    // Malformed: replaced by a correct one below.
  }
  table_.store->put(listing.log_prefix + "_last_checkpoint",
                    "{\"version\":" + std::to_string(out.version) + ",\"size\":" + std::to_string(out.rows) +
                        ",\"sizeInBytes\":" + std::to_string(out.size_bytes) +
                        ",\"numOfAddFiles\":" + std::to_string(out.adds) + "}");
}

}  // namespace

int64_t parse_interval_ms(std::string_view value, std::string_view setting) {
  auto bad = [&](const std::string& why) -> Error {
    return Error(ErrorCode::InvalidArgument, std::string(setting),
                 std::string(setting) + "='" + std::string(value) + "' is not a valid interval: " + why);
  };
  std::vector<std::string> words;
  std::string word;
  for (char c : value) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  size_t i = !words.empty() && words[0] == "interval" ? 1 : 0;
  if (i == words.size()) throw bad("expected a number and a unit, e.g. 'interval 1 week'");
  if ((words.size() - i) % 2 != 0) throw bad("every number needs a unit");
  struct Unit {
    const char* name;
    int64_t micros;
  };
  static const Unit kUnits[] = {{"week", 7LL * 24 * 3600 * 1000000}, {"day", 24LL * 3600 * 1000000},
                                {"hour", 3600LL * 1000000},          {"minute", 60LL * 1000000},
                                {"second", 1000000},                 {"millisecond", 1000},
                                {"microsecond", 1}};
  int64_t micros = 0;
  for (; i < words.size(); i += 2) {
    const std::string& n = words[i];
    if (n.empty() || n.size() > 15 || n.find_first_not_of("0123456789") != std::string::npos) {
      if (!n.empty() && n[0] == '-') throw bad("a retention cannot be negative");
      throw bad("'" + n + "' is not a whole number");
    }
    std::string unit = words[i + 1];
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    if (unit == "month" || unit == "year") throw bad("months and years have no fixed length; use days or weeks");
    const Unit* u = nullptr;
    for (const auto& k : kUnits) {
      if (unit == k.name) u = &k;
    }
    if (!u) throw bad("unknown unit '" + words[i + 1] + "'");
    const int64_t count = std::stoll(n);
    if (count > (std::numeric_limits<int64_t>::max() - micros) / u->micros) throw bad("it is too long");
    micros += count * u->micros;
  }
  return micros / 1000;
}

CheckpointWritten write_delta_checkpoint(duckdb::DatabaseInstance& db, const delta::TableLocation& table,
                                         int64_t version, std::optional<int64_t> now_ms) {
  const int64_t now = now_ms.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  return CheckpointWriter(db, table, version, now).run();
}

CheckpointWritten write_delta_checkpoint(Session& session, const delta::TableLocation& table, int64_t version,
                                         std::optional<int64_t> now_ms) {
  return write_delta_checkpoint(*session.state()->db->instance, table, version, now_ms);
}

}  // namespace neuralake::engine
