// libcrypto opened on first use; see crypto_library.h.
#include "storage/s3/crypto_library.h"

#include "storage/s3/loaded_library.h"

namespace neuralake::s3 {

CryptoLibrary load_crypto_library(const std::string& file) {
  // The library stays open when `library` goes: the functions point into it.
  const LoadedLibrary library(file, "S3 request signing (SHA-256, HMAC) and ETag checks (MD5)", "libssl3");
  CryptoLibrary f;
  library.bind(f.sha256, "SHA256");
  library.bind(f.hmac, "HMAC");
  library.bind(f.evp_sha256, "EVP_sha256");
  library.bind(f.evp_md5, "EVP_md5");
  library.bind(f.evp_digest, "EVP_Digest");
  library.bind(f.cleanse, "OPENSSL_cleanse");
  return f;
}

const CryptoLibrary& crypto_library() {
  static const LoadedOnce<CryptoLibrary> crypto([] { return load_crypto_library(kCryptoLibraryFile); });
  return crypto.get();
}

}  // namespace neuralake::s3
