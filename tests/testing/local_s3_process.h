// The local S3 server as a child process: scripts/local-s3 serve on a free
// loopback port in its own process group, stopped (with its children) when
// destroyed. Used by the tests (s3_local_server.h) and the S3 benchmarks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace neuralake::testing {

class LocalS3Process {
 public:
  // Starts `script` serve --port 0 --dir `dir` --bucket `bucket` and waits for
  // its "listening on 127.0.0.1:<port>" line. Throws std::runtime_error if the
  // server exits before saying where it listens.
  LocalS3Process(const std::filesystem::path& script, const std::filesystem::path& dir, const std::string& bucket);
  ~LocalS3Process();
  LocalS3Process(const LocalS3Process&) = delete;
  LocalS3Process& operator=(const LocalS3Process&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Stops the server's whole process group; safe to call twice.
  void stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace neuralake::testing
