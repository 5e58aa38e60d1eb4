// Reads the stats of a checkpoint's adds and encodes them on several threads:
// in a 100k-file log they are most of the bytes, and their JSON the most work.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "delta/checkpoint_reader.h"
#include "delta/file_stats.h"
#include "common/page_memory.h"
#include "delta/snapshot.h"
#include "delta/text_arena.h"

namespace neuralake::delta {

// Encoded stats keyed by checkpoint row (CheckpointRow::key), ascending; the
// blobs live in `text`.
struct CheckpointStatsRows {
  struct Row {
    uint64_t key;
    std::string_view blob;
    int64_t num_records;
  };
  std::vector<Row, PageAllocator<Row>> rows;
  TextArena text;
};

// Starts reading at construction, on a thread of its own, and encodes on a
// second one; other threads may lend a hand with help() once their own part
// of a load is done. The layout may come later (a load learns it from the
// checkpoint's metaData while the stats are read): encoding waits for it, and
// an exception set in it cancels the load. Destruction stops the reading if
// finish() was not called, and waits for both threads.
class CheckpointStatsLoader {
 public:
  CheckpointStatsLoader(CheckpointReader& reader, const TableLocation& table, std::vector<std::string> keys,
                        std::shared_future<StatsLayout> layout);
  ~CheckpointStatsLoader();
  CheckpointStatsLoader(const CheckpointStatsLoader&) = delete;
  CheckpointStatsLoader& operator=(const CheckpointStatsLoader&) = delete;

  // Encodes waiting batches on the calling thread until none is left to take.
  void help();
  // Waits for the reading and encoding to end; rethrows a read error.
  CheckpointStatsRows finish();
  // Stops reading and encoding (their results are of no use) and waits.
  void abandon();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace neuralake::delta
