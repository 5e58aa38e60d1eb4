#include "export/table_location.h"

#include <filesystem>

namespace neuralake::cli {

namespace {

bool has_scheme(const std::string& s) {
  auto p = s.find("://");
  return p != std::string::npos && p > 0 && s.find('/') > p;
}

}  // namespace

ExportLocation export_location(const std::string& resolved, bool directory) {
  ExportLocation out;
  std::string loc = resolved;
  if (loc.rfind("file://", 0) == 0) loc = loc.substr(7);
  out.is_local = !has_scheme(loc);
  if (out.is_local) {
    bool dir_slash = !loc.empty() && loc.back() == '/';
    loc = std::filesystem::absolute(loc).lexically_normal().string();
    if (dir_slash && loc.back() != '/') loc += '/';
  }
  if (auto star = loc.find_first_of("*?["); star != std::string::npos) {
    auto slash = loc.rfind('/', star);
    out.glob = loc.substr(slash + 1);
    out.uri = loc.substr(0, slash + 1);
    return out;
  }
  auto slash = loc.rfind('/');
  std::string last = slash == std::string::npos ? loc : loc.substr(slash + 1);
  auto dot = last.rfind('.');
  out.is_file = !directory && dot != std::string::npos && dot > 0 && dot + 1 < last.size();
  out.uri = loc;
  if (!out.is_file && !out.uri.empty() && out.uri.back() != '/') out.uri += '/';
  return out;
}

bool glob_selects_extension_only(const std::string& glob) {
  std::string g = glob;
  if (g.rfind("**/", 0) == 0) g = g.substr(3);
  return g.rfind("*.", 0) == 0 && g.find_first_of("*?[/", 1) == std::string::npos;
}

std::string file_uri(const ExportLocation& location) {
  return location.is_local ? "file://" + location.uri : location.uri;
}

}  // namespace neuralake::cli
