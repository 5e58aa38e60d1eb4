// Environment-aware configuration: the profile NEURALAKE_ENV selects (local,
// minio, production or one from the config file), resolved once and validated.
//
// Every setting resolves in one order: environment variable > config file >
// profile default. The result is a plain object passed explicitly to whatever
// needs it; nothing here reads the environment behind the caller's back except
// Environment::from_process().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// A snapshot of environment variables, so resolution is a pure function of its
// inputs (tests pass their own).
struct Environment {
  std::map<std::string, std::string> variables;

  // The variable's value, or std::nullopt if unset. Set-but-empty counts as unset,
  // as the AWS tools treat it.
  std::optional<std::string> get(const std::string& name) const;
  // The current process's environment.
  static Environment from_process();
};

// Where a resolved value came from, for `config show` and error messages.
enum class SettingSource { ProfileDefault, ConfigFile, Environment };

struct ResolvedSetting {
  std::string name;    // e.g. "s3.endpoint"
  std::string value;   // empty when unset
  SettingSource source = SettingSource::ProfileDefault;
  std::string origin;  // "profile minio", "/etc/neuralake.toml", "AWS_ENDPOINT_URL"
  bool secret = false; // printed only as "<redacted>"
};

// How to reach S3 (or an S3-compatible server). Unused by the `local` profile.
struct S3Options {
  // Empty: AWS S3 (https://s3.<region>.amazonaws.com). Else "http(s)://host[:port]".
  std::string endpoint;
  std::string region = "us-east-1";
  // Path-style ("endpoint/bucket/key") rather than virtual-hosted ("bucket.endpoint/key").
  bool path_style = false;
  bool allow_http = false;
  // Static credentials from the environment or config file. Empty: the AWS
  // credential chain finds them (see credentials in src/storage/s3).
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Named profile of the shared AWS files (AWS_PROFILE). Empty: "default".
  std::string aws_profile;
  // CA certificates to trust instead of the system's (AWS_CA_BUNDLE). Empty: system.
  std::string ca_bundle;
  // Proxies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). Empty: none.
  std::string https_proxy;
  std::string http_proxy;
  std::string no_proxy;
  std::chrono::milliseconds connect_timeout{5000};
  // Time without progress after which a request is abandoned (and retried).
  std::chrono::milliseconds request_timeout{30000};
  int max_retries = 5;
  // Bytes of S3 object data a session keeps in a local in-memory read cache
  // (keyed by bucket, key and ETag; least recently used evicted). 0, the
  // default in every profile: no cache, every read goes to S3. Setting
  // s3.read_cache_mb (NEURALAKE_S3_READ_CACHE_MB).
  uint64_t read_cache_bytes = 0;
  // Delta commits on a store that ignores conditional writes (If-None-Match:
  // *) could overwrite each other; the writer refuses them unless this says
  // the table has one writer at a time. Setting s3.single_writer
  // (NEURALAKE_S3_SINGLE_WRITER), false in every profile.
  bool single_writer = false;
  // How a sequential reader (`s3 cp`, whole-file reads) fetches an object:
  // one GET streamed as the reader consumes it (true), or chunks fetched by
  // parallel ranged GETs ahead of it (false). A connection to AWS S3 serves
  // tens of MB/s, so parallel ranges add up there; an S3-compatible server at
  // a custom endpoint is usually near, and one stream costs it the least.
  // Setting s3.sequential_reads (NEURALAKE_S3_SEQUENTIAL_READS): auto (the
  // default: stream with a custom endpoint, ranges on AWS), stream or ranges.
  bool stream_sequential_reads = false;
};

// How `neuralake serve` runs: settings server.* of a profile, overridden by
// the command's flags.
struct ServerSettings {
  std::string host = "127.0.0.1";  // server.host: loopback unless asked
  int port = 8080;                 // server.port (0: a free port)
  int workers = 8;                 // server.workers: connections served at once
  int max_queries = 4;             // server.max_queries: queries run at once; more get 429
  std::chrono::milliseconds query_timeout{30000};  // server.query_timeout_ms (504 past it)
  uint64_t max_result_rows = 10'000'000;           // server.max_result_rows (0: no limit)
  uint64_t max_result_bytes = uint64_t{1} << 30;   // server.max_result_mb (0: no limit)
  uint64_t max_body_bytes = uint64_t{1} << 20;     // server.max_body_kb: POST /api/sql bodies
  std::chrono::milliseconds read_timeout{10000};   // server.read_timeout_ms: a client slow to send (408)
  std::vector<std::string> cors_origins;           // server.cors_origins, comma-separated; empty: no CORS
  // server.token (NEURALAKE_API_TOKEN), a secret: requests must send
  // "Authorization: Bearer <token>". Empty: no authentication.
  std::string token;
};

// The resolved, validated configuration of one run.
struct Config {
  std::string profile;    // the selected profile's name
  std::string warehouse;  // a directory, file:// URI or s3://bucket/prefix
  S3Options s3;
  ServerSettings server;
  // Every setting with its value and source, in a stable order.
  std::vector<ResolvedSetting> settings;

  // True if the warehouse is on S3.
  bool uses_s3() const;
  // A multi-line, human-readable listing for `config show`: each setting, its
  // value (secrets as "<redacted>") and where it came from.
  std::string describe() const;

  // Resolves the profile named by NEURALAKE_ENV (default "local") from `env`,
  // the config file (NEURALAKE_CONFIG, else ./neuralake.toml if present) and the
  // built-in defaults, then validates it. Throws Error with a one-line message
  // that names the setting at fault and says what to set:
  //   InvalidArgument  unknown profile (object "NEURALAKE_ENV"), malformed or
  //                    unsafe value, unknown key in the config file, TOML syntax;
  //   NotFound         NEURALAKE_CONFIG names a file that does not exist.
  // Secret values never appear in any message.
  static Config resolve(const Environment& env);
};

const char* to_string(SettingSource source) noexcept;

}  // namespace neuralake
#pragma GCC visibility pop
