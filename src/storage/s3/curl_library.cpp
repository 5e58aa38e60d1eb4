// libcurl opened on first use; see curl_library.h.
#include "storage/s3/curl_library.h"

#include <atomic>

#include "storage/s3/loaded_library.h"

namespace neuralake::s3 {
namespace {

std::atomic<bool> loaded{false};

}  // namespace

CurlLibrary load_curl_library(const std::string& file) {
  // The library stays open when `library` goes: the functions point into it.
  const LoadedLibrary library(file, "HTTP (S3 and the AWS credential endpoints)", "libcurl4");
  CurlLibrary f;
  library.bind(f.global_init, "curl_global_init");
  library.bind(f.easy_init, "curl_easy_init");
  library.bind(f.easy_cleanup, "curl_easy_cleanup");
  library.bind(f.easy_reset, "curl_easy_reset");
  library.bind(f.easy_setopt, "curl_easy_setopt");
  library.bind(f.easy_perform, "curl_easy_perform");
  library.bind(f.easy_getinfo, "curl_easy_getinfo");
  library.bind(f.easy_strerror, "curl_easy_strerror");
  library.bind(f.slist_append, "curl_slist_append");
  library.bind(f.slist_free_all, "curl_slist_free_all");
  return f;
}

const CurlLibrary& curl_library() {
  static const LoadedOnce<CurlLibrary> curl([] {
    CurlLibrary functions = load_curl_library(kCurlLibraryFile);
    // Not thread-safe in libcurl: done once, here, before the first handle.
    functions.global_init(CURL_GLOBAL_DEFAULT);
    loaded = true;
    return functions;
  });
  return curl.get();
}

bool curl_library_loaded() { return loaded.load(); }

}  // namespace neuralake::s3
