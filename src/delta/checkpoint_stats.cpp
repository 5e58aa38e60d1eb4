// The reader thread copies JSON stats texts into batches of about 256 KiB; any
// thread encodes a batch into its own arena. Typed stats (stats_parsed) are
// cheap to encode and are encoded by the reader as they come.
#include "delta/checkpoint_stats.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace neuralake::delta {

namespace {

constexpr size_t kBatchBytes = 256 << 10;
constexpr size_t kMaxQueued = 6;

// JSON texts waiting to be encoded, in checkpoint order.
struct Batch {
  size_t index = 0;  // position among batches: results are joined in this order
  std::string text;
  struct Item {
    uint64_t key;
    uint32_t offset, size;
  };
  std::vector<Item> items;
};

// One thread's encoding output.
struct Output {
  TextArena text;
  // Per batch it encoded: the batch index and its rows.
  std::vector<std::pair<size_t, std::vector<CheckpointStatsRows::Row>>> batches;
};

struct Cancelled {};

}  // namespace

struct CheckpointStatsLoader::State {
  CheckpointReader& reader;
  TableLocation table;
  std::vector<std::string> keys;
  std::shared_future<StatsLayout> layout;

  std::mutex mu;
  std::condition_variable changed;
  std::deque<Batch> queue;
  std::vector<std::string> spare;  // emptied batch buffers, reused
  bool reading_done = false;
  // The load is being abandoned (its layout failed, or it failed elsewhere):
  // the reader stops at its next row and waiting batches are dropped.
  std::atomic<bool> cancelled{false};
  std::exception_ptr error;
  // Rows of typed stats, encoded by the reader thread, with their text.
  Output typed;
  std::deque<Output> outputs;  // one per thread that encoded (stable addresses)

  std::thread reader_thread, encoder_thread;

  State(CheckpointReader& r, const TableLocation& t, std::vector<std::string> k, std::shared_future<StatsLayout> l)
      : reader(r), table(t), keys(std::move(k)), layout(std::move(l)) {}

  void read() {
    Batch batch;
    size_t next_index = 0;
    std::vector<CheckpointStatsRows::Row> typed_rows;
    StatsEncoder encoder;
    auto push = [&] {
      if (batch.items.empty()) return;
      batch.index = next_index++;
      std::unique_lock<std::mutex> lock(mu);
      // A bound on texts waiting, so slow encoders do not hold the whole column.
      changed.wait(lock, [&] { return queue.size() < kMaxQueued || cancelled; });
      if (cancelled) throw Cancelled{};
      queue.push_back(std::move(batch));
      batch = Batch{};
      if (!spare.empty()) {
        batch.text = std::move(spare.back());
        spare.pop_back();
      }
      changed.notify_one();
    };
    try {
      auto layout_of = [this]() -> const StatsLayout& { return layout.get(); };
      reader.read_add_stats(table.store, keys, layout_of, [&](const CheckpointStats& s) {
        if (cancelled.load(std::memory_order_relaxed)) throw Cancelled{};
        if (s.parsed) {
          int64_t num_records = -1;
          const std::string_view blob = encoder.encode(*s.parsed, layout.get(), num_records);
          if (!blob.empty() || num_records >= 0) typed_rows.push_back({s.at.key(), typed.text.store(blob), num_records});
          return;
        }
        if (batch.text.capacity() < kBatchBytes) batch.text.reserve(kBatchBytes);
        batch.items.push_back({s.at.key(), static_cast<uint32_t>(batch.text.size()), static_cast<uint32_t>(s.json.size())});
        batch.text.append(s.json);
        if (batch.text.size() >= kBatchBytes) push();
      });
      push();
    } catch (const Cancelled&) {
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu);
    if (!typed_rows.empty()) typed.batches.emplace_back(0, std::move(typed_rows));
    reading_done = true;
    changed.notify_all();
  }

