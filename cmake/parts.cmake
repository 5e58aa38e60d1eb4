# The library is built from parts, one per folder of src/, each an OBJECT
# library. A part sees only the public headers (include/neuralake/), its own
# headers and those of the parts it names as dependencies, so an include that
# crosses the architecture fails to compile instead of linking quietly.
#
# A part's headers are reached as "part/file.h". The build makes that work with
# one include root per part, build/parts/<part>/, holding a link <part> ->
# src/<part>: putting that root on a target's include path exposes that part
# and nothing else.

get_filename_component(NEURALAKE_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(NEURALAKE_PARTS "" CACHE INTERNAL "")

# neuralake_part(<name> [DEPS part...] [PRIVATE_DEPS part...] [LIBS target...] [PRIVATE_LIBS target...])
#   DEPS          parts whose headers this part's headers use (passed on to dependents)
#   PRIVATE_DEPS  parts only this part's sources use (hidden from its dependents)
#   LIBS          third-party targets whose headers this part's headers use
#   PRIVATE_LIBS  third-party targets only its sources use
function(neuralake_part name)
  cmake_parse_arguments(P "" "" "DEPS;PRIVATE_DEPS;LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${NEURALAKE_ROOT}/src/${name}/*.cpp)
  set(target neuralake_${name})
  add_library(${target} OBJECT ${sources})
  set(root ${CMAKE_BINARY_DIR}/parts/${name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${name})
    file(CREATE_LINK ${NEURALAKE_ROOT}/src/${name} ${root}/${name} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${NEURALAKE_ROOT}/include ${root})
  foreach(dep ${P_DEPS})
    target_link_libraries(${target} PUBLIC neuralake_${dep})
  endforeach()
  foreach(dep ${P_PRIVATE_DEPS})
    target_link_libraries(${target} PRIVATE neuralake_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${P_LIBS} PRIVATE ${P_PRIVATE_LIBS})
  target_compile_options(${target} PRIVATE ${NEURALAKE_WARNINGS})
  target_compile_features(${target} PUBLIC cxx_std_20)
  # Only what include/neuralake/ declares leaves the shared library: the public
  # headers mark their declarations visible (neuralake/export.h).
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON POSITION_INDEPENDENT_CODE ON)
  set(NEURALAKE_PARTS ${NEURALAKE_PARTS} ${name} CACHE INTERNAL "")
endfunction()

# The include roots of every part: for the internal library that the tests and
# benchmarks use, which may reach any part.
function(neuralake_all_part_roots out)
  set(roots "")
  foreach(p ${NEURALAKE_PARTS})
    list(APPEND roots ${CMAKE_BINARY_DIR}/parts/${p})
  endforeach()
  set(${out} ${roots} PARENT_SCOPE)
endfunction()
