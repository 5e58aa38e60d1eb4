// Resolves and validates the selected profile: environment > config file >
// profile default, one setting at a time, remembering where each value came from.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "neuralake/suggest.h"
#include "config/config_file.h"
#include "storage/s3/endpoint.h"
#include "neuralake/config.h"
#include "neuralake/error.h"

namespace neuralake {
namespace {

struct SettingDef {
  const char* name;
  std::vector<const char*> env;  // first set one wins
  bool secret;
};

// Every setting, in the order `config show` lists them.
const std::vector<SettingDef>& setting_defs() {
  static const std::vector<SettingDef> defs = {
      {"warehouse", {"NEURALAKE_WAREHOUSE"}, false},
      {"s3.endpoint", {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}, false},
      {"s3.region", {"AWS_REGION", "AWS_DEFAULT_REGION"}, false},
      {"s3.addressing", {"NEURALAKE_S3_ADDRESSING"}, false},
      {"s3.allow_http", {"NEURALAKE_S3_ALLOW_HTTP"}, false},
      {"s3.access_key_id", {"AWS_ACCESS_KEY_ID"}, false},
      {"s3.secret_access_key", {"AWS_SECRET_ACCESS_KEY"}, true},
      {"s3.session_token", {"AWS_SESSION_TOKEN"}, true},
      {"aws.profile", {"AWS_PROFILE"}, false},
      {"s3.ca_bundle", {"AWS_CA_BUNDLE"}, false},
      {"http.https_proxy", {"HTTPS_PROXY", "https_proxy"}, true},
      {"http.http_proxy", {"HTTP_PROXY", "http_proxy"}, true},
      {"http.no_proxy", {"NO_PROXY", "no_proxy"}, false},
      {"s3.connect_timeout_ms", {"NEURALAKE_S3_CONNECT_TIMEOUT_MS"}, false},
      {"s3.request_timeout_ms", {"NEURALAKE_S3_REQUEST_TIMEOUT_MS"}, false},
      {"s3.max_retries", {"NEURALAKE_S3_MAX_RETRIES"}, false},
      {"s3.read_cache_mb", {"NEURALAKE_S3_READ_CACHE_MB"}, false},
      {"s3.single_writer", {"NEURALAKE_S3_SINGLE_WRITER"}, false},
      {"s3.sequential_reads", {"NEURALAKE_S3_SEQUENTIAL_READS"}, false},
      {"server.host", {"NEURALAKE_SERVER_HOST"}, false},
      {"server.port", {"NEURALAKE_SERVER_PORT"}, false},
      {"server.workers", {"NEURALAKE_SERVER_WORKERS"}, false},
      {"server.max_queries", {"NEURALAKE_SERVER_MAX_QUERIES"}, false},
      {"server.query_timeout_ms", {"NEURALAKE_SERVER_QUERY_TIMEOUT_MS"}, false},
      {"server.max_result_rows", {"NEURALAKE_SERVER_MAX_RESULT_ROWS"}, false},
      {"server.max_result_mb", {"NEURALAKE_SERVER_MAX_RESULT_MB"}, false},
      {"server.max_body_kb", {"NEURALAKE_SERVER_MAX_BODY_KB"}, false},
      {"server.read_timeout_ms", {"NEURALAKE_SERVER_READ_TIMEOUT_MS"}, false},
      {"server.cors_origins", {"NEURALAKE_SERVER_CORS_ORIGINS"}, false},
      {"server.token", {"NEURALAKE_API_TOKEN"}, true},
  };
  return defs;
}

using Defaults = std::map<std::string, std::string>;

const std::map<std::string, Defaults>& builtin_profiles() {
  static const std::map<std::string, Defaults> profiles = {
      {"local", {{"warehouse", "./warehouse"}}},
      {"minio",
       {{"warehouse", "s3://neuralake/"},
        {"s3.endpoint", "http://127.0.0.1:9000"},
        {"s3.addressing", "path"},
        {"s3.allow_http", "true"},
        // MinIO's well-known development defaults, not a secret.
        {"s3.access_key_id", "minioadmin"},
        {"s3.secret_access_key", "minioadmin"}}},
      // No warehouse and no region: production must say where its data lives.
      {"production", {{"s3.region", ""}}},
  };
  return profiles;
}

const Defaults kCommonDefaults = {{"s3.region", "us-east-1"},       {"s3.addressing", "virtual"},
                                  {"s3.allow_http", "false"},       {"s3.connect_timeout_ms", "5000"},
                                  {"s3.request_timeout_ms", "30000"}, {"s3.max_retries", "5"},
                                  {"s3.read_cache_mb", "0"},        {"s3.single_writer", "false"},
                                  {"s3.sequential_reads", "auto"},
                                  {"server.host", "127.0.0.1"},     {"server.port", "8080"},
                                  {"server.workers", "8"},          {"server.max_queries", "4"},
                                  {"server.query_timeout_ms", "30000"}, {"server.max_result_rows", "10000000"},
                                  {"server.max_result_mb", "1024"}, {"server.max_body_kb", "1024"},
                                  {"server.read_timeout_ms", "10000"}};

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const auto& d : setting_defs()) names.push_back(d.name);
  return names;
}