  // Drops waiting batches and stops the reader at its next row.
  void cancel() {
    std::lock_guard<std::mutex> lock(mu);
    cancelled = true;
    queue.clear();
    changed.notify_all();
  }

  // Encodes batches until there are none; with `wait`, also waits for the
  // reader to produce more until it is done.
  void encode(bool wait) {
    Output* out = nullptr;
    StatsEncoder encoder;
    const StatsLayout* layout_ptr = nullptr;
    if (wait || layout.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      try {
        layout_ptr = &layout.get();
      } catch (...) {
        cancel();
        return;
      }
    } else {
      return;  // nothing can be encoded yet: not worth waiting for
    }
    const StatsLayout& layout = *layout_ptr;
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      if (wait) changed.wait(lock, [&] { return !queue.empty() || reading_done || cancelled; });
      if (queue.empty() || cancelled) return;
      Batch batch = std::move(queue.front());
      queue.pop_front();
      if (!out) out = &outputs.emplace_back();
      lock.unlock();
      std::vector<CheckpointStatsRows::Row> rows;
      rows.reserve(batch.items.size());
      for (const auto& item : batch.items) {
        int64_t num_records = -1;
        const std::string_view json(batch.text.data() + item.offset, item.size);
        const std::string_view blob = encoder.encode(json, layout, num_records);
        if (!blob.empty() || num_records >= 0) rows.push_back({item.key, out->text.store(blob), num_records});
      }
      out->batches.emplace_back(batch.index, std::move(rows));
      batch.text.clear();
      lock.lock();
      spare.push_back(std::move(batch.text));
      changed.notify_all();  // the reader may wait for room
    }
  }
};

CheckpointStatsLoader::CheckpointStatsLoader(CheckpointReader& reader, const TableLocation& table,
                                             std::vector<std::string> keys, std::shared_future<StatsLayout> layout)
    : state_(std::make_unique<State>(reader, table, std::move(keys), std::move(layout))) {
  State& s = *state_;
  s.reader_thread = std::thread([&s] { s.read(); });
  s.encoder_thread = std::thread([&s] { s.encode(true); });
}

// Unfinished (the load failed elsewhere): no reason to read on.
CheckpointStatsLoader::~CheckpointStatsLoader() { abandon(); }

void CheckpointStatsLoader::abandon() {
  state_->cancel();
  if (state_->reader_thread.joinable()) state_->reader_thread.join();
  if (state_->encoder_thread.joinable()) state_->encoder_thread.join();
}

void CheckpointStatsLoader::help() { state_->encode(false); }

CheckpointStatsRows CheckpointStatsLoader::finish() {
  State& s = *state_;
  s.encode(true);
  s.reader_thread.join();
  s.encoder_thread.join();
  if (s.error) std::rethrow_exception(s.error);
  if (s.cancelled) s.layout.get();  // rethrows why
  // Batches in reading order give rows in checkpoint order.
  std::vector<std::pair<size_t, std::vector<CheckpointStatsRows::Row>>*> batches;
  size_t total = 0;
  for (auto& out : s.outputs) {
    for (auto& b : out.batches) {
      batches.push_back(&b);
      total += b.second.size();
    }
  }
  std::sort(batches.begin(), batches.end(), [](const auto* x, const auto* y) { return x->first < y->first; });
  CheckpointStatsRows result;
  result.rows.reserve(total + (s.typed.batches.empty() ? 0 : s.typed.batches.front().second.size()));
  for (const auto* b : batches) result.rows.insert(result.rows.end(), b->second.begin(), b->second.end());
  if (!s.typed.batches.empty()) {
    auto& typed = s.typed.batches.front().second;
    result.rows.insert(result.rows.end(), typed.begin(), typed.end());
  }
  result.text.absorb(std::move(s.typed.text));
  for (auto& out : s.outputs) result.text.absorb(std::move(out.text));
  return result;
}

}  // namespace neuralake::delta
