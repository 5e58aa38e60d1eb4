// A snapshot load from a Parquet checkpoint and the commits after it.
//
// Four reads overlap. The stats of the checkpoint's adds, the bulk of its
// bytes, start at once on threads of their own (their encoding waits for the
// layout from the checkpoint's metaData), as does reading the commits after
// it; their replay, into a segment of their own (from the checkpoint's
// protocol, metadata and txns; they reconcile against the checkpoint's files
// afterwards, as a refresh does) and the checkpoint's adds follow the
// checkpoint's other actions.
#include "delta/checkpoint_load.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <future>
#include <utility>

#include "delta/background_task.h"
#include "delta/checkpoint_stats.h"
#include "delta/replay.h"
#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

// How many adds the checkpoint holds, as _last_checkpoint says (0: unknown
// or implausible), to size what they fill once.
size_t expected_adds(const Snapshot& snap) {
  if (const auto& last = snap.last_checkpoint) {
    const int64_t n = last->num_of_add_files.value_or(last->size.value_or(0));
    if (n > 0 && n < (int64_t{1} << 28)) return static_cast<size_t>(n);
  }
  return 0;
}

class CheckpointLoad {
 public:
  CheckpointLoad(Snapshot& snap, CheckpointReader& checkpoints, const LogListing& listing, int64_t version,
                 const CheckpointFiles& cp, int64_t target)
      : snap_(snap), table_(snap.location), checkpoints_(checkpoints), listing_(listing), cp_(cp), target_(target),
        start_(version + 1), replay_(table_, snap), tail_(table_, tail_snap_) {
    summary_.version = start_ - 1;
    summary_.parts = static_cast<int>(cp.keys.size());
  }

  void run();

 private:
  void replay_commits();
  void read_actions();
  void read_adds();
  void reread_for_new_layout();
  void mark_superseded();
  void finish();

  Snapshot& snap_;
  const TableLocation& table_;
  CheckpointReader& checkpoints_;
  const LogListing& listing_;
  const CheckpointFiles& cp_;
  const int64_t target_;
  const int64_t start_;  // the first commit after the checkpoint
  CheckpointSummary summary_;
  Replay replay_;        // the checkpoint's files
  Snapshot tail_snap_;   // the state after the commits that follow it
  Replay tail_;          // their files
  std::promise<StatsLayout> layout_promise_;
  std::promise<void> actions_promise_;
  std::shared_future<void> actions_ready_ = actions_promise_.get_future().share();
  std::atomic<bool> load_over_{false};  // set when run() is left, by success or error
};

void CheckpointLoad::run() {
  CheckpointStatsLoader stats(checkpoints_, table_, cp_.keys, layout_promise_.get_future().share(),
                              expected_adds(snap_));
  BackgroundTask commits([this] { replay_commits(); });
  // Left before `commits` is joined, so a failed load stops its replay.
  struct SetOnExit {
    std::atomic<bool>& flag;
    ~SetOnExit() { flag = true; }
  } stop_commits{load_over_};
  read_actions();
  // Adds on this thread; once adds and commits are in, the commits' removes
  // are applied to the checkpoint's files, and the stats joined to them
  // when their threads are done.
  read_adds();
  commits.join();
  if (summary_.adds > 0 && !same_file_layout(tail_snap_.metadata, snap_.metadata)) {
    stats.abandon();  // encoded for the checkpoint's layout: of no use
    reread_for_new_layout();
  } else {
    mark_superseded();
    replay_.attach_stats(stats.finish());
  }
  finish();
}

// Commits read before the checkpoint's actions are in wait; once they are,
// each is replayed as soon as it is read (its text then freed, so the next
// one reuses the memory).
void CheckpointLoad::replay_commits() {
  std::deque<std::pair<int64_t, std::string>> waiting;
  auto replay_waiting = [&] {
    for (; !waiting.empty() && !load_over_; waiting.pop_front()) {
      tail_.apply_commit(listing_.commits.at(waiting.front().first).key, waiting.front().second);
    }
  };
  for (int64_t v = start_; v <= target_ && !load_over_; ++v) {
    waiting.emplace_back(v, read_commit_text(table_, listing_.commits.at(v).key));
    if (actions_ready_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      actions_ready_.get();  // rethrows a failure to read them
      replay_waiting();
    }
  }
  actions_ready_.get();
  replay_waiting();
}

