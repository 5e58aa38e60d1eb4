# Drives the install test (cmake -P): build what the install needs, install
# it into WORK_DIR/prefix, build the consumer against that prefix alone, run
# the consumer, and the installed CLI with the consumer's plugin, and check
# what they print.
cmake_minimum_required(VERSION 3.25)
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_install_test.cmake needs -D${var}=...")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

# The installed targets must exist; building them is a no-op when up to date.
run_step("building neuralake" ${CMAKE_COMMAND} --build "${BUILD_DIR}" --target neuralake neuralake_cli)
run_step("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

# Only the prefix: nothing from the source or build tree may leak in.
run_step("configuring the consumer"
         ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer"
         -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run_step("building the consumer" ${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")

run_step("running the consumer" ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${WORK_DIR}/consumer/app")
set(expected_lines
    "shape: (2, 2)"
    "│ team  ┆ total │"
    "│ str   ┆ i64   │"
    "│ blue  ┆ 7     │"
    "│ green ┆ 5     │")
foreach(line IN LISTS expected_lines)
  string(FIND "${step_output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the consumer's output lacks '${line}':\n${step_output}")
  endif()
endforeach()

run_step("running the installed CLI"
         ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${prefix}/bin/neuralake" sql "SELECT 41 + 1 AS answer"
         --format csv)
if(NOT step_output STREQUAL "answer\n42\n")
  message(FATAL_ERROR "the installed CLI printed:\n${step_output}")
endif()
# The consumer's plugin through the installed CLI.
run_step("running the installed CLI with the consumer's plugin"
         ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${prefix}/bin/neuralake"
         --catalog "${WORK_DIR}/consumer/libleague_catalog.so" sql
         "SELECT team, sum(points) AS total FROM league.scores GROUP BY team ORDER BY team" --format json)
if(NOT step_output STREQUAL "{\"team\":\"blue\",\"total\":7}\n{\"team\":\"green\",\"total\":5}\n")
  message(FATAL_ERROR "the installed CLI with the consumer's plugin printed:\n${step_output}")
endif()
run_step("listing the consumer's tables" ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${prefix}/bin/neuralake"
         --catalog "${WORK_DIR}/consumer/libleague_catalog.so" tables)
if(NOT step_output STREQUAL "league.scores  Points per match, computed in C++\n")
  message(FATAL_ERROR "neuralake tables printed:\n${step_output}")
endif()
message(STATUS "install test passed: ${prefix}")
