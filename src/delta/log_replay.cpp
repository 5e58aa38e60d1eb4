// Log replay per the Delta protocol: the newest usable checkpoint, then each
// commit in order; protocol and metaData first within a commit, then add /
// remove reconciliation keyed by (path, deletion-vector id).
#include "delta/log_replay.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "delta/checkpoint_stats.h"
#include "delta/log_listing.h"
#include "neuralake/error.h"

namespace neuralake::delta {

using nlohmann::json;

const std::vector<std::string>& supported_reader_features() {
  static const std::vector<std::string> features = {"columnMapping", "deletionVectors", "timestampNtz",
                                                    "vacuumProtocolCheck"};
  return features;
}

namespace {

std::string file_identity(std::string_view path, const DeletionVectorDescriptor* dv) {
  std::string key(path);
  if (dv) key += '\x01' + dv->unique_id();
  return key;
}

std::optional<std::vector<std::string>> string_list(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

Protocol parse_protocol(const json& j) {
  Protocol p;
  p.min_reader_version = j.value("minReaderVersion", 1);
  p.min_writer_version = j.value("minWriterVersion", 2);
  p.reader_features = string_list(j, "readerFeatures");
  p.writer_features = string_list(j, "writerFeatures");
  return p;
}

Metadata parse_metadata(const json& j) {
  Metadata m;
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  m.id = str("id");
  m.name = str("name");
  m.description = str("description");
  m.schema_string = str("schemaString");
  m.partition_columns = string_list(j, "partitionColumns").value_or(std::vector<std::string>{});
  if (auto c = j.find("configuration"); c != j.end() && c->is_object()) {
    for (const auto& [k, v] : c->items()) {
      if (v.is_string()) m.configuration[k] = v.get<std::string>();
    }
  }
  if (auto t = j.find("createdTime"); t != j.end() && t->is_number_integer()) m.created_time = t->get<int64_t>();
  return m;
}

// A commit's actions as simdjson reads them: the adds of a 100k-file log
// are most of its bytes, so they are read without building a DOM of our own.
using JsonObject = simdjson::dom::object;

std::string_view string_field(JsonObject o, const char* key) {
  std::string_view v;
  return o[key].get(v) == simdjson::SUCCESS ? v : std::string_view();
}

std::optional<int64_t> int_field(JsonObject o, const char* key) {
  int64_t v = 0;
  if (o[key].get(v) == simdjson::SUCCESS) return v;
  return std::nullopt;
}

std::shared_ptr<const DeletionVectorDescriptor> parse_dv(JsonObject action) {
  JsonObject d;
  if (action["deletionVector"].get(d) != simdjson::SUCCESS) return nullptr;
  auto dv = std::make_shared<DeletionVectorDescriptor>();
  const std::string_view st = string_field(d, "storageType");
  dv->storage_type = st.empty() ? 'u' : st[0];
  dv->path_or_inline = std::string(string_field(d, "pathOrInlineDv"));
  if (auto o = int_field(d, "offset")) dv->offset = static_cast<int32_t>(*o);
  dv->size_in_bytes = static_cast<int32_t>(int_field(d, "sizeInBytes").value_or(0));
  dv->cardinality = int_field(d, "cardinality").value_or(0);
  return dv;
}

// Replay state shared by full loads and refreshes.
struct Replay {
  Replay(const TableLocation& t, Snapshot& s) : table(t), snap(s) {}
  const TableLocation& table;
  Snapshot& snap;
  FileList files;  // the segment being built
  std::shared_ptr<TextArena> text = std::make_shared<TextArena>();  // what `files` point into
  std::vector<bool> removed;
  // Identity -> position in `files`. Keys view the path in `text`, or for a
  // file with a deletion vector its identity in `dv_identities`: no string
  // copy per file. A checkpoint's adds are unique and not indexed at all
  // (`indexed` false): later commits reconcile against them as an older segment.
  std::unordered_map<std::string_view, size_t> index;
  std::deque<std::string> dv_identities;
  bool indexed = true;
  // Checkpoint rows of `files` (CheckpointRow::key), to join their stats.
  std::vector<uint64_t, PageAllocator<uint64_t>> checkpoint_rows;
  // Identities a commit added or removed: an older segment's copy is dead.
  std::unordered_set<std::string> removed_elsewhere;
  std::vector<std::string> partition_keys;  // partitionValues keys, by partition column
  // Buffers reused for every file of this replay.
  StatsEncoder stats_encoder;
  simdjson::dom::parser parser;
  std::vector<std::optional<std::string_view>> partition_scratch;
  std::string packed_scratch;
  bool have_metadata = false;
  bool have_protocol = false;
  CheckpointSummary* counts = nullptr;  // set while reading a checkpoint
  std::optional<int64_t> in_commit_timestamp;

  void set_metadata(const json& j) {
    snap.metadata = parse_metadata(j);
    snap.schema = parse_schema(snap.metadata.schema_string, table.name);
    const auto mode = snap.metadata.configuration.find("delta.columnMapping.mode");
    const std::string m = mode == snap.metadata.configuration.end() ? "none" : mode->second;
    if (m == "name") {
      snap.column_mapping = ColumnMappingMode::Name;
    } else if (m == "id") {
      snap.column_mapping = ColumnMappingMode::Id;
    } else if (m == "none") {
      snap.column_mapping = ColumnMappingMode::None;
    } else {
      throw Error(ErrorCode::NotSupported, table.name,
                  "Delta table '" + table.name + "' uses column mapping mode '" + m + "', which is not supported");
    }
    snap.stats_layout = StatsLayout::from_schema(snap.schema, snap.metadata.partition_columns);
    compute_partition_keys();
    have_metadata = true;
  }

  void compute_partition_keys() {
    partition_keys.clear();
    for (const auto& p : snap.metadata.partition_columns) {
      const int i = snap.schema.find(p);
      if (i < 0) {
        throw Error(ErrorCode::Corruption, table.name,
                    "Delta table '" + table.name + "' partitions by '" + p + "', which is not in its schema");
      }
      partition_keys.push_back(snap.column_mapping == ColumnMappingMode::None ? p : snap.schema.fields[i].physical_name);
    }
  }

  // A new entry for `path` with the partition values in `partition_scratch`.
  FileEntry entry(std::string_view path) {
    FileEntry e;
    e.set_path(path, partition_scratch, *text, packed_scratch);
    return e;
  }

  void add(JsonObject a, const std::string& key) {
    if (!have_metadata) {
      throw Error(ErrorCode::Corruption, key, "Delta table '" + table.name + "' adds files before any metaData action");
    }
    std::string_view path;
    if (a["path"].get(path) != simdjson::SUCCESS || path.empty()) {
      throw Error(ErrorCode::Corruption, key, "Delta table '" + table.name + "': " + key + " has an add without a path");
    }
    partition_scratch.assign(partition_keys.size(), std::nullopt);
    JsonObject pv;
    if (!partition_keys.empty() && a["partitionValues"].get(pv) == simdjson::SUCCESS) {
      for (size_t i = 0; i < partition_keys.size(); ++i) {
        std::string_view v;
        if (pv[partition_keys[i]].get(v) == simdjson::SUCCESS) partition_scratch[i] = v;
      }
    }
    FileEntry e = entry(path);
    e.size = int_field(a, "size").value_or(0);
    e.modification_time = int_field(a, "modificationTime").value_or(0);
    e.deletion_vector = parse_dv(a);
    std::string_view stats;
    if (a["stats"].get(stats) == simdjson::SUCCESS) {
      e.set_stats(text->store(stats_encoder.encode(stats, snap.stats_layout, e.num_records)));
    }
    insert(std::move(e));
  }

  // An add from a checkpoint, already typed by the checkpoint reader; its
  // stats are joined later by checkpoint row.
  void add(const CheckpointAdd& a) {
    partition_scratch.assign(partition_keys.size(), std::nullopt);
    for (size_t i = 0; i < partition_keys.size() && i < a.partition_values.size(); ++i) {
      partition_scratch[i] = a.partition_values[i];
    }
    FileEntry e = entry(a.path);
    e.size = a.size;
    e.modification_time = a.modification_time;
    e.deletion_vector = a.deletion_vector;
    checkpoint_rows.push_back(a.at.key());
    insert(std::move(e));
  }

  // Points each checkpoint file at its stats (both lists in row order) and
  // keeps their arena with this segment's text.
  void attach_stats(CheckpointStatsRows&& stats) {
    auto& rows = stats.rows;
    auto by_key = [](const CheckpointStatsRows::Row& x, const CheckpointStatsRows::Row& y) { return x.key < y.key; };
    if (!std::is_sorted(rows.begin(), rows.end(), by_key)) std::sort(rows.begin(), rows.end(), by_key);
    std::vector<size_t> order(files.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (!std::is_sorted(checkpoint_rows.begin(), checkpoint_rows.end())) {
      std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return checkpoint_rows[x] < checkpoint_rows[y]; });
    }
    size_t r = 0;
    for (size_t i : order) {
      while (r < rows.size() && rows[r].key < checkpoint_rows[i]) ++r;
      if (r < rows.size() && rows[r].key == checkpoint_rows[i]) {
        files[i].set_stats(rows[r].blob);
        files[i].num_records = rows[r].num_records;
      }
    }
    checkpoint_rows = {};
    text->absorb(std::move(stats.text));
  }

  void insert(FileEntry&& e) {
    if (!indexed) {
      files.push_back(std::move(e));
      removed.push_back(false);
      return;
    }
    std::string_view id = e.path();
    if (e.deletion_vector) id = dv_identities.emplace_back(file_identity(e.path(), e.deletion_vector.get()));
    auto [it, inserted] = index.try_emplace(id, files.size());
    if (inserted) {
      files.push_back(std::move(e));
      removed.push_back(false);
    } else {
      // A later add of the same file replaces the earlier one (the key is
      // re-pointed at the new entry's text: same bytes).
      const size_t at = it->second;
      index.erase(it);
      files[at] = std::move(e);
      removed[at] = false;
      index.emplace(id, at);
    }
  }

  void remove(std::string_view path, const DeletionVectorDescriptor* dv) {
    std::string id = file_identity(path, dv);
    if (auto it = index.find(id); it != index.end()) {
      removed[it->second] = true;
      index.erase(it);
    }
    // Also when found here: the file may have been re-added over a copy in
    // an older segment, which this removes too.
    removed_elsewhere.insert(std::move(id));
  }

  void txn(std::string_view app_id, int64_t version, std::optional<int64_t> last_updated) {
    snap.txns[std::string(app_id)] = Txn{version, last_updated};
  }

  // Protocol and metaData actions (a few per table) go through nlohmann, as
  // the Delta JSON they are.
  void protocol(const json& p) {
    snap.protocol = parse_protocol(p);
    have_protocol = true;
    if (counts) ++counts->protocol;
  }
  void metadata(const json& m) {
    set_metadata(m);
    if (counts) ++counts->metadata;
  }

  // The rows of a checkpoint except its adds (as JSON objects, any order):
  // protocol and metaData first, since the rest is read by the metadata.
  void apply_checkpoint_actions(const std::vector<json>& rows) {
    auto action = [](const json& row, const char* name) -> const json* {
      auto it = row.find(name);
      return it != row.end() && it->is_object() ? &*it : nullptr;
    };
    for (const auto& row : rows) {
      if (const json* p = action(row, "protocol")) protocol(*p);
      if (const json* m = action(row, "metaData")) metadata(*m);
    }
    for (const auto& row : rows) {
      if (action(row, "remove") && counts) ++counts->removes;  // tombstones, not live-file changes
      if (const json* t = action(row, "txn")) {
        std::optional<int64_t> last;
        if (auto l = t->find("lastUpdated"); l != t->end() && l->is_number_integer()) last = l->get<int64_t>();
        txn(t->value("appId", std::string()), t->value("version", int64_t{0}), last);
        if (counts) ++counts->txns;
      }
    }
  }

  // Applies one commit file: protocol and metaData first, since adds are
  // typed by the metadata of their own version; then the rest in order.
  // `text` must have simdjson::SIMDJSON_PADDING bytes of capacity beyond its
  // size (read_commit_text() leaves them): its lines are parsed in place.
  void apply_commit(const std::string& key, const std::string& text) {
    in_commit_timestamp.reset();
    // Each line is parsed in place, its padding being the text after it
    // (and, for the last, the spare capacity).
    const std::string_view padded(text);
    // Only a commit that changes the protocol or metadata needs two passes.
    const bool two_pass = changes_metadata(text);
    if (two_pass) {
      for_each_action(key, padded, Pass::Metadata);
      for_each_action(key, padded, Pass::Files);
    } else {
      for_each_action(key, padded, Pass::All);
    }
  }

  // Whether a commit holds a metaData or protocol action. Each line is one
  // action, {"<name>":{..}} (PROTOCOL.md, "Delta Log Entries"): the name at
  // each line's start tells, which spares a search through every add's text.
  // A line written otherwise (spaces first) is searched whole.
  static bool changes_metadata(std::string_view text) {
    static constexpr std::string_view kMeta = "{\"metaData\"", kProtocol = "{\"protocol\"";
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      if (line.starts_with(kMeta) || line.starts_with(kProtocol)) return true;
      if (line.starts_with("{\"")) continue;
      if (line.find("\"metaData\"") != std::string_view::npos || line.find("\"protocol\"") != std::string_view::npos) {
        return true;
      }
    }
    return false;
  }

