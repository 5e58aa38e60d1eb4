// The AWS credential chain: environment/config, web identity (STS), shared
// files with credential_process, ECS container endpoint, EC2 IMDSv2; temporary
// credentials are refreshed before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/config.h"
#include "storage/s3/http_client.h"
#include "storage/s3/sigv4.h"

namespace neuralake::s3 {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct TimedCredentials {
  AwsCredentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: long-term
  std::string provider;  // which step found them, e.g. "environment", "ecs"
};

// One step of the chain. load() returns std::nullopt when the step is not
// configured here (so the chain moves on) and throws Error when it is
// configured but fails (so a broken setup is reported, not skipped).
class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  virtual std::string name() const = 0;
  virtual std::optional<TimedCredentials> load() = 0;
};

struct ChainOptions {
  Clock now = [] { return std::chrono::system_clock::now(); };
  // Refresh temporary credentials this long before they expire.
  std::chrono::seconds refresh_window{300};
  // HOME, for ~/.aws/credentials and ~/.aws/config.
  std::string home;
};

// The first provider that yields credentials wins; they are cached and
// reloaded from the same chain once within `refresh_window` of expiring.
// Thread-safe.
class CredentialChain {
 public:
  CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers, ChainOptions options);

  // Current credentials. Throws NotFound naming "credentials" (and saying what
  // to set) if no provider has any, or the failing provider's Error.
  TimedCredentials get();
  // Names of the providers, in order.
  std::vector<std::string> provider_names() const;

 private:
  std::vector<std::unique_ptr<CredentialProvider>> providers_;
  ChainOptions options_;
  std::mutex mutex_;
  std::optional<TimedCredentials> cached_;
};

// The standard chain for `config` and `env`:
//   1. static keys from the environment or config file (config.s3.access_key_id...);
//   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN through STS
//      AssumeRoleWithWebIdentity (endpoint AWS_ENDPOINT_URL_STS, else
//      https://sts.<region>.amazonaws.com);
//   3. shared files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, default
//      ~/.aws/...), profile AWS_PROFILE or "default", with credential_process;
//   4. ECS: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE);
//   5. EC2 IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT (default
//      http://169.254.169.254), unless AWS_EC2_METADATA_DISABLED=true.
std::shared_ptr<CredentialChain> make_default_chain(const Config& config, const Environment& env,
                                                    std::shared_ptr<HttpClient> http, ChainOptions options = {});

// "2024-05-31T12:00:00Z" (fractional seconds and "+00:00" accepted). Throws
// InvalidArgument naming `what` if malformed.
std::chrono::system_clock::time_point parse_iso8601(const std::string& text, const std::string& what);

}  // namespace neuralake::s3
