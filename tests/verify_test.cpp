// The verification suite: the library's structured results under local,
// production and a live local S3 server, and `neuralake verify` as a subprocess.
#include "neuralake/verify.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/session.h"
#include "neuralake/table.h"
#include "testing/cli_process.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

namespace {

using neuralake::CheckResult;
using neuralake::CheckStatus;
using neuralake::Environment;
using neuralake::VerifyReport;
using neuralake::testing::TempDir;
namespace fs = std::filesystem;

const CheckResult& check(const VerifyReport& report, const std::string& name) {
  auto it = std::find_if(report.checks.begin(), report.checks.end(),
                         [&](const CheckResult& c) { return c.name == name; });
  if (it == report.checks.end()) throw std::runtime_error("no check named " + name);
  return *it;
}

std::string listing(const VerifyReport& report) {
  std::string s;
  for (const auto& c : report.checks) s += std::string(to_string(c.status)) + " " + c.name + ": " + c.detail + "\n";
  return s;
}

// A warehouse with one Parquet file, and a catalog with a table over it, a
// table whose file does not exist and a table queried with docs filters.
struct LocalWarehouse {
  TempDir dir;
  fs::path warehouse = dir.path() / "wh";
  Environment env;

  LocalWarehouse() {
    fs::create_directories(warehouse);
    neuralake::SessionOptions o;
    o.warehouse = warehouse.string();
    neuralake::Session s(o);
    s.execute("COPY (SELECT range AS id, range % 3 AS k FROM range(10)) TO '" + (warehouse / "t.parquet").string() +
              "' (FORMAT parquet)");
    env.variables["NEURALAKE_WAREHOUSE"] = warehouse.string();
  }

  neuralake::Catalog catalog() const {
    neuralake::Table filtered = neuralake::ParquetTable("filtered", "{warehouse}/t.parquet");
    filtered.docs_filters({neuralake::Filter("k", "=", neuralake::Value(int64_t{2}))});
    return neuralake::Catalog({{"db", neuralake::Database({neuralake::ParquetTable("present", "{warehouse}/t.parquet"),
                                                           neuralake::ParquetTable("missing", "{warehouse}/gone.parquet"),
                                                           filtered})}},
                              neuralake::SessionOptions{});
  }
};

TEST(Verify, LocalPassFailAndSkip) {
  LocalWarehouse w;
  auto catalog = w.catalog();
  VerifyReport r = neuralake::verify(w.env, &catalog, {});
  SCOPED_TRACE(listing(r));
  EXPECT_EQ(check(r, "config").status, CheckStatus::Pass);
  EXPECT_EQ(check(r, "credentials").status, CheckStatus::Skip);
  EXPECT_NE(check(r, "credentials").detail.find("not on S3"), std::string::npos);
  EXPECT_EQ(check(r, "storage.list").status, CheckStatus::Pass);
  EXPECT_EQ(check(r, "storage.read").status, CheckStatus::Pass);
  EXPECT_NE(check(r, "storage.read").detail.find("t.parquet"), std::string::npos);
  EXPECT_EQ(check(r, "storage.write").status, CheckStatus::Skip);
  EXPECT_NE(check(r, "storage.write").detail.find("--write"), std::string::npos);
  EXPECT_EQ(check(r, "table db.present").status, CheckStatus::Pass);
  EXPECT_NE(check(r, "table db.present").detail.find("2 columns"), std::string::npos);
  EXPECT_EQ(check(r, "query db.present").status, CheckStatus::Pass);
  EXPECT_NE(check(r, "query db.present").detail.find("1 row"), std::string::npos);
  // The missing file fails its table and only its table.
  EXPECT_EQ(check(r, "table db.missing").status, CheckStatus::Fail);
  EXPECT_NE(check(r, "table db.missing").detail.find("gone.parquet"), std::string::npos);
  EXPECT_EQ(check(r, "query db.missing").status, CheckStatus::Skip);
  EXPECT_EQ(check(r, "query db.filtered").status, CheckStatus::Pass);
  EXPECT_NE(check(r, "query db.filtered").detail.find("docs filters"), std::string::npos);
  EXPECT_EQ(r.count(CheckStatus::Fail), 1u);
  EXPECT_FALSE(r.ok());
}

TEST(Verify, WriteProbeIsDeleted) {
  LocalWarehouse w;
  neuralake::VerifyOptions o;
  o.write = true;
  VerifyReport r = neuralake::verify(w.env, nullptr, o);
  SCOPED_TRACE(listing(r));
  EXPECT_EQ(check(r, "storage.write").status, CheckStatus::Pass);
  EXPECT_NE(check(r, "storage.write").detail.find("_neuralake_verify/probe-"), std::string::npos);
  EXPECT_EQ(check(r, "storage.conditional_write").status, CheckStatus::Pass);  // local disk links, never overwrites
  EXPECT_FALSE(fs::exists(w.warehouse / "_neuralake_verify") && !fs::is_empty(w.warehouse / "_neuralake_verify"));
  EXPECT_EQ(check(r, "tables").status, CheckStatus::Skip);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.ok(/*strict=*/true));  // credentials and tables were skipped
}