  // Which actions a pass over a commit handles: protocol, metaData and
  // commitInfo; the others; or all.
  enum class Pass { Metadata, Files, All };

  void for_each_action(const std::string& key, std::string_view all, Pass pass) {
    size_t line_no = 0, pos = 0;
    while (pos < all.size()) {
      size_t end = all.find('\n', pos);
      if (end == std::string_view::npos) end = all.size();
      ++line_no;
      const std::string_view line = all.substr(pos, end - pos);
      pos = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      simdjson::dom::element doc;
      JsonObject row;
      if (parser.parse(line.data(), line.size(), false).get(doc) != simdjson::SUCCESS ||
          doc.get(row) != simdjson::SUCCESS) {
        throw Error(ErrorCode::Corruption, key,
                    "Delta table '" + table.name + "': " + key + " line " + std::to_string(line_no) +
                        " is not a valid JSON action");
      }
      for (auto [name, value] : row) {
        JsonObject action;
        if (value.get(action) != simdjson::SUCCESS) continue;
        const bool is_meta = name == "protocol" || name == "metaData" || name == "commitInfo";
        if ((pass == Pass::Metadata && !is_meta) || (pass == Pass::Files && is_meta)) continue;
        if (name == "add") {
          add(action, key);
        } else if (name == "remove") {
          std::string_view path;
          if (action["path"].get(path) != simdjson::SUCCESS) continue;
          const auto dv = parse_dv(action);
          remove(path, dv.get());
        } else if (name == "txn") {
          txn(string_field(action, "appId"), int_field(action, "version").value_or(0), int_field(action, "lastUpdated"));
        } else if (name == "commitInfo") {
          if (auto t = int_field(action, "inCommitTimestamp")) in_commit_timestamp = *t;
        } else if (name == "protocol" || name == "metaData") {
          // A field of the wrong JSON type is the log's fault, not ours.
          try {
            if (name == "protocol") {
              protocol(json::parse(simdjson::to_string(action)));
            } else {
              metadata(json::parse(simdjson::to_string(action)));
            }
          } catch (const json::exception& e) {
            throw Error(ErrorCode::Corruption, key,
                        "Delta table '" + table.name + "': " + key + " line " + std::to_string(line_no) + ": the " +
                            std::string(name) + " action is malformed (" + e.what() + ")");
          }
        }
      }
    }
  }
};

// Runs a function on its own thread; join() waits and rethrows what it
// threw. Destruction joins too, so an error elsewhere never leaves it running.
class BackgroundTask {
 public:
  explicit BackgroundTask(std::function<void()> fn)
      : thread_([this, fn = std::move(fn)] {
          try {
            fn();
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~BackgroundTask() {
    if (thread_.joinable()) thread_.join();
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  void join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  std::exception_ptr error_;
  std::thread thread_;  // declared last: it starts once error_ exists
};

std::vector<json> parse_commit(const TableLocation& table, const std::string& key, const std::string& text) {
  std::vector<json> rows;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw Error(ErrorCode::Corruption, key,
                  "Delta table '" + table.name + "': " + key + " line " + std::to_string(line_no) +
                      " is not a valid JSON action");
    }
    rows.push_back(std::move(j));
  }
  return rows;
}

void check_protocol(const Snapshot& snap, const std::string& table) {
  const Protocol& p = snap.protocol;
  if (p.min_reader_version > 3) {
    throw Error(ErrorCode::NotSupported, table,
                "Delta table '" + table + "' requires reader version " + std::to_string(p.min_reader_version) +
                    "; this reader supports up to 3");
  }
  if (p.min_reader_version == 3 && p.reader_features) {
    for (const auto& f : *p.reader_features) {
      const auto& ok = supported_reader_features();
      if (std::find(ok.begin(), ok.end(), f) == ok.end()) {
        throw Error(ErrorCode::NotSupported, table,
                    "Delta table '" + table + "' needs reader feature '" + f + "', which is not supported");
      }
    }
  }
}

std::optional<LastCheckpoint> read_last_checkpoint(const TableLocation& table, const LogListing& listing) {
  if (!listing.has_last_checkpoint) return std::nullopt;
  const std::string key = listing.log_prefix + "_last_checkpoint";
  std::string text;
  try {
    text = table.store->read_all(key);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound) return std::nullopt;  // removed since the listing
    throw;
  }
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("version") || !j["version"].is_number_integer()) {
    throw Error(ErrorCode::Corruption, key, "Delta table '" + table.name + "': " + key + " is not valid JSON");
  }
  LastCheckpoint lc;
  lc.version = j["version"].get<int64_t>();
  auto opt = [&](const char* k) -> std::optional<int64_t> {
    auto it = j.find(k);
    if (it != j.end() && it->is_number_integer()) return it->get<int64_t>();
    return std::nullopt;
  };
  lc.size = opt("size");
  lc.parts = opt("parts");
  lc.size_in_bytes = opt("sizeInBytes");
  lc.num_of_add_files = opt("numOfAddFiles");
  return lc;
}

// The text of commit file `key`, which the listing showed, with simdjson's
// padding as spare capacity after it so that its lines parse in place.
std::string read_commit_text(const TableLocation& table, const std::string& key) {
  try {
    return table.store->read_all(key, simdjson::SIMDJSON_PADDING);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound) {
      throw Error(ErrorCode::NotFound, key,
                  "Delta table '" + table.name + "': missing log entry " + key + " (removed while reading)");
    }
    throw;
  }
}

