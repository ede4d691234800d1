// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/arm_post_process.hpp"
#include "qlower/passes/canonicalize.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"
#include "qlower/passes/decompose_for_annotation.hpp"
#include "qlower/passes/expand_fast_paths.hpp"
#include "qlower/passes/fuse_batch_norm.hpp"
#include "qlower/passes/graph_edit.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/passes/remove_redundant.hpp"
#include "qlower/passes/tag_layouts.hpp"
#include "qlower/targets/vulkan.hpp"
#include "qlower/traits/quantizer.hpp"
#include "qlower/traits/stranded.hpp"

/// The one sequence of stages every caller runs (lowering.md, "What qlower
/// implements"): the tool, the tests, the fuzzers and the benchmarks.

namespace qlower::pipeline {

/// What a caller sees of a lowering as it runs: each stage's name as it
/// starts ("canonicalize", "partition"), to time it or report progress, and
/// the graph each graph-making stage returns, to check it (the fuzzers do).
struct stage_observer {
  std::function<void(std::string_view stage)> started;
  std::function<void(std::string_view stage, const graph::plain_graph& result)> finished;
};

namespace detail {
inline void start(const stage_observer& observer, std::string_view stage) {
  if (observer.started)
    observer.started(stage);
}

/// Runs one graph-making stage between the observer's two calls.
template <class Stage>
graph::plain_graph run(const stage_observer& observer, std::string_view name, Stage&& stage) {
  start(observer, name);
  graph::plain_graph result = std::forward<Stage>(stage)();
  if (observer.finished)
    observer.finished(name, result);
  return result;
}

/// The front both flows share: the canonical form, fast paths expanded into
/// the math torch.export writes, then batch norms folded into their conv or
/// linear (prepare_pt2e's fusions, Vulkan's FuseBatchNorm).
inline graph::plain_graph canonical_and_folded(const graph::plain_graph& g,
                                               std::vector<passes::pass_note>& notes,
                                               const stage_observer& on_stage) {
  const graph::plain_graph canonical =
      run(on_stage, "canonicalize", [&] { return passes::canonicalize(g, &notes); });
  const graph::plain_graph expanded = run(
      on_stage, "expand_fast_paths", [&] { return passes::expand_fast_paths(canonical, &notes); });
  return run(on_stage, "fuse_batch_norm",
             [&] { return passes::fuse_batch_norm(expanded, &notes); });
}
}  // namespace detail

/// What ExecuTorch does before it annotates: every node in its canonical form,
/// batch norms folded into their conv or linear, and the quantizer's
/// decompositions. `notes` receives every node a stage left as it was, and why.
inline graph::plain_graph prepare(const graph::plain_graph& g,
                                  std::vector<passes::pass_note>& notes,
                                  const stage_observer& on_stage = {}) {
  const graph::plain_graph folded = detail::canonical_and_folded(g, notes, on_stage);
  return detail::run(on_stage, "decompose_for_annotation",
                     [&] { return passes::decompose_for_annotation(folded, &notes); });
}

/// The layout pass over a Vulkan lowering's delegates: their graph after
/// remove_redundant, and the representation of every value and transition.
struct layout_assignment {
  graph::plain_graph delegates;             ///< the graph with redundant copies removed
  std::vector<std::uint32_t> partition_of;  ///< per node of `delegates`
  std::vector<std::string> removed;         ///< ids of the removed copies and dead nodes
  passes::layout_plan plan;
};

/// A lowered graph and its partitions; the plan indexes `graph`. On Vulkan,
/// also the layouts of the delegates.
struct lowering {
  graph::plain_graph graph;
  passes::partition_plan plan;
  std::vector<passes::pass_note> notes;
  std::optional<layout_assignment> layouts;
};

/// An Arm Ethos-U target type (targets::ethos_u55, ethos_u85): quantized by an
/// Arm quantizer, partitioned by the Arm partitioner.
template <class Target>
concept ethos_u_target = requires {
  { Target::u55_subset } -> std::convertible_to<bool>;
};

/// A Vulkan target type (targets::vulkan and its variants): it says which ops
/// keep any layout, so its graphs get a layout pass.
template <class Target>
concept vulkan_target = requires {
  { Target::template is_layout_agnostic<ops::aten::view_default> } -> std::convertible_to<bool>;
};

/// How a Vulkan lowering partitions.
struct vulkan_options {
  /// The graph is one delegate's program (after FuseQuantizedOps, as
  /// vulkan_preprocess sees it): every op node is delegated and the node
  /// checks, whose dtype sets describe the graph before fusion, are skipped.
  bool as_delegate = false;
};

/// Lowers `g` for an Arm Ethos-U target as ExecuTorch's INT flow does:
/// prepare, annotate with the rules and specs of `quantizer` (a built-in
/// policy's, traits::rule_set_of, or a user's rule file), insert quantize/dequantize nodes,
/// decompose into the edge dialect, and run the Arm partitioner.
template <ethos_u_target Target>
lowering lower_for(const graph::plain_graph& g, const traits::rule_set& quantizer,
                   const stage_observer& on_stage = {}) {
  lowering result;
  const graph::plain_graph prepared = prepare(g, result.notes, on_stage);
  detail::start(on_stage, "annotate");
  const passes::annotation_plan annotation =
      passes::annotate_with(prepared, quantizer.rules, quantizer.config);
  const graph::plain_graph converted =
      detail::run(on_stage, "convert", [&] { return passes::convert(prepared, annotation); });
  result.graph = detail::run(on_stage, "decompose", [&] { return passes::decompose(converted); });
  detail::start(on_stage, "partition");
  result.plan = passes::partition_arm<Target>(result.graph);
  return result;
}

/// lower_for an Ethos-U target with a built-in quantizer policy; by default
/// ExecuTorch's own, the composable V2 quantizer.
template <ethos_u_target Target, traits::quantizer_policy Policy = traits::arm_quantizer_v2>
lowering lower_for(const graph::plain_graph& g, const stage_observer& on_stage = {}) {
  return lower_for<Target>(g, traits::rule_set_of<Policy, Target>(), on_stage);
}

/// Lowers `g` for a Vulkan target as ExecuTorch's Vulkan flow does
/// (lowering.md 4): canonical forms (AddmmToLinear among them), batch norms
/// folded into their conv or linear (FuseBatchNorm), decompose into the edge
/// dialect, partition with the target's node checks, then remove_redundant
/// and tag_layouts on each delegate. No quantization pass runs: a Vulkan graph
/// arrives quantized, or runs in float.
template <vulkan_target Target>
lowering lower_for(const graph::plain_graph& g, const stage_observer& on_stage = {},
                   const vulkan_options& options = {}) {
  lowering result;
  const graph::plain_graph folded = detail::canonical_and_folded(g, result.notes, on_stage);
  result.graph = detail::run(on_stage, "decompose", [&] { return passes::decompose(folded); });
  detail::start(on_stage, "partition");
  result.plan = passes::partition(
      result.graph,
      [&](const graph::plain_graph& lowered, graph::node_index n) -> targets::support_result {
        if (!options.as_delegate)
          return Target::check(lowered, n);
        const ops::op_id id = ops::find_op(lowered.op_name(n));
        if (id == ops::op_id_of<ops::graph_input>() || id == ops::op_id_of<ops::graph_const>())
          return targets::rejection{targets::reason::graph_input, "a graph input or constant"};
        return std::nullopt;
      });
  detail::start(on_stage, "remove_redundant");
  const passes::redundant_plan redundant = passes::plan_remove_redundant(
      result.graph, [&](graph::node_index n) { return result.plan.delegated(n); });
  layout_assignment layouts{passes::apply_remove_redundant(result.graph, redundant), {}, {}, {}};
  for (graph::node_index n = 0; n < result.graph.node_count(); ++n) {
    if (redundant.removed(n)) {
      layouts.removed.push_back(result.graph[n].id);
      continue;
    }
    layouts.partition_of.push_back(result.plan.delegated(n) ? result.plan.partition_of(n)
                                                            : passes::not_delegated);
  }
  if (on_stage.finished)
    on_stage.finished("remove_redundant", layouts.delegates);
  detail::start(on_stage, "tag_layouts");
  layouts.plan = passes::tag_layouts<Target>(
      layouts.delegates, [&](graph::node_index n) { return layouts.partition_of[n]; });
  result.layouts = std::move(layouts);
  return result;
}

}  // namespace qlower::pipeline
