// DeltaWriter: Delta tables written through the session's engine. The data
// goes out with one COPY ... TO (Parquet, RETURN_STATS) per write, streamed
// from the query into the table's store; the engine's per-file statistics
// become add.stats; the commit is a put-if-absent of the next log entry.
//
// The engine names partition directories its own way (URL-encoded values,
// "k=NULL" for both NULL and the string 'NULL'), so the COPY partitions by one
// computed column that carries each row's partition values hex-encoded, and
// writes into a staging store (memory://neuralake-delta-staging/<write id>/)
// that places every file at its Delta path on the table's store as it is
// opened: Hive-escaped directories, Spark's file names. Nothing is renamed
// or copied afterwards.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <unordered_map>

#include "delta/file_facts.h"
#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "delta/replay.h"
#include "delta/writer/actions.h"
#include "delta/writer/commit.h"
#include "delta/writer/json_out.h"
#include "delta/writer/partition_path.h"
#include "delta/writer/schema_out.h"
#include "delta/writer/stats_out.h"
#include "delta/writer/table_features.h"
#include "engine/column_lookup.h"
#include "engine/conversion.h"
#include "engine/delta_checkpoint_reader.h"
#include "engine/delta_checkpoint_writer.h"
#include "engine/delta_location.h"
#include "engine/running_query.h"
#include "engine/sql_predicate.h"
#include "engine/session_state.h"
#include "neuralake/delta_writer.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "storage/conditional_writes.h"
#include "storage/store_registry.h"

namespace neuralake {
namespace engine {

namespace {

constexpr const char* kStagingStore = "memory://neuralake-delta-staging";
constexpr const char* kPartitionColumn = "__neuralake_partition";

// Where one write's files go and what it has written so far.
struct WriteTarget {
  delta::TableLocation table;
  std::vector<std::string> partition_columns;
  std::string codec_suffix;  // "snappy", "zstd", "gz", "" (uncompressed)
  std::function<void(uint64_t)> progress;
  std::atomic<uint64_t> bytes{0};
  std::mutex progress_mu;
};

// A row's partition values as the staging key carries them: "v<hex>" for a
// value, "n" for null, joined by '_' (characters the engine never escapes
// in a directory name). The COPY computes the same text in SQL
// (coalesce('v' || hex(...), 'n')); decode_partition() reads it back.
std::string encode_partition(const std::vector<std::optional<std::string>>& values) {
  static const char* kHex = "0123456789ABCDEF";
  std::string enc;
  for (const auto& v : values) {
    if (!enc.empty()) enc += '_';
    if (!v) {
      enc += 'n';
      continue;
    }
    enc += 'v';
    for (unsigned char c : *v) {
      enc += kHex[c >> 4];
      enc += kHex[c & 15];
    }
  }
  return enc;
}

// "v<hex>" -> the bytes, "n" -> null; tokens joined by '_'.
std::vector<std::optional<std::string>> decode_partition(std::string_view enc, size_t expected,
                                                         const std::string& path) {
  std::vector<std::optional<std::string>> out;
  size_t pos = 0;
  while (pos <= enc.size()) {
    size_t end = enc.find('_', pos);
    if (end == std::string_view::npos) end = enc.size();
    std::string_view tok = enc.substr(pos, end - pos);
    if (tok == "n") {
      out.push_back(std::nullopt);
    } else if (!tok.empty() && tok[0] == 'v' && tok.size() % 2 == 1) {
      std::string v;
      for (size_t i = 1; i + 1 < tok.size(); i += 2) {
        auto hex = [](char c) { return c <= '9' ? c - '0' : (c & ~0x20) - 'A' + 10; };
        v += static_cast<char>(hex(tok[i]) * 16 + hex(tok[i + 1]));
      }
      out.push_back(std::move(v));
    } else {
      throw Error(ErrorCode::Internal, path, "unexpected partition key in staged file '" + path + "'");
    }
    pos = end + 1;
  }
  if (out.size() != expected) {
    throw Error(ErrorCode::Internal, path, "staged file '" + path + "' has the wrong number of partition values");
  }
  return out;
}

// A staged file: the key under the write's folder ("part-3-<uuid>.parquet" or
// "__neuralake_partition=<enc>/part-3-<uuid>.parquet") and where it lands.
struct StagedFile {
  std::vector<std::optional<std::string>> partition_values;
  std::string relative_path;  // under the table root, unencoded
};

StagedFile place(const WriteTarget& t, std::string_view staged) {
  StagedFile out;
  std::string_view file = staged;
  std::string dir;
  const std::string prefix = std::string(kPartitionColumn) + "=";
  if (staged.substr(0, prefix.size()) == prefix) {
    size_t slash = staged.find('/');
    if (slash == std::string_view::npos) throw Error(ErrorCode::Internal, std::string(staged), "staged file without a name");
    out.partition_values =
        decode_partition(staged.substr(prefix.size(), slash - prefix.size()), t.partition_columns.size(), std::string(staged));
    dir = delta::partition_directory(t.partition_columns, out.partition_values) + "/";
    file = staged.substr(slash + 1);
  }
  // "part-<i>-<uuid>.parquet"
  int index = 0;
  std::string uuid;
  if (file.substr(0, 5) == "part-") {
    size_t dash = file.find('-', 5);
    size_t dot = file.rfind(".parquet");
    if (dash != std::string_view::npos && dot != std::string_view::npos && dot > dash) {
      index = std::atoi(std::string(file.substr(5, dash - 5)).c_str());
      uuid = std::string(file.substr(dash + 1, dot - dash - 1));
    }
  }
  if (uuid.empty()) throw Error(ErrorCode::Internal, std::string(staged), "unexpected staged file name");
  out.relative_path = dir + delta::data_file_name(index, uuid, t.codec_suffix);
  return out;
}

std::string under(const delta::TableLocation& t, const std::string& relative) {
  return t.key.empty() ? relative : t.key + "/" + relative;
}

// Counts the bytes a staged file writes, for the progress callback.
class CountingWriter : public ObjectWriter {
 public:
  CountingWriter(std::unique_ptr<ObjectWriter> inner, std::shared_ptr<WriteTarget> target)
      : inner_(std::move(inner)), target_(std::move(target)) {}
  void write(const char* data, size_t n) override {
    inner_->write(data, n);
    uint64_t total = target_->bytes.fetch_add(n) + n;
    if (target_->progress) {
      std::lock_guard<std::mutex> lock(target_->progress_mu);
      target_->progress(total);
    }
  }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  std::shared_ptr<WriteTarget> target_;
};

// The staging store: "<write id>/<staged name>" opens a writer at the file's
// Delta path on the table's store. It holds nothing itself; every folder in
// it looks empty, as COPY requires of a fresh target.
class StagingStore : public ObjectStore {
 public:
  std::string uri() const override { return kStagingStore; }