void read_commit_into(Replay& replay, const TableLocation& table, const std::string& key) {
  replay.apply_commit(key, read_commit_text(table, key));
}

void finish_segment(Replay& replay, Snapshot& snap) {
  size_t live = 0;
  bool any_removed = false;
  for (bool r : replay.removed) {
    live += !r;
    any_removed |= r;
  }
  if (!replay.files.empty()) {
    if (any_removed && live * 2 < replay.files.size()) {
      // Mostly dead: compact rather than carry tombstones.
      FileList kept;
      kept.reserve(live);
      for (size_t i = 0; i < replay.files.size(); ++i) {
        if (!replay.removed[i]) kept.push_back(std::move(replay.files[i]));
      }
      snap.segments.push_back({std::make_shared<const FileList>(std::move(kept)), nullptr, replay.text});
    } else {
      snap.segments.push_back(
          {std::make_shared<const FileList>(std::move(replay.files)),
           any_removed ? std::make_shared<const std::vector<bool>>(std::move(replay.removed)) : nullptr, replay.text});
    }
  }
  snap.num_files_ += live;
}

// True if files encoded under metadata `a` (stats layout, partition values,
// column mapping) read the same under `b`.
bool same_file_layout(const Metadata& a, const Metadata& b) {
  return a.schema_string == b.schema_string && a.partition_columns == b.partition_columns &&
         a.configuration == b.configuration;
}

