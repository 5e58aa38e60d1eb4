// The file:// ObjectStore: objects are regular files under a root directory.
// Writes go to a temp file beside the target and are renamed (or linked) into place.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>

#include "neuralake/error.h"
#include "neuralake/object_store.h"

namespace neuralake {
namespace {

namespace fs = std::filesystem;

// Marks in-flight temp files so list() never shows them.
constexpr std::string_view kTempMarker = ".nltmp-";

[[noreturn]] void throw_errno(int err, const std::string& what, const std::string& object) {
  ErrorCode code = ErrorCode::IOError;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::NotFound;
  if (err == EACCES || err == EPERM || err == EROFS) code = ErrorCode::PermissionDenied;
  throw Error(code, object, what + " '" + object + "': " + std::strerror(err));
}

// Closes a descriptor on every path out of a scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::chrono::system_clock::time_point mtime_of(const struct stat& st) {
  auto since_epoch = std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

// Size, mtime and inode together change on every put (a put is a rename of a new inode).
std::string etag_of(const struct stat& st) {
  std::ostringstream out;
  out << std::hex << st.st_size << '-' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << '-' << st.st_ino;
  return out.str();
}

ObjectInfo info_of(std::string key, const struct stat& st) {
  return ObjectInfo{std::move(key), static_cast<uint64_t>(st.st_size), mtime_of(st), etag_of(st)};
}

std::string temp_suffix() {
  // Random, so concurrent writers of one key never share a temp file (O_EXCL also guards).
  std::random_device random;
  std::ostringstream out;
  out << kTempMarker << ::getpid() << '-' << std::hex << random() << random();
  return out.str();
}

void write_fully(int fd, const char* data, size_t n, const std::string& object) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "cannot write", object);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

// Reads the object as it was when opened: its size then is its end, as a
// remote object's is its Content-Length (and a whole read needs no further
// call to find the end).
class LocalReader : public ObjectReader {
 public:
  LocalReader(int fd, uint64_t size, std::string object) : fd_(fd), size_(size), object_(std::move(object)) {}
  size_t read(char* out, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - done_));
    if (n == 0) return 0;
    for (;;) {
      ssize_t r = ::read(fd_.get(), out, n);
      if (r >= 0) {
        done_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno != EINTR) throw_errno(errno, "cannot read", object_);
    }
  }
  uint64_t size() const override { return size_; }

 private:
  Fd fd_;
  uint64_t size_;
  uint64_t done_ = 0;
  std::string object_;
};

// Writes a temp file beside the target; close() renames it into place.
class LocalWriter : public ObjectWriter {
 public:
  LocalWriter(std::string temp_path, std::string final_path, int fd, std::string object)
      : temp_path_(std::move(temp_path)), final_path_(std::move(final_path)), fd_(fd), object_(std::move(object)) {}
  ~LocalWriter() override {
    if (!published_) {
      fd_.reset();
      ::unlink(temp_path_.c_str());
    }
  }
  void write(const char* data, size_t n) override {
    if (published_ || fd_.get() < 0) throw Error(ErrorCode::IOError, object_, "write after close of '" + object_ + "'");
    write_fully(fd_.get(), data, n, object_);
  }
  void close() override {
    if (published_) return;
    if (fd_.get() < 0) throw Error(ErrorCode::IOError, object_, "writer of '" + object_ + "' already failed");
    // Durable content before the rename makes it visible: a crash leaves the old or the new object.
    if (::fsync(fd_.get()) != 0) throw_errno(errno, "cannot sync", object_);
    int fd = fd_.release();
    if (::close(fd) != 0) throw_errno(errno, "cannot close", object_);
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) throw_errno(errno, "cannot publish", object_);
    published_ = true;
  }

 private:
  std::string temp_path_;
  std::string final_path_;
  Fd fd_;
  std::string object_;
  bool published_ = false;
};

class LocalStore : public ObjectStore {
 public:
  explicit LocalStore(fs::path root) : root_(std::move(root)) {
    root_str_ = root_.generic_string();
    if (root_str_.empty() || root_str_.back() != '/') root_str_ += '/';
  }

