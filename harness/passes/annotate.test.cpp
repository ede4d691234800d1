// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/annotate.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/graph/soa_graph.hpp"
#include "harness/passes/builder.hpp"
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
  rc::prop("same quantized values, same observer groups (V2, int8)", [] {
    const auto g = *harness::any_lowering_graph();
    require_same_plan(
        g, passes::annotate<traits::arm_quantizer_v2>(g),
        reference::annotate(harness::to_reference(g), false, reference::arm_quantizer_version::v2));
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

//===--- Where V1 and V2 disagree ---===//

TEST_CASE("every op whose V1 and V2 rules differ, with both rules (102)",
          "[passes][annotate][v2]") {
  // Canonical ops only (aliases, variants and spellings take their canonical
  // op's rule). A change to either table shows here, so it is a decision.
  constexpr auto& v1 = ops::rule_table<traits::arm_quantizer>;
  constexpr auto& v2 = ops::rule_table<traits::arm_quantizer_v2>;
  std::vector<std::string> differences;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    const ops::op_info& row = ops::op_table[id];
    if (row.kind != ops::variant_kind::canonical || v1[id] == v2[id])
      continue;
    differences.push_back(std::string(row.name) + ": " + std::string(traits::to_string(v1[id])) +
                          " -> " + std::string(traits::to_string(v2[id])));
  }
  std::sort(differences.begin(), differences.end());
  std::string listed;
  for (const auto& line : differences)
    listed += line + "\n";
  CHECK(listed == R"(aten._native_batch_norm_legit_no_training.default: none -> independent
aten._softmax.default: none -> independent
aten.adaptive_avg_pool2d.default: pass_through_or_input_act -> pass_through
aten.addmm.default: none -> every_input
aten.alias.default: pass_through_or_input_act -> shared_cluster
aten.amax.default: pass_through -> shared_cluster
aten.amin.default: pass_through -> shared_cluster
aten.arange.start_step: none -> output_only
aten.as_strided.default: pass_through -> shared_cluster
aten.avg_pool2d.default: pass_through_or_input_act -> pass_through
aten.cat.default: shared_across_inputs -> shared_cluster
aten.chunk.default: pass_through -> shared_cluster
aten.clamp.Tensor: pass_through -> shared_cluster
aten.clamp.default: pass_through -> shared_cluster
aten.clone.default: pass_through_or_input_act -> shared_cluster
aten.constant_pad_nd.default: pass_through -> shared_cluster
aten.contiguous.default: pass_through -> shared_cluster
aten.copy.default: copy -> shared_cluster
aten.cosine_similarity.default: none -> every_input
aten.detach.default: pass_through -> shared_cluster
aten.div.Scalar: none -> independent
aten.div.Tensor: none -> every_input
aten.div.Tensor_mode: none -> every_input
aten.dropout.default: pass_through_or_input_act -> shared_cluster
aten.einsum.default: none -> every_input
aten.embedding.default: none -> independent
aten.eq.Scalar: none -> comparison
aten.expand.default: pass_through -> shared_cluster
aten.eye.default: none -> output_only
aten.fill_.Scalar: output_only -> independent
aten.flatten.using_ints: pass_through_or_input_act -> shared_cluster
aten.flip.default: pass_through -> shared_cluster
aten.floor_divide.default: none -> every_input
aten.gather.default: pass_through -> shared_cluster
aten.ge.Scalar: none -> comparison
aten.glu.default: none -> independent
aten.group_norm.default: none -> every_input
aten.gru.input: none -> every_input
aten.gt.Scalar: none -> comparison
aten.hardtanh.default: pass_through_or_input_act -> shared_cluster
aten.index.Tensor: pass_through -> shared_cluster
aten.index_copy.default: none -> shared_cluster
aten.index_put.default: shared_across_inputs -> shared_cluster
aten.index_select.default: pass_through -> shared_cluster
aten.le.Scalar: none -> comparison
aten.lift_fresh_copy.default: none -> shared_cluster
aten.linalg_vector_norm.default: none -> independent
aten.linspace.default: none -> output_only
aten.log_softmax.int: none -> independent
aten.logit.default: none -> independent
aten.lstm.input: none -> every_input
aten.lt.Scalar: none -> comparison
aten.matmul.default: none -> binary
aten.max.dim: none -> shared_cluster
aten.max_pool2d.default: pass_through_or_input_act -> pass_through
aten.mean.default: pass_through_or_input_act -> pass_through
aten.mean.dim: pass_through_or_input_act -> pass_through
aten.min.dim: none -> shared_cluster
aten.moveaxis.int: pass_through -> independent
aten.moveaxis.intlist: pass_through -> independent
aten.native_group_norm.default: none -> every_input
aten.native_layer_norm.default: none -> every_input
aten.ne.Scalar: none -> comparison
aten.ne.Tensor: none -> comparison
aten.neg.default: pass_through -> independent
aten.pad.default: pass_through -> shared_cluster
aten.permute.default: pass_through_or_input_act -> shared_cluster
aten.pixel_shuffle.default: pass_through_or_input_act -> shared_cluster
aten.pixel_unshuffle.default: pass_through_or_input_act -> shared_cluster
aten.prelu.default: none -> every_input
aten.relu.default: pass_through_or_input_act -> shared_cluster
aten.remainder.Tensor: none -> every_input
aten.repeat.default: pass_through -> shared_cluster
aten.repeat_interleave.self_int: pass_through -> shared_cluster
aten.reshape.default: pass_through -> shared_cluster
aten.rnn_relu.input: none -> every_input
aten.rnn_tanh.input: none -> every_input
aten.scaled_dot_product_attention.default: none -> every_input
aten.select.int: pass_through -> shared_cluster
aten.slice.Tensor: pass_through -> shared_cluster
aten.split.Tensor: pass_through -> shared_cluster
aten.split_with_sizes.default: pass_through -> shared_cluster
aten.sqrt.default: none -> independent
aten.squeeze.default: pass_through -> shared_cluster
aten.squeeze.dim: pass_through -> shared_cluster
aten.squeeze.dims: pass_through -> shared_cluster
aten.stack.default: shared_across_inputs -> shared_cluster
aten.t.default: pass_through -> shared_cluster
aten.tile.default: pass_through -> shared_cluster
aten.transpose.Dimname: pass_through -> shared_cluster
aten.transpose.int: pass_through -> shared_cluster
aten.unbind.int: pass_through -> shared_cluster
aten.unflatten.int: pass_through -> shared_cluster
aten.unfold.default: pass_through -> shared_cluster
aten.unsqueeze.default: pass_through -> shared_cluster
aten.var.correction: none -> independent
aten.var.dim: none -> independent
aten.view.default: pass_through -> shared_cluster
aten.view_as.default: pass_through -> shared_cluster
aten.where.default: none -> shared_cluster
aten.where.self: shared_across_inputs -> shared_cluster
dim_order_ops._clone_dim_order.default: pass_through_or_input_act -> shared_cluster
)");
}

TEST_CASE("V2 leaves a shared-list cluster float when nothing next to it is quantized",
          "[passes][annotate][v2]") {
  // x -> view -> permute -> output: V1 quantizes both (set D gives the view a
  // fresh input-act); V2's cluster {view, permute} finds no spec next to it.
  harness::graph_builder b;
  const auto x = b.input("x", {2, 3});
  const auto view =
      b.op("view", "aten.view.default", {x}, {{"size", harness::ints({3, 2})}}, {3, 2});
  const auto permute =
      b.op("permute", "aten.permute.default", {view}, {{"dims", harness::ints({1, 0})}}, {2, 3});
  const auto g = b.done({permute});
  const annotation_plan v1 = passes::annotate<traits::arm_quantizer>(g);
  CHECK(v1.runs_quantized(view));
  CHECK(v1.output_group(permute) == v1.output_group(view));
  const annotation_plan v2 = passes::annotate<traits::arm_quantizer_v2>(g);
  CHECK_FALSE(v2.runs_quantized(view));
  CHECK_FALSE(v2.runs_quantized(permute));
}

TEST_CASE("a V2 cluster takes its reader's spec when its producer is float",
          "[passes][annotate][v2]") {
  harness::graph_builder b;
  const auto x = b.input("x", {2, 3});
  const auto view =
      b.op("view", "aten.view.default", {x}, {{"size", harness::ints({3, 2})}}, {3, 2});
  const auto abs = b.op("abs", "aten.abs.default", {view}, {}, {3, 2});
  const auto g = b.done({abs});
  const annotation_plan v2 = passes::annotate<traits::arm_quantizer_v2>(g);
  REQUIRE(v2.runs_quantized(view));
  CHECK(v2.output_group(view) == v2.input_group(abs, 0));
  CHECK(v2.input_group(view, 0) == v2.input_group(abs, 0));
  const annotation_plan v1 = passes::annotate<traits::arm_quantizer>(g);
  CHECK(v1.output_group(view) != v1.input_group(abs, 0));
}

TEST_CASE("V2 gives moveaxis and neg their own output spec, pools a fresh input spec",
          "[passes][annotate][v2]") {
  harness::graph_builder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto abs = b.op("abs", "aten.abs.default", {x}, {}, {1, 2, 4, 4});
  const auto pool = b.op("pool", "aten.max_pool2d.default", {abs},
                         {{"kernel_size", harness::ints({2, 2})}}, {1, 2, 2, 2});
  const auto moved =
      b.op("moved", "aten.moveaxis.int", {pool},
           {{"source", std::int64_t{1}}, {"destination", std::int64_t{3}}}, {1, 2, 2, 2});
  const auto neg = b.op("neg", "aten.neg.default", {moved}, {}, {1, 2, 2, 2});
  const auto g = b.done({neg});
  const annotation_plan v1 = passes::annotate<traits::arm_quantizer>(g);
  const annotation_plan v2 = passes::annotate<traits::arm_quantizer_v2>(g);
  for (const auto n : {moved, neg}) {
    CAPTURE(n);
    CHECK(v1.output_group(n) == v1.input_group(n, 0));  // set D
    REQUIRE(v2.output_quantized(n));
    CHECK(v2.output_group(n) != v2.input_group(n, 0));  // a pattern of its own
  }
  CHECK(v1.input_group(pool, 0) == v1.output_group(abs));   // set E: the producer's spec
  CHECK(v2.input_group(pool, 0) != v2.output_group(abs));   // input-act
  CHECK(v2.output_group(pool) == v2.input_group(pool, 0));  // output shared with arg0
}

TEST_CASE("V2 quantizes softmax, div and ne that V1 leaves float", "[passes][annotate][v2]") {
  harness::graph_builder b;
  const auto x = b.input("x", {2, 3});
  const auto y = b.input("y", {2, 3});
  const auto softmax = b.op("softmax", "aten._softmax.default", {x},
                            {{"dim", std::int64_t{1}}, {"half_to_float", false}}, {2, 3});
  const auto div = b.op("div", "aten.div.Tensor", {softmax, y}, {}, {2, 3});
  graph::plain_graph g = b.done({div});
  g.add_node({"ne", "aten.ne.Tensor", {x, y}, {}, {{dtype::bool_, shape{2, 3}}}, {}});
  g.set_outputs({div, *g.find("ne")});
  const auto ne = *g.find("ne");
  const annotation_plan v1 = passes::annotate<traits::arm_quantizer>(g);
  for (const auto n : {softmax, div, ne})
    CHECK_FALSE(v1.runs_quantized(n));
  const annotation_plan v2 = passes::annotate<traits::arm_quantizer_v2>(g);
  for (const auto n : {softmax, div, ne})
    CHECK(v2.runs_quantized(n));
  CHECK(v2.input_group(div, 0) != v2.input_group(div, 1));
  CHECK(v2.input_group(div, 1) != annotation_plan::no_group);
  CHECK(v2.input_group(ne, 1) == v2.input_group(ne, 0));  // the comparison shares arg0's spec
  CHECK_FALSE(v2.output_quantized(ne));                   // its bool output is not quantized
}

}  // namespace
