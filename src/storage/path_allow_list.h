// The locations a session confined to its catalog may read
// (SessionOptions::confine_to_catalog): each catalog table's location and
// everything below it. The engine's own readers (the ObjectStore filesystem,
// delta_scan) check every path against it, since DuckDB's allowed_directories
// does not reach them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neuralake {

class PathAllowList {
 public:
  // Allows each of `locations` (resolved: "/dir", "file:///dir/x.csv",
  // "s3://bucket/prefix") and every path below it. A location with a glob
  // ("dir/*.parquet") allows the directory its literal part names. Throws
  // InvalidArgument naming a location of an unsupported scheme.
  explicit PathAllowList(const std::vector<std::string>& locations);

  // The allowed roots as written (globs cut to their directory), for DuckDB's
  // allowed_directories and allowed_paths.
  const std::vector<std::string>& roots() const { return roots_; }

  // True if `uri` names a root or a path below one. Paths are compared after
  // "." and ".." are resolved and, on local disk, symbolic links are followed,
  // so neither "root/../x" nor a link inside a root that points out passes.
  // A URI of an unsupported scheme is not allowed.
  bool allows(std::string_view uri) const;

  // Throws PermissionDenied naming `uri` unless allows(uri); `action` says
  // what was attempted ("read", "list").
  void check(std::string_view uri, std::string_view action) const;

 private:
  struct Root {
    std::string store_uri;  // "file://", "s3://bucket"
    std::string key;        // normalised; empty for a whole store
  };
  std::vector<std::string> roots_;
  std::vector<Root> normalised_;
};

}  // namespace neuralake
