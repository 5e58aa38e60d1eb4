# -DNEURALAKE_SANITIZE=ON instruments everything this build compiles with
# AddressSanitizer and UndefinedBehaviorSanitizer (GCC or clang). DuckDB is
# the release libduckdb.so, not instrumented: ASan still sees our side of
# every call. A UBSan report stops the test like an ASan one.
#
#   cmake -S . -B build-asan -DNEURALAKE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-asan --target neuralake_sanitize_tests
#   cd build-asan && ctest -L sanitize
#
# The tests run under it are those tests/CMakeLists.txt labels `sanitize`;
# scripts/test-all sets the run-time options (ASAN_OPTIONS, LSAN_OPTIONS).
option(NEURALAKE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(NEURALAKE_SANITIZE)
  set(NEURALAKE_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${NEURALAKE_SANITIZE_FLAGS})
  add_link_options(${NEURALAKE_SANITIZE_FLAGS})
endif()