  std::string uri() const override {
    std::string r = root_.generic_string();
    if (r.size() > 1 && r.back() == '/') r.pop_back();
    return "file://" + r;
  }

  std::optional<ObjectInfo> head(std::string_view key) override {
    std::string path = path_of(key);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw_errno(errno, "cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) return std::nullopt;  // a directory is not an object
    return info_of(std::string(key), st);
  }

  std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after) override {
    return list_walk(prefix, start_after, SIZE_MAX);
  }

  std::vector<ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    return list_walk(prefix, {}, max_segments);
  }

  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    std::string path = path_of(key);
    Fd fd(open_regular(path, key, nullptr));
    size_t total = 0;
    while (total < length) {
      ssize_t r = ::pread(fd.get(), out + total, length - total, static_cast<off_t>(offset + total));
      if (r < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, "cannot read", path);
      }
      if (r == 0) break;
      total += static_cast<size_t>(r);
    }
    return total;
  }

  std::unique_ptr<ObjectReader> open_reader(std::string_view key) override {
    std::string path = path_of(key);
    struct stat st;
    int fd = open_regular(path, key, &st);
    return std::make_unique<LocalReader>(fd, static_cast<uint64_t>(st.st_size), path);
  }

  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override {
    std::string final_path = path_of(key);
    std::string temp_path = final_path + temp_suffix();
    int fd = create_temp(temp_path, final_path);
    return std::make_unique<LocalWriter>(temp_path, final_path, fd, final_path);
  }

  void put(std::string_view key, std::string_view data) override {
    auto writer = open_writer(key);
    writer->write(data.data(), data.size());
    writer->close();
  }

  bool put_if_absent(std::string_view key, std::string_view data) override {
    std::string final_path = path_of(key);
    std::string temp_path = final_path + temp_suffix();
    Fd fd(create_temp(temp_path, final_path));
    struct Unlink {
      const std::string& p;
      ~Unlink() { ::unlink(p.c_str()); }
    } cleanup{temp_path};
    write_fully(fd.get(), data.data(), data.size(), final_path);
    if (::fsync(fd.get()) != 0) throw_errno(errno, "cannot sync", final_path);
    // link() fails with EEXIST instead of replacing: the atomic "create only if absent".
    if (::link(temp_path.c_str(), final_path.c_str()) != 0) {
      if (errno == EEXIST) return false;
      throw_errno(errno, "cannot publish", final_path);
    }
    return true;
  }

  void remove(std::string_view key) override {
    std::string path = path_of(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) throw_errno(errno, "cannot remove", path);
  }

 private:
  // Keys are relative and normal, so no key can name a file outside the root.
  std::string path_of(std::string_view key) const {
    auto bad = [&](const char* why) {
      return Error(ErrorCode::InvalidArgument, std::string(key), "invalid object key '" + std::string(key) + "': " + why);
    };
    if (key.empty()) throw bad("empty");
    if (key.front() == '/') throw bad("keys are relative to the store root");
    if (key.find('\0') != std::string_view::npos) throw bad("contains a NUL byte");
    size_t start = 0;
    while (start <= key.size()) {
      size_t end = key.find('/', start);
      if (end == std::string_view::npos) end = key.size();
      std::string_view seg = key.substr(start, end - start);
      if (seg.empty()) throw bad("empty path segment");
      if (seg == "." || seg == "..") throw bad("'.' and '..' segments are not allowed");
      start = end + 1;
    }
    return root_str_ + std::string(key);
  }

  // Opens a regular file for reading; a missing file or a directory is NotFound naming the key.
  int open_regular(const std::string& path, std::string_view key, struct stat* st_out) {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        throw Error(ErrorCode::NotFound, path, "no object '" + std::string(key) + "' at '" + path + "'");
      }
      throw_errno(errno, "cannot open", path);
    }
    Fd guard(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) throw_errno(errno, "cannot stat", path);
    if (!S_ISREG(st.st_mode)) {
      throw Error(ErrorCode::NotFound, path, "no object '" + std::string(key) + "' at '" + path + "' (not a file)");
    }
    if (st_out) *st_out = st;
    return guard.release();
  }

  // Creates the parent directories and an exclusive temp file beside `final_path`.
  int create_temp(const std::string& temp_path, const std::string& final_path) {
    std::error_code ec;
    fs::create_directories(fs::path(final_path).parent_path(), ec);
    if (ec) throw_errno(ec.value(), "cannot create the directory of", final_path);
    int fd;
    do {
      fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno(errno, "cannot create", final_path);
    return fd;
  }

  std::vector<ObjectInfo> list_walk(std::string_view prefix, std::string_view start_after, size_t max_segments) {
    std::vector<ObjectInfo> out;
    // Walk only the directory that holds every key with this prefix.
    size_t cut = prefix.rfind('/');
    std::string dir_key = cut == std::string_view::npos ? std::string() : std::string(prefix.substr(0, cut));
    size_t depth = dir_key.empty() ? 0 : static_cast<size_t>(std::count(dir_key.begin(), dir_key.end(), '/')) + 1;
    walk(dir_key, depth, prefix, start_after, max_segments, out);
    std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  // Appends the files under `dir_key` (of `depth` segments) whose keys match
  // `prefix`, sort after `start_after` and have at most `max_segments` segments.
  void walk(const std::string& dir_key, size_t depth, std::string_view prefix, std::string_view start_after,
            size_t max_segments, std::vector<ObjectInfo>& out) {
    if (depth + 1 > max_segments) return;
    std::string dir_path = dir_key.empty() ? root_str_ : root_str_ + dir_key;
    DIR* dir = ::opendir(dir_path.c_str());
    if (!dir) {
      if (errno == ENOENT || errno == ENOTDIR) return;
      throw_errno(errno, "cannot list", dir_path);
    }
    std::unique_ptr<DIR, int (*)(DIR*)> guard(dir, ::closedir);
    for (;;) {
      errno = 0;
      struct dirent* entry = ::readdir(dir);
      if (!entry) {
        if (errno != 0) throw_errno(errno, "cannot list", dir_path);
        break;
      }
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (name.find(kTempMarker) != std::string_view::npos) continue;
      std::string key = dir_key.empty() ? std::string(name) : dir_key + "/" + std::string(name);
      struct stat st;
      std::string path = root_str_ + key;
      if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // removed while listing
        throw_errno(errno, "cannot stat", path);
      }
      if (S_ISDIR(st.st_mode)) {
        // Descend only where keys can still start with the prefix.
        std::string as_dir = key + "/";
        bool relevant = as_dir.compare(0, std::min(as_dir.size(), prefix.size()), prefix.substr(0, std::min(as_dir.size(), prefix.size()))) == 0;
        if (relevant) walk(key, depth + 1, prefix, start_after, max_segments, out);
      } else if (S_ISREG(st.st_mode)) {
        if (key.compare(0, prefix.size(), prefix) != 0) continue;
        if (!start_after.empty() && std::string_view(key) <= start_after) continue;
        out.push_back(info_of(std::move(key), st));
      }
    }
  }

  fs::path root_;
  std::string root_str_;
};

}  // namespace

std::shared_ptr<ObjectStore> make_local_store(const std::string& root_directory) {
  std::error_code ec;
  fs::path root = fs::absolute(fs::path(root_directory.empty() ? "." : root_directory), ec);
  if (ec) throw Error(ErrorCode::InvalidArgument, root_directory, "cannot resolve store root '" + root_directory + "': " + ec.message());
  root = root.lexically_normal();
  fs::create_directories(root, ec);
  if (ec) throw_errno(ec.value(), "cannot create store root", root.string());
  if (!fs::is_directory(root, ec)) {
    throw Error(ErrorCode::InvalidArgument, root.string(), "store root '" + root.string() + "' is not a directory");
  }
  return std::make_shared<LocalStore>(root);
}

}  // namespace neuralake
