# SPDX-License-Identifier: Apache-2.0
# Installs the headers, an exported CMake package and a pkg-config file, all
# architecture-independent because the library is header-only.
include(CMakePackageConfigHelpers)

set(QLOWER_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/cmake/qlower")
set(QLOWER_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/pkgconfig")

install(DIRECTORY include/ DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" FILES_MATCHING PATTERN "*.hpp")
install(TARGETS qlower EXPORT qlowerTargets)
install(EXPORT qlowerTargets NAMESPACE qlower:: DESTINATION "${QLOWER_CMAKE_INSTALL_DIR}")

configure_package_config_file(cmake/qlowerConfig.cmake.in
  "${PROJECT_BINARY_DIR}/qlowerConfig.cmake"
  INSTALL_DESTINATION "${QLOWER_CMAKE_INSTALL_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/qlowerConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/qlowerConfig.cmake" "${PROJECT_BINARY_DIR}/qlowerConfigVersion.cmake"
  DESTINATION "${QLOWER_CMAKE_INSTALL_DIR}")

configure_file(cmake/qlower.pc.in "${PROJECT_BINARY_DIR}/qlower.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/qlower.pc" DESTINATION "${QLOWER_PKGCONFIG_INSTALL_DIR}")
