// `neuralake config show` as a subprocess: the resolved profile with each
// value's source under local, minio and a config-file profile, secrets redacted.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "testing/cli_process.h"
#include "testing/test_util.h"

#if defined(NEURALAKE_CLI)

namespace {

using neuralake::testing::CliOutcome;
using neuralake::testing::TempDir;
namespace fs = std::filesystem;

const std::string kSecret = "cfgShowSecret-6e2f90ab17";
const std::string kToken = "cfgShowToken-0c8d33e5f4";

CliOutcome cli(const fs::path& dir, const std::vector<std::string>& args, std::map<std::string, std::string> env) {
  std::map<std::string, std::string> clean = {
      {"NEURALAKE_ENV", ""},         {"NEURALAKE_WAREHOUSE", ""}, {"NEURALAKE_CONFIG", ""},   {"NEURALAKE_CATALOG", ""},
      {"AWS_ENDPOINT_URL", ""},      {"AWS_ENDPOINT_URL_S3", ""}, {"AWS_ACCESS_KEY_ID", ""},  {"AWS_SECRET_ACCESS_KEY", ""},
      {"AWS_SESSION_TOKEN", ""},     {"AWS_REGION", ""},          {"AWS_DEFAULT_REGION", ""}, {"AWS_PROFILE", ""},
      {"AWS_CA_BUNDLE", ""},         {"HTTPS_PROXY", ""},         {"https_proxy", ""},        {"HTTP_PROXY", ""},
      {"http_proxy", ""}};
  for (auto& [k, v] : env) clean[k] = v;
  return neuralake::testing::run_cli(NEURALAKE_CLI, args, clean, dir);
}

// The line of `config show` for one setting, e.g. "  s3.region  us-east-1  [AWS_REGION]".
std::string setting_line(const std::string& out, const std::string& name) {
  size_t p = out.find("\n  " + name + " ");
  if (p == std::string::npos) return "";
  size_t e = out.find('\n', p + 1);
  return out.substr(p + 1, e - p - 1);
}

void expect_setting(const std::string& out, const std::string& name, const std::string& value,
                    const std::string& origin) {
  std::string line = setting_line(out, name);
  EXPECT_NE(line.find(" " + value + "  ["), std::string::npos) << name << ": " << line;
  EXPECT_NE(line.find("[" + origin), std::string::npos) << name << ": " << line;
}

void expect_no_secret(const CliOutcome& r) {
  for (const auto& s : {kSecret, kToken}) {
    EXPECT_EQ(r.out.find(s), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(s), std::string::npos) << r.err;
  }
}

TEST(ConfigShow, LocalDefaultsAndEnvOverride) {
  TempDir dir;
  CliOutcome r = cli(dir.path(), {"config", "show"}, {});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("profile: local\n", 0), 0u) << r.out;
  expect_setting(r.out, "warehouse", "./warehouse", "profile local");
  expect_setting(r.out, "s3.endpoint", "(unset)", "profile local");

  CliOutcome o = cli(dir.path(), {"config", "show"},
                     {{"NEURALAKE_WAREHOUSE", "/data/lake"}, {"AWS_ACCESS_KEY_ID", "AKIDLOCAL"},
                      {"AWS_SECRET_ACCESS_KEY", kSecret}, {"AWS_SESSION_TOKEN", kToken}});
  ASSERT_EQ(o.code, 0) << o.err;
  expect_setting(o.out, "warehouse", "/data/lake", "NEURALAKE_WAREHOUSE");
  expect_setting(o.out, "s3.access_key_id", "AKIDLOCAL", "AWS_ACCESS_KEY_ID");
  expect_setting(o.out, "s3.secret_access_key", "<redacted>", "AWS_SECRET_ACCESS_KEY");
  expect_setting(o.out, "s3.session_token", "<redacted>", "AWS_SESSION_TOKEN");
  expect_no_secret(o);
}

