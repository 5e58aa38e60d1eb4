// What pruning knows about the files of a Delta snapshot: partition values
// as constants and per-file stats as bounds. Shared by the scan (file
// skipping) and the writer (which files a replaceWhere or a concurrent
// commit touches).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "delta/file_stats.h"
#include "delta/snapshot.h"
#include "delta/typed_value.h"
#include "neuralake/error.h"
#include "pruning/predicate.h"

namespace neuralake::delta {

// What pruning knows about one file of a snapshot: its partition values as
// constants (slots 0..partitions-1) and its stats bounds (the stats layout's
// columns, from slot `partitions` on). Values or stats that do not parse
// are unknown: they never prune.
class DeltaFileFacts : public pruning::FileFacts {
 public:
  DeltaFileFacts(const Snapshot& snap, const std::vector<const DeltaType*>& partition_types)
      : snap_(snap), partition_types_(partition_types) {}
  void set_file(const FileEntry& file) { file_ = &file; }
  const FileEntry& file() const { return *file_; }

  // The slot of column `name`, or std::nullopt when the snapshot knows nothing of it.
  static std::optional<size_t> slot_of(const Snapshot& snap, const std::string& name) {
    const int p = snap.partition_index(name);
    if (p >= 0) return static_cast<size_t>(p);
    const int s = snap.stats_layout.find(name);
    if (s >= 0) return snap.metadata.partition_columns.size() + static_cast<size_t>(s);
    return std::nullopt;
  }

  pruning::ColumnFacts column(size_t slot) const override {
    const size_t partitions = partition_types_.size();
    if (slot < partitions) {
      if (!partition_types_[slot]) return pruning::ColumnFacts::unknown();
      try {
        return pruning::ColumnFacts::constant(
            parse_partition_value(file_->partition_value(slot), *partition_types_[slot], ""));
      } catch (const Error&) {
        return pruning::ColumnFacts::unknown();
      }
    }
    if (file_->stats().empty()) return pruning::ColumnFacts::unknown();
    auto st = decode_column_stats(file_->stats(), snap_.stats_layout, slot - partitions);
    return pruning::ColumnFacts::bounds(std::move(st.min), std::move(st.max), st.null_count, file_->num_records);
  }

 private:
  const Snapshot& snap_;
  const std::vector<const DeltaType*>& partition_types_;
  const FileEntry* file_ = nullptr;
};

// Each partition column's type, by partition index (null if not in the schema).
inline std::vector<const DeltaType*> partition_types(const Snapshot& snap) {
  std::vector<const DeltaType*> out;
  for (const auto& name : snap.metadata.partition_columns) {
    const int field = snap.schema.find(name);
    out.push_back(field < 0 ? nullptr : &snap.schema.fields[static_cast<size_t>(field)].type);
  }
  return out;
}

}  // namespace neuralake::delta
