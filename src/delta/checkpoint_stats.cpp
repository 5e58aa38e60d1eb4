// Each thread reads its share of the checkpoint's rows (where the reader
// splits them; otherwise one thread reads all) and encodes the stats as they
// come, straight from the decoded page into its own arena: no copy of the
// text in between and no queue.
#include "delta/checkpoint_stats.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <thread>

namespace neuralake::delta {

namespace {

struct Cancelled {};

// How many threads read shares of the stats: the cores, within reason.
uint32_t share_count(const CheckpointReader& reader) {
  if (!reader.shares_rows()) return 1;
  return std::clamp(std::thread::hardware_concurrency(), 2u, 8u);
}

}  // namespace

struct CheckpointStatsLoader::State {
  CheckpointReader& reader;
  TableLocation table;
  std::vector<std::string> keys;
  std::shared_future<StatsLayout> layout;
  // The load is being abandoned (it failed elsewhere, or a share failed):
  // every share stops at its next row.
  std::atomic<bool> cancelled{false};

  struct Share {
    std::thread thread;
    TextArena text;
    std::vector<CheckpointStatsRows::Row, PageAllocator<CheckpointStatsRows::Row>> rows;
    std::exception_ptr error;
  };
  std::deque<Share> shares;  // stable addresses for the threads

  State(CheckpointReader& r, const TableLocation& t, std::vector<std::string> k, std::shared_future<StatsLayout> l)
      : reader(r), table(t), keys(std::move(k)), layout(std::move(l)) {}

  void read(Share& share, RowShare which) {
    StatsEncoder encoder;
    const StatsLayout* layout_ptr = nullptr;
    try {
      auto layout_of = [this]() -> const StatsLayout& { return layout.get(); };
      reader.read_add_stats(
          table.store, keys, layout_of,
          [&](const CheckpointStats& s) {
            if (cancelled.load(std::memory_order_relaxed)) throw Cancelled{};
            // The layout comes from the checkpoint's metaData: the first row
            // may wait for it.
            if (!layout_ptr) layout_ptr = &layout.get();
            int64_t num_records = -1;
            const std::string_view blob = s.parsed ? encoder.encode(*s.parsed, *layout_ptr, num_records)
                                                   : encoder.encode(s.json, *layout_ptr, num_records);
            if (!blob.empty() || num_records >= 0) share.rows.push_back({s.at.key(), share.text.store(blob), num_records});
          },
          which);
    } catch (const Cancelled&) {
    } catch (...) {
      share.error = std::current_exception();
      cancelled = true;  // the load fails: the other shares need not go on
    }
  }

  void join() {
    for (auto& s : shares) {
      if (s.thread.joinable()) s.thread.join();
    }
  }
};

CheckpointStatsLoader::CheckpointStatsLoader(CheckpointReader& reader, const TableLocation& table,
                                             std::vector<std::string> keys, std::shared_future<StatsLayout> layout,
                                             size_t expected_rows)
    : state_(std::make_unique<State>(reader, table, std::move(keys), std::move(layout))) {
  State& s = *state_;
  const uint32_t count = share_count(reader);
  for (uint32_t i = 0; i < count; ++i) {
    // The first share's rows take the others' at the end: room for all of
    // them (pages are only mapped where written).
    auto& rows = s.shares.emplace_back().rows;
    if (expected_rows > 0) rows.reserve((i == 0 ? expected_rows : expected_rows / count) + 1024);
  }
  for (uint32_t i = 0; i < count; ++i) {
    auto& share = s.shares[i];
    share.thread = std::thread([&s, &share, i, count] { s.read(share, RowShare{i, count}); });
  }
}

// Unfinished (the load failed elsewhere): no reason to read on.
CheckpointStatsLoader::~CheckpointStatsLoader() { abandon(); }

void CheckpointStatsLoader::abandon() {
  state_->cancelled = true;
  state_->join();
}

CheckpointStatsRows CheckpointStatsLoader::finish() {
  State& s = *state_;
  s.join();
  for (auto& share : s.shares) {
    if (share.error) std::rethrow_exception(share.error);
  }
  if (s.cancelled) s.layout.get();  // rethrows why
  // Shares in order give rows in checkpoint order within each part.
  CheckpointStatsRows result;
  size_t total = 0;
  for (const auto& share : s.shares) total += share.rows.size();
  result.rows = std::move(s.shares.front().rows);
  result.rows.reserve(total);
  for (size_t i = 1; i < s.shares.size(); ++i) {
    auto& rows = s.shares[i].rows;
    result.rows.insert(result.rows.end(), rows.begin(), rows.end());
    rows = {};
  }
  for (auto& share : s.shares) result.text.absorb(std::move(share.text));
  return result;
}

}  // namespace neuralake::delta
