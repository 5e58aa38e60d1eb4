# The quickstart under the `minio` profile against a local S3 server, and the
# `neuralake s3` commands' test, which runs the CLI as a subprocess.
add_test(NAME quickstart_minio_matches_local
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/quickstart_minio_test.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(quickstart_minio_matches_local PROPERTIES LABELS "slow" TIMEOUT 300)

if(TARGET s3_cli_test)
  add_dependencies(s3_cli_test neuralake_cli)
  target_compile_definitions(s3_cli_test PRIVATE NEURALAKE_CLI="$<TARGET_FILE:neuralake_cli>")
endif()
