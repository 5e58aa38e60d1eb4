// What every ObjectStore shares: whole-object reads and the URI -> (store, key)
// split that decides which store serves a location.
#include "neuralake/object_store.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "neuralake/error.h"

namespace neuralake {

std::string ObjectStore::read_all(std::string_view key, size_t spare_capacity) {
  // One streaming read rather than head + range: a single request on remote stores.
  auto reader = open_reader(key);
  std::string out;
  out.reserve(static_cast<size_t>(reader->size()) + spare_capacity);
  out.resize(static_cast<size_t>(reader->size()));
  size_t filled = 0;
  for (;;) {
    if (filled == out.size()) {
      // The stated size is read: confirm the end without growing the text
      // (an object that grew since is read on).
      char probe[512];
      const size_t n = reader->read(probe, sizeof probe);
      if (n == 0) break;
      out.resize(out.size() + std::max<size_t>(n, out.size() / 2 + 4096));
      std::memcpy(out.data() + filled, probe, n);
      filled += n;
      continue;
    }
    size_t n = reader->read(out.data() + filled, out.size() - filled);
    if (n == 0) break;
    filled += n;
  }
  out.resize(filled);
  if (out.capacity() < filled + spare_capacity) out.reserve(filled + spare_capacity);
  return out;
}

std::vector<ObjectInfo> ObjectStore::list_shallow(std::string_view prefix, size_t max_segments) {
  std::vector<ObjectInfo> out = list(prefix);
  std::erase_if(out, [&](const ObjectInfo& o) {
    return static_cast<size_t>(std::count(o.key.begin(), o.key.end(), '/')) + 1 > max_segments;
  });
  return out;
}

ObjectStore::Level ObjectStore::list_level(std::string_view prefix) {
  Level out;
  for (auto& info : list(prefix)) {
    size_t slash = info.key.find('/', prefix.size());
    if (slash == std::string::npos) {
      out.objects.push_back(std::move(info));
    } else if (std::string_view dir(info.key.data(), slash + 1); out.prefixes.empty() || out.prefixes.back() != dir) {
      out.prefixes.emplace_back(dir);  // list() is in key order, so duplicates are adjacent
    }
  }
  return out;
}

namespace {

// A local path made absolute and normal, returned as a key under the root "/".
std::string local_key(std::string_view path, std::string_view uri) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(std::string(path)), ec);
  if (ec) throw Error(ErrorCode::InvalidArgument, std::string(uri), "cannot make '" + std::string(uri) + "' absolute: " + ec.message());
  std::string key = p.lexically_normal().generic_string();
  while (!key.empty() && key.front() == '/') key.erase(key.begin());
  while (!key.empty() && key.back() == '/') key.pop_back();
  return key;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "scheme://authority/key" with a non-empty authority -> ("scheme://authority", "key").
StoreLocation split_authority(std::string_view uri, std::string_view scheme_sep) {
  std::string_view rest = uri.substr(scheme_sep.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) {
    throw Error(ErrorCode::InvalidArgument, std::string(uri),
                "URI '" + std::string(uri) + "' has no store name after '" + std::string(scheme_sep) + "'");
  }
  std::string key = slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1));
  return {std::string(scheme_sep) + std::string(authority), key};
}

}  // namespace

StoreLocation split_uri(std::string_view uri) {
  if (uri.empty()) throw Error(ErrorCode::InvalidArgument, "", "empty URI: expected a path or scheme://...");
  if (starts_with(uri, "file://")) {
    std::string_view path = uri.substr(7);
    // RFC 8089 allows an empty host or "localhost"; any other host is not local.
    if (starts_with(path, "localhost/")) path.remove_prefix(9);
    if (path.empty()) return {"file://", ""};  // the local store itself
    if (!starts_with(path, "/")) {
      throw Error(ErrorCode::InvalidArgument, std::string(uri),
                  "file URI '" + std::string(uri) + "' must have an absolute path (file:///...)");
    }
    return {"file://", local_key(path, uri)};
  }
  if (starts_with(uri, "memory://")) return split_authority(uri, "memory://");
  if (starts_with(uri, "s3://")) return split_authority(uri, "s3://");
  size_t colon = uri.find("://");
  if (colon != std::string_view::npos) {
    throw Error(ErrorCode::InvalidArgument, std::string(uri),
                "unsupported URI scheme '" + std::string(uri.substr(0, colon)) + "' in '" + std::string(uri) +
                    "': expected file://, memory://, s3:// or a local path");
  }
  return {"file://", local_key(uri, uri)};
}

}  // namespace neuralake