  std::string begin(std::shared_ptr<WriteTarget> target) {
    std::string id = delta::random_uuid();
    std::lock_guard<std::mutex> lock(mu_);
    writes_[id] = std::move(target);
    return id;
  }
  void end(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    writes_.erase(id);
  }

  std::optional<ObjectInfo> head(std::string_view) override { return std::nullopt; }
  std::vector<ObjectInfo> list(std::string_view, std::string_view) override { return {}; }
  size_t read_range(std::string_view key, uint64_t, uint64_t, char*) override { throw missing(key); }
  std::unique_ptr<ObjectReader> open_reader(std::string_view key) override { throw missing(key); }
  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override {
    auto [target, staged] = resolve(key);
    auto placed = place(*target, staged);
    return std::make_unique<CountingWriter>(target->table.store->open_writer(under(target->table, placed.relative_path)),
                                            target);
  }
  void put(std::string_view key, std::string_view) override { throw refused(key); }
  bool put_if_absent(std::string_view key, std::string_view) override { throw refused(key); }
  void remove(std::string_view key) override {
    auto [target, staged] = resolve(key);
    target->table.store->remove(under(target->table, place(*target, staged).relative_path));
  }

 private:
  std::pair<std::shared_ptr<WriteTarget>, std::string_view> resolve(std::string_view key) {
    size_t slash = key.find('/');
    std::string id(key.substr(0, slash));
    std::lock_guard<std::mutex> lock(mu_);
    auto it = writes_.find(id);
    if (it == writes_.end() || slash == std::string_view::npos) throw refused(key);
    return {it->second, key.substr(slash + 1)};
  }
  static Error missing(std::string_view key) {
    return Error(ErrorCode::NotFound, std::string(key), "staged Delta file '" + std::string(key) + "' cannot be read");
  }
  static Error refused(std::string_view key) {
    return Error(ErrorCode::InvalidArgument, std::string(key),
                 "'" + std::string(key) + "' is not part of a Delta write in progress");
  }

  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<WriteTarget>> writes_;
};

// One mutex per table root, process-wide: commits to a table are serialized.
std::mutex& table_mutex(const std::string& uri) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<std::mutex>> locks;
  std::lock_guard<std::mutex> lock(mu);
  auto& m = locks[uri];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

}  // namespace

// Per session: the staging store and the snapshot each table was last read at.
struct DeltaWriterCache {
  std::shared_ptr<StagingStore> staging = std::make_shared<StagingStore>();
  std::unique_ptr<delta::CheckpointReader> checkpoints;
  std::mutex mu;
  std::map<std::string, delta::SnapshotPtr> snapshots;  // by table URI
};

namespace {

DeltaWriterCache& writer_cache(SessionState& st) {
  static std::mutex init_mu;
  std::lock_guard<std::mutex> lock(init_mu);
  if (!st.delta_writes) {
    auto cache = std::make_shared<DeltaWriterCache>();
    cache->checkpoints = make_checkpoint_reader(*st.db->instance);
    st.stores->add(kStagingStore, cache->staging);
    st.delta_writes = std::move(cache);
  }
  return *st.delta_writes;
}

// The latest snapshot of `table`, or null if it has no log yet. Refreshes the
// cached one (only newer commits are read).
delta::SnapshotPtr latest_snapshot(DeltaWriterCache& cache, const delta::TableLocation& table, const std::string& uri) {
  delta::SnapshotPtr base;
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.snapshots.find(uri);
    if (it != cache.snapshots.end()) base = it->second;
  }
  delta::SnapshotPtr snap;
  if (base) {
    snap = delta::refresh_snapshot(base, *cache.checkpoints);
  } else {
    if (delta::list_log(table).empty) return nullptr;
    snap = delta::load_snapshot(table, *cache.checkpoints);
  }
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.snapshots[uri] = snap;
  return snap;
}

std::string codec_for(const DeltaWriteOptions& o, const std::map<std::string, std::string>& configuration) {
  std::string codec = o.compression;
  if (codec.empty()) {
    auto it = configuration.find("delta.parquet.compression.codec");
    codec = it == configuration.end() ? "snappy" : it->second;
  }
  std::transform(codec.begin(), codec.end(), codec.begin(), [](unsigned char c) { return std::tolower(c); });
  if (codec == "none") codec = "uncompressed";
  static const std::vector<std::string> known = {"snappy", "zstd", "gzip", "lz4", "uncompressed"};
  if (std::find(known.begin(), known.end(), codec) == known.end()) {
    throw Error(ErrorCode::InvalidArgument, codec,
                "unknown Parquet compression '" + codec + "' (snappy, zstd, gzip, lz4 or uncompressed)");
  }
  return codec;
}

std::string suffix_for(const std::string& codec) {
  if (codec == "gzip") return "gz";
  if (codec == "uncompressed") return "";
  return codec;
}

// The SQL text of a partition value of Delta type `t` ("Partition Value
// Serialization"), for column expression `col`.
std::string serialized_partition_sql(const delta::DeltaType& t, const std::string& col, const std::string& name) {
  if (t.kind != delta::DeltaType::Kind::Primitive || t.primitive == "binary") {
    throw Error(ErrorCode::NotSupported, name,
                "column '" + name + "' of type " + delta::type_name(t) + " cannot be a partition column");
  }
  if (t.primitive == "string") return col;
  if (t.primitive == "timestamp") return "strftime(make_timestamp(epoch_us(" + col + ")), '%Y-%m-%dT%H:%M:%S.%fZ')";
  if (t.primitive == "timestamp_ntz") return "strftime(" + col + ", '%Y-%m-%d %H:%M:%S.%f')";
  return "CAST(" + col + " AS VARCHAR)";
}

Schema describe_sql(duckdb::Connection& con, const std::string& sql, RunningQuery& running) {
  auto prepared = con.Prepare(sql);
  if (prepared->HasError()) throw running.error(prepared->error, sql);
  return schema_of(prepared->GetNames(), prepared->GetTypes());
}

const delta::DeltaField* find_field(const delta::DeltaSchema& schema, const std::string& name) {
  return find_column(schema.fields, name);
}

// The SELECT list that reads `incoming` (the data's columns) as `schema`
// (the table's): matched by name, cast to the table's types, missing nullable
// columns as NULL. Throws InvalidArgument for what does not fit.
std::string conforming_select(const Schema& incoming, const delta::DeltaSchema& schema, const std::string& table) {
  std::map<std::string, const Field*> by_table_name;
  for (const auto& f : incoming) {
    const delta::DeltaField* t = find_field(schema, f.name);
    if (!t) {
      std::string names;
      for (const auto& c : schema.fields) names += (names.empty() ? "" : ", ") + c.name;
      throw Error(ErrorCode::InvalidArgument, f.name,
                  "column '" + f.name + "' is not in Delta table '" + table + "' (its columns: " + names +
                      "); adding columns needs schema evolution");
    }
    if (by_table_name.count(t->name)) {
      throw Error(ErrorCode::InvalidArgument, f.name, "the data has two columns named '" + t->name + "'");
    }
    if (!delta::casts_losslessly(f.type, t->type)) {
      throw Error(ErrorCode::InvalidArgument, f.name,
                  "column '" + f.name + "' is " + f.type.sql_name() + " in the data but " + delta::type_name(t->type) +
                      " in Delta table '" + table + "': it cannot be cast without loss");
    }
    by_table_name[t->name] = &f;
  }
  std::string select;
  for (const auto& c : schema.fields) {
    if (!select.empty()) select += ", ";
    const std::string type = delta::duckdb_type_name(c.type);
    auto it = by_table_name.find(c.name);
    if (it == by_table_name.end()) {
      if (!c.nullable) {
        throw Error(ErrorCode::InvalidArgument, c.name,
                    "non-nullable column '" + c.name + "' of Delta table '" + table + "' is missing from the data");
      }
      select += "CAST(NULL AS " + type + ") AS " + quote_identifier(c.name);
    } else {
      select += "CAST(" + quote_identifier(it->second->name) + " AS " + type + ") AS " + quote_identifier(c.name);
    }
  }
  return select;
}

std::string json_string_array(const std::vector<std::string>& v) {
  delta::JsonOut j;
  j.begin_array();
  for (const auto& s : v) j.string(s);
  j.end_array();
  return j.take();
}

// What a write does, decided before any file is written.
struct WritePlan {
  bool overwrite = false;
  bool creating = false;               // no table yet: this commit makes it
  delta::SnapshotPtr snapshot;         // null when creating
  delta::Metadata metadata;            // the table's metadata after the commit
  delta::DeltaSchema schema;
  delta::Protocol protocol;
  bool new_metadata = false;           // commit a metaData action
  bool new_protocol = false;
  // replaceWhere: the condition, the files of `snapshot` it may match (to
  // remove), and the URIs of those it may not match on every row (their
  // other rows are written again).
  std::optional<std::string> predicate;
  std::optional<pruning::Predicate> pruning_predicate;
  std::vector<const delta::FileEntry*> candidates;
  std::vector<std::string> partial_uris;
};

// Rows of the data that the files hold, as COPY reported them.
struct CopyOutcome {
  std::vector<delta::WrittenFile> files;
  int64_t rows = 0, bytes = 0;
};

}  // namespace

}  // namespace engine

