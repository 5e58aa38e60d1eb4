// Every step of the AWS credential chain against a loopback stand-in, its
// order, its errors, and refresh of temporary credentials before expiry.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "neuralake/config.h"
#include "storage/s3/credentials.h"
#include "testing/s3_loopback_server.h"
#include "testing/test_util.h"

using namespace neuralake;
using namespace neuralake::s3;
namespace nlt = neuralake::testing;
using std::chrono::minutes;
using std::chrono::system_clock;

namespace {

std::string iso(system_clock::time_point t) {
  std::time_t tt = system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A clock the test moves by hand, so refresh is tested without waiting.
struct FakeClock {
  system_clock::time_point now = system_clock::from_time_t(1717000000);
  Clock fn() {
    return [this] { return now; };
  }
};

struct ChainFixture : ::testing::Test {
  nlt::TempDir home;
  FakeClock clock;
  Environment env{{{"NEURALAKE_ENV", "production"},
                   {"NEURALAKE_WAREHOUSE", "s3://acme-lake/t"},
                   {"AWS_REGION", "us-east-1"},
                   {"AWS_EC2_METADATA_DISABLED", "true"}}};
  std::shared_ptr<CredentialChain> chain() {
    ChainOptions opts;
    opts.now = clock.fn();
    opts.home = home.str();
    return make_default_chain(Config::resolve(env), env, std::make_shared<HttpClient>(), opts);
  }
  // JSON credentials as ECS/IMDS serve them, numbered so a refresh is visible.
  std::string json_creds(int n, system_clock::time_point expiration) {
    return "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIA" + std::to_string(n) + "\",\"SecretAccessKey\":\"secret" +
           std::to_string(n) + "\",\"Token\":\"token" + std::to_string(n) + "\",\"Expiration\":\"" + iso(expiration) + "\"}";
  }
};

}  // namespace

TEST_F(ChainFixture, EnvironmentComesFirst) {
  nlt::LoopbackHttpServer ecs([&](const nlt::HttpExchange&) { return nlt::HttpReply{200, {}, json_creds(1, clock.now + minutes(60))}; });
  env.variables["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env.variables["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env.variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/creds";
  auto c = chain()->get();
  EXPECT_EQ(c.provider, "environment");
  EXPECT_EQ(c.credentials.access_key_id, "AKIAENV");
  EXPECT_FALSE(c.expiration.has_value());
  EXPECT_EQ(ecs.request_count(), 0u) << "later steps are not consulted";
}

TEST_F(ChainFixture, ChainOrderIsTheDocumentedOne) {
  EXPECT_EQ(chain()->provider_names(),
            (std::vector<std::string>{"environment", "web-identity", "shared-files", "ecs", "imds"}));
}

TEST_F(ChainFixture, WebIdentityThroughStsAndRefresh) {
  int issued = 0;
  nlt::LoopbackHttpServer sts([&](const nlt::HttpExchange& ex) {
    ++issued;
    std::string xml = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                      "<AccessKeyId>ASIASTS" + std::to_string(issued) + "</AccessKeyId><SecretAccessKey>stssecret</SecretAccessKey>"
                      "<SessionToken>ststoken</SessionToken><Expiration>" + iso(clock.now + minutes(60)) +
                      "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    return ex.method == "POST" ? nlt::HttpReply{200, {}, xml} : nlt::HttpReply{400, {}, ""};
  });
  nlt::write_file(home.path() / "token", "jwt-one\n");
  env.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.path() / "token").string();
  env.variables["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/reader";
  env.variables["AWS_ENDPOINT_URL_STS"] = sts.url();
  auto ch = chain();
  auto c = ch->get();
  EXPECT_EQ(c.provider, "web-identity");
  EXPECT_EQ(c.credentials.access_key_id, "ASIASTS1");
  EXPECT_EQ(c.credentials.session_token, "ststoken");
  ASSERT_EQ(sts.request_count(), 1u);
  std::string body = sts.exchanges()[0].body;
  EXPECT_NE(body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos) << body;
  EXPECT_NE(body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Freader"), std::string::npos) << body;
  EXPECT_NE(body.find("WebIdentityToken=jwt-one"), std::string::npos) << body;

  clock.now += minutes(30);
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIASTS1") << "still fresh: cached";
  EXPECT_EQ(sts.request_count(), 1u);
  nlt::write_file(home.path() / "token", "jwt-two");
  clock.now += minutes(26);  // 4 minutes before expiry: inside the refresh window
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIASTS2");
  ASSERT_EQ(sts.request_count(), 2u);
  EXPECT_NE(sts.exchanges()[1].body.find("WebIdentityToken=jwt-two"), std::string::npos) << "token file re-read";
}

TEST_F(ChainFixture, WebIdentityNeedsBothVariables) {
  env.variables["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  EXPECT_NL_ERROR(chain()->get(), InvalidArgument, "AWS_WEB_IDENTITY_TOKEN_FILE");
}

TEST_F(ChainFixture, SharedCredentialsFileWithProfiles) {
  nlt::write_file(home.path() / ".aws" / "credentials",
                  "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n\n"
                  "# a comment\n[dev]\naws_access_key_id=AKIADEV\naws_secret_access_key=s2\naws_session_token = t2\n");
  auto c = chain()->get();
  EXPECT_EQ(c.provider, "shared-files");
  EXPECT_EQ(c.credentials.access_key_id, "AKIADEFAULT");
  env.variables["AWS_PROFILE"] = "dev";
  c = chain()->get();
  EXPECT_EQ(c.credentials.access_key_id, "AKIADEV");
  EXPECT_EQ(c.credentials.session_token, "t2");
  env.variables["AWS_PROFILE"] = "nope";
  EXPECT_NL_ERROR(chain()->get(), NotFound, "AWS_PROFILE");
}

TEST_F(ChainFixture, CredentialProcessFromConfigFileAndRefresh) {
  // The process counts its runs and issues numbered credentials.
  auto script = home.path() / "issue.sh";
  auto counter = home.path() / "runs";
  nlt::write_file(counter, "");
  nlt::write_file(script, "#!/bin/sh\necho x >> '" + counter.string() + "'\nn=$(wc -l < '" + counter.string() +
                              "')\necho \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"ASIAPROC$n\\\", \\\"SecretAccessKey\\\": \\\"procsecret\\\", "
                              "\\\"SessionToken\\\": \\\"proctoken\\\", \\\"Expiration\\\": \\\"$EXP\\\"}\"\n");
  ::chmod(script.c_str(), 0755);
  nlt::write_file(home.path() / "config", "[profile tools]\nregion = us-east-1\ncredential_process = env EXP=" +
                                              iso(clock.now + minutes(15)) + " " + script.string() + "\n");
  env.variables["AWS_CONFIG_FILE"] = (home.path() / "config").string();
  env.variables["AWS_PROFILE"] = "tools";
  auto ch = chain();
  auto c = ch->get();
  EXPECT_EQ(c.provider, "credential_process");
  EXPECT_EQ(c.credentials.access_key_id, "ASIAPROC1");
  EXPECT_EQ(c.credentials.session_token, "proctoken");
  ASSERT_TRUE(c.expiration.has_value());
  clock.now += minutes(5);
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIAPROC1");
  clock.now += minutes(6);  // 4 minutes left
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIAPROC2");
}

TEST_F(ChainFixture, FailingCredentialProcessNeverEchoesItsOutput) {
  nlt::write_file(home.path() / "config",
                  "[default]\ncredential_process = sh -c 'echo leaked-secret-4471; exit 3'\n");
  env.variables["AWS_CONFIG_FILE"] = (home.path() / "config").string();
  try {
    chain()->get();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::PermissionDenied);
    EXPECT_EQ(e.object(), "credential_process");
    EXPECT_EQ(std::string(e.what()).find("leaked-secret-4471"), std::string::npos) << e.what();
  }
}

TEST_F(ChainFixture, EcsContainerEndpointWithAuthorizationAndRefresh) {
  int issued = 0;
  nlt::LoopbackHttpServer ecs([&](const nlt::HttpExchange& ex) {
    if (ex.header("authorization") != "Bearer ecs-auth") return nlt::HttpReply{401, {}, "no"};
    return nlt::HttpReply{200, {}, json_creds(++issued, clock.now + minutes(10))};
  });
  env.variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/v2/credentials/abc";
  nlt::write_file(home.path() / "ecs-token", "Bearer ecs-auth\n");
  env.variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (home.path() / "ecs-token").string();
  auto ch = chain();
  auto c = ch->get();
  EXPECT_EQ(c.provider, "ecs");
  EXPECT_EQ(c.credentials.access_key_id, "ASIA1");
  EXPECT_EQ(c.credentials.session_token, "token1");
  EXPECT_EQ(ecs.exchanges()[0].path(), "/v2/credentials/abc");
  clock.now += minutes(4);
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIA1");
  clock.now += minutes(2);  // 4 minutes left
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIA2");
  EXPECT_EQ(ecs.request_count(), 2u);
}

TEST_F(ChainFixture, EcsRefusalIsAPermissionError) {
  nlt::LoopbackHttpServer ecs([&](const nlt::HttpExchange&) { return nlt::HttpReply{403, {}, "denied"}; });
  env.variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/creds";
  EXPECT_NL_ERROR(chain()->get(), PermissionDenied, "ecs");
}

TEST_F(ChainFixture, Ec2ImdsV2WithSessionTokenAndRefresh) {
  int issued = 0;
  nlt::LoopbackHttpServer imds([&](const nlt::HttpExchange& ex) {
    if (ex.method == "PUT" && ex.path() == "/latest/api/token") {
      if (ex.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return nlt::HttpReply{400, {}, ""};
      return nlt::HttpReply{200, {}, "imds-session-token"};
    }
    if (ex.header("x-aws-ec2-metadata-token") != "imds-session-token") return nlt::HttpReply{401, {}, ""};
    if (ex.path() == "/latest/meta-data/iam/security-credentials/") return nlt::HttpReply{200, {}, "reader-role"};
    if (ex.path() == "/latest/meta-data/iam/security-credentials/reader-role") {
      return nlt::HttpReply{200, {}, json_creds(++issued, clock.now + minutes(60))};
    }
    return nlt::HttpReply{404, {}, ""};
  });
  env.variables.erase("AWS_EC2_METADATA_DISABLED");
  env.variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  auto ch = chain();
  auto c = ch->get();
  EXPECT_EQ(c.provider, "imds");
  EXPECT_EQ(c.credentials.access_key_id, "ASIA1");
  EXPECT_EQ(imds.exchanges()[0].method, "PUT") << "IMDSv2: session token first";
  clock.now += minutes(56);
  EXPECT_EQ(ch->get().credentials.access_key_id, "ASIA2");
}

TEST_F(ChainFixture, NothingFoundSaysWhatToSet) {
  EXPECT_NL_ERROR(chain()->get(), NotFound, "AWS_ACCESS_KEY_ID");
  try {
    chain()->get();
  } catch (const Error& e) {
    EXPECT_EQ(e.object(), "credentials");
  }
}

TEST(Iso8601, ParsesAwsExpirationFormats) {
  auto t = parse_iso8601("2024-05-31T12:00:00Z", "x");
  EXPECT_EQ(parse_iso8601("2024-05-31T12:00:00.123Z", "x"), t);
  EXPECT_EQ(parse_iso8601("2024-05-31T12:00:00+00:00", "x"), t);
  EXPECT_NL_ERROR(parse_iso8601("tomorrow", "Expiration"), InvalidArgument, "Expiration");
}
