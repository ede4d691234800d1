// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
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
#include "qlower/passes/fuse_batch_norm.hpp"
#include "qlower/passes/graph_edit.hpp"
#include "qlower/passes/partition.hpp"
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
inline void finish(const stage_observer& observer, std::string_view stage,
                   const graph::plain_graph& result) {
  if (observer.finished)
    observer.finished(stage, result);
}
}  // namespace detail

/// What ExecuTorch does before it annotates: every node in its canonical form,
/// batch norms folded into their conv or linear, and the quantizer's
/// decompositions. `notes` receives every node a stage left as it was, and why.
inline graph::plain_graph prepare(const graph::plain_graph& g,
                                  std::vector<passes::pass_note>& notes,
                                  const stage_observer& on_stage = {}) {
  detail::start(on_stage, "canonicalize");
  const graph::plain_graph canonical = passes::canonicalize(g, &notes);
  detail::finish(on_stage, "canonicalize", canonical);
  detail::start(on_stage, "fuse_batch_norm");
  const graph::plain_graph folded = passes::fuse_batch_norm(canonical, &notes);
  detail::finish(on_stage, "fuse_batch_norm", folded);
  detail::start(on_stage, "decompose_for_annotation");
  graph::plain_graph prepared = passes::decompose_for_annotation(folded, &notes);
  detail::finish(on_stage, "decompose_for_annotation", prepared);
  return prepared;
}

/// A lowered graph and its partitions; the plan indexes `graph`.
struct lowering {
  graph::plain_graph graph;
  passes::partition_plan plan;
  std::vector<passes::pass_note> notes;
};

/// Lowers `g` for an Arm Ethos-U target as ExecuTorch's INT flow does:
/// prepare, annotate with the rules and specs of `quantizer` (a built-in
/// policy's, traits::rule_set_of, or a user's rule file), insert quantize/dequantize nodes,
/// decompose into the edge dialect, and run the Arm partitioner.
template <class Target>
lowering lower_for(const graph::plain_graph& g, const traits::rule_set& quantizer,
                   const stage_observer& on_stage = {}) {
  lowering result;
  const graph::plain_graph prepared = prepare(g, result.notes, on_stage);
  detail::start(on_stage, "annotate");
  const passes::annotation_plan annotation =
      passes::annotate_with(prepared, quantizer.rules, quantizer.config);
  detail::start(on_stage, "convert");
  const graph::plain_graph converted = passes::convert(prepared, annotation);
  detail::finish(on_stage, "convert", converted);
  detail::start(on_stage, "decompose");
  result.graph = passes::decompose(converted);
  detail::finish(on_stage, "decompose", result.graph);
  detail::start(on_stage, "partition");
  result.plan = passes::partition_arm<Target>(result.graph);
  return result;
}

/// lower_for with a built-in quantizer policy.
template <class Target, traits::quantizer_policy Policy = traits::arm_quantizer>
lowering lower_for(const graph::plain_graph& g, const stage_observer& on_stage = {}) {
  return lower_for<Target>(g, traits::rule_set_of<Policy, Target>(), on_stage);
}

}  // namespace qlower::pipeline
