# The catalog site in a real browser: `neuralake site` on the quickstart
# catalog and on a generated catalog of many tables, driven in headless
# Chromium (/usr/bin/chromium) by playwright-core from tests/node/node_modules
# (`cd tests/node && npm ci`; scripts/bootstrap --test installs both).
add_library(test_many_tables_catalog MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/many_tables_catalog.cpp)
target_link_libraries(test_many_tables_catalog PRIVATE neuralake)
target_compile_options(test_many_tables_catalog PRIVATE ${NEURALAKE_WARNINGS})

# Without Node.js the test is still registered, and fails saying so.
find_program(NODE_EXECUTABLE node)
if(TARGET quickstart_catalog)
  if(NODE_EXECUTABLE)
    add_test(NAME site_browser_test
             COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/site/site_browser_test.js
                     $<TARGET_FILE:neuralake_cli> $<TARGET_FILE:quickstart_catalog>
                     $<TARGET_FILE:test_many_tables_catalog> $<TARGET_FILE:test_delta_catalog>
                     ${CMAKE_BINARY_DIR}/test-artifacts/site)
  else()
    add_test(NAME site_browser_test
             COMMAND sh -c "echo 'site_browser_test needs Node.js (node on PATH): run scripts/bootstrap --test' >&2; exit 1")
  endif()
  set_tests_properties(site_browser_test PROPERTIES TIMEOUT 300 COST 40
                       ENVIRONMENT "NEURALAKE_SHARED_DIR=${CMAKE_SOURCE_DIR}/../shared")
  # ctest builds nothing: make the test's programs part of the default build.
  add_custom_target(site_browser_test_programs ALL
                    DEPENDS neuralake_cli quickstart_catalog test_many_tables_catalog test_delta_catalog)
endif()
