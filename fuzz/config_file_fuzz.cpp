// Fuzzes the config file: the input is a neuralake.toml, parsed and then
// resolved for each profile it defines (extends chains, typed settings,
// endpoints), as `NEURALAKE_CONFIG=<file> NEURALAKE_ENV=<profile>` would.
// Only a neuralake::Error may come out.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config_file.h"
#include "fuzz_util.h"
#include "neuralake/config.h"

using namespace neuralake;

namespace {

// One file per process, rewritten for every input.
const std::string& scratch_path() {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("neuralake-fuzz-config-" + std::to_string(getpid()) + ".toml"))
          .string();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fuzz::expect_only_errors([&] {
    const config::ConfigFile file = config::load_config_file(path);
    size_t resolved = 0;
    for (const auto& profile : file.profiles) {
      if (++resolved > 4) break;
      const std::string& name = profile.first;
      fuzz::expect_only_errors([&] {
        Environment env;
        env.variables["NEURALAKE_CONFIG"] = path;
        env.variables["NEURALAKE_ENV"] = name;
        const Config config = Config::resolve(env);
        (void)config.describe();
      });
    }
  });
  std::remove(path.c_str());
  return 0;
}
