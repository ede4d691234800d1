# SPDX-License-Identifier: Apache-2.0
# qlower::kernels: src/kernels/instances.cpp compiled once per instruction set
# of qlower::quant::dispatched::architectures, each copy with that set's flags
# and its own kernel namespace (include/qlower/quant/kernels/detail/isa_namespace.hpp).
set(QLOWER_KERNEL_ISAS avx512bw avx2 sse4_2 sse2)
set(QLOWER_KERNEL_FLAGS_avx512bw -mavx512f -mavx512bw -mavx512dq -mavx512cd -mavx512vl)
set(QLOWER_KERNEL_FLAGS_avx2 -mavx2 -mfma)
set(QLOWER_KERNEL_FLAGS_sse4_2 -msse4.2)
set(QLOWER_KERNEL_FLAGS_sse2)

set(QLOWER_KERNEL_OBJECTS)
foreach(isa IN LISTS QLOWER_KERNEL_ISAS)
  string(TOUPPER "${isa}" isa_macro)
  add_library(qlower_kernels_${isa} OBJECT src/kernels/instances.cpp)
  target_compile_options(qlower_kernels_${isa} PRIVATE ${QLOWER_KERNEL_FLAGS_${isa}})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns inside its own avx512fintrin.h (GCC bug 105593)
    target_compile_options(qlower_kernels_${isa} PRIVATE -Wno-maybe-uninitialized)
  endif()
  target_compile_definitions(qlower_kernels_${isa} PRIVATE
    QLOWER_KERNEL_ISA_${isa_macro} QLOWER_KERNEL_NAMESPACE=isa_${isa})
  target_link_libraries(qlower_kernels_${isa} PRIVATE qlower)
  set_target_properties(qlower_kernels_${isa} PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_EXTENSIONS OFF)
  if(COMMAND qlower_project_target)
    qlower_project_target(qlower_kernels_${isa})
  endif()
  list(APPEND QLOWER_KERNEL_OBJECTS $<TARGET_OBJECTS:qlower_kernels_${isa}>)
endforeach()

add_library(qlower_kernels STATIC ${QLOWER_KERNEL_OBJECTS})
add_library(qlower::kernels ALIAS qlower_kernels)
set_target_properties(qlower_kernels PROPERTIES EXPORT_NAME kernels OUTPUT_NAME qlower_kernels)
target_link_libraries(qlower_kernels PUBLIC qlower)
install(TARGETS qlower_kernels EXPORT qlowerTargets ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