namespace {

using engine::WritePlan;

struct Source {
  std::string sql;              // a query, or empty with `frame` set
  const DataFrame* frame = nullptr;
};

class Writer {
 public:
  Writer(Session& session, const std::string& name, const std::string& location)
      : session_(session),
        st_(*session.state()),
        cache_(engine::writer_cache(st_)),
        name_(name),
        table_(engine::locate_delta_table(session, location, name)),
        uri_(engine::object_uri(*table_.store, table_.key)) {}

  DeltaWriteResult create(const Schema& schema, const DeltaCreateOptions& o) {
    check_safe_commits();
    std::lock_guard<std::mutex> lock(engine::table_mutex(uri_));
    auto snap = engine::latest_snapshot(cache_, table_, uri_);
    if (snap) {
      if (o.if_not_exists) {
        DeltaWriteResult r;
        r.version = snap->version;
        r.skipped = true;
        return r;
      }
      throw Error(ErrorCode::AlreadyExists, name_,
                  "Delta table '" + name_ + "' already exists (version " + std::to_string(snap->version) + ")");
    }
    WritePlan plan = new_table_plan(schema, o);
    delta::CommitRequest req;
    req.operation = "CREATE TABLE";
    delta::JsonOut params;
    params.begin_object().key("isManaged").string("false");
    if (!o.description.empty()) params.key("description").string(o.description);
    params.key("partitionBy").string(engine::json_string_array(o.partition_by));
    delta::JsonOut props;
    props.begin_object();
    for (const auto& [k, v] : o.properties) props.key(k).string(v);
    props.end_object();
    params.key("properties").string(props.str()).end_object();
    req.operation_parameters = params.take();
    req.protocol = delta::protocol_action(plan.protocol);
    req.metadata = delta::metadata_action(plan.metadata);
    req.max_attempts = 1;
    auto outcome = delta::commit(table_, -1, req);
    DeltaWriteResult r;
    r.version = outcome.version;
    r.attempts = outcome.attempts;
    after_commit(r);
    return r;
  }