// Completes `snap` at `target` with `last`, the replay of its newest
// commits: checks it has a protocol and metadata the reader supports, sets
// the version's timestamp and adds the replay's files as the last segment.
void finish_snapshot(Replay& last, Snapshot& snap, const LogListing& listing, int64_t target) {
  const std::string& table = last.table.name;
  if (!last.have_protocol || !last.have_metadata) {
    throw Error(ErrorCode::Corruption, table,
                "Delta table '" + table + "' has no " + std::string(last.have_protocol ? "metaData" : "protocol") +
                    " action at version " + std::to_string(target));
  }
  check_protocol(snap, table);
  auto c = listing.commits.find(target);
  snap.timestamp_ms = last.in_commit_timestamp ? *last.in_commit_timestamp
                                               : (c != listing.commits.end() ? c->second.mtime_ms : 0);
  finish_segment(last, snap);
}

// The paths and identities that `replay` (a newer run of commits) removed or
// re-added: a file an older segment holds with one of them is dead.
struct Superseded {
  explicit Superseded(Replay& replay) {
    // A new add of a file an older segment holds replaces it.
    for (const auto& [id, pos] : replay.index) replay.removed_elsewhere.emplace(id);
    ids = &replay.removed_elsewhere;
    for (const auto& id : *ids) paths.insert(std::string_view(id).substr(0, id.find('\x01')));
  }
  bool empty() const { return ids->empty(); }
  bool contains(const FileEntry& f) const {
    return paths.count(f.path()) && ids->count(file_identity(f.path(), f.deletion_vector.get()));
  }
  const std::unordered_set<std::string>* ids;
  std::unordered_set<std::string_view> paths;
};

