// `neuralake s3 ls|cp|rm` over the stores a session resolves from the profile:
// listings, streaming copies with bounded memory, and removals by key or prefix.
#include "s3_commands.h"

#include <ctime>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <set>
#include <vector>

#include "neuralake/progress_bar.h"
#include "neuralake/error.h"
#include "neuralake/object_store.h"

namespace neuralake::cli {

namespace {

namespace fs = std::filesystem;

// Large enough that per-call overhead vanishes, small enough that a copy of
// any size stays within a few megabytes of buffer.
constexpr size_t kCopyBuffer = 4 << 20;

bool is_s3(const std::string& uri) { return uri.rfind("s3://", 0) == 0; }

void require_s3(const std::string& uri, const std::string& command) {
  if (!is_s3(uri)) {
    throw Error(ErrorCode::InvalidArgument, uri,
                "'s3 " + command + "' needs an s3://bucket/prefix URI, got '" + uri + "'");
  }
}

// The bucket part, "s3://bucket", of an s3:// URI.
std::string bucket_uri(const std::string& uri) { return split_uri(uri).store_uri; }

// Keys a listing or recursive removal covers: `key` itself if it is an
// object, and everything under "key/" (never "key2..."). The bucket root
// covers every key. Throws NotFound naming `uri` when nothing matches.
std::vector<ObjectInfo> objects_under(ObjectStore& store, const std::string& key, const std::string& uri,
                                      std::string& listed_prefix) {
  std::vector<ObjectInfo> found;
  listed_prefix = key;
  if (!key.empty() && key.back() != '/') {
    if (auto exact = store.head(key)) found.push_back(*exact);
    listed_prefix = key + "/";
  }
  for (auto& o : store.list(listed_prefix)) found.push_back(std::move(o));
  if (found.empty() && !key.empty()) throw Error(ErrorCode::NotFound, uri, "no object or prefix '" + uri + "'");
  return found;
}

std::string format_time(std::chrono::system_clock::time_point t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void run_ls(std::ostream& out, const S3Command& c, Session& session) {
  require_s3(c.uri, "ls");
  auto [store, key] = session.resolve_store(c.uri);
  std::string prefix;
  std::vector<ObjectInfo> objects = objects_under(*store, key, c.uri, prefix);
  std::set<std::string> folders;  // printed once each, after the files
  for (const auto& o : objects) {
    if (!c.recursive && o.key.size() > prefix.size() && o.key.compare(0, prefix.size(), prefix) == 0) {
      size_t slash = o.key.find('/', prefix.size());
      if (slash != std::string::npos) {
        folders.insert(o.key.substr(0, slash + 1));
        continue;
      }
    }
    out << format_time(o.last_modified) << "  " << std::setw(12) << o.size << "  " << o.key << "\n";
  }
  for (const auto& f : folders) out << std::setw(20) << "" << "  " << std::setw(12) << "PRE" << "  " << f << "\n";
}

// The last '/'-separated name of a URI or path, for copying into a folder.
std::string last_name(const std::string& uri) {
  std::string s = uri;
  while (!s.empty() && s.back() == '/') s.pop_back();
  size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

// A URI the session's stores serve: s3:// as given, local paths made absolute.
std::string store_uri_for(const std::string& arg) {
  if (is_s3(arg)) return arg;
  return fs::absolute(fs::path(arg)).lexically_normal().string();
}

void run_cp(std::ostream& out, const S3Command& c, Session& session, bool progress) {
  if (!is_s3(c.source) && !is_s3(c.destination)) {
    throw Error(ErrorCode::InvalidArgument, c.source,
                "'s3 cp' copies to or from s3://: neither '" + c.source + "' nor '" + c.destination + "' is s3://");
  }
  std::string source = store_uri_for(c.source);
  std::string destination = c.destination;
  if (destination.empty()) throw Error(ErrorCode::InvalidArgument, "DST", "'s3 cp' needs a destination");
  bool into_folder = destination.back() == '/' || (!is_s3(destination) && fs::is_directory(destination));
  if (into_folder) destination = (destination.back() == '/' ? destination : destination + "/") + last_name(c.source);
  if (!is_s3(c.source) && !fs::is_regular_file(source)) {
    throw Error(ErrorCode::NotFound, c.source, "no such file '" + c.source + "'");
  }
  auto [from, from_key] = session.resolve_store(source);
  auto [to, to_key] = session.resolve_store(store_uri_for(destination));
  if (from_key.empty()) throw Error(ErrorCode::InvalidArgument, c.source, "'" + c.source + "' names no object");
  if (to_key.empty()) throw Error(ErrorCode::InvalidArgument, c.destination, "'" + c.destination + "' names no object");

  std::unique_ptr<ObjectReader> reader = from->open_reader(from_key);
  std::unique_ptr<ObjectWriter> writer = to->open_writer(to_key);
  ProgressBar bar(reader->size(), progress, "bytes");
  std::vector<char> buffer(kCopyBuffer);
  uint64_t copied = 0;
  const std::string label = last_name(c.source);
  for (size_t n; (n = reader->read(buffer.data(), buffer.size())) > 0;) {
    writer->write(buffer.data(), n);
    copied += n;
    bar.advance(n, label);
  }
  writer->close();  // nothing is published unless every byte arrived
  bar.finish();
  out << "copied " << c.source << " to " << destination << " (" << copied << " bytes)\n";
}

void run_rm(std::ostream& out, const S3Command& c, Session& session) {
  require_s3(c.uri, "rm");
  auto [store, key] = session.resolve_store(c.uri);
  const std::string bucket = bucket_uri(c.uri);
  if (!c.recursive) {
    if (key.empty()) {
      throw Error(ErrorCode::InvalidArgument, c.uri, "'s3 rm' needs a key, or --recursive to empty '" + c.uri + "'");
    }
    if (!store->head(key)) throw Error(ErrorCode::NotFound, c.uri, "no object '" + c.uri + "'");
    store->remove(key);
    out << "deleted " << c.uri << "\n";
    return;
  }
  std::string prefix;
  for (const auto& o : objects_under(*store, key, c.uri, prefix)) {
    store->remove(o.key);
    out << "deleted " << bucket << "/" << o.key << "\n";
  }
}

}  // namespace

void add_s3_commands(CLI::App& app, S3Command& c) {
  c.s3 = app.add_subcommand("s3", "List, copy and remove objects on S3 (endpoint and credentials from the profile)");
  c.s3->require_subcommand(1);
  c.ls = c.s3->add_subcommand("ls", "List objects under s3://bucket/prefix: time (UTC), size, key");
  c.ls->add_option("uri", c.uri, "s3://bucket or s3://bucket/prefix")->required();
  c.ls->add_flag("--recursive,-r", c.recursive, "List every key under the prefix instead of folders as PRE");
  c.cp = c.s3->add_subcommand("cp", "Copy one object: local file to s3://, s3:// to local file, or s3:// to s3://");
  c.cp->add_option("source", c.source, "Local path or s3://bucket/key")->required();
  c.cp->add_option("destination", c.destination, "Local path or s3://bucket/key (ending in '/': a folder)")
      ->required();
  c.rm = c.s3->add_subcommand("rm", "Remove s3://bucket/key, or with --recursive every key under a prefix");
  c.rm->add_option("uri", c.uri, "s3://bucket/key or, with --recursive, s3://bucket/prefix")->required();
  c.rm->add_flag("--recursive,-r", c.recursive, "Remove the key and every key under prefix/");
}

void run_s3_command(std::ostream& out, const S3Command& c, Session& session, bool progress) {
  if (*c.ls) return run_ls(out, c, session);
  if (*c.cp) return run_cp(out, c, session, progress);
  if (*c.rm) return run_rm(out, c, session);
}

}  // namespace neuralake::cli