  DeltaWriteResult write(const Source& source, const DeltaWriteOptions& o, bool overwrite,
                         const std::optional<std::string>& predicate = std::nullopt) {
    duckdb::Connection con(*st_.db);
    engine::RunningQuery running(st_, con);
    std::string from = source.sql;
    try {
      if (source.frame) {
        engine::load_frame(con, *source.frame, "__neuralake_delta_frame", true);
        from = "SELECT * FROM __neuralake_delta_frame";
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw running.error(duckdb::ErrorData(e), "loading the data frame");
    }
    const Schema incoming = engine::describe_sql(con, from, running);

    auto snap = engine::latest_snapshot(cache_, table_, uri_);
    if (snap && o.transaction) {
      if (auto r = already_committed(*snap, *o.transaction)) return *r;
    }
    WritePlan plan = plan_write(snap, incoming, o, overwrite);
    if (predicate) plan_replace_where(plan, *predicate, o);
    check_safe_commits();

    const std::string codec = engine::codec_for(o, plan.metadata.configuration);
    auto copy = copy_files(con, running, from, incoming, plan, o, codec);

    std::lock_guard<std::mutex> lock(engine::table_mutex(uri_));
    auto current = engine::latest_snapshot(cache_, table_, uri_);
    if (current && o.transaction) {
      if (auto r = already_committed(*current, *o.transaction)) {
        discard(copy);
        return *r;
      }
    }
    if (plan.creating && current) {
      discard(copy);
      throw Error(ErrorCode::Conflict, name_,
                  "Delta table '" + name_ + "' was created by another writer while this write ran; nothing was committed");
    }
    if (!plan.creating && current->metadata.schema_string != plan.snapshot->metadata.schema_string) {
      discard(copy);
      throw Error(ErrorCode::Conflict, name_,
                  "the schema of Delta table '" + name_ + "' changed (version " + std::to_string(current->version) +
                      ") while this write ran; nothing was committed");
    }

    delta::CommitRequest req;
    req.operation = plan.creating ? "CREATE TABLE AS SELECT" : "WRITE";
    delta::JsonOut params;
    params.begin_object();
    if (plan.creating) {
      params.key("isManaged").string("false");
      params.key("partitionBy").string(engine::json_string_array(plan.metadata.partition_columns));
    } else {
      params.key("mode").string(overwrite ? "Overwrite" : "Append");
      params.key("partitionBy").string(engine::json_string_array(plan.metadata.partition_columns));
      if (plan.predicate) params.key("predicate").string(engine::json_string_array({*plan.predicate}));
    }
    params.end_object();
    req.operation_parameters = params.take();
    req.blind_append = !overwrite && !plan.creating && !plan.new_metadata;
    // What this commit read decides which winners it can commute past.
    const delta::SnapshotPtr read = plan.predicate ? plan.snapshot : current;
    if (overwrite) {
      req.check_winner = [this, &plan](const delta::WinnerFiles& w) { check_overwrite_winner(plan, w); };
    } else if (!req.blind_append && !plan.creating) {
      req.check_winner = [](const delta::WinnerFiles&) {};  // a schema-merging append commutes with appends
    }
    req.user_metadata = o.user_metadata;
    req.max_attempts = o.max_commit_attempts;
    if (plan.new_protocol) req.protocol = delta::protocol_action(plan.protocol);
    if (plan.new_metadata) req.metadata = delta::metadata_action(plan.metadata);
    if (o.transaction) {
      req.txn_app_id = o.transaction->app_id;
      req.txn_version = o.transaction->version;
    }
    int64_t removed_files = 0, removed_bytes = 0;
    if (overwrite && read) {
      const int64_t now = delta::now_millis();
      auto remove = [&](const delta::FileEntry& f) {
        req.file_actions.push_back(delta::remove_action(f, read->metadata.partition_columns, now));
        ++removed_files;
        removed_bytes += f.size;
      };
      if (plan.predicate) {
        for (const auto* f : plan.candidates) remove(*f);
      } else {
        read->for_each_file(remove);
      }
    }
    for (const auto& f : copy.files) req.file_actions.push_back(delta::add_action(f, plan.metadata.partition_columns));
    req.metrics["numFiles"] = std::to_string(copy.files.size());
    req.metrics["numOutputRows"] = std::to_string(copy.rows);
    req.metrics["numOutputBytes"] = std::to_string(copy.bytes);
    if (overwrite) {
      req.metrics["numRemovedFiles"] = std::to_string(removed_files);
      req.metrics["numRemovedBytes"] = std::to_string(removed_bytes);
    }

    delta::CommitOutcome outcome;
    try {
      outcome = delta::commit(table_, read ? read->version : -1, req);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::Conflict) discard(copy);
      throw;
    }
    DeltaWriteResult r;
    r.version = outcome.version;
    r.attempts = outcome.attempts;
    r.rows = copy.rows;
    r.bytes = copy.bytes;
    for (const auto& f : copy.files) r.files.push_back(f.path);
    after_commit(r, plan.metadata.configuration);
    return r;
  }

