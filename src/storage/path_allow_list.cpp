// PathAllowList: prefix checks over normalised store keys.
#include "storage/path_allow_list.h"

#include <filesystem>

#include "neuralake/error.h"
#include "neuralake/object_store.h"
#include "storage/key_glob.h"

namespace neuralake {

namespace {

// `key` with empty and "." segments dropped and ".." applied, as a path would
// resolve it. Store keys are literal strings, so a store could serve
// "a/../b" as its own object: resolving it here only ever refuses more.
std::string lexically_normal(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= key.size()) {
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) slash = key.size();
    std::string_view part = key.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto p : parts) out += (out.empty() ? "" : "/") + std::string(p);
  return out;
}

// The (store URI, key) a URI names, normalised for comparison: local paths
// absolute with symbolic links followed as far as they exist.
std::pair<std::string, std::string> normalise(std::string_view uri) {
  StoreLocation loc = split_uri(uri);
  std::string key = lexically_normal(loc.key);
  if (loc.store_uri == "file://") {
    std::error_code ec;
    auto real = std::filesystem::weakly_canonical(std::filesystem::path("/" + key), ec);
    if (!ec) key = lexically_normal(real.generic_string());
  }
  return {loc.store_uri, key};
}

// A glob location's literal directory: "dir/part=*/x.parquet" -> "dir".
std::string root_of(const std::string& location) {
  if (!storage::has_glob(location)) return location;
  std::string_view literal = storage::glob_literal_prefix(location);
  size_t slash = literal.rfind('/');
  return std::string(literal.substr(0, slash == std::string_view::npos ? 0 : slash));
}

}  // namespace

PathAllowList::PathAllowList(const std::vector<std::string>& locations) {
  for (const auto& location : locations) {
    std::string root = root_of(location);
    while (root.size() > 1 && root.back() == '/' && !root.ends_with("://")) root.pop_back();
    if (root.empty()) {
      throw Error(ErrorCode::InvalidArgument, location,
                  "location '" + location + "' names no directory to confine a session to");
    }
    auto [store_uri, key] = normalise(root);
    roots_.push_back(root);
    normalised_.push_back({store_uri, key});
  }
}

bool PathAllowList::allows(std::string_view uri) const {
  std::pair<std::string, std::string> target;
  try {
    target = normalise(uri);
  } catch (const Error&) {
    return false;  // a scheme no store serves
  }
  const auto& [store_uri, key] = target;
  for (const auto& root : normalised_) {
    if (root.store_uri != store_uri) continue;
    if (root.key.empty() || key == root.key) return true;
    if (key.size() > root.key.size() && key.compare(0, root.key.size(), root.key) == 0 && key[root.key.size()] == '/')
      return true;
  }
  return false;
}

void PathAllowList::check(std::string_view uri, std::string_view action) const {
  if (allows(uri)) return;
  throw Error(ErrorCode::PermissionDenied, std::string(uri),
              "cannot " + std::string(action) + " '" + std::string(uri) +
                  "': this session reads only the locations of its catalog's tables");
}

}  // namespace neuralake
