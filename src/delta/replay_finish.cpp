// Turning replays into a snapshot's segments: the replay's files as a new
// segment, the files of older segments that newer commits superseded marked
// dead, and the protocol checked once the replay is done.
#include <algorithm>

#include "delta/log_replay.h"
#include "delta/replay.h"
#include "neuralake/error.h"

namespace neuralake::delta {

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

bool same_file_layout(const Metadata& a, const Metadata& b) {
  return a.schema_string == b.schema_string && a.partition_columns == b.partition_columns &&
         a.configuration == b.configuration;
}

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

Superseded::Superseded(Replay& replay) {
  // A new add of a file an older segment holds replaces it.
  for (const auto& [id, pos] : replay.index) replay.removed_elsewhere.emplace(id);
  ids = &replay.removed_elsewhere;
  for (const auto& id : *ids) paths.insert(std::string_view(id).substr(0, id.find('\x01')));
}

void remove_from_older(Replay& replay, Snapshot& snap, size_t old_segments) {
  const Superseded superseded(replay);
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

}  // namespace neuralake::delta