  int64_t checkpoint() {
    auto snap = engine::latest_snapshot(cache_, table_, uri_);
    if (!snap) throw Error(ErrorCode::NotFound, name_, "'" + name_ + "' is not a Delta table (no _delta_log entries)");
    engine::write_delta_checkpoint(*st_.db->instance, table_, snap->version);
    return snap->version;
  }

  const std::string& uri() const { return uri_; }

 private:
  // Refuses to commit where a log entry could be overwritten: a store that
  // ignores conditional writes, unless s3.single_writer says one writer at a time.
  void check_safe_commits() {
    const auto& config = st_.options.config;
    if (config && config->s3.single_writer) return;
    const std::string log_dir = (table_.key.empty() ? std::string() : table_.key + "/") + "_delta_log";
    if (storage::honours_put_if_absent(table_.store, log_dir)) return;
    throw Error(ErrorCode::NotSupported, "s3.single_writer",
                "cannot commit to Delta table '" + name_ + "': its store " + table_.store->uri() +
                    " does not honour conditional writes (If-None-Match: *), so concurrent writers could overwrite "
                    "each other's commits. If this table has one writer at a time, set s3.single_writer = true "
                    "(NEURALAKE_S3_SINGLE_WRITER=true); nothing was written");
  }

  std::optional<DeltaWriteResult> already_committed(const delta::Snapshot& snap, const DeltaTransaction& t) const {
    auto it = snap.txns.find(t.app_id);
    if (it == snap.txns.end() || it->second.version < t.version) return std::nullopt;
    DeltaWriteResult r;
    r.version = snap.version;
    r.skipped = true;
    return r;
  }

  WritePlan new_table_plan(const Schema& schema, const DeltaCreateOptions& o) {
    delta::check_new_table_properties(o.properties, name_);
    WritePlan plan;
    plan.creating = true;
    plan.schema = delta::delta_schema_for(schema, o.not_null);
    for (const auto& p : o.partition_by) {
      int i = plan.schema.find(p);
      if (i < 0) throw Error(ErrorCode::InvalidArgument, p, "partition column '" + p + "' is not in the schema");
      engine::serialized_partition_sql(plan.schema.fields[i].type, "x", p);  // refuses types that cannot partition
    }
    if (plan.schema.fields.size() == o.partition_by.size()) {
      throw Error(ErrorCode::InvalidArgument, name_,
                  "Delta table '" + name_ + "' needs at least one column that is not a partition column");
    }
    plan.metadata.id = delta::random_uuid();
    plan.metadata.name = o.name;
    plan.metadata.description = o.description;
    plan.metadata.schema_string = delta::schema_json(plan.schema);
    plan.metadata.partition_columns = o.partition_by;
    plan.metadata.configuration = o.properties;
    plan.metadata.created_time = delta::now_millis();
    plan.protocol = delta::protocol_for(plan.schema, o.properties);
    plan.new_metadata = plan.new_protocol = true;
    return plan;
  }

  WritePlan plan_write(const delta::SnapshotPtr& snap, const Schema& incoming, const DeltaWriteOptions& o,
                       bool overwrite) {
    if (!snap) {
      if (!o.create) {
        throw Error(ErrorCode::NotFound, name_,
                    "'" + name_ + "' is not a Delta table yet (no _delta_log entries); create it first or ask for "
                    "it to be created from the data");
      }
      return new_table_plan(incoming, *o.create);
    }
    delta::check_protocol(*snap, name_);
    delta::check_writable(*snap, overwrite, name_);
    WritePlan plan;
    plan.overwrite = overwrite;
    plan.snapshot = snap;
    plan.metadata = snap->metadata;
    plan.protocol = snap->protocol;
    plan.schema = snap->schema;
    if (o.merge_schema && !(overwrite && o.replace_schema)) {
      for (const auto& f : incoming) {
        if (engine::find_field(plan.schema, f.name)) continue;
        delta::DeltaField field;
        field.name = field.physical_name = f.name;
        field.type = delta::delta_type_for(f.type, f.name);
        plan.schema.fields.push_back(std::move(field));
        plan.new_metadata = true;
      }
      if (plan.new_metadata) {
        plan.metadata.schema_string = delta::schema_json(plan.schema);
        delta::Protocol need = delta::protocol_for(plan.schema, plan.metadata.configuration);
        if (!delta::protocol_covers(plan.protocol, need)) {
          plan.protocol = need;
          plan.new_protocol = true;
        }
      }
    }
    if (overwrite && o.replace_schema) {
      std::vector<std::string> not_null = o.create ? o.create->not_null : std::vector<std::string>{};
      plan.schema = delta::delta_schema_for(incoming, not_null);
      std::vector<std::string> parts = o.create ? o.create->partition_by : snap->metadata.partition_columns;
      for (const auto& p : parts) {
        if (plan.schema.find(p) < 0) {
          throw Error(ErrorCode::InvalidArgument, p,
                      "partition column '" + p + "' of Delta table '" + name_ + "' is not in the new schema");
        }
      }
      plan.metadata.schema_string = delta::schema_json(plan.schema);
      plan.metadata.partition_columns = parts;
      plan.new_metadata = true;
      delta::Protocol need = delta::protocol_for(plan.schema, plan.metadata.configuration);
      if (!delta::protocol_covers(plan.protocol, need)) {
        plan.protocol = need;
        plan.new_protocol = true;
      }
    }
    return plan;
  }

