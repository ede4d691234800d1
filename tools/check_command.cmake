# SPDX-License-Identifier: Apache-2.0
# Runs PROGRAM with ARGS; fails unless it exits with EXPECT_EXIT and its
# combined output matches the regular expression EXPECT_OUTPUT. Optionally
# REMOVE_FIRST is deleted before the run, and EXPECT_FILE must exist
# afterwards with contents matching EXPECT_FILE_CONTENT (file;regex pairs
# separated by '|' when several files are checked).
# SAME_FILES is described below.
if(DEFINED REMOVE_FIRST)
  file(REMOVE_RECURSE "${REMOVE_FIRST}")
endif()
execute_process(COMMAND "${PROGRAM}" ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message("${out}${err}")
if(NOT "${status}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()
if(DEFINED EXPECT_FILE)
  string(REPLACE "|" ";" files "${EXPECT_FILE}")
  string(REPLACE "|" ";" patterns "${EXPECT_FILE_CONTENT}")
  foreach(file pattern IN ZIP_LISTS files patterns)
    if(NOT EXISTS "${file}")
      message(FATAL_ERROR "${file} was not written")
    endif()
    file(READ "${file}" contents)
    if(NOT contents MATCHES "${pattern}")
      message(FATAL_ERROR "${file} does not match '${pattern}'")
    endif()
  endforeach()
endif()
# SAME_FILES: "written|expected": the file the command wrote must equal, byte
# for byte, one computed independently (the quantize vectors).
if(DEFINED SAME_FILES)
  string(REPLACE "|" ";" pair "${SAME_FILES}")
  list(GET pair 0 written)
  list(GET pair 1 expected)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${written}" "${expected}"
                  RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "${written} differs from ${expected}")
  endif()
endif()
