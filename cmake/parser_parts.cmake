# The parts that read bytes from outside (files, logs, config) and what they
# need, with what each may use: declared once, for the library
# (CMakeLists.txt) and for the fuzz build (fuzz/), which compiles only these.
# None of them sees the engine. Needs cmake/parts.cmake and the third-party
# targets.
neuralake_part(common)
neuralake_part(storage DEPS common PRIVATE_LIBS OpenSSL::Crypto CURL::libcurl nlohmann_json::nlohmann_json)
neuralake_part(config DEPS common storage PRIVATE_LIBS PkgConfig::TOMLPP)
neuralake_part(parquet DEPS common PRIVATE_LIBS ZLIB::ZLIB PkgConfig::SNAPPY PkgConfig::ZSTD)
neuralake_part(pruning DEPS common)
neuralake_part(delta DEPS common storage pruning PRIVATE_DEPS parquet PRIVATE_LIBS simdjson::simdjson)
neuralake_part(catalog DEPS common)
neuralake_part(frame DEPS common catalog)
