// Shared by the fuzz targets (each <name>_fuzz.cpp) and by the test that
// replays their regression inputs (tests/fuzz_regression_test.cpp): how an
// input becomes objects in a store, and which exceptions a target accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "delta/checkpoint_reader.h"
#include "neuralake/error.h"
#include "neuralake/object_store.h"
#include "parquet/thrift_compact.h"

namespace neuralake::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `fn`: a neuralake::Error (bad input, named) is the expected way to
// refuse an input; anything else escapes, which the fuzzer reports as a crash
// and the replay test as a failure.
template <class F>
void expect_only_errors(F&& fn) {
  try {
    fn();
  } catch (const Error&) {
  }
}

// The same, for the Parquet decoder, whose own error type is FormatError
// (the checkpoint reader turns it into Corruption naming the file).
template <class F>
void expect_only_format_errors(F&& fn) {
  try {
    fn();
  } catch (const Error&) {
  } catch (const parquet::FormatError&) {
  }
}

// Stops the process with a message: a property of a target does not hold.
[[noreturn]] inline void property_failed(const std::string& what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what.c_str());
  std::abort();
}

// A checkpoint reader for what the Parquet decoder passes on (protocol,
// metaData, txn and remove rows, parts it cannot read): refuses, as a table
// with such a checkpoint cannot be read without the engine.
class NoFallbackCheckpointReader : public delta::CheckpointReader {
 public:
  void read_actions(const std::shared_ptr<ObjectStore>&, const std::vector<std::string>& keys,
                    const std::function<void(std::string_view)>&) override {
    refuse(keys);
  }
  void read_adds(const std::shared_ptr<ObjectStore>&, const std::vector<std::string>& keys,
                 const std::vector<std::string>&, const std::function<void(const delta::CheckpointAdd&)>&) override {
    refuse(keys);
  }
  void read_add_stats(const std::shared_ptr<ObjectStore>&, const std::vector<std::string>& keys,
                      const std::function<const delta::StatsLayout&()>&,
                      const std::function<void(const delta::CheckpointStats&)>&, delta::RowShare) override {
    refuse(keys);
  }

 private:
  [[noreturn]] static void refuse(const std::vector<std::string>& keys) {
    throw Error(ErrorCode::NotSupported, keys.empty() ? std::string() : keys.front(),
                "checkpoint read without the engine");
  }
};

}  // namespace neuralake::fuzz
