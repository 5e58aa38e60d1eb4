// Config resolution: built-in profiles, precedence (environment > file >
// default), every validation error (code + setting named) and redaction.
#include <gtest/gtest.h>

#include "neuralake/config.h"
#include "neuralake/error.h"
#include "testing/test_util.h"

using namespace neuralake;
namespace nlt = neuralake::testing;

namespace {

const ResolvedSetting& setting(const Config& c, const std::string& name) {
  for (const auto& s : c.settings) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no setting " + name);
}

// An environment with a config file written from `toml`.
struct FileEnv {
  nlt::TempDir dir;
  Environment env;
  explicit FileEnv(const std::string& toml, std::map<std::string, std::string> vars = {}) {
    nlt::write_file(dir.path() / "neuralake.toml", toml);
    env.variables = std::move(vars);
    env.variables["NEURALAKE_CONFIG"] = (dir.path() / "neuralake.toml").string();
  }
};

}  // namespace

TEST(ConfigProfiles, LocalIsTheDefault) {
  Config c = Config::resolve(Environment{});
  EXPECT_EQ(c.profile, "local");
  EXPECT_EQ(c.warehouse, "./warehouse");
  EXPECT_FALSE(c.uses_s3());
  EXPECT_EQ(setting(c, "warehouse").source, SettingSource::ProfileDefault);
}

TEST(ConfigProfiles, MinioDefaults) {
  Config c = Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}}});
  EXPECT_EQ(c.warehouse, "s3://neuralake/");
  EXPECT_TRUE(c.uses_s3());
  EXPECT_EQ(c.s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(c.s3.path_style);
  EXPECT_TRUE(c.s3.allow_http);
  EXPECT_EQ(c.s3.access_key_id, "minioadmin");
  EXPECT_EQ(c.s3.secret_access_key, "minioadmin");
  EXPECT_EQ(setting(c, "s3.endpoint").origin, "profile minio");
}

