// Replay state shared by full loads, refreshes and checkpoint loads: the
// segment of live files being built, add/remove reconciliation keyed by
// (path, deletion-vector id), and the protocol, metadata and txns as the
// actions set them.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <simdjson.h>

#include "delta/checkpoint_reader.h"
#include "delta/checkpoint_stats.h"
#include "delta/log_actions.h"
#include "delta/log_listing.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

// The key a file is reconciled by: its path, and its DV's id if it has one.
std::string file_identity(std::string_view path, const DeletionVectorDescriptor* dv);

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
  AddAction add_scratch;
  bool have_metadata = false;
  bool have_protocol = false;
  CheckpointSummary* counts = nullptr;  // set while reading a checkpoint
  std::optional<int64_t> in_commit_timestamp;

  // Actions as read from a commit line or a checkpoint row.
  void protocol(JsonObject p, const ActionSource& at);
  void metadata(JsonObject m, const ActionSource& at);
  void add(JsonObject a, const ActionSource& at);
  void remove(JsonObject r, const ActionSource& at);
  void txn(JsonObject t, const ActionSource& at);

  // An add from a checkpoint (part `key`), already typed by the checkpoint
  // reader; its stats are joined later by checkpoint row.
  void add(const CheckpointAdd& a, const std::string& key);
  // Points each checkpoint file at its stats (both lists in row order) and
  // keeps their arena with this segment's text.
  void attach_stats(CheckpointStatsRows&& stats);

  // The partitionValues keys of the metadata's partition columns (physical
  // names under column mapping).
  void compute_partition_keys();

  // Applies one commit file: protocol and metaData first, since adds are
  // typed by the metadata of their own version; then the rest in order.
  // `text` must have simdjson::SIMDJSON_PADDING bytes of capacity beyond its
  // size (read_commit_text() leaves them): its lines are parsed in place.
  void apply_commit(const std::string& key, const std::string& text);

  // The rows of a checkpoint part `key` except its adds (JSON objects in the
  // commit-file shape, any order): protocol and metaData first, since the
  // rest is read by the metadata.
  void apply_checkpoint_actions(const std::vector<std::string>& rows, const std::string& key);

 private:
  void set_metadata(MetadataAction&& m);
  void insert(FileEntry&& e);
  void remove_file(std::string_view path, const DeletionVectorDescriptor* dv);
};

// Completes `snap` at `target` with `last`, the replay of its newest
// commits: checks it has a protocol and metadata the reader supports, sets
// the version's timestamp and adds the replay's files as the last segment.
void finish_snapshot(Replay& last, Snapshot& snap, const LogListing& listing, int64_t target);

// Adds the replay's files to `snap` as a new segment (compacted if mostly dead).
void finish_segment(Replay& replay, Snapshot& snap);

// Throws NotSupported for a reader version or reader feature not implemented.
void check_protocol(const Snapshot& snap, const std::string& table);

// True if files encoded under metadata `a` (stats layout, partition values,
// column mapping) read the same under `b`.
bool same_file_layout(const Metadata& a, const Metadata& b);

// The paths and identities that `replay` (a newer run of commits) removed or
// re-added: a file an older segment holds with one of them is dead.
struct Superseded {
  explicit Superseded(Replay& replay);
  bool empty() const { return ids->empty(); }
  bool contains(const FileEntry& f) const {
    return paths.count(f.path()) && ids->count(file_identity(f.path(), f.deletion_vector.get()));
  }
  const std::unordered_set<std::string>* ids;
  std::unordered_set<std::string_view> paths;
};

// Marks dead the files of segments [0, old_segments) that `replay`
// superseded, and lowers the live count; segments are shared, so changed
// removal flags are copied first.
void remove_from_older(Replay& replay, Snapshot& snap, size_t old_segments);

// The text of commit file `key`, which the listing showed, with simdjson's
// padding as spare capacity after it so that its lines parse in place.
std::string read_commit_text(const TableLocation& table, const std::string& key);

}  // namespace neuralake::delta
