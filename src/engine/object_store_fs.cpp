// A duckdb::FileSystem that serves DuckDB's reads, globs and COPY writes from
// ObjectStores resolved through a StoreRegistry, counting what it serves.
#include "engine/object_store_fs.h"

#include <algorithm>
#include <set>

#include "duckdb.hpp"
#include "duckdb/common/file_opener.hpp"
#include "duckdb/common/file_system.hpp"
#include "engine/errors.h"
#include "neuralake/error.h"
#include "storage/key_glob.h"
#include "storage/confinement_switch.h"
#include "storage/store_registry.h"

namespace neuralake::engine {
namespace {

using duckdb::FileHandle;
using duckdb::FileOpenFlags;
using duckdb::FileOpener;
using duckdb::idx_t;
using duckdb::OpenFileInfo;
using duckdb::optional_ptr;
using duckdb::timestamp_t;

// Runs `fn`, turning a neuralake::Error into a DuckDB exception that keeps its
// code and object; DuckDB's own exceptions pass through untouched.
template <class Fn>
auto guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error& e) {
    throw_into_duckdb(e);
  }
}

timestamp_t to_timestamp(std::chrono::system_clock::time_point t) {
  return timestamp_t(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

// The URI of `key` in the store named `store_uri` ("file://" + "/" + "a/b" = "file:///a/b").
std::string uri_of(const std::string& store_uri, const std::string& key) { return store_uri + "/" + key; }

class ObjectStoreFileHandle : public FileHandle {
 public:
  ObjectStoreFileHandle(duckdb::FileSystem& fs, const std::string& path, FileOpenFlags flags,
                        StoreRegistry::Resolved loc)
      : FileHandle(fs, path, flags), loc(std::move(loc)) {}

  // Publishes a written object; a reading handle has nothing to release.
  void Close() override {
    if (writer) {
      auto w = std::move(writer);
      guarded([&] { w->close(); });
    }
  }

  StoreRegistry::Resolved loc;
  // Reading.
  uint64_t size = 0;
  timestamp_t last_modified = timestamp_t(0);
  std::string etag;
  idx_t position = 0;
  // Writing: the bytes go to the store's streaming writer.
  std::unique_ptr<ObjectWriter> writer;
  uint64_t written = 0;
};

class ObjectStoreFileSystem : public duckdb::FileSystem {
 public:
  ObjectStoreFileSystem(std::shared_ptr<StoreRegistry> registry, std::shared_ptr<const ConfinementSwitch> confinement)
      : registry_(std::move(registry)), confinement_(std::move(confinement)) {}

  using duckdb::FileSystem::ListFiles;
  using duckdb::FileSystem::OpenFile;

  std::string GetName() const override { return "neuralake_object_store"; }
  bool CanHandleFile(const std::string& path) override { return registry_->handles(path); }

  duckdb::unique_ptr<FileHandle> OpenFile(const std::string& path, FileOpenFlags flags,
                                       optional_ptr<FileOpener> opener) override {
    return OpenFileExtended(OpenFileInfo(path), flags, opener);
  }

  void Read(FileHandle& handle, void* buffer, int64_t nr_bytes, idx_t location) override {
    auto& h = cast(handle);
    if (nr_bytes <= 0) return;
    size_t got = read_at(h, static_cast<char*>(buffer), static_cast<uint64_t>(nr_bytes), location);
    if (got != static_cast<size_t>(nr_bytes)) {
      throw duckdb::IOException("Could not read %lld bytes at offset %llu from \"%s\": the object has %llu bytes",
                                static_cast<long long>(nr_bytes), static_cast<unsigned long long>(location), h.path,
                                static_cast<unsigned long long>(h.size));
    }
  }

  int64_t Read(FileHandle& handle, void* buffer, int64_t nr_bytes) override {
    auto& h = cast(handle);
    if (nr_bytes <= 0 || h.position >= h.size) return 0;
    size_t got = read_at(h, static_cast<char*>(buffer), static_cast<uint64_t>(nr_bytes), h.position);
    h.position += got;
    return static_cast<int64_t>(got);
  }

  void Write(FileHandle& handle, void* buffer, int64_t nr_bytes, idx_t location) override {
    auto& h = cast(handle);
    if (location != h.written) {
      throw duckdb::NotImplementedException(
          "\"%s\": objects are written front to back; cannot write at offset %llu after %llu bytes", h.path,
          static_cast<unsigned long long>(location), static_cast<unsigned long long>(h.written));
    }
    Write(handle, buffer, nr_bytes);
  }

  int64_t Write(FileHandle& handle, void* buffer, int64_t nr_bytes) override {
    auto& h = cast(handle);
    if (!h.writer) throw duckdb::IOException("\"%s\" is not open for writing", h.path);
    if (nr_bytes <= 0) return 0;
    guarded([&] { h.writer->write(static_cast<const char*>(buffer), static_cast<size_t>(nr_bytes)); });
    h.written += static_cast<uint64_t>(nr_bytes);
    return nr_bytes;
  }

  int64_t GetFileSize(FileHandle& handle) override {
    auto& h = cast(handle);
    return static_cast<int64_t>(h.flags.OpenForWriting() ? h.written : h.size);
  }
  timestamp_t GetLastModifiedTime(FileHandle& handle) override { return cast(handle).last_modified; }
  std::string GetVersionTag(FileHandle& handle) override { return cast(handle).etag; }
  duckdb::FileType GetFileType(FileHandle&) override { return duckdb::FileType::FILE_TYPE_REGULAR; }

  void Truncate(FileHandle& handle, int64_t new_size) override {
    auto& h = cast(handle);
    if (new_size >= 0 && static_cast<uint64_t>(new_size) == h.written) return;
    throw duckdb::NotImplementedException("\"%s\": objects cannot be truncated", h.path);
  }
  // Objects are published whole on Close(); there is nothing durable to flush before.
  void FileSync(FileHandle&) override {}

  bool FileExists(const std::string& filename, optional_ptr<FileOpener>) override {
    return guarded([&] {
      allow(filename, "read");
      auto loc = registry_->resolve(filename);
      if (loc.key.empty()) return false;
      ++loc.counters->head_requests;
      return loc.store->head(loc.key).has_value();
    });
  }
  bool IsPipe(const std::string&, optional_ptr<FileOpener>) override { return false; }

  bool DirectoryExists(const std::string& directory, optional_ptr<FileOpener>) override {
    return guarded([&] {
      allow(directory, "list");
      auto loc = registry_->resolve(directory);
      if (loc.key.empty()) return true;  // a store's root always exists
      ++loc.counters->list_requests;
      return !loc.store->list(dir_prefix(loc.key)).empty();
    });
  }
  // Directories are implied by keys; writers create what a local path needs.
  void CreateDirectory(const std::string& directory, optional_ptr<FileOpener>) override {
    guarded([&] { refuse_write(directory, "create"); });
  }
  void CreateDirectoriesRecursive(const std::string& directory, optional_ptr<FileOpener>) override {
    guarded([&] { refuse_write(directory, "create"); });
  }

  void RemoveDirectory(const std::string& directory, optional_ptr<FileOpener>) override {
    guarded([&] {
      refuse_write(directory, "remove");
      auto loc = registry_->resolve(directory);
      ++loc.counters->list_requests;
      for (const auto& info : loc.store->list(dir_prefix(loc.key))) loc.store->remove(info.key);
    });
  }

  bool ListFiles(const std::string& directory, const std::function<void(const std::string&, bool)>& callback,
                 FileOpener*) override {
    return guarded([&] {
      allow(directory, "list");
      auto loc = registry_->resolve(directory);
      std::string prefix = dir_prefix(loc.key);
      ++loc.counters->list_requests;
      auto infos = loc.store->list(prefix);
      std::set<std::string> dirs;
      for (const auto& info : infos) {
        std::string rest = info.key.substr(prefix.size());
        size_t slash = rest.find('/');
        if (slash == std::string::npos) {
          callback(rest, false);
        } else if (dirs.insert(rest.substr(0, slash)).second) {
          callback(rest.substr(0, slash), true);
        }
      }
      return !infos.empty();
    });
  }

  void MoveFile(const std::string& source, const std::string& target, optional_ptr<FileOpener>) override {
    // Stores have no rename: copy, then remove the source (COPY's temp file).
    guarded([&] {
      refuse_write(target, "move '" + source + "' to");
      auto from = registry_->resolve(source);
      auto to = registry_->resolve(target);
      auto reader = from.store->open_reader(from.key);
      ++from.counters->files_opened;
      auto writer = to.store->open_writer(to.key);
      std::string buf(1 << 20, '\0');
      for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) {
        ++from.counters->read_requests;
        from.counters->bytes_read += n;
        writer->write(buf.data(), n);
      }
      writer->close();
      from.store->remove(from.key);
    });
  }

  void RemoveFile(const std::string& filename, optional_ptr<FileOpener> opener) override {
    if (!TryRemoveFile(filename, opener)) throw duckdb::IOException("Could not remove \"%s\": no such object", filename);
  }
  bool TryRemoveFile(const std::string& filename, optional_ptr<FileOpener>) override {
    return guarded([&] {
      refuse_write(filename, "remove");
      auto loc = registry_->resolve(filename);
      ++loc.counters->head_requests;
      if (loc.key.empty() || !loc.store->head(loc.key)) return false;
      loc.store->remove(loc.key);
      return true;
    });
  }

  std::string PathSeparator(const std::string&) override { return "/"; }

  duckdb::vector<OpenFileInfo> Glob(const std::string& path, FileOpener*) override {
    return guarded([&] {
      allow(path, "list");
      duckdb::vector<OpenFileInfo> result;
      auto loc = registry_->resolve(path);
      if (loc.key.empty()) return result;
      if (storage::has_glob(loc.key)) {
        for (const auto& info : glob_candidates(loc, loc.key)) {
          if (storage::glob_match(loc.key, info.key)) result.push_back(describe(uri_of(loc.store_uri, info.key), info));
        }
        if (!result.empty()) return allowed_matches(std::move(result));
        // As DuckDB does: a pattern that matches nothing may be a literal name with '[' or '*'.
      }
      // Called for plain paths too: the path itself, if it is an object.
      ++loc.counters->head_requests;
      if (auto info = loc.store->head(loc.key)) result.push_back(describe(path, *info));
      return result;
    });
  }

  void Seek(FileHandle& handle, idx_t location) override { cast(handle).position = location; }
  void Reset(FileHandle& handle) override { cast(handle).position = 0; }
  idx_t SeekPosition(FileHandle& handle) override { return cast(handle).position; }
  bool CanSeek() override { return true; }
  // file:// objects are local files: saying so keeps DuckDB's Parquet reader
  // from its remote-file read-ahead (whole column chunks into extra buffers),
  // which costs local scans CPU and memory for nothing.
  bool OnDiskFile(FileHandle& handle) override { return cast(handle).loc.store_uri.rfind("file://", 0) == 0; }

 protected:
  bool SupportsOpenFileExtended() const override { return true; }

  duckdb::unique_ptr<FileHandle> OpenFileExtended(const OpenFileInfo& file, FileOpenFlags flags,
                                               optional_ptr<FileOpener>) override {
    if (flags.OpenForAppending() || (flags.OpenForReading() && flags.OpenForWriting())) {
      throw duckdb::NotImplementedException(
          "\"%s\": objects are read or written whole; appending and read-write access are not supported", file.path);
    }
    return guarded([&]() -> duckdb::unique_ptr<FileHandle> {
      if (flags.OpenForWriting()) refuse_write(file.path, "write");
      allow(file.path, "read");
      auto loc = registry_->resolve(file.path);
      if (loc.key.empty()) throw Error(ErrorCode::InvalidArgument, file.path, "'" + file.path + "' names a store, not an object");
      auto& counters = *loc.counters;
      auto handle = duckdb::make_uniq<ObjectStoreFileHandle>(*this, file.path, flags, loc);
      if (flags.OpenForWriting()) {
        if (flags.ExclusiveCreate()) {
          ++counters.head_requests;
          if (loc.store->head(loc.key)) {
            if (flags.ReturnNullIfExists()) return nullptr;
            throw Error(ErrorCode::AlreadyExists, file.path, "object '" + file.path + "' already exists");
          }
        }
        handle->writer = loc.store->open_writer(loc.key);
        ++counters.files_opened;
        return handle;
      }
      if (!known_info(file, *handle)) {
        ++counters.head_requests;
        auto info = loc.store->head(loc.key);
        if (!info) {
          if (flags.ReturnNullIfNotExists()) return nullptr;
          throw Error(ErrorCode::NotFound, file.path, "no such object: '" + file.path + "'");
        }
        handle->size = info->size;
        handle->last_modified = to_timestamp(info->last_modified);
        handle->etag = info->etag;
      }
      ++counters.files_opened;
      return handle;
    });
  }

 private:
  static ObjectStoreFileHandle& cast(FileHandle& handle) { return handle.Cast<ObjectStoreFileHandle>(); }

  static std::string dir_prefix(const std::string& key) {
    if (key.empty() || key.back() == '/') return key;
    return key + "/";
  }

  // Objects that may match `pattern`, listing as little as it allows. Without
  // "**" a match has exactly as many segments as the pattern, so nothing deeper
  // is listed. A directory segment that restricts names ("part=3", "p=[35]",
  // "day=2024-*") is walked level by level, so only the matching directories
  // are listed: DuckDB (1.4) expands a glob whole before its Hive filters
  // prune the files, so a partition filter spelled in the glob is what limits
  // the listing. A bare "*" directory segment gains nothing from a walk (every
  // directory matches); from there one shallow listing covers the rest.
  static std::vector<ObjectInfo> glob_candidates(const StoreRegistry::Resolved& loc, const std::string& pattern) {
    if (pattern == "**" || pattern.rfind("**/", 0) == 0 || pattern.find("/**") != std::string::npos) {
      ++loc.counters->list_requests;
      return loc.store->list(storage::glob_literal_prefix(pattern));
    }
    const size_t depth = std::count(pattern.begin(), pattern.end(), '/') + 1;
    std::vector<std::string> dirs{""};  // directory prefixes that can still match
    size_t rest = 0;                    // where the unwalked part of the pattern starts
    for (size_t slash; (slash = pattern.find('/', rest)) != std::string::npos; rest = slash + 1) {
      std::string_view segment(pattern.data() + rest, slash - rest);
      if (segment == "*") break;
      std::vector<std::string> next;
      for (const auto& dir : dirs) {
        if (!storage::has_glob(segment)) {
          next.push_back(dir + std::string(segment) + "/");
          continue;
        }
        ++loc.counters->list_requests;
        auto level = loc.store->list_level(dir + std::string(storage::glob_literal_prefix(segment)));
        for (auto& sub : level.prefixes) {
          std::string_view name(sub.data() + dir.size(), sub.size() - dir.size() - 1);
          if (storage::glob_match(segment, name)) next.push_back(std::move(sub));
        }
      }
      dirs = std::move(next);
    }
    std::vector<ObjectInfo> out;
    std::string_view tail = storage::glob_literal_prefix(std::string_view(pattern).substr(rest));
    for (const auto& dir : dirs) {
      ++loc.counters->list_requests;
      auto infos = loc.store->list_shallow(dir + std::string(tail), depth);
      std::move(infos.begin(), infos.end(), std::back_inserter(out));
    }
    return out;
  }

  // A glob result that carries what head() knew, so opening it needs no second request.
  static OpenFileInfo describe(std::string path, const ObjectInfo& info) {
    OpenFileInfo out(std::move(path));
    out.extended_info = duckdb::make_shared_ptr<duckdb::ExtendedOpenFileInfo>();
    auto& options = out.extended_info->options;
    options["file_size"] = duckdb::Value::UBIGINT(info.size);
    options["last_modified"] = duckdb::Value::TIMESTAMP(to_timestamp(info.last_modified));
    options["etag"] = duckdb::Value(info.etag);
    return out;
  }

  // Fills size, mtime and etag from the OpenFileInfo's options, if it has a size.
  static bool known_info(const OpenFileInfo& file, ObjectStoreFileHandle& h) {
    if (!file.extended_info) return false;
    const auto& options = file.extended_info->options;
    auto size = options.find("file_size");
    if (size == options.end() || size->second.IsNull()) return false;
    h.size = size->second.GetValue<uint64_t>();
    auto mtime = options.find("last_modified");
    if (mtime != options.end() && !mtime->second.IsNull()) h.last_modified = mtime->second.GetValue<timestamp_t>();
    auto etag = options.find("etag");
    if (etag != options.end() && !etag->second.IsNull()) h.etag = etag->second.ToString();
    return true;
  }

  size_t read_at(ObjectStoreFileHandle& h, char* out, uint64_t n, uint64_t offset) {
    auto& counters = *h.loc.counters;
    ++counters.read_requests;
    size_t got = guarded([&] { return h.loc.store->read_range(h.loc.key, offset, n, out); });
    counters.bytes_read += got;
    return got;
  }

  // Confined: the matches of an allowed pattern, each checked too, since a
  // match may lie beyond a symbolic link the pattern crossed; a table
  // directory holding a link out fails rather than reading less.
  duckdb::vector<OpenFileInfo> allowed_matches(duckdb::vector<OpenFileInfo> matches) const {
    if (auto list = confined())
      for (const auto& m : matches) list->check(m.path, "list");
    return matches;
  }
  // Confined: throws PermissionDenied unless the allow-list has `path`.
  void allow(const std::string& path, std::string_view action) const {
    if (auto list = confined()) list->check(path, action);
  }
  // Confined: throws PermissionDenied, since a confined session only reads.
  void refuse_write(const std::string& path, const std::string& action) const {
    if (!confined()) return;
    throw Error(ErrorCode::PermissionDenied, path,
                "cannot " + action + " '" + path + "': this session only reads its catalog's tables");
  }

  // The allow-list to check; null while not confined.
  const PathAllowList* confined() const { return confinement_ ? confinement_->list() : nullptr; }

  std::shared_ptr<StoreRegistry> registry_;
  std::shared_ptr<const ConfinementSwitch> confinement_;
};

}  // namespace

void register_object_store_filesystem(duckdb::DatabaseInstance& db, std::shared_ptr<StoreRegistry> registry,
                                      std::shared_ptr<const ConfinementSwitch> confinement) {
  db.GetFileSystem().RegisterSubSystem(
      duckdb::make_uniq<ObjectStoreFileSystem>(std::move(registry), std::move(confinement)));
}

}  // namespace neuralake::engine
