# The parts that read bytes from outside (files, logs, config) and what they
# need, with what each may use: declared once, for the library
# (CMakeLists.txt) and for the fuzz build (fuzz/), which compiles only these.
# None of them sees the engine. Needs cmake/parts.cmake and the third-party
# targets.
neuralake_part(common)
# libcurl's and libcrypto's headers only: the S3 client opens the libraries
# when it first needs them (src/storage/s3/loaded_library.h), so a process
# that never speaks to S3 maps neither them nor libcurl's dependencies
# (gnutls, krb5, LDAP, ...).
if(NOT TARGET neuralake_s3_library_headers)
  add_library(neuralake_s3_library_headers INTERFACE)
  target_include_directories(neuralake_s3_library_headers SYSTEM INTERFACE ${CURL_INCLUDE_DIRS} ${OPENSSL_INCLUDE_DIR})
endif()
neuralake_part(storage DEPS common PRIVATE_LIBS neuralake_s3_library_headers nlohmann_json::nlohmann_json)
neuralake_part(config DEPS common storage PRIVATE_LIBS PkgConfig::TOMLPP)
neuralake_part(parquet DEPS common PRIVATE_LIBS ZLIB::ZLIB PkgConfig::SNAPPY PkgConfig::ZSTD)
neuralake_part(pruning DEPS common)
neuralake_part(delta DEPS common storage pruning PRIVATE_DEPS parquet PRIVATE_LIBS simdjson::simdjson)
neuralake_part(catalog DEPS common)
neuralake_part(frame DEPS common catalog)