// Marks dead the files of segments [0, old_segments) that `superseded`
// names, and lowers the live count; segments are shared, so changed
// removal flags are copied first.
void remove_from_older(const Superseded& superseded, Snapshot& snap, size_t old_segments) {
  if (superseded.empty()) return;
  for (size_t s = 0; s < old_segments; ++s) {
    auto& seg = snap.segments[s];
    std::shared_ptr<std::vector<bool>> removed;
    const auto& files = *seg.files;
    for (size_t i = 0; i < files.size(); ++i) {
      if ((seg.removed && (*seg.removed)[i]) || !superseded.contains(files[i])) continue;
      if (!removed) {
        removed = seg.removed ? std::make_shared<std::vector<bool>>(*seg.removed)
                              : std::make_shared<std::vector<bool>>(files.size(), false);
      }
      (*removed)[i] = true;
      --snap.num_files_;
    }
    if (removed) seg.removed = std::move(removed);
  }
}

void remove_from_older(Replay& replay, Snapshot& snap, size_t old_segments) {
  remove_from_older(Superseded(replay), snap, old_segments);
}

}  // namespace

SnapshotPtr load_snapshot(const TableLocation& table, CheckpointReader& checkpoints, std::optional<int64_t> version) {
  const LogListing listing = list_log(table);
  if (listing.empty) {
    throw Error(ErrorCode::NotFound, table.name,
                "'" + table.name + "' is not a Delta table: it has no _delta_log entries");
  }
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    throw Error(ErrorCode::NotFound, table.name,
                "'" + table.name + "' is not a Delta table: _delta_log holds no commits");
  }
  const int64_t latest = listing.commits.empty() ? listing.checkpoints.rbegin()->first
                                                 : std::max(listing.commits.rbegin()->first,
                                                            listing.checkpoints.empty() ? -1 : listing.checkpoints.rbegin()->first);
  const int64_t target = version.value_or(latest);
  if (target < 0 || target > latest) {
    throw Error(ErrorCode::NotFound, table.name,
                "Delta table '" + table.name + "' has no version " + std::to_string(target) +
                    " (latest is " + std::to_string(latest) + ")");
  }

  auto snap = std::make_shared<Snapshot>();
  snap->location = table;
  snap->version = target;
  snap->last_checkpoint = read_last_checkpoint(table, listing);
  if (snap->last_checkpoint && snap->last_checkpoint->version <= target) {
    auto it = listing.checkpoints.find(snap->last_checkpoint->version);
    if (it == listing.checkpoints.end() || !it->second.complete()) {
      const int64_t v = snap->last_checkpoint->version;
      const std::string base = listing.log_prefix + padded_version(v) + ".checkpoint";
      // The key at fault: the single-part file, or the first missing part.
      std::string key = base + ".parquet";
      const int64_t parts = it != listing.checkpoints.end() ? it->second.expected_parts
                                                            : snap->last_checkpoint->parts.value_or(1);
      if (parts > 1) {
        for (int64_t p = 1; p <= parts; ++p) {
          char name[64];
          std::snprintf(name, sizeof name, ".%010lld.%010lld.parquet", static_cast<long long>(p),
                        static_cast<long long>(parts));
          const std::string part = base + name;
          const bool present = it != listing.checkpoints.end() &&
                               std::find(it->second.keys.begin(), it->second.keys.end(), part) != it->second.keys.end();
          if (!present) {
            key = part;
            break;
          }
        }
      }
      throw Error(ErrorCode::NotFound, key,
                  "Delta table '" + table.name + "': the checkpoint of version " + std::to_string(v) +
                      " named by _last_checkpoint is missing " + (parts > 1 ? "part " : "") + key);
    }
  }

  // The newest complete checkpoint at or before the target.
  const CheckpointFiles* cp = nullptr;
  int64_t start = 0;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->first <= target && it->second.complete()) {
      cp = &it->second;
      start = it->first + 1;
      break;
    }
  }
  for (int64_t v = start; v <= target; ++v) {
    if (!listing.commits.count(v)) {
      if (v == 0 || listing.commits.empty() || v < listing.commits.begin()->first) {
        throw Error(ErrorCode::NotFound, table.name,
                    "Delta table '" + table.name + "': version " + std::to_string(target) +
                        " cannot be reconstructed: log entries before version " +
                        std::to_string(listing.commits.empty() ? target : listing.commits.begin()->first) +
                        " were cleaned up and no checkpoint covers them");
      }
      throw Error(ErrorCode::Corruption, listing.commit_key(v),
                  "Delta table '" + table.name + "' has missing log entries: " + listing.commit_key(v) +
                      " is absent but later commits exist");
    }
  }

  Replay replay(table, *snap);
  if (cp) {
    if (cp->v2) {
      throw Error(ErrorCode::NotSupported, cp->keys.front(),
                  "Delta table '" + table.name + "' has a v2 checkpoint (" + cp->keys.front() +
                      "); reader feature 'v2Checkpoint' is not supported");
    }
    CheckpointSummary summary;
    summary.version = start - 1;
    summary.parts = static_cast<int>(cp->keys.size());
    // Four reads overlap. The stats of the checkpoint's adds, the bulk of
    // its bytes, start at once on threads of their own (their encoding waits
    // for the layout from the checkpoint's metaData), as does reading the
    // commits after it; their replay, into a segment of their own (from the
    // checkpoint's protocol, metadata and txns; they reconcile against the
    // checkpoint's files afterwards, as a refresh does) and the checkpoint's
    // adds follow the checkpoint's other actions.
    std::promise<StatsLayout> layout_promise;
    std::promise<void> actions_promise;
    std::shared_future<void> actions_ready = actions_promise.get_future().share();
    Snapshot tail_snap;
    Replay tail(table, tail_snap);
    // How many adds the checkpoint holds, as _last_checkpoint says (0:
    // unknown or implausible), to size what they fill once.
    size_t expected_adds = 0;
    if (const auto& last = snap->last_checkpoint) {
      const int64_t n = last->num_of_add_files.value_or(last->size.value_or(0));
      if (n > 0 && n < (int64_t{1} << 28)) expected_adds = static_cast<size_t>(n);
    }
    CheckpointStatsLoader stats(checkpoints, table, cp->keys, layout_promise.get_future().share(), expected_adds);
    std::atomic<bool> load_over{false};  // set when this scope is left, by success or error
    BackgroundTask commits([&] {
      // Commits read before the checkpoint's actions are in wait; once they
      // are, each is replayed as soon as it is read (its text then freed, so
      // the next one reuses the memory).
      std::deque<std::pair<int64_t, std::string>> waiting;
      auto replay_waiting = [&] {
        for (; !waiting.empty() && !load_over; waiting.pop_front()) {
          tail.apply_commit(listing.commits.at(waiting.front().first).key, waiting.front().second);
        }
      };
      for (int64_t v = start; v <= target && !load_over; ++v) {
        waiting.emplace_back(v, read_commit_text(table, listing.commits.at(v).key));
        if (actions_ready.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
          actions_ready.get();  // rethrows a failure to read them
          replay_waiting();
        }
      }
      actions_ready.get();
      replay_waiting();
    });
    // Left before `commits` is joined, so a failed load stops its replay.
    struct SetOnExit {
      std::atomic<bool>& flag;
      ~SetOnExit() { flag = true; }
    } stop_commits{load_over};
    try {
      std::vector<json> rows;
      checkpoints.read_actions(table.store, cp->keys, [&](std::string_view row) {
        json j = json::parse(row, nullptr, false);
        if (j.is_discarded()) {
          throw Error(ErrorCode::Corruption, cp->keys.front(),
                      "Delta table '" + table.name + "': checkpoint " + cp->keys.front() + " has an unreadable row");
        }
        rows.push_back(std::move(j));
      });
      replay.counts = &summary;
      replay.apply_checkpoint_actions(rows);
      replay.counts = nullptr;
      tail_snap = *snap;
      tail.have_metadata = replay.have_metadata;
      tail.have_protocol = replay.have_protocol;
      tail.partition_keys = replay.partition_keys;
    } catch (...) {
      layout_promise.set_exception(std::current_exception());
      actions_promise.set_exception(std::current_exception());
      throw;
    }
    layout_promise.set_value(snap->stats_layout);
    actions_promise.set_value();
    // Adds come typed (no JSON): they are most of a checkpoint, and unique
    // within it, so they need no index.
    replay.indexed = false;
    if (expected_adds > 0) {
      replay.files.reserve(expected_adds);
      replay.checkpoint_rows.reserve(expected_adds);
      replay.removed.reserve(expected_adds);
    }
    auto read_adds = [&] {
      checkpoints.read_adds(table.store, cp->keys, replay.partition_keys, [&](const CheckpointAdd& a) {
        if (!replay.have_metadata) {
          throw Error(ErrorCode::Corruption, cp->keys.front(),
                      "Delta table '" + table.name + "': checkpoint " + cp->keys.front() + " has adds but no metaData");
        }
        ++summary.adds;
        replay.add(a);
      });
    };
    {
      // Adds on this thread; once adds and commits are in, the commits'
      // removes are applied to the checkpoint's files, and the stats joined
      // to them when their threads are done.
      read_adds();
      commits.join();
      const bool relayout = summary.adds > 0 && !same_file_layout(tail_snap.metadata, snap->metadata);
      // The commits' removes and re-adds, applied to the checkpoint's files.
      auto mark_superseded = [&] {
        const Superseded superseded(tail);
        if (superseded.empty()) return;
        for (size_t i = 0; i < replay.files.size(); ++i) {
          if (superseded.contains(replay.files[i])) replay.removed[i] = true;
        }
      };
      if (!relayout) {
        mark_superseded();
        replay.attach_stats(stats.finish());
      } else {
        stats.abandon();  // encoded for the checkpoint's layout: of no use
        // A later commit changed the schema or partitioning: the checkpoint's
        // adds are read again, their stats encoded for the snapshot's own layout.
        replay.files.clear();
        replay.removed.clear();
        replay.checkpoint_rows.clear();
        replay.text = std::make_shared<TextArena>();
        snap->metadata = tail_snap.metadata;
        snap->schema = tail_snap.schema;
        snap->column_mapping = tail_snap.column_mapping;
        snap->stats_layout = tail_snap.stats_layout;
        replay.compute_partition_keys();
        summary.adds = 0;
        std::promise<StatsLayout> relayout_promise;
        relayout_promise.set_value(snap->stats_layout);
        CheckpointStatsLoader restats(checkpoints, table, cp->keys, relayout_promise.get_future().share());
        read_adds();
        replay.attach_stats(restats.finish());
        mark_superseded();
      }
    }
    snap->checkpoint = summary;
    finish_segment(replay, *snap);
    snap->protocol = std::move(tail_snap.protocol);
    snap->metadata = std::move(tail_snap.metadata);
    snap->schema = std::move(tail_snap.schema);
    snap->column_mapping = tail_snap.column_mapping;
    snap->stats_layout = std::move(tail_snap.stats_layout);
    snap->txns = std::move(tail_snap.txns);
    finish_snapshot(tail, *snap, listing, target);
    checkpoints.release_buffers();
    return snap;
  }
  for (int64_t v = start; v <= target; ++v) {
    read_commit_into(replay, table, listing.commits.at(v).key);
  }
  finish_snapshot(replay, *snap, listing, target);
  return snap;
}

