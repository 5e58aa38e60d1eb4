# The quickstart program's whole output against the Polars goldens.
add_test(NAME quickstart_matches_polars_goldens
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/quickstart_test.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(quickstart_matches_polars_goldens PROPERTIES LABELS "fast")
# ctest builds nothing: make the test's programs part of the default build.
add_custom_target(quickstart_test_programs ALL DEPENDS neuralake_cli query_data)