TEST(ConfigProfiles, WarehouseAndEndpointVariablesOverrideAnyProfile) {
  Config c = Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"},
                                          {"NEURALAKE_WAREHOUSE", "s3://other/prefix"},
                                          {"AWS_ENDPOINT_URL", "http://127.0.0.1:45678"}}});
  EXPECT_EQ(c.warehouse, "s3://other/prefix");
  EXPECT_EQ(c.s3.endpoint, "http://127.0.0.1:45678");
  EXPECT_EQ(setting(c, "s3.endpoint").source, SettingSource::Environment);
  EXPECT_EQ(setting(c, "s3.endpoint").origin, "AWS_ENDPOINT_URL");
  EXPECT_EQ(setting(c, "warehouse").origin, "NEURALAKE_WAREHOUSE");
  // The S3-specific variable wins over the general one, as in the AWS tools.
  Config d = Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"},
                                          {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"},
                                          {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2"}}});
  EXPECT_EQ(d.s3.endpoint, "http://127.0.0.1:2");
}

TEST(ConfigProfiles, ProductionWithEverythingSet) {
  Config c = Config::resolve(Environment{{{"NEURALAKE_ENV", "production"},
                                          {"NEURALAKE_WAREHOUSE", "s3://acme-lake/tpch"},
                                          {"AWS_REGION", "eu-west-1"}}});
  EXPECT_EQ(c.s3.region, "eu-west-1");
  EXPECT_FALSE(c.s3.path_style);
  EXPECT_FALSE(c.s3.allow_http);
  EXPECT_TRUE(c.s3.endpoint.empty());
  EXPECT_TRUE(c.s3.access_key_id.empty()) << "production takes credentials from the chain";
}

TEST(ConfigPrecedence, EnvironmentBeatsFileBeatsDefault) {
  FileEnv f(R"([profiles.minio]
s3.region = "eu-central-1"
s3.max_retries = 2
warehouse = "s3://from-file/x"
)");
  f.env.variables["NEURALAKE_ENV"] = "minio";
  Config from_file = Config::resolve(f.env);
  EXPECT_EQ(from_file.s3.region, "eu-central-1");
  EXPECT_EQ(setting(from_file, "s3.region").source, SettingSource::ConfigFile);
  EXPECT_NE(setting(from_file, "s3.region").origin.find("neuralake.toml"), std::string::npos);
  EXPECT_EQ(from_file.s3.max_retries, 2);
  EXPECT_EQ(from_file.warehouse, "s3://from-file/x");
  EXPECT_EQ(from_file.s3.endpoint, "http://127.0.0.1:9000") << "unset in the file: the profile default";

  f.env.variables["AWS_REGION"] = "ap-south-1";
  Config from_env = Config::resolve(f.env);
  EXPECT_EQ(from_env.s3.region, "ap-south-1");
  EXPECT_EQ(setting(from_env, "s3.region").origin, "AWS_REGION");
  EXPECT_EQ(from_env.warehouse, "s3://from-file/x");
}

TEST(ConfigPrecedence, DefaultRegionVariableIsAFallback) {
  Environment env{{{"NEURALAKE_ENV", "minio"}, {"AWS_DEFAULT_REGION", "sa-east-1"}}};
  EXPECT_EQ(Config::resolve(env).s3.region, "sa-east-1");
  env.variables["AWS_REGION"] = "us-west-2";
  EXPECT_EQ(Config::resolve(env).s3.region, "us-west-2");
}

TEST(ConfigPrecedence, NestedTablesAndCustomProfiles) {
  FileEnv f(R"([profiles.onprem]
extends = "production"
warehouse = "s3://lake/prod"
[profiles.onprem.s3]
endpoint = "https://s3.corp.example:9443"
region = "dc1"
addressing = "path"
)",
            {{"NEURALAKE_ENV", "onprem"}});
  Config c = Config::resolve(f.env);
  EXPECT_EQ(c.profile, "onprem");
  EXPECT_EQ(c.s3.endpoint, "https://s3.corp.example:9443");
  EXPECT_EQ(c.s3.region, "dc1");
  EXPECT_TRUE(c.s3.path_style);
}

TEST(ConfigPrecedence, ProxiesAndCaBundleAreHonoured) {
  nlt::TempDir dir;
  nlt::write_file(dir.path() / "ca.pem", "x");
  Config c = Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"},
                                          {"HTTPS_PROXY", "http://127.0.0.1:3128"},
                                          {"http_proxy", "http://127.0.0.1:3129"},
                                          {"NO_PROXY", "localhost"},
                                          {"AWS_CA_BUNDLE", (dir.path() / "ca.pem").string()}}});
  EXPECT_EQ(c.s3.https_proxy, "http://127.0.0.1:3128");
  EXPECT_EQ(c.s3.http_proxy, "http://127.0.0.1:3129");
  EXPECT_EQ(c.s3.no_proxy, "localhost");
  EXPECT_EQ(c.s3.ca_bundle, (dir.path() / "ca.pem").string());
}

