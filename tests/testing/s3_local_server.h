// Starts the local S3 server (scripts/local-s3 serve: s3rver) on a free
// loopback port for one test, suite or binary, and stops it. Header-only.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "testing/test_util.h"

namespace neuralake::testing {

class LocalS3Server {
 public:
  // Buckets other than `bucket` can be made with a PUT. Throws std::runtime_error
  // if the server does not come up (e.g. npm unreachable on a fresh clone).
  explicit LocalS3Server(const std::string& bucket = "neuralake") {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    const std::string script = (source_dir() / "scripts" / "local-s3").string();
    const std::string dir = data_.str();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);  // its own group, so stopping it stops only what it started
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // and it dies with the test, even a crashed one
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      ::execl("/bin/bash", "bash", script.c_str(), "serve", "--port", "0", "--dir", dir.c_str(), "--bucket",
              bucket.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[256];
    std::string text;
    while (std::fgets(line, sizeof line, f)) {
      text = line;
      if (text.rfind("listening on 127.0.0.1:", 0) == 0) break;
    }
    std::fclose(f);
    const std::string tag = "listening on 127.0.0.1:";
    if (text.rfind(tag, 0) != 0) {
      stop();
      throw std::runtime_error("local S3 server did not start (scripts/local-s3 serve)");
    }
    port_ = std::stoi(text.substr(tag.size()));
  }
  ~LocalS3Server() { stop(); }
  LocalS3Server(const LocalS3Server&) = delete;
  LocalS3Server& operator=(const LocalS3Server&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  TempDir data_;
  pid_t pid_ = -1;
  int port_ = 0;
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