  // The files of the snapshot a replaceWhere may touch, judged by the pruning
  // module from partition values and stats.
  void plan_replace_where(WritePlan& plan, const std::string& predicate, const DeltaWriteOptions& o) {
    if (!plan.snapshot) {
      throw Error(ErrorCode::NotFound, name_, "cannot overwrite rows of '" + name_ + "': it is not a Delta table yet");
    }
    if (o.replace_schema) {
      throw Error(ErrorCode::InvalidArgument, predicate,
                  "an overwrite with a condition cannot replace the schema; overwrite the whole table to do that");
    }
    plan.predicate = predicate;
    plan.pruning_predicate = engine::predicate_from_sql(predicate, delta::to_schema(plan.schema));
    const auto& snap = *plan.snapshot;
    const auto types = delta::partition_types(snap);
    pruning::Pruner pruner(*plan.pruning_predicate,
                           [&](const std::string& name) { return delta::DeltaFileFacts::slot_of(snap, name); });
    delta::DeltaFileFacts facts(snap, types);
    snap.for_each_file([&](const delta::FileEntry& f) {
      facts.set_file(f);
      const auto outcome = pruner.evaluate(facts);
      if (!outcome.can_match()) return;
      plan.candidates.push_back(&f);
      if (!outcome.all_match()) plan.partial_uris.push_back(engine::object_uri(*table_.store, table_.file_key(f.path())));
    });
  }

  // A commit that won the version this overwrite wanted: does it touch what
  // the overwrite replaces? (Conflict naming why; returning commutes past it.)
  void check_overwrite_winner(const WritePlan& plan, const delta::WinnerFiles& w) {
    const std::string who = "version " + std::to_string(w.version) + " of Delta table '" + name_ +
                            "' was committed by another writer" + (w.operation.empty() ? "" : " (" + w.operation + ")");
    if (!plan.predicate) {
      if (!w.added.empty() || !w.removed.empty()) {
        throw Error(ErrorCode::Conflict, name_,
                    who + ", which " + (w.added.empty() ? "removed" : "added") +
                        " files while this overwrite replaced the whole table; nothing was committed");
      }
      return;
    }
    std::set<std::string> ours;
    for (const auto* f : plan.candidates) ours.insert(std::string(f->path()));
    for (const auto& r : w.removed) {
      if (ours.count(r)) {
        throw Error(ErrorCode::Conflict, name_,
                    who + ", which removed file '" + r + "' that this overwrite (" + *plan.predicate +
                        ") also replaces; nothing was committed");
      }
    }
    if (w.added.empty()) return;
    auto snap = delta::load_snapshot(table_, *cache_.checkpoints, w.version);
    const std::set<std::string> added(w.added.begin(), w.added.end());
    const auto types = delta::partition_types(*snap);
    pruning::Pruner pruner(*plan.pruning_predicate,
                           [&](const std::string& name) { return delta::DeltaFileFacts::slot_of(*snap, name); });
    delta::DeltaFileFacts facts(*snap, types);
    snap->for_each_file([&](const delta::FileEntry& f) {
      if (!added.count(std::string(f.path()))) return;
      facts.set_file(f);
      if (pruner.may_match(facts)) {
        throw Error(ErrorCode::Conflict, name_,
                    who + ", which added file '" + std::string(f.path()) + "' whose rows the condition " +
                        *plan.predicate + " may match; nothing was committed");
      }
    });
  }

  engine::CopyOutcome copy_files(duckdb::Connection& con, engine::RunningQuery& running, const std::string& from,
                                 const Schema& incoming, const WritePlan& plan, const DeltaWriteOptions& o,
                                 const std::string& codec) {
    const auto& parts = plan.metadata.partition_columns;
    std::string select = engine::conforming_select(incoming, plan.schema, name_);
    // The data columns in table order, then the partition key.
    std::string outer;
    for (const auto& f : plan.schema.fields) {
      if (std::find(parts.begin(), parts.end(), f.name) != parts.end()) continue;
      outer += (outer.empty() ? "" : ", ") + quote_identifier(f.name);
    }
    if (!parts.empty()) {
      std::string key;
      for (const auto& p : parts) {
        const auto& f = plan.schema.fields[plan.schema.find(p)];
        std::string value = engine::serialized_partition_sql(f.type, quote_identifier(p), p);
        key += std::string(key.empty() ? "" : " || '_' || ") + "coalesce('v' || hex(nullif(" + value + ", '')), 'n')";
      }
      outer += ", " + key + " AS " + engine::kPartitionColumn;
    }
    auto target = std::make_shared<engine::WriteTarget>();
    target->table = table_;
    target->partition_columns = parts;
    target->codec_suffix = engine::suffix_for(codec);
    target->progress = o.progress;
    const std::string id = cache_.staging->begin(target);
    struct EndWrite {
      engine::StagingStore& s;
      std::string id;
      ~EndWrite() { s.end(id); }
    } end_write{*cache_.staging, id};

    std::string rows = "SELECT " + select + " FROM (" + from + ")";
    if (plan.predicate) {
      // Every written row must match the condition: the COPY fails on the first that does not.
      rows = "SELECT * FROM (" + rows + ") WHERE CASE WHEN (" + *plan.predicate + ") THEN true ELSE error(" +
             sql_string_literal("a row of this overwrite does not match its condition " + *plan.predicate +
                                "; nothing was committed") +
             ") END";
      if (!plan.partial_uris.empty()) {
        std::string cols, uris;
        for (const auto& f : plan.schema.fields) cols += (cols.empty() ? "" : ", ") + quote_identifier(f.name);
        for (const auto& u : plan.partial_uris) uris += (uris.empty() ? "" : ", ") + sql_string_literal(u);
        rows += " UNION ALL SELECT " + cols + " FROM delta_scan(" + sql_string_literal(uri_) +
                ", version := " + std::to_string(plan.snapshot->version) + ", filename := true) WHERE filename IN (" +
                uris + ") AND ((" + *plan.predicate + ") IS NOT TRUE)";
      }
    }
    std::string copy = "COPY (SELECT " + outer + " FROM (" + rows + ")) TO " +
                       sql_string_literal(std::string(engine::kStagingStore) + "/" + id) + " (FORMAT parquet, COMPRESSION " +
                       codec + ", ROW_GROUP_SIZE " + std::to_string(std::max<uint64_t>(1, o.row_group_rows)) +
                       ", RETURN_STATS true, FILENAME_PATTERN 'part-{i}-{uuid}'";
    if (parts.empty()) {
      copy += ", FILE_SIZE_BYTES " + std::to_string(std::max<uint64_t>(1, o.target_file_size));
    } else {
      copy += std::string(", PARTITION_BY (") + engine::kPartitionColumn + ")";
    }
    copy += ")";

    auto result = run_copy(con, running, copy, from);

    engine::CopyOutcome out;
    std::vector<std::string> written;  // keys, to remove if the write fails
    try {
      read_copy_result(*result, *target, id, plan, out, written);
      if (!parts.empty()) split_large_files(con, running, from, *target, id, plan, o, codec, out, written);
    } catch (...) {
      for (const auto& k : written) {
        try {
          table_.store->remove(k);
        } catch (...) {
        }
      }
      throw;
    }
    return out;
  }