// The checkpoint's protocol, metaData, txns and removes; the commits after
// it start from the state they give.
void CheckpointLoad::read_actions() {
  try {
    std::vector<std::string> rows;
    checkpoints_.read_actions(table_.store, cp_.keys, [&](std::string_view row) { rows.emplace_back(row); });
    replay_.counts = &summary_;
    replay_.apply_checkpoint_actions(rows, cp_.keys.front());
    replay_.counts = nullptr;
    tail_snap_ = snap_;
    tail_.have_metadata = replay_.have_metadata;
    tail_.have_protocol = replay_.have_protocol;
    tail_.partition_keys = replay_.partition_keys;
  } catch (...) {
    layout_promise_.set_exception(std::current_exception());
    actions_promise_.set_exception(std::current_exception());
    throw;
  }
  layout_promise_.set_value(snap_.stats_layout);
  actions_promise_.set_value();
}

// Adds come typed (no JSON): they are most of a checkpoint, and unique
// within it, so they need no index.
void CheckpointLoad::read_adds() {
  replay_.indexed = false;
  if (const size_t n = expected_adds(snap_); n > 0) {
    replay_.files.reserve(n);
    replay_.checkpoint_rows.reserve(n);
    replay_.removed.reserve(n);
  }
  checkpoints_.read_adds(table_.store, cp_.keys, replay_.partition_keys, [&](const CheckpointAdd& a) {
    ++summary_.adds;
    replay_.add(a, cp_.keys[a.at.part < cp_.keys.size() ? a.at.part : 0]);
  });
}

// A later commit changed the schema or partitioning: the checkpoint's adds
// are read again, their stats encoded for the snapshot's own layout.
void CheckpointLoad::reread_for_new_layout() {
  replay_.files.clear();
  replay_.removed.clear();
  replay_.checkpoint_rows.clear();
  replay_.text = std::make_shared<TextArena>();
  snap_.metadata = tail_snap_.metadata;
  snap_.schema = tail_snap_.schema;
  snap_.column_mapping = tail_snap_.column_mapping;
  snap_.stats_layout = tail_snap_.stats_layout;
  replay_.compute_partition_keys();
  summary_.adds = 0;
  std::promise<StatsLayout> layout;
  layout.set_value(snap_.stats_layout);
  CheckpointStatsLoader restats(checkpoints_, table_, cp_.keys, layout.get_future().share());
  read_adds();
  replay_.attach_stats(restats.finish());
  mark_superseded();
}

// The commits' removes and re-adds, applied to the checkpoint's files.
void CheckpointLoad::mark_superseded() {
  const Superseded superseded(tail_);
  if (superseded.empty()) return;
  for (size_t i = 0; i < replay_.files.size(); ++i) {
    if (superseded.contains(replay_.files[i])) replay_.removed[i] = true;
  }
}

// The checkpoint's files as the first segment, the commits' as the last;
// the table's state as the commits left it.
void CheckpointLoad::finish() {
  snap_.checkpoint = summary_;
  finish_segment(replay_, snap_);
  snap_.protocol = std::move(tail_snap_.protocol);
  snap_.metadata = std::move(tail_snap_.metadata);
  snap_.schema = std::move(tail_snap_.schema);
  snap_.column_mapping = tail_snap_.column_mapping;
  snap_.stats_layout = std::move(tail_snap_.stats_layout);
  snap_.txns = std::move(tail_snap_.txns);
  finish_snapshot(tail_, snap_, listing_, target_);
  checkpoints_.release_buffers();
}

}  // namespace

void load_from_checkpoint(Snapshot& snap, CheckpointReader& checkpoints, const LogListing& listing, int64_t version,
                          const CheckpointFiles& cp, int64_t target) {
  if (cp.v2) {
    throw Error(ErrorCode::NotSupported, cp.keys.front(),
                "Delta table '" + snap.location.name + "' has a v2 checkpoint (" + cp.keys.front() +
                    "); reader feature 'v2Checkpoint' is not supported");
  }
  CheckpointLoad(snap, checkpoints, listing, version, cp, target).run();
}

}  // namespace neuralake::delta
