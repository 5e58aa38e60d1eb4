// Reads neuralake.toml with toml++ and flattens each [profiles.<name>] table;
// toml++'s exceptions are translated here, at the seam.
#include "config/config_file.h"

#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

#include "neuralake/error.h"

namespace neuralake::config {
namespace {

void flatten(const toml::table& table, const std::string& prefix, const std::string& path,
             std::map<std::string, std::string>& out) {
  for (auto&& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, path, out);
    } else if (auto s = node.value_exact<std::string>()) {
      out[key] = *s;
    } else if (auto b = node.value_exact<bool>()) {
      out[key] = *b ? "true" : "false";
    } else if (auto i = node.value_exact<int64_t>()) {
      out[key] = std::to_string(*i);
    } else {
      // Values are never echoed: the key might hold a secret.
      throw Error(ErrorCode::InvalidArgument, key,
                  path + ": setting '" + key + "' must be a string, boolean or integer");
    }
  }
}

}  // namespace

ConfigFile load_config_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::NotFound, path, "config file '" + path + "' does not exist (NEURALAKE_CONFIG)");
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << path << ":" << e.source().begin.line << ":" << e.source().begin.column;
    throw Error(ErrorCode::InvalidArgument, where.str(),
                "config file " + where.str() + ": " + std::string(e.description()));
  }
  ConfigFile file;
  file.path = path;
  for (auto&& [k, node] : root) {
    if (k.str() != "profiles" || !node.is_table()) {
      throw Error(ErrorCode::InvalidArgument, std::string(k.str()),
                  path + ": unexpected top-level key '" + std::string(k.str()) +
                      "'; settings belong in [profiles.<name>] tables");
    }
    for (auto&& [name, profile] : *node.as_table()) {
      const auto* table = profile.as_table();
      if (!table) {
        throw Error(ErrorCode::InvalidArgument, "profiles." + std::string(name.str()),
                    path + ": 'profiles." + std::string(name.str()) + "' must be a table");
      }
      flatten(*table, "", path, file.profiles[std::string(name.str())]);
    }
  }
  return file;
}

}  // namespace neuralake::config