SnapshotPtr refresh_snapshot(const SnapshotPtr& base, CheckpointReader& checkpoints) {
  const TableLocation& table = base->location;
  const LogListing listing = list_log(table, base->version);
  if (listing.commits.empty()) return base;
  // Only an unbroken run of commits after `base` can be applied incrementally.
  int64_t expect = base->version + 1;
  for (const auto& [v, f] : listing.commits) {
    if (v != expect) return load_snapshot(table, checkpoints);
    ++expect;
  }
  auto snap = std::make_shared<Snapshot>(*base);
  snap->checkpoint.reset();
  snap->num_files_ = 0;
  Replay replay(table, *snap);
  replay.have_metadata = replay.have_protocol = true;
  replay.compute_partition_keys();
  for (const auto& [v, f] : listing.commits) {
    read_commit_into(replay, table, f.key);
    snap->version = v;
  }
  // Files of older segments were encoded for the old schema: a schema or
  // partitioning change is rare enough to simply replay from scratch.
  if (!same_file_layout(snap->metadata, base->metadata)) {
    return load_snapshot(table, checkpoints);
  }
  check_protocol(*snap, table.name);
  const size_t old_segments = snap->segments.size();
  finish_segment(replay, *snap);
  snap->num_files_ += base->num_files_;
  remove_from_older(replay, *snap, old_segments);
  auto c = listing.commits.rbegin();
  snap->timestamp_ms = replay.in_commit_timestamp ? *replay.in_commit_timestamp : c->second.mtime_ms;
  return snap;
}

