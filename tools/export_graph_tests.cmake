# SPDX-License-Identifier: Apache-2.0
# The test of tools/export_graph.py; included from tools/CMakeLists.txt inside
# if(QLOWER_TEST), where qlower_tool is the command-line tool.
#
# Debian's python3-torch installs for /usr/bin/python3 only, so the test runs
# on that Python rather than on whichever python3 comes first on PATH (a
# pyenv one, say, which has no torch). Without torch the test exits 77 and
# ctest reports it as skipped; QLOWER_WITH_TORCH=1 bash scripts/setup.sh
# installs torch.
find_program(QLOWER_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH
             DOC "The Python that runs the export_graph.py test (Debian's, which sees python3-torch)")
if(QLOWER_SYSTEM_PYTHON)
  add_test(NAME tool_export_graph
           COMMAND "${QLOWER_SYSTEM_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/export_graph_test.py"
                   $<TARGET_FILE:qlower_tool>)
  set_tests_properties(tool_export_graph PROPERTIES
                       SKIP_RETURN_CODE 77
                       LABELS tool
                       # importing torch and tracing take a few seconds each
                       TIMEOUT 300
                       # no __pycache__ in the source tree
                       ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
else()
  message(STATUS "qlower: no /usr/bin/python3, so the export_graph.py test is not registered")
endif()
