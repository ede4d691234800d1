// SPDX-License-Identifier: Apache-2.0
// The seed regressions of scenarios.md rows 000, 001 and 003: each example
// graph runs through the same passes twice, with qlower's rules and with the
// one rule the seed fixed taken out (rows 000/001: pipeline::lower_for the
// Ethos-U55; row 003: the Vulkan
// partitioner, remove_redundant and tag_layouts). The counts are the seeds'
// own; the test fails if the rule stops mattering.

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>

#include "qlower/graph/io/json.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/arm_post_process.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"
#include "qlower/passes/remove_redundant.hpp"
#include "qlower/passes/tag_layouts.hpp"
#include "qlower/pipeline/lower.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/vulkan.hpp"
#include "qlower/traits/quantizer.hpp"

namespace {

using namespace qlower;
namespace aten = ops::aten;
using traits::arm_quantizer;
using traits::qspec_rule;
using traits::with_rule;

struct outcome {
  std::size_t delegates = 0;
  std::size_t host_permutes = 0;        ///< permute_copy nodes left on the host
  std::size_t host_concatenations = 0;  ///< cat nodes left on the host
  std::size_t float_permutes = 0;       ///< permute_copy nodes that stayed float
};

template <class Policy>
outcome lower(const std::string& file) {
  const graph::plain_graph g =
      graph::io::read_json_file(std::string(QLOWER_EXAMPLES_DIR) + "/graphs/" + file);
  const pipeline::lowering lowering = pipeline::lower_for<targets::ethos_u55, Policy>(g);
  const graph::plain_graph& lowered = lowering.graph;
  const passes::partition_plan& plan = lowering.plan;
  outcome result{plan.partition_count()};
  for (graph::node_index n = 0; n < lowered.node_count(); ++n) {
    const std::string& op = lowered[n].op;
    if (op == "aten.permute_copy.default") {
      result.host_permutes += plan.delegated(n) ? 0 : 1;
      result.float_permutes += lowered[n].outputs.front().type == dtype::float32 ? 1 : 0;
    }
    if (op == "aten.cat.default")
      result.host_concatenations += plan.delegated(n) ? 0 : 1;
  }
  return result;
}

TEST_CASE("seed 000: moveaxis shares its input's qspec, so a ConvNeXt-style model is one delegate",
          "[scenarios][seed_000]") {
  const std::string file = "seed_000_convnext.json";
  const outcome qlower_rules = lower<arm_quantizer>(file);
  CHECK(qlower_rules.delegates == 1);
  CHECK(qlower_rules.host_permutes == 0);
  CHECK(qlower_rules.float_permutes == 0);

  // ExecuTorch's annotator before the fix: no entry for moveaxis or movedim.
  using without_moveaxis =
      with_rule<arm_quantizer, qspec_rule::none, aten::moveaxis_int, aten::moveaxis_intlist,
                aten::movedim_int, aten::movedim_intlist>;
  const outcome rule_removed = lower<without_moveaxis>(file);
  CHECK(rule_removed.delegates == 9);
  CHECK(rule_removed.host_permutes == 8);
  CHECK(rule_removed.float_permutes == 8);
}

TEST_CASE("seed 001: concat shares one spec as cat does, so the EMG detector is one delegate",
          "[scenarios][seed_001]") {
  const std::string file = "seed_001_emg.json";
  const outcome qlower_rules = lower<arm_quantizer>(file);
  CHECK(qlower_rules.delegates == 1);
  CHECK(qlower_rules.host_concatenations == 0);

  // ExecuTorch's annotator before the fix: cat listed, its alias concat forgotten.
  using without_concat = with_rule<arm_quantizer, qspec_rule::none, aten::concat_default>;
  const outcome rule_removed = lower<without_concat>(file);
  CHECK(rule_removed.delegates == 2);
  CHECK(rule_removed.host_concatenations == 1);
}

}  // namespace

namespace {

struct vulkan_outcome {
  std::size_t transitions = 0;
  std::size_t transitions_next_to_pixel_shuffle = 0;
};

/// The example is the Vulkan delegate's own graph after FuseQuantizedOps, as
/// vulkan_preprocess sees it: remove_redundant, then tag_layouts over it all.
template <class Target>
vulkan_outcome lower_vulkan(const std::string& file) {
  const graph::plain_graph g = passes::remove_redundant(
      graph::io::read_json_file(std::string(QLOWER_EXAMPLES_DIR) + "/graphs/" + file));
  const passes::layout_plan layouts = passes::tag_layouts<Target>(g);
  vulkan_outcome result{layouts.transitions.size()};
  for (const passes::layout_transition& transition : layouts.transitions) {
    const bool after_view = g[transition.source].op == "aten.view_copy.default";
    const bool before_view = g[transition.first_user].op == "aten.view_copy.default";
    result.transitions_next_to_pixel_shuffle += after_view || before_view ? 1 : 0;
  }
  return result;
}

TEST_CASE(
    "seed 003: identity ops keep PACKED_INT8, so a RefineNet-like decoder needs 3 "
    "layout transitions instead of 11",
    "[scenarios][seed_003]") {
  const std::string file = "seed_003_refinenet.json";
  const vulkan_outcome qlower_rules = lower_vulkan<targets::vulkan>(file);
  CHECK(qlower_rules.transitions == 3);
  CHECK(qlower_rules.transitions_next_to_pixel_shuffle == 0);

  const vulkan_outcome trait_removed = lower_vulkan<targets::vulkan_without_layout_agnostic>(file);
  CHECK(trait_removed.transitions == 11);
  // Two per wrapped pixel_shuffle: into the view and out of it.
  CHECK(trait_removed.transitions_next_to_pixel_shuffle == 8);
}

}  // namespace
