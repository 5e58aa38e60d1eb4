# The export tests link the catalog tools library (apps/neuralake/) beside
# the public one; the CLI test runs the binary on the quickstart plugin.
if(TARGET export_test)
  target_link_libraries(export_test PRIVATE neuralake_catalog_tools)
endif()
if(TARGET export_cli_test AND TARGET quickstart_catalog)
  add_dependencies(export_cli_test neuralake_cli quickstart_catalog)
  target_compile_definitions(export_cli_test PRIVATE
    NEURALAKE_CLI="$<TARGET_FILE:neuralake_cli>"
    QUICKSTART_PLUGIN="$<TARGET_FILE:quickstart_catalog>")
endif()
