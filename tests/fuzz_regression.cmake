# fuzz_regression_test replays the inputs the fuzzers found (tests/data/fuzz/
# <target>/) through the fuzz targets' own code: each fuzz/<name>_fuzz.cpp is
# compiled into it with its entry point renamed neuralake_fuzz_<name>.
if(TARGET fuzz_regression_test)
  file(GLOB FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cpp)
  foreach(src ${FUZZ_TARGET_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    string(REGEX REPLACE "_fuzz$" "" short ${name})
    target_sources(fuzz_regression_test PRIVATE ${src})
    set_source_files_properties(${src} PROPERTIES COMPILE_DEFINITIONS "LLVMFuzzerTestOneInput=neuralake_fuzz_${short}")
  endforeach()
  target_include_directories(fuzz_regression_test PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
  # The CLI's parsers that the fuzz targets cover, compiled in (not linked
  # from the catalog tools library, which links libneuralake.so): the
  # Markdown renderer and the API server's request parsing.
  include(${CMAKE_SOURCE_DIR}/cmake/request_parsers.cmake)
  target_sources(fuzz_regression_test PRIVATE ${NEURALAKE_REQUEST_PARSER_SOURCES})
  target_include_directories(fuzz_regression_test PRIVATE ${CMAKE_SOURCE_DIR}/apps/neuralake)
  target_link_libraries(fuzz_regression_test PRIVATE PkgConfig::MD4C)
endif()
