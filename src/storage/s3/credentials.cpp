// The five steps of the AWS credential chain and the caching wrapper that
// refreshes temporary credentials ahead of their expiry.
#include "storage/s3/credentials.h"

#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "storage/s3/endpoint.h"
#include "neuralake/error.h"

namespace neuralake::s3 {
namespace {

using Section = std::map<std::string, std::string>;
using IniFile = std::map<std::string, Section>;

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The AWS shared files' INI dialect: [section], key = value, # or ; comments.
IniFile read_ini(const std::string& path) {
  IniFile ini;
  std::ifstream in(path);
  std::string line, section;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      ini[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    ini[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return ini;
}

std::string read_text_file(const std::string& path, const std::string& setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, setting, setting + " names '" + path + "', which cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return trim(s.str());
}

std::string xml_value(const std::string& xml, const std::string& tag) {
  size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  return e == std::string::npos ? "" : xml.substr(b, e - b);
}

std::string form_encode(const std::string& s) { return uri_encode(s, false); }

// ECS, IMDS and credential_process all answer with this JSON shape (the
// token is "Token" for ECS/IMDS and "SessionToken" for credential_process).
TimedCredentials from_json(const std::string& text, const std::string& provider) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Corruption, provider, provider + " returned credentials that are not JSON");
  }
  auto field = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  TimedCredentials out;
  out.provider = provider;
  out.credentials.access_key_id = field("AccessKeyId");
  out.credentials.secret_access_key = field("SecretAccessKey");
  out.credentials.session_token = field("Token").empty() ? field("SessionToken") : field("Token");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    throw Error(ErrorCode::Corruption, provider, provider + " returned credentials without AccessKeyId or SecretAccessKey");
  }
  if (!field("Expiration").empty()) out.expiration = parse_iso8601(field("Expiration"), provider + " Expiration");
  return out;
}

void check_status(const HttpResponse& r, const std::string& provider, const std::string& what) {
  if (r.transport_error) {
    throw Error(r.timed_out ? ErrorCode::Timeout : ErrorCode::Unavailable, provider,
                provider + ": cannot reach " + what + ": " + r.transport_message);
  }
  if (r.status == 401 || r.status == 403) {
    throw Error(ErrorCode::PermissionDenied, provider, provider + ": " + what + " refused access (HTTP " + std::to_string(r.status) + ")");
  }
  if (r.status < 200 || r.status >= 300) {
    throw Error(ErrorCode::Unavailable, provider, provider + ": " + what + " answered HTTP " + std::to_string(r.status));
  }
}

// --- 1. static keys (environment variables or the config file) ------------
class StaticProvider : public CredentialProvider {
 public:
  StaticProvider(const Config& config) : s3_(config.s3) {
    for (const auto& s : config.settings) {
      if (s.name == "s3.access_key_id") origin_ = s.source == SettingSource::Environment ? "environment" : "config";
    }
  }
  std::string name() const override { return "environment"; }
  std::optional<TimedCredentials> load() override {
    if (s3_.access_key_id.empty()) return std::nullopt;
    return TimedCredentials{{s3_.access_key_id, s3_.secret_access_key, s3_.session_token}, std::nullopt, origin_};
  }

 private:
  S3Options s3_;
  std::string origin_;
};

// --- 2. web identity through STS -------------------------------------------
class WebIdentityProvider : public CredentialProvider {
 public:
  WebIdentityProvider(const Environment& env, const std::string& region, std::shared_ptr<HttpClient> http)
      : http_(std::move(http)) {
    token_file_ = env.get("AWS_WEB_IDENTITY_TOKEN_FILE").value_or("");
    role_arn_ = env.get("AWS_ROLE_ARN").value_or("");
    session_name_ = env.get("AWS_ROLE_SESSION_NAME").value_or("neuralake");
    endpoint_ = env.get("AWS_ENDPOINT_URL_STS").value_or("https://sts." + region + ".amazonaws.com");
  }
  std::string name() const override { return "web-identity"; }
  std::optional<TimedCredentials> load() override {
    if (token_file_.empty() && role_arn_.empty()) return std::nullopt;
    if (token_file_.empty() || role_arn_.empty()) {
      throw Error(ErrorCode::InvalidArgument, token_file_.empty() ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
                  "web identity needs both AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; set the missing one");
    }
    s3::Endpoint ep = s3::parse_endpoint(endpoint_, "AWS_ENDPOINT_URL_STS");
    // The token file is re-read every time: the platform rotates it.
    std::string token = read_text_file(token_file_, "AWS_WEB_IDENTITY_TOKEN_FILE");
    std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + form_encode(role_arn_) +
                       "&RoleSessionName=" + form_encode(session_name_) + "&WebIdentityToken=" + form_encode(token);
    HttpRequest req{"POST", ep.base_url() + (ep.path.empty() ? "/" : ep.path),
                    {{"Content-Type", "application/x-www-form-urlencoded"}}, body};
    HttpResponse r = http_->perform(req);
    check_status(r, "web-identity", "STS AssumeRoleWithWebIdentity for " + role_arn_);
    TimedCredentials out;
    out.provider = "web-identity";
    out.credentials = {xml_value(r.body, "AccessKeyId"), xml_value(r.body, "SecretAccessKey"), xml_value(r.body, "SessionToken")};
    if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
      throw Error(ErrorCode::Corruption, "web-identity", "STS AssumeRoleWithWebIdentity answered without credentials");
    }
    std::string exp = xml_value(r.body, "Expiration");
    if (!exp.empty()) out.expiration = parse_iso8601(exp, "STS Expiration");
    return out;
  }

 private:
  std::shared_ptr<HttpClient> http_;
  std::string token_file_, role_arn_, session_name_, endpoint_;
};