// Every message names its setting, so a user can grep the docs for it.
[[noreturn]] void invalid(const std::string& setting, const std::string& message) {
  throw Error(ErrorCode::InvalidArgument, setting,
              message.find(setting) == std::string::npos ? setting + ": " + message : message);
}

bool parse_bool(const ResolvedSetting& s) {
  std::string v = s.value;
  std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  invalid(s.name, s.name + " must be true or false, got '" + s.value + "' (from " + s.origin + ")");
}

long parse_int(const ResolvedSetting& s, long lo, long hi) {
  try {
    size_t used = 0;
    long v = std::stol(s.value, &used);
    if (used == s.value.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  invalid(s.name, s.name + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                      ", got '" + s.value + "' (from " + s.origin + ")");
}

// The bucket part of s3://bucket/prefix, checked against S3's naming rules.
void check_s3_warehouse(const ResolvedSetting& s) {
  std::string rest = s.value.substr(5);
  std::string bucket = rest.substr(0, rest.find('/'));
  bool ok = bucket.size() >= 3 && bucket.size() <= 63 &&
            std::all_of(bucket.begin(), bucket.end(),
                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; });
  if (!ok) {
    invalid("warehouse", "warehouse '" + s.value + "' (from " + s.origin +
                             ") must be s3://bucket/prefix with a valid bucket name (3-63 of a-z 0-9 . -)");
  }
}

}  // namespace

const char* to_string(SettingSource source) noexcept {
  switch (source) {
    case SettingSource::ProfileDefault: return "profile default";
    case SettingSource::ConfigFile: return "config file";
    case SettingSource::Environment: return "environment";
  }
  return "unknown";
}

bool Config::uses_s3() const { return warehouse.rfind("s3://", 0) == 0; }

std::string Config::describe() const {
  std::ostringstream out;
  size_t width = 0;
  for (const auto& s : settings) width = std::max(width, s.name.size());
  out << "profile: " << profile << "\n";
  for (const auto& s : settings) {
    std::string value = s.value.empty() ? "(unset)" : (s.secret ? "<redacted>" : s.value);
    out << "  " << s.name << std::string(width - s.name.size() + 2, ' ') << value << "  [" << s.origin << "]\n";
  }
  return out.str();
}