TEST(Verify, MissingLocalWarehouseFailsStorage) {
  TempDir dir;
  Environment env;
  env.variables["NEURALAKE_WAREHOUSE"] = (dir.path() / "nowhere").string();
  VerifyReport r = neuralake::verify(env, nullptr, {});
  SCOPED_TRACE(listing(r));
  EXPECT_EQ(check(r, "storage.list").status, CheckStatus::Fail);
  EXPECT_NE(check(r, "storage.list").detail.find("nowhere"), std::string::npos);
  EXPECT_EQ(check(r, "storage.read").status, CheckStatus::Skip);
  EXPECT_FALSE(r.ok());
}

// Under production every unsafe or missing setting is refused by the config
// check, before any request, and everything after it is skipped.
TEST(Verify, ProductionRefusesUnsafeOrMissingSettings) {
  TempDir home;
  const std::string secret = "prodSecret-4b1d9e07c2";
  struct Case {
    std::map<std::string, std::string> vars;
    std::string names;  // the setting the message must name
  };
  const std::map<std::string, std::string> ok = {{"NEURALAKE_WAREHOUSE", "s3://lake-prod/data"},
                                                 {"AWS_REGION", "eu-west-1"}};
  auto with = [&](std::map<std::string, std::string> extra, std::vector<std::string> drop = {}) {
    auto v = ok;
    for (const auto& d : drop) v.erase(d);
    for (auto& [k, val] : extra) v[k] = val;
    return v;
  };
  const std::vector<Case> cases = {
      {with({}, {"NEURALAKE_WAREHOUSE"}), "NEURALAKE_WAREHOUSE"},
      {with({{"NEURALAKE_WAREHOUSE", "/data/local"}}), "NEURALAKE_WAREHOUSE=s3://"},
      {with({}, {"AWS_REGION"}), "AWS_REGION"},
      {with({{"AWS_ENDPOINT_URL", "http://s3.corp.example"}}), "s3.endpoint"},
      {with({{"AWS_ENDPOINT_URL", "https://127.0.0.1:9000"}}), "loopback"},
      {with({{"NEURALAKE_S3_ALLOW_HTTP", "true"}}), "s3.allow_http"},
      {with({{"AWS_SECRET_ACCESS_KEY", secret}}), "AWS_ACCESS_KEY_ID"},
      {with({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}}), "AWS_SECRET_ACCESS_KEY"},
      {with({{"NEURALAKE_WAREHOUSE", "s3://Bad_Bucket/x"}}), "bucket"},
  };
  for (const auto& c : cases) {
    Environment env;
    env.variables = c.vars;
    env.variables["NEURALAKE_ENV"] = "production";
    env.variables["HOME"] = home.str();
    VerifyReport r = neuralake::verify(env, nullptr, {});
    SCOPED_TRACE(listing(r));
    ASSERT_FALSE(r.checks.empty());
    EXPECT_EQ(r.checks[0].name, "config");
    EXPECT_EQ(r.checks[0].status, CheckStatus::Fail);
    EXPECT_NE(r.checks[0].detail.find(c.names), std::string::npos) << "expected to name " << c.names;
    EXPECT_EQ(r.count(CheckStatus::Fail), 1u);
    EXPECT_EQ(check(r, "credentials").status, CheckStatus::Skip);
    EXPECT_EQ(check(r, "storage.list").status, CheckStatus::Skip);
    EXPECT_EQ(listing(r).find(secret), std::string::npos);
  }
}

