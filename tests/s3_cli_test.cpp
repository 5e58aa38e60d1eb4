// `neuralake s3 ls|cp|rm` as a subprocess against a live local S3 server under
// the minio profile: listings, byte-identical streaming copies, removals, errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "testing/cli_process.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

#if defined(NEURALAKE_CLI)

namespace {

using neuralake::testing::CliOutcome;
using neuralake::testing::LocalS3Server;
using neuralake::testing::TempDir;
namespace fs = std::filesystem;

constexpr int kExitNotFound = 3;      // the CLI's code for ErrorCode::NotFound
constexpr int kExitInvalidArgument = 4;  // and for ErrorCode::InvalidArgument

class S3Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LocalS3Server("neuralake"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  CliOutcome cli(const std::vector<std::string>& args) {
    std::map<std::string, std::string> env = {
        {"NEURALAKE_ENV", "minio"},       {"AWS_ENDPOINT_URL", server_->endpoint()},
        {"NEURALAKE_CONFIG", ""},         {"NEURALAKE_WAREHOUSE", ""},
        {"AWS_ENDPOINT_URL_S3", ""},      {"AWS_ACCESS_KEY_ID", ""},
        {"AWS_SECRET_ACCESS_KEY", ""},    {"AWS_SESSION_TOKEN", ""},
        {"AWS_PROFILE", ""},              {"AWS_EC2_METADATA_DISABLED", "true"},
        {"HTTP_PROXY", ""},               {"http_proxy", ""},
        {"HTTPS_PROXY", ""},              {"https_proxy", ""}};
    return neuralake::testing::run_cli(NEURALAKE_CLI, args, env, dir_.path());
  }

  // Writes `size` pseudo-random bytes (fixed seed) to a file in the test folder.
  fs::path random_file(const std::string& name, size_t size) {
    std::mt19937_64 rng(size);
    std::string data(size, '\0');
    for (size_t i = 0; i < size; i += 8) {
      uint64_t v = rng();
      for (size_t j = 0; j < 8 && i + j < size; ++j) data[i + j] = static_cast<char>(v >> (8 * j));
    }
    fs::path p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }

  static bool single_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

  static LocalS3Server* server_;
  TempDir dir_;
};

LocalS3Server* S3Cli::server_ = nullptr;

TEST_F(S3Cli, CopyRoundTripOf20MBIsByteIdenticalAndListed) {
  fs::path original = random_file("big.bin", 20'000'000);
  CliOutcome up = cli({"s3", "cp", original.string(), "s3://neuralake/rt/big.bin"});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_NE(up.out.find("20000000 bytes"), std::string::npos) << up.out;
  EXPECT_EQ(up.err, "");  // stderr is not a terminal here: no progress bar

  CliOutcome across = cli({"s3", "cp", "s3://neuralake/rt/big.bin", "s3://neuralake/rt/copy/"});
  ASSERT_EQ(across.code, 0) << across.err;

  CliOutcome down = cli({"s3", "cp", "s3://neuralake/rt/copy/big.bin", "back.bin"});
  ASSERT_EQ(down.code, 0) << down.err;
  EXPECT_EQ(neuralake::testing::read_file(dir_.path() / "back.bin"), neuralake::testing::read_file(original));

  // Into an existing local folder: the object's name is kept.
  fs::create_directories(dir_.path() / "into");
  ASSERT_EQ(cli({"s3", "cp", "s3://neuralake/rt/big.bin", "into"}).code, 0);
  EXPECT_EQ(fs::file_size(dir_.path() / "into" / "big.bin"), 20'000'000u);

  CliOutcome ls = cli({"s3", "ls", "--recursive", "s3://neuralake/rt"});
  ASSERT_EQ(ls.code, 0) << ls.err;
  EXPECT_NE(ls.out.find("20000000  rt/big.bin\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("20000000  rt/copy/big.bin\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("Z  "), std::string::npos) << "UTC times: " << ls.out;
}

TEST_F(S3Cli, ListShowsFoldersUnlessRecursive) {
  fs::path small = random_file("small.bin", 1000);
  for (const char* key : {"ls/a.bin", "ls/sub/b.bin", "ls/sub/deeper/c.bin", "lsx/not-under.bin"})
    ASSERT_EQ(cli({"s3", "cp", small.string(), std::string("s3://neuralake/") + key}).code, 0) << key;

  CliOutcome top = cli({"s3", "ls", "s3://neuralake/ls"});
  ASSERT_EQ(top.code, 0) << top.err;
  EXPECT_NE(top.out.find("1000  ls/a.bin\n"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("PRE  ls/sub/\n"), std::string::npos) << top.out;
  EXPECT_EQ(top.out.find("b.bin"), std::string::npos) << top.out;
  EXPECT_EQ(top.out.find("lsx"), std::string::npos) << "prefix 'ls' is the folder ls/, not ls*: " << top.out;

  CliOutcome all = cli({"s3", "ls", "-r", "s3://neuralake/ls/"});
  ASSERT_EQ(all.code, 0) << all.err;
  for (const char* key : {"ls/a.bin\n", "ls/sub/b.bin\n", "ls/sub/deeper/c.bin\n"})
    EXPECT_NE(all.out.find(key), std::string::npos) << key << " in " << all.out;
  EXPECT_EQ(all.out.find("PRE"), std::string::npos) << all.out;
}

TEST_F(S3Cli, RemoveThenListNoLongerShowsIt) {
  fs::path small = random_file("small.bin", 10);
  for (const char* key : {"rm/keep.bin", "rm/gone.bin", "rm/dir/x.bin", "rm/dir/y/z.bin"})
    ASSERT_EQ(cli({"s3", "cp", small.string(), std::string("s3://neuralake/") + key}).code, 0) << key;

  CliOutcome rm = cli({"s3", "rm", "s3://neuralake/rm/gone.bin"});
  ASSERT_EQ(rm.code, 0) << rm.err;
  EXPECT_EQ(rm.out, "deleted s3://neuralake/rm/gone.bin\n");
  CliOutcome ls = cli({"s3", "ls", "-r", "s3://neuralake/rm"});
  EXPECT_EQ(ls.out.find("gone.bin"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("rm/keep.bin"), std::string::npos) << ls.out;

  CliOutcome rmr = cli({"s3", "rm", "--recursive", "s3://neuralake/rm/dir"});
  ASSERT_EQ(rmr.code, 0) << rmr.err;
  EXPECT_NE(rmr.out.find("deleted s3://neuralake/rm/dir/x.bin\n"), std::string::npos) << rmr.out;
  EXPECT_NE(rmr.out.find("deleted s3://neuralake/rm/dir/y/z.bin\n"), std::string::npos) << rmr.out;
  ls = cli({"s3", "ls", "-r", "s3://neuralake/rm"});
  EXPECT_EQ(ls.out.find("rm/dir/"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("rm/keep.bin"), std::string::npos) << ls.out;

  CliOutcome gone = cli({"s3", "ls", "s3://neuralake/rm/dir"});
  EXPECT_EQ(gone.code, kExitNotFound);
  EXPECT_NE(gone.err.find("s3://neuralake/rm/dir"), std::string::npos) << gone.err;
}

TEST_F(S3Cli, MissingKeyBucketOrFileIsNotFoundNamingIt) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  fs::path small = random_file("small.bin", 10);
  const std::vector<Case> cases = {
      {{"s3", "cp", "s3://neuralake/missing/key.bin", "out.bin"}, "s3://neuralake/missing/key.bin"},
      {{"s3", "cp", "s3://nobucket/key.bin", "out.bin"}, "nobucket"},
      {{"s3", "cp", small.string(), "s3://nobucket/key.bin"}, "nobucket"},
      {{"s3", "cp", "no-such-file.bin", "s3://neuralake/x.bin"}, "no-such-file.bin"},
      {{"s3", "ls", "s3://nobucket/"}, "nobucket"},
      {{"s3", "ls", "s3://neuralake/missing/prefix"}, "s3://neuralake/missing/prefix"},
      {{"s3", "rm", "s3://neuralake/missing/key.bin"}, "s3://neuralake/missing/key.bin"},
      {{"s3", "rm", "-r", "s3://neuralake/missing/prefix"}, "s3://neuralake/missing/prefix"},
  };
  for (const auto& c : cases) {
    CliOutcome r = cli(c.args);
    EXPECT_EQ(r.code, kExitNotFound) << c.args[1] << " " << c.args[2] << ": " << r.err;
    EXPECT_TRUE(single_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "out.bin")) << "a failed download leaves no file";
}

TEST_F(S3Cli, NonS3UrisAreInvalidArguments) {
  CliOutcome ls = cli({"s3", "ls", "/tmp"});
  EXPECT_EQ(ls.code, kExitInvalidArgument) << ls.err;
  EXPECT_NE(ls.err.find("/tmp"), std::string::npos) << ls.err;
  CliOutcome cp = cli({"s3", "cp", "a.bin", "b.bin"});
  EXPECT_EQ(cp.code, kExitInvalidArgument) << cp.err;
  EXPECT_TRUE(single_line(cp.err)) << cp.err;
}

}  // namespace

#endif
