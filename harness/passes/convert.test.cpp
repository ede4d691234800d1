// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/convert.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "harness/passes/generators.hpp"
#include "qlower/graph/io/json.hpp"

namespace {

using namespace qlower;

const std::string examples = QLOWER_EXAMPLES_DIR;

std::map<std::string, int> op_histogram(const graph::plain_graph& g) {
  std::map<std::string, int> counts;
  for (const auto& n : g.nodes())
    ++counts[n.op];
  return counts;
}

TEST_CASE("convert gives quantized values int8 and brackets the region with Q and DQ",
          "[passes][convert]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const auto converted = passes::convert(g, passes::annotate(g));
  const auto at = [&](const char* id) { return converted[*converted.find(id)]; };
  CHECK(at("m0").outputs[0].type == dtype::int8);
  CHECK(at("w0").outputs[0].type == dtype::int8);   // weights quantized in place
  CHECK(at("b0").outputs[0].type == dtype::int32);  // bias int32
  CHECK(at("x").outputs[0].type == dtype::float32);
  // V1 gives every conv/linear/add input and every set-D input a fresh input-act spec, so:
  // quantize x for dw and, separately, for the residual add (2), and requantize (DQ + Q)
  // dw -> m0, m0 -> fc1, act -> fc2, fc2 -> m1, m1 -> add (5 + 5); the output leaves through a
  // DQ (1). relu shares fc1's spec and the weights are quantized in place: no node for them.
  const auto counts = op_histogram(converted);
  CHECK(counts.at(std::string(passes::quantize_op_name)) == 2 + 5);
  CHECK(counts.at(std::string(passes::dequantize_op_name)) == 5 + 1);
  // The graph output leaves in float.
  CHECK(converted[converted.graph_outputs()[0]].outputs[0].type == dtype::float32);
}

TEST_CASE("without the seed-000 rule, each moveaxis runs in float between DQ and Q",
          "[passes][convert]") {
  using seed_000 = traits::with_rule<traits::arm_quantizer, traits::qspec_rule::none,
                                     ops::aten::moveaxis_int, ops::aten::movedim_int>;
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const auto converted = passes::convert(g, passes::annotate<seed_000>(g));
  const auto& m0 = converted[*converted.find("m0")];
  CHECK(m0.outputs[0].type == dtype::float32);
  CHECK(converted[m0.inputs[0]].op == passes::dequantize_op_name);
  const auto& fc1 = converted[*converted.find("fc1")];
  CHECK(converted[fc1.inputs[0]].op == passes::quantize_op_name);
}

TEST_CASE("a plan for another graph is an error", "[passes][convert]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const auto h = graph::io::read_json_file(examples + "/graphs/concat_fusion.json");
  CHECK_THROWS_AS(passes::convert(g, passes::annotate(h)), qlower::error);
}

TEST_CASE("a float constant every reader quantizes alike is folded, as fold_quantize does",
          "[passes][convert]") {
  graph::plain_graph g;
  const auto x = g.add_node({"x", "input", {}, {}, {{dtype::float32, shape{1, 4}}}, {}});
  const auto scale = g.add_node(
      {"scale", "const", {}, {}, {{dtype::float32, shape{1, 4}}}, std::vector<double>{1, 2, 3, 4}});
  const auto shared = g.add_node({"shared", "const", {}, {}, {{dtype::float32, shape{1, 4}}}, {}});
  const auto y =
      g.add_node({"y", "aten.mul.Tensor", {x, scale}, {}, {{dtype::float32, shape{1, 4}}}, {}});
  const auto z =
      g.add_node({"z", "aten.add.Tensor", {y, shared}, {}, {{dtype::float32, shape{1, 4}}}, {}});
  // `shared` is also a graph output, read in float: it keeps its quantize node.
  g.set_outputs({z, shared});
  const auto converted = passes::convert(g, passes::annotate(g));
  const auto& folded = converted[*converted.find("scale")];
  CHECK(folded.outputs.front().type == dtype::int8);
  CHECK(std::holds_alternative<std::monostate>(folded.data));
  CHECK(converted[*converted.find("y")].inputs[1] == *converted.find("scale"));
  CHECK(converted[*converted.find("shared")].outputs.front().type == dtype::float32);
  CHECK(converted[converted[*converted.find("z")].inputs[1]].op == passes::quantize_op_name);
}

TEST_CASE("convert keeps every node and puts Q/DQ exactly on dtype boundaries",
          "[passes][convert][property]") {
  rc::prop("inputs carry the dtype the plan asks for", [] {
    const auto g = *harness::any_lowering_graph();
    const auto plan = passes::annotate(g);
    const auto converted = passes::convert(g, plan);
    std::size_t inserted = 0;
    for (const auto& n : converted.nodes()) {
      const auto original = g.find(n.id);
      if (!original) {
        ++inserted;
        RC_ASSERT(n.op == passes::quantize_op_name || n.op == passes::dequantize_op_name ||
                  n.op == passes::quantize_per_channel_op_name);
        const dtype source = converted[n.inputs[0]].outputs[0].type;
        RC_ASSERT(is_floating_point(source) == (n.op != passes::dequantize_op_name));
        continue;
      }
      RC_ASSERT(n.op == g[*original].op);
      for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        if (n.inputs[k] == graph::no_node)
          continue;
        const std::uint32_t group = plan.input_group(*original, k);
        const dtype arriving = converted[n.inputs[k]].outputs[0].type;
        if (group != passes::annotation_plan::no_group) {
          RC_ASSERT(arriving == plan.groups()[group].spec.type);
        } else {
          RC_ASSERT(arriving == g[g[*original].inputs[k]].outputs[0].type);
        }
      }
    }
    RC_ASSERT(converted.node_count() == g.node_count() + inserted);
    for (std::size_t i = 0; i < g.graph_outputs().size(); ++i) {
      RC_ASSERT(converted[converted.graph_outputs()[i]].outputs[0].type ==
                g[g.graph_outputs()[i]].outputs[0].type);
    }
  });
}

}  // namespace