// A valid production profile with no credentials anywhere in the chain: the
// credentials check says what to set and no storage request is attempted.
TEST(Verify, ProductionWithoutCredentials) {
  TempDir home;
  Environment env;
  env.variables = {{"NEURALAKE_ENV", "production"},
                   {"NEURALAKE_WAREHOUSE", "s3://lake-prod/data"},
                   {"AWS_REGION", "eu-west-1"},
                   {"HOME", home.str()},
                   {"AWS_EC2_METADATA_DISABLED", "true"}};
  VerifyReport r = neuralake::verify(env, nullptr, {});
  SCOPED_TRACE(listing(r));
  EXPECT_EQ(check(r, "config").status, CheckStatus::Pass);
  EXPECT_EQ(check(r, "credentials").status, CheckStatus::Fail);
  EXPECT_NE(check(r, "credentials").detail.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_EQ(check(r, "storage.list").status, CheckStatus::Skip);
  EXPECT_EQ(check(r, "storage.write").status, CheckStatus::Skip);
}

#if defined(NEURALAKE_CLI) && defined(QUICKSTART_PLUGIN)

using neuralake::testing::CliOutcome;

// Runs the CLI in `dir` with the profile variables cleared, then `env` on top.
CliOutcome cli(const fs::path& dir, const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  std::map<std::string, std::string> clean = {
      {"NEURALAKE_ENV", ""},        {"NEURALAKE_WAREHOUSE", ""},   {"NEURALAKE_CONFIG", ""},
      {"NEURALAKE_CATALOG", ""},    {"AWS_ENDPOINT_URL", ""},      {"AWS_ACCESS_KEY_ID", ""},
      {"AWS_SECRET_ACCESS_KEY", ""}, {"AWS_SESSION_TOKEN", ""},     {"AWS_REGION", ""},
      {"AWS_PROFILE", ""},          {"AWS_EC2_METADATA_DISABLED", "true"}};
  for (auto& [k, v] : env) clean[k] = v;
  return neuralake::testing::run_cli(NEURALAKE_CLI, args, clean, dir);
}

bool has_line(const std::string& out, const std::string& status, const std::string& name) {
  return out.find(status + "  " + name + " ") != std::string::npos;
}

TEST(VerifyCli, LocalQuickstartBeforeAndAfterSampleData) {
  TempDir dir;
  const std::vector<std::string> verify = {"--catalog", QUICKSTART_PLUGIN, "verify"};
  CliOutcome before = cli(dir.path(), verify);
  SCOPED_TRACE(before.out + before.err);
  EXPECT_EQ(before.code, 12);
  EXPECT_TRUE(has_line(before.out, "fail", "storage.list"));
  EXPECT_TRUE(has_line(before.out, "fail", "table tpch.part"));
  EXPECT_TRUE(has_line(before.out, "skip", "query tpch.part"));
  EXPECT_TRUE(has_line(before.out, "pass", "table tpch.supplier"));  // a function table needs no data
  EXPECT_NE(before.out.find("FAILED"), std::string::npos);

  ASSERT_EQ(cli(dir.path(), {"sample-data"}).code, 0);
  CliOutcome after = cli(dir.path(), verify);
  SCOPED_TRACE(after.out + after.err);
  EXPECT_EQ(after.code, 0);
  EXPECT_TRUE(has_line(after.out, "pass", "config"));
  EXPECT_TRUE(has_line(after.out, "skip", "credentials"));
  EXPECT_TRUE(has_line(after.out, "pass", "storage.read"));
  EXPECT_TRUE(has_line(after.out, "pass", "query tpch.part"));
  EXPECT_TRUE(has_line(after.out, "skip", "storage.write"));
  // Every line of the report is one check or the summary.
  for (size_t p = 0, n; p < after.out.size(); p = n + 1) {
    n = after.out.find('\n', p);
    std::string line = after.out.substr(p, n - p);
    EXPECT_TRUE(line.rfind("pass  ", 0) == 0 || line.rfind("skip  ", 0) == 0 || line.find("passed,") != std::string::npos)
        << line;
  }

  // --strict fails on the skips (credentials are not needed under local).
  CliOutcome strict = cli(dir.path(), {"--catalog", QUICKSTART_PLUGIN, "verify", "--write", "--strict"});
  SCOPED_TRACE(strict.out);
  EXPECT_EQ(strict.code, 12);
  EXPECT_TRUE(has_line(strict.out, "pass", "storage.write"));
  EXPECT_TRUE(has_line(strict.out, "skip", "credentials"));
  EXPECT_FALSE(fs::exists(dir.path() / "warehouse" / "_neuralake_verify") &&
               !fs::is_empty(dir.path() / "warehouse" / "_neuralake_verify"));

  // The table's data disappears: that table fails, the run fails.
  fs::remove(dir.path() / "warehouse" / "parts.parquet");
  CliOutcome missing = cli(dir.path(), verify);
  SCOPED_TRACE(missing.out);
  EXPECT_EQ(missing.code, 12);
  EXPECT_TRUE(has_line(missing.out, "pass", "storage.list"));
  EXPECT_TRUE(has_line(missing.out, "fail", "table tpch.part"));
  EXPECT_NE(missing.out.find("parts.parquet"), std::string::npos);
}

TEST(VerifyCli, NoCatalogAndBrokenPlugin) {
  TempDir dir;
  fs::create_directories(dir.path() / "warehouse");
  CliOutcome none = cli(dir.path(), {"verify"});
  EXPECT_EQ(none.code, 0) << none.out << none.err;
  EXPECT_TRUE(has_line(none.out, "skip", "tables"));
  EXPECT_TRUE(has_line(none.out, "skip", "storage.read"));  // empty warehouse

  CliOutcome broken = cli(dir.path(), {"--catalog", NOT_A_PLUGIN, "verify"});
  EXPECT_EQ(broken.code, 12) << broken.out << broken.err;
  EXPECT_TRUE(has_line(broken.out, "fail", "catalog"));
  EXPECT_FALSE(has_line(broken.out, "skip", "tables"));
}

TEST(VerifyCli, ProductionRefusedBeforeAnyRequest) {
  TempDir dir;
  const std::string secret = "cliProdSecret-91c3e5aa";
  CliOutcome r = cli(dir.path(), {"--catalog", QUICKSTART_PLUGIN, "verify"},
                     {{"NEURALAKE_ENV", "production"}, {"AWS_REGION", "eu-west-1"},
                      {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", secret}});
  SCOPED_TRACE(r.out + r.err);
  EXPECT_EQ(r.code, 12);
  EXPECT_TRUE(has_line(r.out, "fail", "config"));
  EXPECT_NE(r.out.find("NEURALAKE_WAREHOUSE=s3://"), std::string::npos);
  EXPECT_TRUE(has_line(r.out, "skip", "catalog"));  // the plugin needs the configuration too
  EXPECT_EQ((r.out + r.err).find(secret), std::string::npos);

  // Any other command stops with the same message on one line.
  CliOutcome sql = cli(dir.path(), {"sql", "SELECT 1"},
                       {{"NEURALAKE_ENV", "production"}, {"NEURALAKE_WAREHOUSE", "s3://lake-prod/x"},
                        {"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL", "http://s3.corp.example"},
                        {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", secret}});
  EXPECT_EQ(sql.code, 4) << sql.err;
  EXPECT_EQ(sql.out, "");
  EXPECT_EQ(std::count(sql.err.begin(), sql.err.end(), '\n'), 1) << sql.err;
  EXPECT_EQ(sql.err.rfind("neuralake: ", 0), 0u) << sql.err;
  EXPECT_NE(sql.err.find("s3.endpoint"), std::string::npos) << sql.err;
  EXPECT_EQ(sql.err.find(secret), std::string::npos);
}

// The quickstart against a live local S3 server: the same checks pass over
// s3://, the probe object is written and deleted, and the secret is never printed.
TEST(VerifyCli, MinioAgainstLocalServer) {
  std::unique_ptr<neuralake::testing::LocalS3Server> server;
  try {
    server = std::make_unique<neuralake::testing::LocalS3Server>("neuralake");
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  TempDir dir;
  const std::string secret = "minioSecret-d41c7b20e9";
  const std::map<std::string, std::string> env = {{"NEURALAKE_ENV", "minio"},
                                                  {"AWS_ENDPOINT_URL", server->endpoint()},
                                                  {"AWS_ACCESS_KEY_ID", "minioadmin"},
                                                  {"AWS_SECRET_ACCESS_KEY", secret}};
  const std::vector<std::string> verify = {"--catalog", QUICKSTART_PLUGIN, "verify", "--write"};

  CliOutcome before = cli(dir.path(), verify, env);
  SCOPED_TRACE(before.out + before.err);
  EXPECT_EQ(before.code, 12);
  EXPECT_TRUE(has_line(before.out, "pass", "credentials"));
  EXPECT_TRUE(has_line(before.out, "pass", "storage.list"));
  EXPECT_TRUE(has_line(before.out, "skip", "storage.read"));  // empty bucket
  EXPECT_TRUE(has_line(before.out, "pass", "storage.write"));
  // The local S3 server ignores If-None-Match: Delta writers would be refused.
  EXPECT_TRUE(has_line(before.out, "fail", "storage.conditional_write"));
  EXPECT_NE(before.out.find("s3.single_writer"), std::string::npos);
  EXPECT_TRUE(has_line(before.out, "fail", "table tpch.part"));
  EXPECT_NE(before.out.find("s3://neuralake/parts.parquet"), std::string::npos);

  CliOutcome sample = cli(dir.path(), {"sample-data"}, env);
  ASSERT_EQ(sample.code, 0) << sample.err;
  EXPECT_NE(sample.out.find("s3://neuralake/parts.parquet"), std::string::npos);

  auto single_writer = env;
  single_writer["NEURALAKE_S3_SINGLE_WRITER"] = "true";
  CliOutcome after = cli(dir.path(), verify, single_writer);
  SCOPED_TRACE(after.out + after.err);
  EXPECT_EQ(after.code, 0);
  for (const char* name : {"config", "credentials", "storage.list", "storage.read", "storage.write",
                           "storage.conditional_write", "table tpch.part", "query tpch.part", "table tpch.supplier",
                           "query tpch.supplier"})
    EXPECT_TRUE(has_line(after.out, "pass", name)) << name;
  EXPECT_EQ(cli(dir.path(), {"--catalog", QUICKSTART_PLUGIN, "verify", "--write", "--strict"}, single_writer).code, 0);

  // A bucket that does not exist fails storage and names it.
  auto missing_env = env;
  missing_env["NEURALAKE_WAREHOUSE"] = "s3://no-such-bucket/wh";
  CliOutcome missing = cli(dir.path(), {"verify"}, missing_env);
  SCOPED_TRACE(missing.out + missing.err);
  EXPECT_EQ(missing.code, 12);
  EXPECT_TRUE(has_line(missing.out, "fail", "storage.list"));
  EXPECT_NE(missing.out.find("no-such-bucket"), std::string::npos);

  for (const auto* o : {&before, &sample, &after, &missing}) {
    EXPECT_EQ(o->out.find(secret), std::string::npos);
    EXPECT_EQ(o->err.find(secret), std::string::npos);
  }
}

#endif

}  // namespace
