# SPDX-License-Identifier: Apache-2.0
# The ctest fuzz_smoke_NAME: runs FUZZER for SECONDS on a fresh copy of the seed corpus
# SEEDS in WORK (never writing into the source tree), with DICTIONARY if not empty.
# Fails when the fuzzer fails or leaves a crash-, leak-, timeout- or oom- file.
foreach(variable FUZZER SEEDS WORK SECONDS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "smoke.cmake: -D${variable}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(GLOB seeds "${SEEDS}/*")
if(NOT seeds)
  message(FATAL_ERROR "the seed corpus ${SEEDS} is empty")
endif()
file(COPY ${seeds} DESTINATION "${WORK}/corpus")

set(arguments -max_total_time=${SECONDS} -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
              -artifact_prefix=${WORK}/artifacts/)
if(DICTIONARY)
  list(APPEND arguments -dict=${DICTIONARY})
endif()
if(NOT DEFINED ENV{ASAN_SYMBOLIZER_PATH})
  find_program(symbolizer NAMES llvm-symbolizer-16 llvm-symbolizer)
  if(symbolizer)
    set(ENV{ASAN_SYMBOLIZER_PATH} "${symbolizer}")  # stacks with file and line
  endif()
endif()
message(STATUS "running ${FUZZER} ${arguments} ${WORK}/corpus")
execute_process(COMMAND "${FUZZER}" ${arguments} "${WORK}/corpus"
                RESULT_VARIABLE status ERROR_VARIABLE log OUTPUT_VARIABLE out)
file(WRITE "${WORK}/fuzzer.log" "${out}${log}")

# libFuzzer's own lines: the final stats and any report
string(REGEX MATCHALL "stat::[a-z_]+: *[0-9]+" stats "${log}")
foreach(line IN LISTS stats)
  message(STATUS "${line}")
endforeach()
file(GLOB findings "${WORK}/artifacts/crash-*" "${WORK}/artifacts/leak-*"
     "${WORK}/artifacts/timeout-*" "${WORK}/artifacts/oom-*")
if(NOT status EQUAL 0 OR findings)
  string(LENGTH "${log}" length)
  if(length GREATER 6000)
    math(EXPR start "${length} - 6000")
    string(SUBSTRING "${log}" ${start} 6000 log)
  endif()
  message("${log}")
  message(FATAL_ERROR "the fuzzer failed (exit status ${status}); findings: ${findings}\n"
                      "full log: ${WORK}/fuzzer.log; replay one with the NAME_replay program "
                      "or NAME_fuzzer FILE")
endif()
if(NOT stats MATCHES "number_of_executed_units: *[1-9]")
  message(FATAL_ERROR "the fuzzer ran no input: see ${WORK}/fuzzer.log")
endif()
