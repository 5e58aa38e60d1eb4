// The local S3 server as a child process, for tests and benchmarks.
#include "testing/local_s3_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace neuralake::testing {

LocalS3Process::LocalS3Process(const std::filesystem::path& script, const std::filesystem::path& dir, const std::string& bucket) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Its own group, so stop() reaches node as well as the script; and it
    // dies with its parent even if the parent is killed.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    ::execl("/bin/bash", "bash", script.c_str(), "serve", "--port", "0", "--dir", dir.c_str(), "--bucket",
            bucket.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  FILE* f = ::fdopen(out[0], "r");
  const std::string tag = "listening on 127.0.0.1:";
  char line[256];
  std::string text;
  while (std::fgets(line, sizeof line, f) && (text = line).rfind(tag, 0) != 0) {}
  std::fclose(f);
  if (text.rfind(tag, 0) != 0) {
    stop();
    throw std::runtime_error("local S3 server did not start (" + script.string() + " serve)");
  }
  port_ = std::stoi(text.substr(tag.size()));
}

LocalS3Process::~LocalS3Process() { stop(); }

void LocalS3Process::stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace neuralake::testing