TEST(ConfigValidation, UnknownEnvironmentSaysWhatToSet) {
  try {
    Config::resolve(Environment{{{"NEURALAKE_ENV", "prodution"}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(e.object(), "NEURALAKE_ENV");
    std::string m = e.what();
    EXPECT_NE(m.find("did you mean 'production'"), std::string::npos) << m;
    EXPECT_NE(m.find("local, minio, production"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
  }
}

TEST(ConfigValidation, ProductionRefusesMissingAndUnsafeSettings) {
  auto prod = [](std::map<std::string, std::string> extra) {
    Environment env{{{"NEURALAKE_ENV", "production"}, {"NEURALAKE_WAREHOUSE", "s3://acme-lake/t"}, {"AWS_REGION", "us-east-1"}}};
    for (auto& [k, v] : extra) env.variables[k] = v;
    return env;
  };
  Environment no_wh = prod({});
  no_wh.variables.erase("NEURALAKE_WAREHOUSE");
  EXPECT_NL_ERROR(Config::resolve(no_wh), InvalidArgument, "NEURALAKE_WAREHOUSE");
  Environment no_region = prod({});
  no_region.variables.erase("AWS_REGION");
  EXPECT_NL_ERROR(Config::resolve(no_region), InvalidArgument, "AWS_REGION");
  EXPECT_NL_ERROR(Config::resolve(prod({{"NEURALAKE_WAREHOUSE", "/data/lake"}})), InvalidArgument, "warehouse");
  EXPECT_NL_ERROR(Config::resolve(prod({{"AWS_ENDPOINT_URL", "http://s3.example.com"}})), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(prod({{"AWS_ENDPOINT_URL", "https://127.0.0.1:9000"}})), InvalidArgument, "loopback");
  EXPECT_NL_ERROR(Config::resolve(prod({{"AWS_ENDPOINT_URL", "https://localhost"}})), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(prod({{"AWS_ENDPOINT_URL", "https://[::1]:443"}})), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(prod({{"NEURALAKE_S3_ALLOW_HTTP", "true"}})), InvalidArgument, "s3.allow_http");
  // The error's object is the setting itself.
  try {
    Config::resolve(no_region);
  } catch (const Error& e) {
    EXPECT_EQ(e.object(), "s3.region");
  }
  try {
    Config::resolve(no_wh);
  } catch (const Error& e) {
    EXPECT_EQ(e.object(), "warehouse");
  }
}

TEST(ConfigValidation, MalformedValuesNameTheirSetting) {
  Environment minio{{{"NEURALAKE_ENV", "minio"}}};
  auto with = [&](const std::string& k, const std::string& v) {
    Environment e = minio;
    e.variables[k] = v;
    return e;
  };
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_S3_ADDRESSING", "sideways")), InvalidArgument, "s3.addressing");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_S3_ALLOW_HTTP", "perhaps")), InvalidArgument, "s3.allow_http");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_S3_MAX_RETRIES", "many")), InvalidArgument, "s3.max_retries");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_S3_REQUEST_TIMEOUT_MS", "0")), InvalidArgument, "s3.request_timeout_ms");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_S3_CONNECT_TIMEOUT_MS", "5s")), InvalidArgument, "s3.connect_timeout_ms");
  EXPECT_NL_ERROR(Config::resolve(with("AWS_ENDPOINT_URL", "ftp://x")), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(with("AWS_ENDPOINT_URL", "http://:9000")), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(with("AWS_ENDPOINT_URL", "http://h:99999")), InvalidArgument, "s3.endpoint");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_WAREHOUSE", "gs://bucket/x")), InvalidArgument, "warehouse");
  EXPECT_NL_ERROR(Config::resolve(with("NEURALAKE_WAREHOUSE", "s3://Bad_Bucket/x")), InvalidArgument, "warehouse");
  EXPECT_NL_ERROR(Config::resolve(with("AWS_CA_BUNDLE", "/nonexistent/ca.pem")), InvalidArgument, "s3.ca_bundle");
  // A plain-http endpoint needs allow_http, which only minio has by default.
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_WAREHOUSE", "s3://b12/x"}, {"AWS_ENDPOINT_URL", "http://s3.local"}}}),
                  InvalidArgument, "s3.endpoint");
}

TEST(ConfigValidation, HalfCredentialsNameTheMissingHalf) {
  Environment base{{{"NEURALAKE_ENV", "production"}, {"NEURALAKE_WAREHOUSE", "s3://acme-lake/t"}, {"AWS_REGION", "us-east-1"}}};
  Environment key_only = base;
  key_only.variables["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE";
  EXPECT_NL_ERROR(Config::resolve(key_only), InvalidArgument, "AWS_SECRET_ACCESS_KEY");
  Environment secret_only = base;
  secret_only.variables["AWS_SECRET_ACCESS_KEY"] = "zz-unique-secret-1";
  EXPECT_NL_ERROR(Config::resolve(secret_only), InvalidArgument, "AWS_ACCESS_KEY_ID");
  try {
    Config::resolve(secret_only);
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("zz-unique-secret-1"), std::string::npos);
  }
  Environment token_only = base;
  token_only.variables["AWS_SESSION_TOKEN"] = "tok";
  EXPECT_NL_ERROR(Config::resolve(token_only), InvalidArgument, "s3.access_key_id");
}

