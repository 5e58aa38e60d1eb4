// Catalog plugins: a catalog compiled as a shared library that the
// `neuralake` CLI (or any program) loads with load_catalog_plugin().
//
// The C entry points below are the versioned boundary; no exception crosses
// it. A plugin defines them with one line in one of its .cpp files:
//
//   neuralake::Catalog make_catalog() { ... }
//   NEURALAKE_CATALOG_PLUGIN(make_catalog)
//
// The plugin must be built against the same neuralake version as the loader
// (the ABI version is checked at load time).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/error.h"

// Version 1: neuralake_plugin_abi_version, neuralake_plugin_create_catalog,
// neuralake_plugin_destroy_catalog, as declared below.
// Version 2: the same functions; Series keeps strings in a StringColumn.
// Version 3: the same functions; the catalog has a name, tables have a
// deprecated flag, column descriptions and ROAPI options, lookups by name
// go through an index, and SessionOptions can confine a session to its catalog.
#define NEURALAKE_PLUGIN_ABI_VERSION 3

extern "C" {
// Returns NEURALAKE_PLUGIN_ABI_VERSION of the headers the plugin was built with.
typedef int (*neuralake_plugin_abi_version_fn)(void);
// On success returns 0 and sets *catalog to a new neuralake::Catalog. On
// failure returns 1 + the neuralake::ErrorCode and writes a NUL-terminated
// message of at most message_len bytes.
typedef int (*neuralake_plugin_create_catalog_fn)(void** catalog, char* message, size_t message_len);
// Destroys a catalog made by neuralake_plugin_create_catalog.
typedef void (*neuralake_plugin_destroy_catalog_fn)(void* catalog);
}

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// Loads a catalog plugin. The library stays loaded for the life of the
// process (the catalog's function tables run its code). Throws NotFound if
// the file is missing, InvalidArgument if it is not a neuralake plugin or its
// ABI version differs, and the plugin's own error if building the catalog fails.
Catalog load_catalog_plugin(const std::string& path);

namespace detail {
inline void copy_message(const char* text, char* out, size_t len) {
  if (!out || len == 0) return;
  std::strncpy(out, text, len - 1);
  out[len - 1] = '\0';
}
}  // namespace detail

}  // namespace neuralake
#pragma GCC visibility pop

#define NEURALAKE_CATALOG_PLUGIN(factory)                                                             \
  extern "C" __attribute__((visibility("default"))) int neuralake_plugin_abi_version(void) {          \
    return NEURALAKE_PLUGIN_ABI_VERSION;                                                              \
  }                                                                                                   \
  extern "C" __attribute__((visibility("default"))) int neuralake_plugin_create_catalog(              \
      void** catalog, char* message, size_t message_len) {                                            \
    try {                                                                                             \
      *catalog = new ::neuralake::Catalog(factory());                                                 \
      return 0;                                                                                       \
    } catch (const ::neuralake::Error& e) {                                                           \
      ::neuralake::detail::copy_message(e.what(), message, message_len);                              \
      return 1 + static_cast<int>(e.code());                                                          \
    } catch (const std::exception& e) {                                                               \
      ::neuralake::detail::copy_message(e.what(), message, message_len);                              \
      return 1 + static_cast<int>(::neuralake::ErrorCode::Internal);                                  \
    } catch (...) {                                                                                   \
      ::neuralake::detail::copy_message("unknown exception while building the catalog", message,      \
                                        message_len);                                                 \
      return 1 + static_cast<int>(::neuralake::ErrorCode::Internal);                                  \
    }                                                                                                 \
  }                                                                                                   \
  extern "C" __attribute__((visibility("default"))) void neuralake_plugin_destroy_catalog(void* c) {  \
    delete static_cast<::neuralake::Catalog*>(c);                                                     \
  }
