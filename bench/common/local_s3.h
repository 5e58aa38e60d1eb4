// A local S3 server for benchmarks: scripts/local-s3 serve on a free loopback
// port in its own process group, stopped (with its children) when destroyed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace bench {

class LocalS3 {
 public:
  // Starts `script` serve --port 0 --dir `dir` --bucket `bucket` and waits for
  // its "listening on 127.0.0.1:<port>" line. Throws std::runtime_error if the
  // server exits before saying where it listens.
  LocalS3(const std::filesystem::path& script, const std::filesystem::path& dir, const std::string& bucket);
  ~LocalS3();
  LocalS3(const LocalS3&) = delete;
  LocalS3& operator=(const LocalS3&) = delete;

  // "http://127.0.0.1:<port>"
  const std::string& endpoint() const { return endpoint_; }
  // Stops the server's whole process group; safe to call twice.
  void stop();

 private:
  pid_t pid_ = -1;
  std::string endpoint_;
};

}  // namespace bench
