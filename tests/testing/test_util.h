// Helpers shared by the test executables.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "neuralake/error.h"

namespace neuralake::testing {

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The read-only shared test data folder (../shared next to the source tree),
// or an empty path if it is absent.
std::filesystem::path shared_dir();
std::filesystem::path source_dir();

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// `text` as a JSON string literal, quotes included: `"` and `\` escaped, control
// characters as \n, \t, ... or \u00XX, UTF-8 kept as it is.
std::string json_string(std::string_view text);

}  // namespace neuralake::testing

// Asserts that `stmt` throws neuralake::Error with `code` and a message that
// names `object` (a substring check).
#define EXPECT_NL_ERROR(stmt, error_code, object_text)                                          \
  do {                                                                                          \
    try {                                                                                       \
      stmt;                                                                                     \
      ADD_FAILURE() << "expected neuralake::Error(" #error_code ") from: " #stmt;              \
    } catch (const ::neuralake::Error& e__) {                                                   \
      EXPECT_EQ(e__.code(), ::neuralake::ErrorCode::error_code)                                 \
          << "code " << ::neuralake::to_string(e__.code()) << ": " << e__.what();              \
      EXPECT_NE(std::string(e__.what()).find(object_text), std::string::npos)                   \
          << "message does not name '" << (object_text) << "': " << e__.what();                \
    }                                                                                           \
  } while (0)