TEST(ConfigFile, ErrorsNameTheFileAndKey) {
  FileEnv typo("[profiles.minio]\ns3.regoin = \"x\"\n", {{"NEURALAKE_ENV", "minio"}});
  EXPECT_NL_ERROR(Config::resolve(typo.env), InvalidArgument, "did you mean 's3.region'");
  FileEnv syntax("[profiles.minio\nwarehouse = 1\n");
  EXPECT_NL_ERROR(Config::resolve(syntax.env), InvalidArgument, "neuralake.toml:1");
  FileEnv top("warehouse = \"s3://x/y\"\n");
  EXPECT_NL_ERROR(Config::resolve(top.env), InvalidArgument, "warehouse");
  FileEnv array("[profiles.minio]\nwarehouse = [1, 2]\n", {{"NEURALAKE_ENV", "minio"}});
  EXPECT_NL_ERROR(Config::resolve(array.env), InvalidArgument, "warehouse");
  FileEnv extends_bad("[profiles.x]\nextends = \"prod\"\nwarehouse = \"/tmp/x\"\n", {{"NEURALAKE_ENV", "x"}});
  EXPECT_NL_ERROR(Config::resolve(extends_bad.env), InvalidArgument, "extends");
  Environment missing{{{"NEURALAKE_CONFIG", "/nonexistent/neuralake.toml"}}};
  EXPECT_NL_ERROR(Config::resolve(missing), NotFound, "/nonexistent/neuralake.toml");
}

TEST(ConfigRedaction, SecretsNeverAppearInConfigShowOrErrors) {
  const std::string secret = "s3cr3t-Zq9-unique-7781";
  const std::string token = "tok3n-Wv2-unique-5512";
  const std::string proxy_password = "pr0xy-Pw-unique-9931";
  Environment env{{{"NEURALAKE_ENV", "minio"},
                   {"AWS_ACCESS_KEY_ID", "AKIAUNIQUEKEYID"},
                   {"AWS_SECRET_ACCESS_KEY", secret},
                   {"AWS_SESSION_TOKEN", token},
                   {"HTTPS_PROXY", "http://user:" + proxy_password + "@127.0.0.1:3128"}}};
  Config c = Config::resolve(env);
  EXPECT_EQ(c.s3.secret_access_key, secret);
  std::string shown = c.describe();
  EXPECT_EQ(shown.find(secret), std::string::npos) << shown;
  EXPECT_EQ(shown.find(token), std::string::npos) << shown;
  EXPECT_EQ(shown.find(proxy_password), std::string::npos) << shown;
  EXPECT_NE(shown.find("<redacted>"), std::string::npos);
  EXPECT_NE(shown.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << "the source is still shown";
  EXPECT_NE(shown.find("AKIAUNIQUEKEYID"), std::string::npos) << "key ids are not secret";
  // Every error path with the secrets set keeps them out of the message.
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{{"NEURALAKE_S3_ADDRESSING", "x"},
                                                                      {"AWS_ENDPOINT_URL", "nonsense"},
                                                                      {"NEURALAKE_ENV", "nope"},
                                                                      {"NEURALAKE_S3_MAX_RETRIES", "-1"}}) {
    Environment bad = env;
    bad.variables[k] = v;
    try {
      Config::resolve(bad);
      ADD_FAILURE() << k;
    } catch (const Error& e) {
      std::string m = e.what();
      EXPECT_EQ(m.find(secret), std::string::npos) << m;
      EXPECT_EQ(m.find(token), std::string::npos) << m;
      EXPECT_EQ(m.find(proxy_password), std::string::npos) << m;
    }
  }
}

