// Applying actions to a replay: protocol and metaData set the table's state,
// adds and removes reconcile into the segment being built.
#include "delta/replay.h"

#include <algorithm>

#include "delta/commit_file.h"
#include "delta/log_replay.h"
#include "neuralake/error.h"

namespace neuralake::delta {

std::string file_identity(std::string_view path, const DeletionVectorDescriptor* dv) {
  std::string key(path);
  if (dv) key += '\x01' + dv->unique_id();
  return key;
}

void Replay::protocol(JsonObject p, const ActionSource& at) {
  snap.protocol = parse_protocol(p, at);
  have_protocol = true;
  if (counts) ++counts->protocol;
}

void Replay::metadata(JsonObject m, const ActionSource& at) {
  set_metadata(parse_metadata(m, at, table.name));
  if (counts) ++counts->metadata;
}

void Replay::set_metadata(MetadataAction&& m) {
  snap.metadata = std::move(m.metadata);
  snap.schema = std::move(m.schema);
  const auto mode = snap.metadata.configuration.find("delta.columnMapping.mode");
  const std::string name = mode == snap.metadata.configuration.end() ? "none" : mode->second;
  if (name == "name") {
    snap.column_mapping = ColumnMappingMode::Name;
  } else if (name == "id") {
    snap.column_mapping = ColumnMappingMode::Id;
  } else if (name == "none") {
    snap.column_mapping = ColumnMappingMode::None;
  } else {
    throw Error(ErrorCode::NotSupported, table.name,
                "Delta table '" + table.name + "' uses column mapping mode '" + name + "', which is not supported");
  }
  snap.stats_layout = StatsLayout::from_schema(snap.schema, snap.metadata.partition_columns);
  compute_partition_keys();
  have_metadata = true;
}

void Replay::compute_partition_keys() {
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

void Replay::add(JsonObject a, const ActionSource& at) {
  if (!have_metadata) {
    throw Error(ErrorCode::Corruption, std::string(at.file),
                "Delta table '" + table.name + "' adds files before any metaData action (" + std::string(at.file) + ")");
  }
  AddAction& action = add_scratch;
  parse_add(a, partition_keys, at, action, partition_scratch);
  FileEntry e;
  e.set_path(action.path, partition_scratch, *text, packed_scratch);
  e.size = action.size;
  e.modification_time = action.modification_time;
  e.deletion_vector = std::move(action.deletion_vector);
  if (!action.stats.empty()) {
    e.set_stats(text->store(stats_encoder.encode(action.stats, snap.stats_layout, e.num_records)));
  }
  insert(std::move(e));
}

void Replay::add(const CheckpointAdd& a, const std::string& key) {
  if (!have_metadata) {
    throw Error(ErrorCode::Corruption, key, "Delta table '" + table.name + "': checkpoint " + key + " has adds but no metaData");
  }
  const ActionSource at{key, 0};
  if (a.path.empty()) malformed_action(at, "add.path", "is missing or empty");
  if (!a.has_size) malformed_action(at, "add.size", "is missing");
  if (!a.has_modification_time) malformed_action(at, "add.modificationTime", "is missing");
  if (a.size < 0) malformed_action(at, "add.size", "is negative: " + std::to_string(a.size));
  partition_scratch.assign(partition_keys.size(), std::nullopt);
  for (size_t i = 0; i < partition_keys.size() && i < a.partition_values.size(); ++i) {
    partition_scratch[i] = a.partition_values[i];
  }
  FileEntry e;
  e.set_path(a.path, partition_scratch, *text, packed_scratch);
  e.size = a.size;
  e.modification_time = a.modification_time;
  e.deletion_vector = a.deletion_vector;
  checkpoint_rows.push_back(a.at.key());
  insert(std::move(e));
}

void Replay::attach_stats(CheckpointStatsRows&& stats) {
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

void Replay::insert(FileEntry&& e) {
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

void Replay::remove(JsonObject r, const ActionSource& at) {
  const RemoveAction action = parse_remove(r, at);
  if (counts) {
    ++counts->removes;  // a checkpoint's tombstones, not live-file changes
    return;
  }
  remove_file(action.path, action.deletion_vector.get());
}

void Replay::remove_file(std::string_view path, const DeletionVectorDescriptor* dv) {
  std::string id = file_identity(path, dv);
  if (auto it = index.find(id); it != index.end()) {
    removed[it->second] = true;
    index.erase(it);
  }
  // Also when found here: the file may have been re-added over a copy in
  // an older segment, which this removes too.
  removed_elsewhere.insert(std::move(id));
}

void Replay::txn(JsonObject t, const ActionSource& at) {
  const TxnAction action = parse_txn(t, at);
  snap.txns[std::string(action.app_id)] = Txn{action.version, action.last_updated};
  if (counts) ++counts->txns;
}

void Replay::apply_commit(const std::string& key, const std::string& commit_text) {
  in_commit_timestamp.reset();
  const std::string_view padded(commit_text);
  auto apply = [&](std::string_view name, JsonObject action, const ActionSource& at) {
    if (name == "add") {
      add(action, at);
    } else if (name == "remove") {
      remove(action, at);
    } else if (name == "txn") {
      txn(action, at);
    } else if (name == "commitInfo") {
      if (auto t = parse_commit_info(action, at)) in_commit_timestamp = *t;
    } else if (name == "protocol") {
      protocol(action, at);
    } else if (name == "metaData") {
      metadata(action, at);
    }
  };
  // Only a commit that changes the protocol or metadata needs two passes.
  if (changes_metadata(commit_text)) {
    for_each_commit_action(parser, key, padded, CommitPass::Metadata, apply);
    for_each_commit_action(parser, key, padded, CommitPass::Files, apply);
  } else {
    for_each_commit_action(parser, key, padded, CommitPass::All, apply);
  }
}

void Replay::apply_checkpoint_actions(const std::vector<std::string>& rows, const std::string& key) {
  const ActionSource at{key, 0};
  auto parse = [&](const std::string& row) {
    simdjson::dom::element doc;
    if (parser.parse(row).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
      throw Error(ErrorCode::Corruption, key, "Delta table '" + table.name + "': checkpoint " + key + " has an unreadable row");
    }
    return doc;
  };
  auto action = [&](const simdjson::dom::element& row, const char* name) -> std::optional<JsonObject> {
    simdjson::dom::element e;
    if (row[name].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    JsonObject o;
    if (e.get(o) != simdjson::SUCCESS) malformed_action(at, name, std::string("must be an object, not ") + json_type_name(e));
    return o;
  };
  // Rows are parsed one at a time (one parser); those holding anything but
  // protocol and metaData are parsed again once those are in.
  std::vector<size_t> later;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto row = parse(rows[i]);
    if (auto p = action(row, "protocol")) protocol(*p, at);
    if (auto m = action(row, "metaData")) metadata(*m, at);
    if (action(row, "remove") || action(row, "txn")) later.push_back(i);
  }
  for (size_t i : later) {
    const auto row = parse(rows[i]);
    if (auto r = action(row, "remove")) remove(*r, at);
    if (auto t = action(row, "txn")) txn(*t, at);
  }
}

}  // namespace neuralake::delta
