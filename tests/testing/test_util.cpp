#include "testing/test_util.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace neuralake::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  path_ = base / ("neuralake-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                  std::to_string(rd() % 1000000));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path source_dir() { return NEURALAKE_SOURCE_DIR; }

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("NEURALAKE_SHARED_DIR")) {
    if (std::filesystem::is_directory(env)) return std::filesystem::canonical(env);
  }
  auto p = source_dir() / ".." / "shared";
  if (std::filesystem::is_directory(p)) return std::filesystem::canonical(p);
  return {};
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
}

std::string json_string(std::string_view text) {
  // nlohmann's serializer already escapes every control character the JSON
  // grammar forbids; a hand-written loop here once missed them.
  return nlohmann::json(std::string(text)).dump();
}

}  // namespace neuralake::testing
