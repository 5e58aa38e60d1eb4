// dlopen/dlsym with errors that name the library.
#include "storage/s3/loaded_library.h"

#include <dlfcn.h>

#include <utility>

#include "neuralake/error.h"

namespace neuralake::s3 {

LoadedLibrary::LoadedLibrary(std::string file, const std::string& needed_for, const std::string& package)
    : file_(std::move(file)) {
  // RTLD_LOCAL: its symbols (and its dependencies') do not join the global
  // namespace, so they cannot stand in for anyone else's.
  handle_ = ::dlopen(file_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = ::dlerror();
    throw Error(ErrorCode::Unavailable, file_,
                needed_for + " needs the system library " + file_ + ", which could not be loaded: " +
                    (why ? why : "unknown reason") + " (Debian and Ubuntu install it with the package " + package + ")");
  }
}

void* LoadedLibrary::symbol(const char* name) const {
  ::dlerror();  // clear a stale error
  void* p = ::dlsym(handle_, name);
  if (!p) {
    const char* why = ::dlerror();
    throw Error(ErrorCode::Unavailable, file_,
                file_ + " has no function " + name + " (too old a version?): " + (why ? why : "not found"));
  }
  return p;
}

}  // namespace neuralake::s3
