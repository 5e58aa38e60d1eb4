// Starts the local S3 server (scripts/local-s3 serve: s3rver) on a free
// loopback port for one test, suite or binary, and stops it.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "testing/local_s3_process.h"
#include "testing/test_util.h"

namespace neuralake::testing {

class LocalS3Server {
 public:
  // Buckets other than `bucket` can be made with a PUT. Throws std::runtime_error
  // if the server does not come up (e.g. npm unreachable on a fresh clone).
  explicit LocalS3Server(const std::string& bucket = "neuralake")
      : process_(source_dir() / "scripts" / "local-s3", data_.path(), bucket) {}

  int port() const { return process_.port(); }
  std::string endpoint() const { return process_.endpoint(); }
  void stop() { process_.stop(); }

 private:
  TempDir data_;  // the server's files; removed after the server stops
  LocalS3Process process_;
};

// One server for a whole test binary: started before its first test and
// stopped after its last (a GoogleTest environment, so one slow start serves
// every test). At namespace scope:
//   LocalS3Environment* const s3 = LocalS3Environment::add();
// then s3->server().endpoint() inside the tests.
class LocalS3Environment : public ::testing::Environment {
 public:
  static LocalS3Environment* add(const std::string& bucket = "neuralake") {
    return static_cast<LocalS3Environment*>(::testing::AddGlobalTestEnvironment(new LocalS3Environment(bucket)));
  }
  void SetUp() override { server_ = std::make_unique<LocalS3Server>(bucket_); }
  void TearDown() override { server_.reset(); }
  // Valid between SetUp and TearDown, i.e. inside any test.
  const LocalS3Server& server() const { return *server_; }

 private:
  explicit LocalS3Environment(std::string bucket) : bucket_(std::move(bucket)) {}
  std::string bucket_;
  std::unique_ptr<LocalS3Server> server_;
};

}  // namespace neuralake::testing
