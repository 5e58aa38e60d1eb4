// Loading catalog plugins through their versioned C entry points.
#include "neuralake/plugin.h"

#include <dlfcn.h>

#include <filesystem>

namespace neuralake {

Catalog load_catalog_plugin(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw Error(ErrorCode::NotFound, path, "catalog plugin '" + path + "' does not exist");
  // RTLD_NODELETE: the catalog's function tables run the plugin's code for as
  // long as the process lives.
  void* handle = dlopen(std::filesystem::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle) {
    const char* why = dlerror();
    throw Error(ErrorCode::InvalidArgument, path,
                "cannot load catalog plugin '" + path + "': " + (why ? why : "unknown error"));
  }
  auto version = reinterpret_cast<neuralake_plugin_abi_version_fn>(dlsym(handle, "neuralake_plugin_abi_version"));
  auto create = reinterpret_cast<neuralake_plugin_create_catalog_fn>(dlsym(handle, "neuralake_plugin_create_catalog"));
  auto destroy =
      reinterpret_cast<neuralake_plugin_destroy_catalog_fn>(dlsym(handle, "neuralake_plugin_destroy_catalog"));
  if (!version || !create || !destroy) {
    throw Error(ErrorCode::InvalidArgument, path,
                "'" + path + "' is not a neuralake catalog plugin (no NEURALAKE_CATALOG_PLUGIN entry points)");
  }
  if (int v = version(); v != NEURALAKE_PLUGIN_ABI_VERSION) {
    throw Error(ErrorCode::InvalidArgument, path,
                "catalog plugin '" + path + "' has ABI version " + std::to_string(v) + ", this neuralake expects " +
                    std::to_string(NEURALAKE_PLUGIN_ABI_VERSION) + "; rebuild it");
  }
  void* raw = nullptr;
  char message[2048] = {0};
  int rc = create(&raw, message, sizeof message);
  if (rc != 0 || !raw) {
    int code = rc - 1;
    if (code < 0 || code > static_cast<int>(ErrorCode::Conflict)) code = static_cast<int>(ErrorCode::Internal);
    throw Error(static_cast<ErrorCode>(code), path, "catalog plugin '" + path + "' failed: " + message);
  }
  Catalog copy = *static_cast<Catalog*>(raw);
  destroy(raw);
  if (copy.name().empty()) {
    // "libsales.so" -> "sales": the file name without the linker's prefix and suffix.
    std::string stem = std::filesystem::path(path).filename().string();
    if (auto dot = stem.find(".so"); dot != std::string::npos && dot > 0) stem.resize(dot);
    if (stem.size() > 3 && stem.compare(0, 3, "lib") == 0) stem.erase(0, 3);
    copy = copy.named(stem);
  }
  return copy;
}

}  // namespace neuralake
