# SPDX-License-Identifier: MIT
# Read by ctest (TEST_INCLUDE_FILES): registers one test per Qt Test function
# of EXE, as gtest_discover_tests does for GoogleTest. A slow test executable
# then becomes many short tests, each well inside its own timeout even under
# the sanitizers on two busy cores. Variables: EXE, NAME, TIMEOUT, ENV.
execute_process(COMMAND "${EXE}" -functions
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  # Keep the failure visible as a test rather than silently running nothing.
  add_test(${NAME}_list_functions "${EXE}" -functions)
  return()
endif()
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  string(STRIP "${line}" fn)
  string(REGEX REPLACE "\\(\\)$" "" fn "${fn}")
  if(fn STREQUAL "" OR NOT fn MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    continue()
  endif()
  add_test(${NAME}.${fn} "${EXE}" ${fn})
  set_tests_properties(${NAME}.${fn} PROPERTIES TIMEOUT ${TIMEOUT} ENVIRONMENT "${ENV}")
endforeach()