int64_t version_at_timestamp(const TableLocation& table, int64_t timestamp_ms) {
  const LogListing listing = list_log(table);
  if (listing.commits.empty()) {
    throw Error(ErrorCode::NotFound, table.name, "'" + table.name + "' is not a Delta table: it has no commits");
  }
  std::vector<int64_t> versions;
  std::vector<int64_t> times;
  for (const auto& [v, f] : listing.commits) {
    versions.push_back(v);
    // File times can go backwards (clock skew, copies): keep them increasing.
    times.push_back(times.empty() ? f.mtime_ms : std::max(f.mtime_ms, times.back() + 1));
  }
  // Where in-commit timestamps are enabled, commitInfo (the first action) holds them.
  auto in_commit = [&](size_t i) -> std::optional<int64_t> {
    const std::string text = table.store->read_all(listing.commits.at(versions[i]).key);
    const size_t end = text.find('\n');
    json j = json::parse(text.substr(0, end), nullptr, false);
    if (j.is_object()) {
      if (auto c = j.find("commitInfo"); c != j.end() && c->is_object()) {
        if (auto t = c->find("inCommitTimestamp"); t != c->end() && t->is_number_integer()) return t->get<int64_t>();
      }
    }
    return std::nullopt;
  };
  if (in_commit(versions.size() - 1)) {
    // Binary search on commit timestamps, read only for the probed versions.
    auto ts = [&](size_t i) { return in_commit(i).value_or(times[i]); };
    size_t lo = 0, hi = versions.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (ts(mid) <= timestamp_ms) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) {
      throw Error(ErrorCode::NotFound, table.name,
                  "Delta table '" + table.name + "' has no version at or before " +
                      format_timestamp(Timestamp{timestamp_ms * 1000}) + " (the earliest commit is later)");
    }
    return versions[lo - 1];
  }
  const auto it = std::upper_bound(times.begin(), times.end(), timestamp_ms);
  if (it == times.begin()) {
    throw Error(ErrorCode::NotFound, table.name,
                "Delta table '" + table.name + "' has no version at or before " +
                    format_timestamp(Timestamp{timestamp_ms * 1000}) + " (the earliest commit is later)");
  }
  return versions[static_cast<size_t>(it - times.begin()) - 1];
}

