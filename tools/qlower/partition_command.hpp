// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "progress.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/passes/graph_edit.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/passes/tag_layouts.hpp"
#include "qlower/pipeline/lower.hpp"

namespace qlower::tool {

struct partition_options {
  std::string file;
  std::string target = "ethos-u55";
  std::string rules_file;  ///< a qlower-rules file replacing the built-in quantizer
  /// The built-in Arm quantizer: "v2" (ExecuTorch's default) or "v1"; empty
  /// means v2, and anything given conflicts with rules_file and allow_file.
  std::string quantizer;
  std::string allow_file;  ///< a user's capability list: no quantization passes run
  std::string dot_file;    ///< write the partitioned graph as Graphviz DOT here
  std::string svg_file;    ///< render it to SVG here with Graphviz's `dot`
  bool as_json = false;
  /// Vulkan: the graph is one delegate's program (after FuseQuantizedOps, as
  /// vulkan_preprocess sees it), so the node checks are skipped.
  bool as_delegate = false;
  /// Vulkan: no op is layout-agnostic (ExecuTorch before PR 19395).
  bool no_layout_agnostic = false;
  progress_mode progress = progress_mode::automatic;
};

/// What `qlower partition` computed: the graph as partitioned (after the
/// quantization passes for the Ethos-U targets), the plan, and on Vulkan the
/// layouts of the delegates.
struct partition_result {
  graph::plain_graph lowered;
  passes::partition_plan plan;
  std::string how;  ///< what ran, for the report's first line
  std::optional<pipeline::layout_assignment> layouts;
  /// Nodes the pipeline's stages left as they were, and why.
  std::vector<passes::pass_note> notes;
};

/// The counts of a delegation summary, as ExecuTorch's get_delegation_info prints them.
struct delegation_counts {
  std::size_t delegates = 0;
  std::size_t delegated_nodes = 0;
  std::size_t host_nodes = 0;            ///< op nodes left on the host
  std::size_t inputs_and_constants = 0;  ///< never delegated, not counted as host ops
  std::size_t transitions = 0;           ///< Vulkan layout clones, 0 elsewhere
};

/// Reads the graph and runs the passes of `options`; throws qlower::error
/// for a bad graph, rule file or option combination.
partition_result partition_graph(const partition_options& options, progress& report);

delegation_counts count_delegation(const partition_result& result);

/// `qlower partition`: 0 on success, 1 when the graph or a rule file is invalid.
int run_partition(const partition_options& options);

}  // namespace qlower::tool
