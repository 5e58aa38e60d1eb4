// Snapshot accessors over the shared file segments.
#include "delta/snapshot.h"

#include "delta/typed_value.h"

namespace neuralake::delta {

std::string TableLocation::file_key(const std::string& log_path) const {
  // Absolute URIs name their own location; the store must be the one serving it.
  if (log_path.find("://") != std::string::npos) return split_uri(url_decode(log_path)).key;
  return key.empty() ? url_decode(log_path) : key + "/" + url_decode(log_path);
}

int64_t Snapshot::total_bytes() const {
  int64_t total = 0;
  for_each_file([&](const FileEntry& f) { total += f.size; });
  return total;
}

void Snapshot::for_each_file(const std::function<void(const FileEntry&)>& fn) const {
  for (const auto& seg : segments) {
    const auto& files = *seg.files;
    for (size_t i = 0; i < files.size(); ++i) {
      if (seg.removed && (*seg.removed)[i]) continue;
      fn(files[i]);
    }
  }
}

std::vector<const FileEntry*> Snapshot::files() const {
  std::vector<const FileEntry*> out;
  out.reserve(num_files_);
  for_each_file([&](const FileEntry& f) { out.push_back(&f); });
  return out;
}

int Snapshot::partition_index(const std::string& name) const {
  for (size_t i = 0; i < metadata.partition_columns.size(); ++i) {
    if (metadata.partition_columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace neuralake::delta