  std::unique_ptr<duckdb::MaterializedQueryResult> run_copy(duckdb::Connection& con, engine::RunningQuery& running,
                                                            const std::string& copy, const std::string& from) {
    std::unique_ptr<duckdb::MaterializedQueryResult> result;
    try {
      result = con.Query(copy);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw running.error(duckdb::ErrorData(e), from);
    }
    if (result->HasError()) throw running.error(result->GetErrorObject(), from);
    return result;
  }

  // The files a COPY with RETURN_STATS reports, as adds with their stats,
  // appended to `out`; their keys to `written`.
  void read_copy_result(duckdb::MaterializedQueryResult& result, const engine::WriteTarget& target, const std::string& id,
                        const WritePlan& plan, engine::CopyOutcome& out, std::vector<std::string>& written) {
    const auto stats_columns = delta::StatsColumns::from_configuration(plan.metadata.configuration);
    const std::string staged_prefix = std::string(engine::kStagingStore) + "/" + id + "/";
    const int64_t now = delta::now_millis();
    for (size_t row = 0; row < result.RowCount(); ++row) {
      std::string filename = result.GetValue(0, row).ToString();
      if (filename.rfind(staged_prefix, 0) != 0) {
        throw Error(ErrorCode::Internal, filename, "the engine wrote '" + filename + "' outside the staging folder");
      }
      auto placed = engine::place(target, std::string_view(filename).substr(staged_prefix.size()));
      written.push_back(engine::under(table_, placed.relative_path));
      delta::WrittenFile f;
      f.path = delta::encode_log_path(placed.relative_path);
      f.partition_values = placed.partition_values;
      f.num_records = result.GetValue(1, row).GetValue<int64_t>();
      f.size = result.GetValue(2, row).GetValue<int64_t>();
      f.modification_time = now;
      delta::FileColumnStats columns;
      duckdb::Value stats = result.GetValue(4, row);
      if (!stats.IsNull()) {
        for (const auto& entry : duckdb::MapValue::GetChildren(stats)) {
          const auto& kv = duckdb::StructValue::GetChildren(entry);
          delta::LeafStats leaf;
          if (!kv[1].IsNull()) {
            for (const auto& st : duckdb::MapValue::GetChildren(kv[1])) {
              const auto& skv = duckdb::StructValue::GetChildren(st);
              const std::string k = skv[0].ToString();
              if (skv[1].IsNull()) continue;
              const std::string v = skv[1].ToString();
              if (k == "min") leaf.min = v;
              else if (k == "max") leaf.max = v;
              else if (k == "null_count") leaf.null_count = std::stoll(v);
              else if (k == "has_nan") leaf.has_nan = v == "true";
            }
          }
          columns[delta::split_column_path(kv[0].ToString())] = std::move(leaf);
        }
      }
      for (const auto& field : plan.schema.fields) {
        if (field.nullable) continue;
        auto it = columns.find({field.name});
        if (it != columns.end() && it->second.null_count && *it->second.null_count > 0) {
          throw Error(ErrorCode::InvalidArgument, field.name,
                      "column '" + field.name + "' of Delta table '" + name_ + "' is non-nullable but the data has " +
                          std::to_string(*it->second.null_count) + " NULL value(s) in it; nothing was committed");
        }
      }
      f.stats = delta::file_stats_json(plan.schema, plan.metadata.partition_columns, stats_columns, f.num_records,
                                       columns);
      if (f.num_records == 0) {  // an empty input still makes a file: leave it out of the table
        table_.store->remove(written.back());
        written.pop_back();
        continue;
      }
      out.rows += f.num_records;
      out.bytes += f.size;
      out.files.push_back(std::move(f));
    }
  }

