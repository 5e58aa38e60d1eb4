# The CLI and plugin tests run real shared libraries: the quickstart plugin,
# plugins that fail on purpose, and libraries that are not plugins.
add_library(test_throwing_catalog MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/throwing_catalog.cpp)
target_link_libraries(test_throwing_catalog PRIVATE neuralake)
add_library(test_throwing_std_catalog MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/throwing_catalog.cpp)
target_link_libraries(test_throwing_std_catalog PRIVATE neuralake)
target_compile_definitions(test_throwing_std_catalog PRIVATE NEURALAKE_TEST_THROW_STD)
add_library(test_documented_catalog MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/documented_catalog.cpp)
target_link_libraries(test_documented_catalog PRIVATE neuralake)
add_library(test_not_a_plugin MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/not_a_plugin.cpp)
add_library(test_wrong_abi_plugin MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/not_a_plugin.cpp)
target_compile_definitions(test_wrong_abi_plugin PRIVATE NEURALAKE_TEST_WRONG_ABI)
foreach(t test_throwing_catalog test_throwing_std_catalog test_documented_catalog test_not_a_plugin
          test_wrong_abi_plugin)
  target_compile_options(${t} PRIVATE ${NEURALAKE_WARNINGS})
endforeach()

foreach(test cli_test plugin_test config_cli_test verify_test)
  if(NOT TARGET ${test} OR NOT TARGET quickstart_catalog)
    continue()
  endif()
  add_dependencies(${test} neuralake_cli quickstart_catalog test_throwing_catalog test_throwing_std_catalog
                   test_documented_catalog test_not_a_plugin test_wrong_abi_plugin)
  target_compile_definitions(${test} PRIVATE
    NEURALAKE_CLI="$<TARGET_FILE:neuralake_cli>"
    QUICKSTART_PLUGIN="$<TARGET_FILE:quickstart_catalog>"
    THROWING_PLUGIN="$<TARGET_FILE:test_throwing_catalog>"
    THROWING_STD_PLUGIN="$<TARGET_FILE:test_throwing_std_catalog>"
    DOCUMENTED_PLUGIN="$<TARGET_FILE:test_documented_catalog>"
    NOT_A_PLUGIN="$<TARGET_FILE:test_not_a_plugin>"
    WRONG_ABI_PLUGIN="$<TARGET_FILE:test_wrong_abi_plugin>")
endforeach()

# The Delta CLI commands run against copies of the shared Delta tables.
add_library(test_delta_catalog MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/delta_catalog.cpp)
target_link_libraries(test_delta_catalog PRIVATE neuralake)
target_compile_options(test_delta_catalog PRIVATE ${NEURALAKE_WARNINGS})
if(TARGET delta_cli_test)
  add_dependencies(delta_cli_test neuralake_cli test_delta_catalog)
  target_compile_definitions(delta_cli_test PRIVATE
    NEURALAKE_CLI="$<TARGET_FILE:neuralake_cli>"
    DELTA_PLUGIN="$<TARGET_FILE:test_delta_catalog>")
endif()
