# The architecture, checked by the build itself.
#
# 1. libneuralake.so exports only what include/neuralake/ declares.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME architecture_exports_only_public_api
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_exports.py
                 $<TARGET_FILE:neuralake> ${CMAKE_SOURCE_DIR}/include/neuralake)
set_tests_properties(architecture_exports_only_public_api PROPERTIES LABELS fast)

# 2. An include that crosses the architecture fails to compile. Each probe is
# a target outside the default build, with the include paths of the part it
# pretends to be; the test builds it and checks that the compiler refused
# exactly that include (with a control that compiles, so the failure is known
# to come from the include).
function(architecture_probe name part expect header)
  add_library(architecture_${name} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/architecture/${name}.cpp)
  if(part STREQUAL "public")
    target_include_directories(architecture_${name} PRIVATE ${CMAKE_SOURCE_DIR}/include)
  else()
    target_link_libraries(architecture_${name} PRIVATE neuralake_${part})
  endif()
  add_test(NAME architecture_${name}
           COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DTARGET=architecture_${name}
                   -DEXPECT=${expect} -DHEADER=${header}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/architecture/try_compile.cmake)
  # Probes build inside this build tree: one at a time.
  set_tests_properties(architecture_${name} PROPERTIES LABELS fast RESOURCE_LOCK build_tree)
endfunction()
architecture_probe(frame_includes_catalog frame pass catalog/filter_sql.h)
architecture_probe(frame_includes_engine frame fail engine/engine.h)
architecture_probe(delta_includes_engine delta fail engine/session_state.h)
architecture_probe(cli_includes_part public fail storage/s3/sigv4.h)
