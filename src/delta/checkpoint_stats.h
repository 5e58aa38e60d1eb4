// Reads the stats of a checkpoint's adds and encodes them on several threads:
// in a 100k-file log they are most of the bytes, and their JSON the most work.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/page_memory.h"
#include "delta/checkpoint_reader.h"
#include "delta/file_stats.h"
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

// Starts reading at construction: one thread per share of the rows (as many
// as cores, where the reader splits rows; otherwise one), each encoding what
// it reads. The layout may come later (a load learns it from the checkpoint's
// metaData while the stats are read): encoding waits for it, and an exception
// set in it cancels the load. Destruction stops the reading if finish() was
// not called, and waits for the threads.
class CheckpointStatsLoader {
 public:
  // `expected_rows`: how many adds the checkpoint holds, if known (0 if not),
  // to size the output once.
  CheckpointStatsLoader(CheckpointReader& reader, const TableLocation& table, std::vector<std::string> keys,
                        std::shared_future<StatsLayout> layout, size_t expected_rows = 0);
  ~CheckpointStatsLoader();
  CheckpointStatsLoader(const CheckpointStatsLoader&) = delete;
  CheckpointStatsLoader& operator=(const CheckpointStatsLoader&) = delete;

  // Waits for the reading and encoding to end; rethrows a read error.
  CheckpointStatsRows finish();
  // Stops reading and encoding (their results are of no use) and waits.
  void abandon();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace neuralake::delta
