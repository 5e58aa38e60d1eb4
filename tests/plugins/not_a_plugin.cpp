// A shared library that is not a catalog plugin (no entry points), and, with
// NEURALAKE_TEST_WRONG_ABI, one that claims an ABI version no loader knows.
#include <cstddef>

#ifdef NEURALAKE_TEST_WRONG_ABI
extern "C" __attribute__((visibility("default"))) int neuralake_plugin_abi_version(void) { return 999; }
extern "C" __attribute__((visibility("default"))) int neuralake_plugin_create_catalog(void**, char*, size_t) {
  return 1;
}
extern "C" __attribute__((visibility("default"))) void neuralake_plugin_destroy_catalog(void*) {}
#else
extern "C" __attribute__((visibility("default"))) int some_other_library_function(int x) { return x + 1; }
#endif