// --- 3. shared credentials/config files, with credential_process ----------
class SharedFilesProvider : public CredentialProvider {
 public:
  SharedFilesProvider(const Environment& env, const Config& config, const std::string& home) {
    std::string aws_dir = home.empty() ? "" : home + "/.aws/";
    credentials_file_ = env.get("AWS_SHARED_CREDENTIALS_FILE").value_or(aws_dir.empty() ? "" : aws_dir + "credentials");
    config_file_ = env.get("AWS_CONFIG_FILE").value_or(aws_dir.empty() ? "" : aws_dir + "config");
    explicit_profile_ = !config.s3.aws_profile.empty();
    profile_ = explicit_profile_ ? config.s3.aws_profile : "default";
  }
  std::string name() const override { return "shared-files"; }
  std::optional<TimedCredentials> load() override {
    Section merged;
    bool found = false;
    std::error_code ec;
    if (!config_file_.empty() && std::filesystem::is_regular_file(config_file_, ec)) {
      IniFile ini = read_ini(config_file_);
      auto it = ini.find(profile_ == "default" ? "default" : "profile " + profile_);
      if (it == ini.end() && profile_ == "default") it = ini.find("profile default");
      if (it != ini.end()) merged = it->second, found = true;
    }
    if (!credentials_file_.empty() && std::filesystem::is_regular_file(credentials_file_, ec)) {
      IniFile ini = read_ini(credentials_file_);
      if (auto it = ini.find(profile_); it != ini.end()) {
        for (const auto& [k, v] : it->second) merged[k] = v;  // the credentials file wins
        found = true;
      }
    }
    if (!found) {
      if (explicit_profile_) {
        throw Error(ErrorCode::NotFound, "AWS_PROFILE",
                    "AWS_PROFILE names profile '" + profile_ + "', which is in neither " + credentials_file_ + " nor " + config_file_);
      }
      return std::nullopt;
    }
    if (!merged["aws_access_key_id"].empty()) {
      if (merged["aws_secret_access_key"].empty()) {
        throw Error(ErrorCode::InvalidArgument, "aws_secret_access_key",
                    "profile '" + profile_ + "' of the shared AWS files has aws_access_key_id but no aws_secret_access_key");
      }
      return TimedCredentials{{merged["aws_access_key_id"], merged["aws_secret_access_key"], merged["aws_session_token"]},
                              std::nullopt, "shared-files"};
    }
    if (!merged["credential_process"].empty()) return run_process(merged["credential_process"]);
    if (explicit_profile_) {
      throw Error(ErrorCode::NotFound, "AWS_PROFILE",
                  "profile '" + profile_ + "' has neither aws_access_key_id nor credential_process");
    }
    return std::nullopt;
  }

 private:
  // The command's stdout is a JSON document with Version 1. Its output is
  // never quoted in errors: it holds the secret.
  TimedCredentials run_process(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw Error(ErrorCode::Unavailable, "credential_process", "credential_process could not be started");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    int status = pclose(pipe);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw Error(ErrorCode::PermissionDenied, "credential_process",
                  "credential_process of profile '" + profile_ + "' failed (exit status " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    }
    TimedCredentials creds = from_json(out, "credential_process");
    creds.provider = "credential_process";
    return creds;
  }

  std::string credentials_file_, config_file_, profile_;
  bool explicit_profile_ = false;
};