Config Config::resolve(const Environment& env) {
  Config config;
  config.profile = env.get("NEURALAKE_ENV").value_or("local");

  config::ConfigFile file;
  if (auto path = env.get("NEURALAKE_CONFIG")) {
    file = config::load_config_file(*path);
  } else if (std::error_code ec; std::filesystem::is_regular_file("neuralake.toml", ec)) {
    file = config::load_config_file((std::filesystem::current_path() / "neuralake.toml").string());
  }

  // Typos in any profile of the file are errors, not silently ignored settings.
  auto known = setting_names();
  for (const auto& [name, values] : file.profiles) {
    for (const auto& [key, value] : values) {
      if (key == "extends") continue;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        auto candidates = known;
        candidates.push_back("extends");
        invalid(key, file.path + ": unknown setting '" + key + "' in [profiles." + name + "]" +
                         did_you_mean(key, candidates));
      }
    }
  }

  const auto& builtins = builtin_profiles();
  auto file_profile = file.profiles.find(config.profile);
  if (!builtins.count(config.profile) && file_profile == file.profiles.end()) {
    std::vector<std::string> names;
    for (const auto& [n, d] : builtins) names.push_back(n);
    for (const auto& [n, d] : file.profiles) names.push_back(n);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    invalid("NEURALAKE_ENV", "unknown environment '" + config.profile + "' (NEURALAKE_ENV)" +
                                 did_you_mean(config.profile, names) + "; set NEURALAKE_ENV to one of: " + list +
                                 (file.path.empty() ? " (or add [profiles." + config.profile + "] to neuralake.toml)" : ""));
  }

  // Defaults: common ones, then the built-in profile this one is or extends.
  std::string base = config.profile;
  if (file_profile != file.profiles.end()) {
    if (auto ext = file_profile->second.find("extends"); ext != file_profile->second.end()) {
      if (!builtins.count(ext->second)) {
        invalid("extends", file.path + ": [profiles." + config.profile + "] extends '" + ext->second +
                               "', which is not a built-in profile (local, minio, production)");
      }
      base = ext->second;
    }
  }
  Defaults defaults = kCommonDefaults;
  std::string default_origin = "default";
  if (auto b = builtins.find(base); b != builtins.end()) {
    for (const auto& [k, v] : b->second) defaults[k] = v;
    default_origin = "profile " + base;
  }
  const bool strict = base == "production";

  std::map<std::string, ResolvedSetting> by_name;
  for (const auto& def : setting_defs()) {
    ResolvedSetting s{def.name, "", SettingSource::ProfileDefault, default_origin, def.secret};
    if (auto d = defaults.find(def.name); d != defaults.end()) s.value = d->second;
    if (file_profile != file.profiles.end()) {
      if (auto f = file_profile->second.find(def.name); f != file_profile->second.end()) {
        s.value = f->second;
        s.source = SettingSource::ConfigFile;
        s.origin = file.path + " [profiles." + config.profile + "]";
      }
    }
    for (const char* var : def.env) {
      if (auto v = env.get(var)) {
        s.value = *v;
        s.source = SettingSource::Environment;
        s.origin = var;
        break;
      }
    }
    by_name[def.name] = s;
    config.settings.push_back(s);
  }
  auto get = [&](const char* name) -> const ResolvedSetting& { return by_name.at(name); };

  // --- validation: one setting at a time, each message says what to set ---
  const auto& wh = get("warehouse");
  if (wh.value.empty()) {
    invalid("warehouse", "the " + config.profile +
                             " environment needs a warehouse: set NEURALAKE_WAREHOUSE=s3://bucket/prefix or warehouse in [profiles." +
                             config.profile + "] of the config file");
  }
  config.warehouse = wh.value;
  std::string scheme = wh.value.find("://") == std::string::npos ? "" : wh.value.substr(0, wh.value.find("://"));
  if (!scheme.empty() && scheme != "s3" && scheme != "file") {
    invalid("warehouse", "warehouse '" + wh.value + "' (from " + wh.origin +
                             ") has unsupported scheme '" + scheme + "'; use a directory, file:// or s3://bucket/prefix");
  }
  if (strict && scheme != "s3") {
    invalid("warehouse", "the " + config.profile + " environment stores data on S3: set NEURALAKE_WAREHOUSE=s3://bucket/prefix (got '" +
                             wh.value + "' from " + wh.origin + ")");
  }
  if (scheme == "s3") check_s3_warehouse(wh);

  S3Options& s3 = config.s3;
  s3.region = get("s3.region").value;
  if (config.uses_s3() && s3.region.empty()) {
    invalid("s3.region", "the " + config.profile + " environment needs an AWS region: set AWS_REGION (e.g. us-east-1) or s3.region in [profiles." +
                             config.profile + "]");
  }
  const auto& addressing = get("s3.addressing");
  if (addressing.value != "path" && addressing.value != "virtual") {
    invalid("s3.addressing", "s3.addressing must be 'path' or 'virtual', got '" + addressing.value + "' (from " + addressing.origin + ")");
  }
  s3.path_style = addressing.value == "path";
  s3.allow_http = parse_bool(get("s3.allow_http"));
  if (strict && s3.allow_http) {
    invalid("s3.allow_http", "s3.allow_http is unsafe in the " + config.profile + " environment (set by " +
                                 get("s3.allow_http").origin + "); remove it: production uses https only");
  }
  const auto& endpoint = get("s3.endpoint");
  if (!endpoint.value.empty()) {
    s3::Endpoint ep = s3::parse_endpoint(endpoint.value, "s3.endpoint");
    if (strict && ep.scheme != "https") {
      invalid("s3.endpoint", "s3.endpoint '" + endpoint.value + "' (from " + endpoint.origin + ") is plain http, refused in the " +
                                 config.profile + " environment; use an https:// endpoint or unset " + endpoint.origin);
    }
    if (strict && s3::is_loopback_host(ep.host)) {
      invalid("s3.endpoint", "s3.endpoint '" + endpoint.value + "' (from " + endpoint.origin + ") is a loopback address, refused in the " +
                                 config.profile + " environment; unset it or use NEURALAKE_ENV=minio for a local server");
    }
    if (ep.scheme == "http" && !s3.allow_http) {
      invalid("s3.endpoint", "s3.endpoint '" + endpoint.value + "' (from " + endpoint.origin +
                                 ") is plain http; use https or set s3.allow_http = true in a non-production profile");
    }
    s3.endpoint = endpoint.value;
  }
  s3.access_key_id = get("s3.access_key_id").value;
  s3.secret_access_key = get("s3.secret_access_key").value;
  s3.session_token = get("s3.session_token").value;
  if (!s3.access_key_id.empty() && s3.secret_access_key.empty()) {
    invalid("s3.secret_access_key", "an access key id is set (by " + get("s3.access_key_id").origin +
                                        ") without its secret: set AWS_SECRET_ACCESS_KEY too");
  }
  if (s3.access_key_id.empty() && !s3.secret_access_key.empty()) {
    invalid("s3.access_key_id", "a secret access key is set (by " + get("s3.secret_access_key").origin +
                                    ") without its key id: set AWS_ACCESS_KEY_ID too");
  }
  if (s3.access_key_id.empty() && !s3.session_token.empty()) {
    invalid("s3.access_key_id", "a session token is set (by " + get("s3.session_token").origin +
                                    ") without credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY too");
  }
  s3.aws_profile = get("aws.profile").value;
  s3.ca_bundle = get("s3.ca_bundle").value;
  if (std::error_code ec; !s3.ca_bundle.empty() && !std::filesystem::is_regular_file(s3.ca_bundle, ec)) {
    invalid("s3.ca_bundle", "s3.ca_bundle '" + s3.ca_bundle + "' (from " + get("s3.ca_bundle").origin + ") is not a file");
  }
  s3.https_proxy = get("http.https_proxy").value;
  s3.http_proxy = get("http.http_proxy").value;
  s3.no_proxy = get("http.no_proxy").value;
  s3.connect_timeout = std::chrono::milliseconds(parse_int(get("s3.connect_timeout_ms"), 1, 600000));
  s3.request_timeout = std::chrono::milliseconds(parse_int(get("s3.request_timeout_ms"), 1, 3600000));
  s3.max_retries = static_cast<int>(parse_int(get("s3.max_retries"), 0, 20));
  // Off unless asked for: a cache trades memory for repeated reads of the same objects.
  s3.read_cache_bytes = static_cast<uint64_t>(parse_int(get("s3.read_cache_mb"), 0, 1 << 20)) << 20;
  s3.single_writer = parse_bool(get("s3.single_writer"));
  const auto& sequential = get("s3.sequential_reads");
  if (sequential.value == "stream" || (sequential.value == "auto" && !s3.endpoint.empty())) {
    s3.stream_sequential_reads = true;
  } else if (sequential.value == "ranges" || sequential.value == "auto") {
    s3.stream_sequential_reads = false;
  } else {
    invalid("s3.sequential_reads", "s3.sequential_reads must be 'auto', 'stream' or 'ranges', got '" + sequential.value +
                                       "' (from " + sequential.origin + ")");
  }

  ServerSettings& server = config.server;
  server.host = get("server.host").value;
  if (server.host.empty()) invalid("server.host", "server.host must not be empty");
  server.port = static_cast<int>(parse_int(get("server.port"), 0, 65535));
  server.workers = static_cast<int>(parse_int(get("server.workers"), 1, 1024));
  server.max_queries = static_cast<int>(parse_int(get("server.max_queries"), 1, 1024));
  server.query_timeout = std::chrono::milliseconds(parse_int(get("server.query_timeout_ms"), 0, 86400000));
  server.max_result_rows = static_cast<uint64_t>(parse_int(get("server.max_result_rows"), 0, 1L << 50));
  server.max_result_bytes = static_cast<uint64_t>(parse_int(get("server.max_result_mb"), 0, 1L << 30)) << 20;
  server.max_body_bytes = static_cast<uint64_t>(parse_int(get("server.max_body_kb"), 1, 1L << 30)) << 10;
  server.read_timeout = std::chrono::milliseconds(parse_int(get("server.read_timeout_ms"), 1, 3600000));
  server.cors_origins.clear();
  const std::string& origins = get("server.cors_origins").value;
  for (size_t start = 0; start <= origins.size();) {
    size_t comma = origins.find(',', start);
    if (comma == std::string::npos) comma = origins.size();
    std::string o = origins.substr(start, comma - start);
    while (!o.empty() && o.front() == ' ') o.erase(o.begin());
    while (!o.empty() && o.back() == ' ') o.pop_back();
    if (!o.empty()) {
      if (o != "*" && o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0)
        invalid("server.cors_origins", "server.cors_origins: '" + o + "' is not an origin (http(s)://host[:port] or *)");
      server.cors_origins.push_back(o);
    }
    start = comma + 1;
  }
  server.token = get("server.token").value;
  return config;
}

}  // namespace neuralake
