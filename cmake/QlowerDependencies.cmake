# SPDX-License-Identifier: Apache-2.0
# The library's own dependencies; qlowerConfig.cmake repeats these finds for consumers.
find_package(Boost 1.74 REQUIRED)  # Boost::headers carries Hana; there is no Boost::hana target
find_package(xsimd 8 REQUIRED)
# Debian's xsimd export links a bare `xtl` that is not installed: without this
# shim every target linking xsimd fails with "cannot find -lxtl".
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
find_package(nlohmann_json 3.10 REQUIRED)