  // The engine writes one file per partition; a partition's file larger than
  // the target size is rewritten as files of about that size (read back from
  // the store, so only oversized partitions cost a second pass).
  void split_large_files(duckdb::Connection& con, engine::RunningQuery& running, const std::string& from,
                         const engine::WriteTarget& target, const std::string& id, const WritePlan& plan,
                         const DeltaWriteOptions& o, const std::string& codec, engine::CopyOutcome& out,
                         std::vector<std::string>& written) {
    const uint64_t limit = std::max<uint64_t>(1, o.target_file_size);
    std::vector<delta::WrittenFile> files = std::move(out.files);
    out.files.clear();
    out.rows = out.bytes = 0;
    for (auto& f : files) {
      if (static_cast<uint64_t>(f.size) <= limit + limit / 4 || f.num_records < 2) {
        out.rows += f.num_records;
        out.bytes += f.size;
        out.files.push_back(std::move(f));
        continue;
      }
      const std::string enc = engine::encode_partition(f.partition_values);
      const std::string big = table_.file_key(f.path);
      const std::string copy = "COPY (SELECT * FROM read_parquet(" + sql_string_literal(engine::object_uri(*table_.store, big)) +
                               ")) TO " +
                               sql_string_literal(std::string(engine::kStagingStore) + "/" + id + "/" +
                                                  engine::kPartitionColumn + "=" + enc) +
                               " (FORMAT parquet, COMPRESSION " + codec + ", ROW_GROUP_SIZE " +
                               std::to_string(std::max<uint64_t>(1, o.row_group_rows)) +
                               ", RETURN_STATS true, FILENAME_PATTERN 'part-{i}-{uuid}', FILE_SIZE_BYTES " +
                               std::to_string(limit) + ")";
      auto result = run_copy(con, running, copy, from);
      read_copy_result(*result, target, id, plan, out, written);
      table_.store->remove(big);
      written.erase(std::remove(written.begin(), written.end(), big), written.end());
    }
  }

  // Files of a write that will not be committed: removed (best effort; a
  // later vacuum finds any left over).
  void discard(const engine::CopyOutcome& copy) {
    for (const auto& f : copy.files) {
      try {
        table_.store->remove(table_.file_key(f.path));
      } catch (...) {
      }
    }
  }

  void after_commit(DeltaWriteResult& r, const std::map<std::string, std::string>& configuration = {}) {
    if (st_.delta_tables_changed) st_.delta_tables_changed();
    {
      std::lock_guard<std::mutex> lock(st_.schema_mu);
      st_.schemas.clear();
    }
    int interval = 10;
    try {
      interval = delta::checkpoint_interval(configuration);
    } catch (const Error&) {
    }
    if (r.version > 0 && r.version % interval == 0) {
      try {
        engine::write_delta_checkpoint(*st_.db->instance, table_, r.version);
        r.checkpoint_version = r.version;
      } catch (const std::exception&) {
        // A failed checkpoint never fails the commit that triggered it: the
        // log stays complete, and the next interval tries again.
      }
    }
  }

  Session& session_;
  SessionState& st_;
  engine::DeltaWriterCache& cache_;
  std::string name_;
  delta::TableLocation table_;
  std::string uri_;
};

// "db.table" of the session's catalog -> its Delta location; anything else is a location.
std::pair<std::string, std::string> resolve_target(Session& session, const std::string& table) {
  const bool looks_like_path = table.find('/') != std::string::npos || table.find("://") != std::string::npos ||
                               table.find('{') != std::string::npos;
  size_t dot = table.find('.');
  if (!looks_like_path && dot != std::string::npos) {
    const Table* t = session.state()->find_table(table.substr(0, dot), table.substr(dot + 1));
    if (t) {
      if (t->kind() != table_kind::delta) {
        throw Error(ErrorCode::InvalidArgument, table,
                    "table '" + table + "' is a " + t->kind() + " table, not a Delta table: only Delta tables can be written");
      }
      return {table, t->def().location};
    }
    throw Error(ErrorCode::NotFound, table,
                "unknown table '" + table + "' (a catalog table \"db.table\", or a location such as ./path or s3://bucket/path)");
  }
  if (table.empty()) throw Error(ErrorCode::InvalidArgument, "table", "a Delta table location is empty");
  return {table, table};
}

}  // namespace

DeltaWriter::DeltaWriter(Session& session, std::string table) : session_(&session), name_(std::move(table)) {
  // A session confined to its catalog only reads (SessionOptions::confine_to_catalog).
  if (session.options().confine_to_catalog) {
    throw Error(ErrorCode::PermissionDenied, name_,
                "cannot write Delta table '" + name_ + "': the session is confined to reading its catalog");
  }
  auto [name, location] = resolve_target(session, name_);
  Writer w(session, name, location);
  location_ = w.uri();
}

DeltaWriteResult DeltaWriter::create(const Schema& schema, const DeltaCreateOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).create(schema, options);
}

DeltaWriteResult DeltaWriter::append(const LazyFrame& data, const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({data.sql(), nullptr}, options, false);
}

DeltaWriteResult DeltaWriter::append(const DataFrame& data, const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({"", &data}, options, false);
}

DeltaWriteResult DeltaWriter::overwrite(const LazyFrame& data, const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({data.sql(), nullptr}, options, true);
}

DeltaWriteResult DeltaWriter::overwrite(const DataFrame& data, const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({"", &data}, options, true);
}

DeltaWriteResult DeltaWriter::overwrite(const LazyFrame& data, const std::string& predicate,
                                        const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({data.sql(), nullptr}, options, true, predicate);
}

DeltaWriteResult DeltaWriter::overwrite(const DataFrame& data, const std::string& predicate,
                                        const DeltaWriteOptions& options) {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).write({"", &data}, options, true, predicate);
}

int64_t DeltaWriter::checkpoint() {
  auto [name, location] = resolve_target(*session_, name_);
  return Writer(*session_, name, location).checkpoint();
}

}  // namespace neuralake