std::vector<CommitInfo> history(const TableLocation& table, size_t limit) {
  const LogListing listing = list_log(table);
  if (listing.commits.empty()) {
    throw Error(ErrorCode::NotFound, table.name, "'" + table.name + "' is not a Delta table: it has no commits");
  }
  std::vector<CommitInfo> out;
  int64_t previous = -1;
  std::vector<int64_t> times;
  for (const auto& [v, f] : listing.commits) {
    previous = previous < 0 ? f.mtime_ms : std::max(f.mtime_ms, previous + 1);
    times.push_back(previous);
  }
  size_t i = times.size();
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    --i;
    if (limit && out.size() >= limit) break;
    CommitInfo info;
    info.version = it->first;
    info.timestamp_ms = times[i];
    const std::string text = table.store->read_all(it->second.key);
    for (const auto& row : parse_commit(table, it->second.key, text)) {
      if (auto c = row.find("commitInfo"); c != row.end() && c->is_object()) {
        info.operation = c->value("operation", std::string());
        if (auto p = c->find("operationParameters"); p != c->end()) info.parameters = p->dump();
        info.engine = c->value("engineInfo", std::string());
        if (auto t = c->find("inCommitTimestamp"); t != c->end() && t->is_number_integer()) {
          info.timestamp_ms = t->get<int64_t>();
        }
      }
      info.adds += row.contains("add");
      info.removes += row.contains("remove");
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace neuralake::delta