// --- 4. ECS container credentials ------------------------------------------
class EcsProvider : public CredentialProvider {
 public:
  EcsProvider(const Environment& env, std::shared_ptr<HttpClient> http) : http_(std::move(http)) {
    if (auto rel = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      url_ = "http://169.254.170.2" + *rel;
    } else if (auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      url_ = *full;
    }
    token_ = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
    token_file_ = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
  }
  std::string name() const override { return "ecs"; }
  std::optional<TimedCredentials> load() override {
    if (url_.empty()) return std::nullopt;
    HttpRequest req{"GET", url_, {}, {}};
    std::string token = token_file_.empty() ? token_ : read_text_file(token_file_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (!token.empty()) req.headers.emplace_back("Authorization", token);
    HttpResponse r = http_->perform(req);
    check_status(r, "ecs", "the container credentials endpoint");
    return from_json(r.body, "ecs");
  }

 private:
  std::shared_ptr<HttpClient> http_;
  std::string url_, token_, token_file_;
};

// --- 5. EC2 instance metadata, IMDSv2 (session token first) ----------------
class ImdsProvider : public CredentialProvider {
 public:
  ImdsProvider(const Environment& env) {
    std::string disabled = env.get("AWS_EC2_METADATA_DISABLED").value_or("false");
    disabled_ = disabled == "true" || disabled == "TRUE" || disabled == "1";
    endpoint_ = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
    // Off EC2 nothing answers: keep the probe short, as the AWS SDKs do.
    HttpOptions opts;
    opts.connect_timeout = std::chrono::milliseconds(1000);
    opts.request_timeout = std::chrono::milliseconds(2000);
    http_ = std::make_shared<HttpClient>(opts);
  }
  std::string name() const override { return "imds"; }
  std::optional<TimedCredentials> load() override {
    if (disabled_) return std::nullopt;
    HttpResponse t = http_->perform({"PUT", endpoint_ + "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}, {}});
    if (t.transport_error) return std::nullopt;  // not on EC2
    check_status(t, "imds", "the instance metadata token endpoint");
    HeaderList auth{{"X-aws-ec2-metadata-token", t.body}};
    const std::string base = endpoint_ + "/latest/meta-data/iam/security-credentials/";
    HttpResponse role = http_->perform({"GET", base, auth, {}});
    if (role.status == 404) return std::nullopt;  // an instance without a role
    check_status(role, "imds", "the instance metadata role listing");
    std::string name = trim(role.body.substr(0, role.body.find('\n')));
    if (name.empty()) return std::nullopt;
    HttpResponse creds = http_->perform({"GET", base + uri_encode(name, false), auth, {}});
    check_status(creds, "imds", "the instance metadata credentials of role " + name);
    return from_json(creds.body, "imds");
  }

 private:
  bool disabled_ = false;
  std::string endpoint_;
  std::shared_ptr<HttpClient> http_;
};

}  // namespace

std::chrono::system_clock::time_point parse_iso8601(const std::string& text, const std::string& what) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) throw Error(ErrorCode::InvalidArgument, what, what + " is not an ISO 8601 time: '" + text + "'");
  std::string rest(end);
  if (!rest.empty() && rest[0] == '.') rest.erase(0, rest.find_first_not_of("0123456789", 1));
  if (rest != "Z" && rest != "+00:00" && rest != "") {
    throw Error(ErrorCode::InvalidArgument, what, what + " must be in UTC: '" + text + "'");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

CredentialChain::CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers, ChainOptions options)
    : providers_(std::move(providers)), options_(std::move(options)) {}

std::vector<std::string> CredentialChain::provider_names() const {
  std::vector<std::string> names;
  for (const auto& p : providers_) names.push_back(p->name());
  return names;
}

TimedCredentials CredentialChain::get() {
  std::lock_guard lock(mutex_);
  const auto now = options_.now();
  if (cached_ && (!cached_->expiration || now + options_.refresh_window < *cached_->expiration)) return *cached_;
  for (auto& provider : providers_) {
    if (auto found = provider->load()) {
      cached_ = std::move(found);
      return *cached_;
    }
  }
  throw Error(ErrorCode::NotFound, "credentials",
              "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
              "(shared files), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or run where ECS/EC2 provide them");
}

std::shared_ptr<CredentialChain> make_default_chain(const Config& config, const Environment& env,
                                                    std::shared_ptr<HttpClient> http, ChainOptions options) {
  if (options.home.empty()) options.home = env.get("HOME").value_or("");
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  providers.push_back(std::make_unique<StaticProvider>(config));
  providers.push_back(std::make_unique<WebIdentityProvider>(env, config.s3.region, http));
  providers.push_back(std::make_unique<SharedFilesProvider>(env, config, options.home));
  providers.push_back(std::make_unique<EcsProvider>(env, http));
  providers.push_back(std::make_unique<ImdsProvider>(env));
  return std::make_shared<CredentialChain>(std::move(providers), std::move(options));
}

}  // namespace neuralake::s3
