// The libcrypto (OpenSSL) functions that SigV4 signing and ETag checks use,
// bound from libcrypto opened on first use (LoadedLibrary) rather than
// linked: a session on local files never maps it.
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include <string>

namespace neuralake::s3 {

struct CryptoLibrary {
  decltype(&::SHA256) sha256 = nullptr;
  decltype(&::HMAC) hmac = nullptr;
  decltype(&::EVP_sha256) evp_sha256 = nullptr;
  decltype(&::EVP_md5) evp_md5 = nullptr;
  decltype(&::EVP_Digest) evp_digest = nullptr;
  decltype(&::OPENSSL_cleanse) cleanse = nullptr;
};

#define NEURALAKE_STRINGIFY_(x) #x
#define NEURALAKE_STRINGIFY(x) NEURALAKE_STRINGIFY_(x)
// libcrypto's soname: the ABI of the OpenSSL headers we compile against.
inline constexpr const char* kCryptoLibraryFile = "libcrypto.so." NEURALAKE_STRINGIFY(OPENSSL_SHLIB_VERSION);
#undef NEURALAKE_STRINGIFY
#undef NEURALAKE_STRINGIFY_

// Opens `file` and binds the functions above. Throws Error(Unavailable)
// naming `file` when it cannot be opened or lacks one of them.
CryptoLibrary load_crypto_library(const std::string& file);

// The process's libcrypto, opened by the first call; thread-safe. When it
// could not be opened, every call throws that first failure again.
const CryptoLibrary& crypto_library();

}  // namespace neuralake::s3
