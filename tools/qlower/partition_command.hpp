// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace qlower::tool {

struct partition_options {
  std::string file;
  std::string target = "ethos-u55";
  std::string rules_file;  ///< a qlower-rules file replacing the built-in quantizer
  std::string allow_file;  ///< a user's capability list: no quantization passes run
  bool as_json = false;
  /// Vulkan: the graph is one delegate's program (after FuseQuantizedOps, as
  /// vulkan_preprocess sees it), so the node checks are skipped.
  bool as_delegate = false;
  /// Vulkan: no op is layout-agnostic (ExecuTorch before PR 19395).
  bool no_layout_agnostic = false;
};

/// `qlower partition`: 0 on success, 1 when the graph or a rule file is invalid.
int run_partition(const partition_options& options);

}  // namespace qlower::tool