TEST(ConfigSettings, ReadCacheIsOffUnlessAskedFor) {
  EXPECT_EQ(Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}}}).s3.read_cache_bytes, 0u);
  Config c = Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}, {"NEURALAKE_S3_READ_CACHE_MB", "64"}}});
  EXPECT_EQ(c.s3.read_cache_bytes, uint64_t{64} << 20);
  EXPECT_EQ(setting(c, "s3.read_cache_mb").source, SettingSource::Environment);
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}, {"NEURALAKE_S3_READ_CACHE_MB", "-1"}}}),
                  InvalidArgument, "s3.read_cache_mb");
}

TEST(ConfigSettings, SequentialReadsStreamFromACustomEndpointAndUseRangesOnAws) {
  EXPECT_TRUE(Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}}}).s3.stream_sequential_reads);
  Environment aws{{{"NEURALAKE_ENV", "production"}, {"NEURALAKE_WAREHOUSE", "s3://data-bucket/lake"}, {"AWS_REGION", "eu-west-1"}}};
  EXPECT_FALSE(Config::resolve(aws).s3.stream_sequential_reads);
  aws.variables["NEURALAKE_S3_SEQUENTIAL_READS"] = "stream";
  EXPECT_TRUE(Config::resolve(aws).s3.stream_sequential_reads);
  EXPECT_FALSE(Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}, {"NEURALAKE_S3_SEQUENTIAL_READS", "ranges"}}})
                   .s3.stream_sequential_reads);
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_ENV", "minio"}, {"NEURALAKE_S3_SEQUENTIAL_READS", "fast"}}}),
                  InvalidArgument, "s3.sequential_reads");
}

TEST(ConfigServer, DefaultsAreLoopbackAndBounded) {
  Config c = Config::resolve(Environment{});
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.max_queries, 4);
  EXPECT_TRUE(c.server.cors_origins.empty());
  EXPECT_TRUE(c.server.token.empty());
  EXPECT_EQ(c.server.max_result_bytes, uint64_t{1024} << 20);
}

TEST(ConfigServer, FileSettingsAndTheTokenFromTheEnvironment) {
  FileEnv f(
      "[profiles.local]\n"
      "server.port = 9999\n"
      "server.workers = 3\n"
      "server.cors_origins = \"https://dash.example.com, http://localhost:3000\"\n"
      "server.max_result_mb = 5\n"
      "server.token = \"from-file\"\n",
      {{"NEURALAKE_API_TOKEN", "s3cr3t-token"}});
  Config c = Config::resolve(f.env);
  EXPECT_EQ(c.server.port, 9999);
  EXPECT_EQ(c.server.workers, 3);
  EXPECT_EQ(c.server.cors_origins, (std::vector<std::string>{"https://dash.example.com", "http://localhost:3000"}));
  EXPECT_EQ(c.server.max_result_bytes, uint64_t{5} << 20);
  EXPECT_EQ(c.server.token, "s3cr3t-token");  // the environment wins
  EXPECT_TRUE(setting(c, "server.token").secret);
  EXPECT_EQ(c.describe().find("s3cr3t-token"), std::string::npos);
  EXPECT_EQ(c.describe().find("from-file"), std::string::npos);
}

TEST(ConfigServer, BadValuesNameTheirSetting) {
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_SERVER_PORT", "70000"}}}), InvalidArgument, "server.port");
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_SERVER_CORS_ORIGINS", "dash.example.com"}}}),
                  InvalidArgument, "server.cors_origins");
  EXPECT_NL_ERROR(Config::resolve(Environment{{{"NEURALAKE_SERVER_MAX_QUERIES", "0"}}}), InvalidArgument,
                  "server.max_queries");
}
