// The user's config file (TOML): profiles that add to or override the built-in
// ones, flattened to "dotted.key" -> value text per profile.
#pragma once

#include <map>
#include <string>

namespace neuralake::config {

struct ConfigFile {
  std::string path;  // empty when there is no file
  // profile name -> setting name ("warehouse", "s3.endpoint", "extends") -> value
  std::map<std::string, std::map<std::string, std::string>> profiles;
};

// Parses `path`. Throws NotFound naming the path if it does not exist, and
// InvalidArgument naming path:line:column for TOML syntax errors, or naming the
// key for anything that is not [profiles.<name>] with scalar values.
ConfigFile load_config_file(const std::string& path);

}  // namespace neuralake::config
