// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/annotate.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/graph/soa_graph.hpp"
#include "harness/passes/generators.hpp"
#include "qlower/graph/io/json.hpp"
#include "reference/passes/annotate.hpp"

namespace {

using namespace qlower;
using passes::annotation_plan;

const std::string examples = QLOWER_EXAMPLES_DIR;

graph::node_index find(const graph::plain_graph& g, const std::string& id) {
  return *g.find(id);
}

TEST_CASE("a ConvNeXt block is quantized end to end, moveaxis included", "[passes][annotate]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const annotation_plan plan = passes::annotate(g);
  for (const char* id : {"dw", "m0", "fc1", "act", "fc2", "m1", "y", "w0", "w1"}) {
    CAPTURE(id);
    CHECK(plan.output_quantized(find(g, id)));
    CHECK(plan.runs_quantized(find(g, id)));
  }
  CHECK_FALSE(plan.output_quantized(find(g, "x")));  // inputs are not annotated without io_config
  // Set D: moveaxis gets a fresh input-act spec and its output shares it.
  const auto m0 = find(g, "m0");
  CHECK(plan.output_group(m0) == plan.input_group(m0, 0));
  CHECK(plan.input_group(m0, 0) != plan.output_group(find(g, "dw")));
  // Set E: relu shares its producer's spec.
  CHECK(plan.output_group(find(g, "act")) == plan.output_group(find(g, "fc1")));
  // Weights and bias take their own specs.
  const auto dw = find(g, "dw");
  CHECK(plan.groups()[plan.input_group(dw, 1)].kind == passes::spec_kind::weight);
  CHECK(plan.groups()[plan.input_group(dw, 2)].kind == passes::spec_kind::bias);
  CHECK(plan.groups()[plan.input_group(dw, 2)].spec.type == dtype::int32);
}

TEST_CASE("without the seed-000 rule, moveaxis stays float", "[passes][annotate]") {
  using seed_000 = traits::with_rule<traits::arm_quantizer, traits::qspec_rule::none,
                                     ops::aten::moveaxis_int, ops::aten::movedim_int>;
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const annotation_plan plan = passes::annotate<seed_000>(g);
  CHECK_FALSE(plan.runs_quantized(find(g, "m0")));
  CHECK_FALSE(plan.runs_quantized(find(g, "m1")));
  CHECK(plan.runs_quantized(find(g, "fc1")));
}

TEST_CASE("concat shares one spec across inputs; without the seed-001 rule it does not",
          "[passes][annotate]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/concat_fusion.json");
  const auto fused = find(g, "fused");
  const annotation_plan plan = passes::annotate(g);
  REQUIRE(plan.output_quantized(fused));
  CHECK(plan.input_group(fused, 0) == plan.output_group(fused));
  CHECK(plan.input_group(fused, 1) == plan.output_group(fused));

  using seed_001 =
      traits::with_rule<traits::arm_quantizer, traits::qspec_rule::none, ops::aten::concat_default>;
  const annotation_plan without = passes::annotate<seed_001>(g);
  CHECK_FALSE(without.runs_quantized(fused));
  CHECK(without.input_group(fused, 0) == annotation_plan::no_group);
}

TEST_CASE("a16w8 gives activations int16 and keeps int8 weights", "[passes][annotate]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const annotation_plan plan = passes::annotate<traits::arm_quantizer_a16w8>(g);
  const auto dw = find(g, "dw");
  CHECK(plan.groups()[plan.output_group(dw)].spec.type == dtype::int16);
  CHECK(plan.groups()[plan.input_group(dw, 1)].spec.type == dtype::int8);
}

TEST_CASE("integer and non-float32 values are never annotated", "[passes][annotate]") {
  const auto g = graph::io::read_json(R"({"format": "qlower-graph", "version": 1, "nodes": [
      {"id": "x", "op": "input", "dtype": "int32", "shape": [4]},
      {"id": "h", "op": "input", "dtype": "float16", "shape": [4]},
      {"id": "a", "op": "aten.relu.default", "inputs": ["x"], "dtype": "int32", "shape": [4]},
      {"id": "b", "op": "aten.abs.default", "inputs": ["h"], "dtype": "float16", "shape": [4]},
      {"id": "c", "op": "aten.to.dtype", "inputs": ["x"], "dtype": "float32", "shape": [4]}],
      "outputs": ["a", "b", "c"]})");
  const annotation_plan plan = passes::annotate(g);
  CHECK_FALSE(plan.runs_quantized(2));
  CHECK_FALSE(plan.runs_quantized(3));
  // to.dtype from an integer: a fixed spec on the output, none on the input (V1 row 19).
  CHECK(plan.output_quantized(4));
  CHECK(plan.groups()[plan.output_group(4)].kind == passes::spec_kind::fixed);
  CHECK(plan.input_group(4, 0) == annotation_plan::no_group);
}

//===--- Properties ---===//

void require_same_plan(const graph::plain_graph& g, const annotation_plan& plan,
                       const reference::ref_plan& expected) {
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    const auto group = [](std::uint32_t id) {
      return id == annotation_plan::no_group ? -1 : static_cast<int>(id);
    };
    RC_ASSERT(group(plan.output_group(n)) == expected.output_group[n]);
    RC_ASSERT(plan.runs_quantized(n) == expected.runs_quantized[n]);
    for (std::size_t k = 0; k < plan.input_count(n); ++k) {
      RC_ASSERT(group(plan.input_group(n, k)) == expected.input_group[n][k]);
    }
  }
}

TEST_CASE("the pass agrees with the reference annotator", "[passes][annotate][property]") {
  rc::prop("same quantized values, same observer groups (int8)", [] {
    const auto g = *harness::any_lowering_graph();
    require_same_plan(g, passes::annotate(g), reference::annotate(harness::to_reference(g)));
  });
  rc::prop("same quantized values, same observer groups (a16w8)", [] {
    const auto g = *harness::any_lowering_graph(100);
    require_same_plan(g, passes::annotate<traits::arm_quantizer_a16w8>(g),
                      reference::annotate(harness::to_reference(g), true));
  });
}

TEST_CASE("a pass-through op is quantized exactly when its input is",
          "[passes][annotate][property]") {
  rc::prop("output group == input group for sets D and E", [] {
    const auto g = *harness::any_lowering_graph();
    const annotation_plan plan = passes::annotate(g);
    const std::vector<ops::op_id> ids = passes::op_ids(g);
    for (graph::node_index n = 0; n < g.node_count(); ++n) {
      if (ids[n] == ops::unknown_op || !traits::is_pass_through(ops::op_table[ids[n]].rule))
        continue;
      if (plan.input_count(n) == 0)
        continue;
      RC_ASSERT(plan.output_quantized(n) == (plan.input_group(n, 0) != annotation_plan::no_group));
      RC_ASSERT(plan.output_group(n) == plan.input_group(n, 0));
    }
  });
}

TEST_CASE("the pass runs unchanged on a foreign IR and gives the same plan",
          "[passes][annotate][property]") {
  rc::prop("annotate(soa_graph(g)) == annotate(g)", [] {
    const auto g = *harness::any_lowering_graph();
    const harness::soa_graph foreign(g);
    graph::check_graph_laws(foreign);
    RC_ASSERT(passes::annotate(foreign) == passes::annotate(g));
  });
}

}  // namespace