TEST(ConfigShow, MinioWithEnvOverrides) {
  TempDir dir;
  CliOutcome r = cli(dir.path(), {"config", "show"},
                     {{"NEURALAKE_ENV", "minio"},
                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:9123"},
                      {"AWS_REGION", "eu-central-1"},
                      {"AWS_SECRET_ACCESS_KEY", kSecret},
                      {"AWS_ACCESS_KEY_ID", "minioadmin"},
                      {"HTTPS_PROXY", "http://user:" + kToken + "@proxy.example:3128"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("profile: minio\n", 0), 0u) << r.out;
  expect_setting(r.out, "warehouse", "s3://neuralake/", "profile minio");
  expect_setting(r.out, "s3.endpoint", "http://127.0.0.1:9123", "AWS_ENDPOINT_URL");
  expect_setting(r.out, "s3.region", "eu-central-1", "AWS_REGION");
  expect_setting(r.out, "s3.addressing", "path", "profile minio");
  expect_setting(r.out, "s3.allow_http", "true", "profile minio");
  expect_setting(r.out, "s3.secret_access_key", "<redacted>", "AWS_SECRET_ACCESS_KEY");
  // A proxy URL may carry a password: redacted as a whole.
  expect_setting(r.out, "http.https_proxy", "<redacted>", "HTTPS_PROXY");
  expect_no_secret(r);

  // MinIO's default secret is a well-known value, but still printed redacted.
  CliOutcome d = cli(dir.path(), {"config", "show"}, {{"NEURALAKE_ENV", "minio"}});
  ASSERT_EQ(d.code, 0) << d.err;
  expect_setting(d.out, "s3.secret_access_key", "<redacted>", "profile minio");
}

TEST(ConfigShow, ConfigFileProfileWithEnvOverride) {
  TempDir dir;
  // ./neuralake.toml is found in the working directory.
  neuralake::testing::write_file(dir.path() / "neuralake.toml", "[profiles.onprem]\n"
                                                                "extends = \"production\"\n"
                                                                "warehouse = \"s3://lake/prod\"\n"
                                                                "[profiles.onprem.s3]\n"
                                                                "endpoint = \"https://s3.corp.example:9443\"\n"
                                                                "region = \"dc1\"\n"
                                                                "addressing = \"path\"\n"
                                                                "access_key_id = \"AKIDFILE\"\n"
                                                                "secret_access_key = \"" +
                                                                    kSecret + "\"\n");
  CliOutcome r = cli(dir.path(), {"config", "show"}, {{"NEURALAKE_ENV", "onprem"}, {"AWS_REGION", "dc2"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("profile: onprem\n", 0), 0u) << r.out;
  const std::string file = (dir.path() / "neuralake.toml").string() + " [profiles.onprem]";
  expect_setting(r.out, "warehouse", "s3://lake/prod", file);
  expect_setting(r.out, "s3.endpoint", "https://s3.corp.example:9443", file);
  expect_setting(r.out, "s3.addressing", "path", file);
  expect_setting(r.out, "s3.region", "dc2", "AWS_REGION");  // env beats the file
  expect_setting(r.out, "s3.allow_http", "false", "profile production");
  expect_setting(r.out, "s3.secret_access_key", "<redacted>", file);
  expect_no_secret(r);

  // The same file through NEURALAKE_CONFIG from another directory.
  TempDir elsewhere;
  CliOutcome c = cli(elsewhere.path(), {"config", "show"},
                     {{"NEURALAKE_ENV", "onprem"}, {"NEURALAKE_CONFIG", (dir.path() / "neuralake.toml").string()}});
  ASSERT_EQ(c.code, 0) << c.err;
  expect_setting(c.out, "s3.region", "dc1", file);
  expect_no_secret(c);
}

TEST(ConfigShow, ErrorsAreOneLineAndNeverCarrySecrets) {
  TempDir dir;
  auto expect_one_line = [](const CliOutcome& r, int code, const std::string& names) {
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("neuralake: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
  };
  CliOutcome unknown = cli(dir.path(), {"config", "show"},
                           {{"NEURALAKE_ENV", "staging"}, {"AWS_SECRET_ACCESS_KEY", kSecret}, {"AWS_ACCESS_KEY_ID", "K"}});
  expect_one_line(unknown, 4, "NEURALAKE_ENV");
  EXPECT_NE(unknown.err.find("staging"), std::string::npos);
  expect_no_secret(unknown);

  // Every command resolves the configuration first, so all stop the same way.
  CliOutcome sql = cli(dir.path(), {"sql", "SELECT 1"}, {{"NEURALAKE_ENV", "staging"}});
  expect_one_line(sql, 4, "NEURALAKE_ENV");

  CliOutcome unsafe = cli(dir.path(), {"config", "show"},
                          {{"NEURALAKE_ENV", "production"}, {"NEURALAKE_WAREHOUSE", "s3://lake-prod/x"},
                           {"AWS_REGION", "us-east-1"}, {"NEURALAKE_S3_ALLOW_HTTP", "true"},
                           {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", kSecret}});
  expect_one_line(unsafe, 4, "s3.allow_http");
  expect_no_secret(unsafe);

  CliOutcome half = cli(dir.path(), {"config", "show"}, {{"NEURALAKE_ENV", "minio"}, {"AWS_SESSION_TOKEN", kToken},
                                                         {"AWS_ACCESS_KEY_ID", ""}});
  // minio supplies a key id by default, so a lone token is accepted; the token stays redacted.
  ASSERT_EQ(half.code, 0) << half.err;
  expect_setting(half.out, "s3.session_token", "<redacted>", "AWS_SESSION_TOKEN");
  expect_no_secret(half);

  CliOutcome no_file = cli(dir.path(), {"config", "show"}, {{"NEURALAKE_CONFIG", (dir.path() / "absent.toml").string()}});
  expect_one_line(no_file, 3, "absent.toml");
}

}  // namespace

#endif
