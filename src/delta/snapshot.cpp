// Snapshot accessors over the shared file segments.
#include "delta/snapshot.h"

#include <cstring>

#include "delta/typed_value.h"

namespace neuralake::delta {

std::string TableLocation::file_key(std::string_view log_path) const {
  // Absolute URIs name their own location; the store must be the one serving it.
  if (log_path.find("://") != std::string::npos) return split_uri(url_decode(log_path)).key;
  return key.empty() ? url_decode(log_path) : key + "/" + url_decode(log_path);
}

std::optional<std::string> FileEntry::partition_value(size_t i) const {
  const std::string_view packed(text_ + path_len_, partitions_len_);
  size_t at = 0;
  for (size_t k = 0;; ++k) {
    if (at >= packed.size()) return std::nullopt;
    const bool present = packed[at++] != 0;
    uint32_t len = 0;
    if (present) {
      std::memcpy(&len, packed.data() + at, sizeof len);
      at += sizeof len;
    }
    if (k == i) return present ? std::optional<std::string>(std::string(packed.substr(at, len))) : std::nullopt;
    at += len;
  }
}

void FileEntry::set_path(std::string_view path, const std::vector<std::optional<std::string_view>>& values,
                         TextArena& arena, std::string& packed) {
  packed.assign(path);
  for (const auto& v : values) {
    packed += v ? '\x01' : '\x00';
    if (!v) continue;
    const uint32_t len = static_cast<uint32_t>(v->size());
    packed.append(reinterpret_cast<const char*>(&len), sizeof len);
    packed += *v;
  }
  text_ = arena.store(packed).data();
  path_len_ = static_cast<uint32_t>(path.size());
  partitions_len_ = static_cast<uint32_t>(packed.size() - path.size());
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
