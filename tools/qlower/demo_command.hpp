// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace qlower::tool {

struct demo_options {
  std::string examples_dir;  ///< empty: the installed or source examples
  std::string out_dir = "qlower-demo";
  bool pictures = true;
};

/// `qlower demo`: the seed scenarios through the whole pipeline, with the
/// seed's rule removed and with qlower's rules, as one table; writes the
/// pictures of both graphs. 0 when every scenario reproduces its seed's
/// figures, 1 when one does not or an input is missing.
int run_demo(const demo_options& options, const std::string& program_path);

}  // namespace qlower::tool
