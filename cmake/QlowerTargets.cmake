# SPDX-License-Identifier: Apache-2.0
# Settings for the project's own targets only; the INTERFACE library imposes none of them.

set(QLOWER_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(QLOWER_WERROR)
  list(APPEND QLOWER_WARNING_FLAGS -Werror)
endif()

set(QLOWER_SANITIZER_FLAGS)
if(QLOWER_SANITIZE)
  # -fno-sanitize-recover makes every UBSan finding fail the test that hit it.
  set(QLOWER_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                             -fno-omit-frame-pointer)
endif()

# Applies the project's warnings and sanitizers to TARGET.
function(qlower_project_target target)
  target_compile_options(${target} PRIVATE ${QLOWER_WARNING_FLAGS} ${QLOWER_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${QLOWER_SANITIZER_FLAGS})
  target_link_libraries(${target} PRIVATE qlower::qlower)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
endfunction()
