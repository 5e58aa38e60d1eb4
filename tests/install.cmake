# Install test: `cmake --install` this build into a fresh prefix, then build
# and run a consumer project that uses find_package(neuralake), with no
# LD_LIBRARY_PATH (DuckDB and the RPATHs must come with the package).
add_test(NAME install_find_package
         COMMAND ${CMAKE_COMMAND}
                 -DBUILD_DIR=${CMAKE_BINARY_DIR}
                 -DCONSUMER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/install_consumer
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_find_package
                 -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer/run_install_test.cmake)
set_tests_properties(install_find_package PROPERTIES LABELS slow TIMEOUT 1200 COST 20)
