// The libcurl functions HttpClient uses, bound from libcurl opened on the
// first HTTP request (LoadedLibrary) rather than linked: a session on local
// files never maps libcurl or its dependencies.
#pragma once

#include <curl/curl.h>

#include <string>

namespace neuralake::s3 {

struct CurlLibrary {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// libcurl's soname: the ABI of the <curl/curl.h> we compile against.
inline constexpr const char* kCurlLibraryFile = "libcurl.so.4";

// Opens `file` and binds the functions above, without initialising it.
// Throws Error(Unavailable) naming `file` when it cannot be opened or lacks
// one of them.
CurlLibrary load_curl_library(const std::string& file);

// The process's libcurl, opened and initialised (curl_global_init) by the
// first call; thread-safe. When it could not be opened, every call throws that
// first failure again.
const CurlLibrary& curl_library();

// Whether curl_library() has opened libcurl in this process.
bool curl_library_loaded();

}  // namespace neuralake::s3
