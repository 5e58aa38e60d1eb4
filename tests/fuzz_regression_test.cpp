// Every input a fuzzer found a bug with is kept under tests/data/fuzz/<target>/
// and replayed here through the fuzz target's own code (fuzz/<target>.cpp,
// compiled in with its entry point renamed): the parser must refuse it with
// a neuralake::Error (or the Parquet decoder's FormatError), never crash,
// trip a sanitizer (in the sanitizer build) or throw anything else.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
int neuralake_fuzz_parquet_footer(const uint8_t* data, size_t size);
int neuralake_fuzz_parquet_column(const uint8_t* data, size_t size);
int neuralake_fuzz_delta_commit(const uint8_t* data, size_t size);
int neuralake_fuzz_file_stats(const uint8_t* data, size_t size);
int neuralake_fuzz_last_checkpoint(const uint8_t* data, size_t size);
int neuralake_fuzz_filter(const uint8_t* data, size_t size);
int neuralake_fuzz_config_file(const uint8_t* data, size_t size);
int neuralake_fuzz_markdown(const uint8_t* data, size_t size);
int neuralake_fuzz_rest_query(const uint8_t* data, size_t size);
int neuralake_fuzz_accept_header(const uint8_t* data, size_t size);
}

namespace {

namespace fs = std::filesystem;

struct Target {
  const char* name;  // the fuzz target, and its folder under tests/data/fuzz/
  int (*run)(const uint8_t*, size_t);
};

const Target kTargets[] = {
    {"parquet_footer_fuzz", neuralake_fuzz_parquet_footer}, {"parquet_column_fuzz", neuralake_fuzz_parquet_column},
    {"delta_commit_fuzz", neuralake_fuzz_delta_commit},     {"file_stats_fuzz", neuralake_fuzz_file_stats},
    {"last_checkpoint_fuzz", neuralake_fuzz_last_checkpoint}, {"filter_fuzz", neuralake_fuzz_filter},
    {"config_file_fuzz", neuralake_fuzz_config_file},       {"markdown_fuzz", neuralake_fuzz_markdown},
    {"rest_query_fuzz", neuralake_fuzz_rest_query},           {"accept_header_fuzz", neuralake_fuzz_accept_header},
};

// Test names and messages show the target's name, not its bytes.
void PrintTo(const Target& t, std::ostream* os) { *os << t.name; }

fs::path data_dir() { return fs::path(NEURALAKE_SOURCE_DIR) / "tests" / "data" / "fuzz"; }

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> out;
  const fs::path dir = data_dir() / target;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class FuzzRegression : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzRegression, KeptInputsAreRefusedCleanly) {
  const Target& t = GetParam();
  for (const fs::path& path : inputs_of(t.name)) {
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(path.string());
    EXPECT_NO_THROW(t.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegression, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::string(info.param.name); });

// Every folder of kept inputs belongs to a target replayed above, so none is
// silently skipped (a renamed target, a typo in a folder name).
TEST(FuzzRegressionData, EveryFolderIsATarget) {
  ASSERT_TRUE(fs::is_directory(data_dir())) << data_dir();
  for (const auto& e : fs::directory_iterator(data_dir())) {
    const std::string name = e.path().filename().string();
    const bool known = std::any_of(std::begin(kTargets), std::end(kTargets),
                                   [&](const Target& t) { return name == t.name; });
    EXPECT_TRUE(known) << "tests/data/fuzz/" << name << " is not a fuzz target's folder";
  }
}

}  // namespace
