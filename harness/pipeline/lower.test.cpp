// SPDX-License-Identifier: Apache-2.0
#include "qlower/pipeline/lower.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/passes/builder.hpp"
#include "harness/passes/generators.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/vulkan.hpp"
#include "reference/passes/evaluate.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;
using harness::ints;

const std::string models = std::string(QLOWER_EXAMPLES_DIR) + "/models/";

/// The host nodes' ops, in graph order.
std::vector<std::string> host_ops(const pipeline::lowering& lowered) {
  std::vector<std::string> ops;
  for (graph::node_index n = 0; n < lowered.graph.node_count(); ++n) {
    const targets::rejection* why = lowered.plan.reason(n);
    if (why != nullptr && why->code != targets::reason::graph_input)
      ops.push_back(lowered.graph[n].op);
  }
  return ops;
}

TEST_CASE("torchvision CNNs and ViT lower to one delegate on U55 and U85, as ExecuTorch asserts",
          "[pipeline][models]") {
  const std::vector<std::string> boundary{"quantized_decomposed.quantize_per_tensor.default",
                                          "quantized_decomposed.dequantize_per_tensor.default"};
  // vit_b_16 too: ExecuTorch asserts one delegate on U85 for its ViT (deit_tiny) and does not
  // count U55's; qlower's U55 rules (current main: no permute rejection) accept every op.
  for (const char* model : {"mobilenet_v2", "resnet18", "mobilenet_v3_small", "vit_b_16"}) {
    for (const char* variant : {".json", ".functional.json"}) {
      CAPTURE(model, variant);
      const graph::plain_graph g = graph::io::read_json_file(models + model + variant);
      const auto u55 = pipeline::lower_for<targets::ethos_u55>(g);
      CHECK(u55.plan.partition_count() == 1);
      CHECK(host_ops(u55) == boundary);
      CHECK(u55.notes.empty());
      const auto u85 = pipeline::lower_for<targets::ethos_u85>(g);
      CHECK(u85.plan.partition_count() == 1);
      CHECK(host_ops(u85) == boundary);
      // The legacy V1 quantizer gives the same partition (the decompositions do the work).
      const auto v1 = pipeline::lower_for<targets::ethos_u85, traits::arm_quantizer>(g);
      CHECK(v1.plan.partition_count() == 1);
      CHECK(host_ops(v1) == boundary);
    }
  }
}

TEST_CASE(
    "on Vulkan, mobilenet_v2, resnet18 and vit_b_16 are one delegate with every op registered",
    "[pipeline][models]") {
  for (const char* model : {"mobilenet_v2", "resnet18", "vit_b_16"}) {
    for (const char* variant : {".json", ".functional.json"}) {
      CAPTURE(model, variant);
      const graph::plain_graph g = graph::io::read_json_file(models + model + variant);
      const auto lowered = pipeline::lower_for<targets::vulkan>(g);
      CHECK(lowered.plan.partition_count() == 1);
      CHECK(host_ops(lowered).empty());
      REQUIRE(lowered.layouts.has_value());
      // Every delegated op of the layout pass's graph has a representation.
      const graph::plain_graph& delegates = lowered.layouts->delegates;
      for (graph::node_index n = 0; n < delegates.node_count(); ++n) {
        if (lowered.layouts->partition_of[n] != passes::not_delegated)
          CHECK(lowered.layouts->plan.repr_of(n).has_value());
      }
    }
  }
}

TEST_CASE("prepare's graph of a self-attention block computes what torch's fast path computed",
          "[pipeline][models]") {
  // small_attention.py: layer norm, nn.MultiheadAttention (make_fx's
  // _native_multi_head_attention), residual add; the expected output is torch's.
  const graph::plain_graph g = graph::io::read_json_file(models + "small_attention.json");
  std::ifstream file(models + "torch_outputs/small_attention.json");
  const nlohmann::json expected = nlohmann::json::parse(file);
  std::vector<passes::pass_note> notes;
  const graph::plain_graph prepared = pipeline::prepare(g, notes);
  CHECK(notes.empty());
  for (graph::node_index n = 0; n < prepared.node_count(); ++n) {
    CHECK(prepared[n].op != "aten._native_multi_head_attention.default");
    CHECK(prepared[n].op != "aten._softmax.default");
  }
  const reference::dense x{expected["input"]["shape"].get<std::vector<std::int64_t>>(),
                           expected["input"]["values"].get<std::vector<double>>()};
  const auto got = reference::evaluate(prepared, {{g[0].id, x}});
  const auto want = expected["output"]["values"].get<std::vector<double>>();
  REQUIRE(got.size() == 1);
  REQUIRE(got[0].values.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(got[0].values[i] == Approx(want[i]).margin(1e-5));
  }
}

TEST_CASE("make_fx's _adaptive_avg_pool2d is annotated as adaptive_avg_pool2d and lowered back",
          "[pipeline]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 6, 6});
  const auto w = b.constant("w", {4, 4, 1, 1});
  const auto conv = b.op("conv", "aten.convolution.default", {x, w, graph::no_node},
                         harness::conv_attrs(1), {1, 4, 6, 6});
  const auto pool = b.op("pool", "aten._adaptive_avg_pool2d.default", {conv},
                         {{"output_size", ints({3, 3})}}, {1, 4, 3, 3});
  const auto lowered = pipeline::lower_for<targets::ethos_u85>(b.done({pool}));
  CHECK(lowered.plan.partition_count() == 1);
  const auto found = lowered.graph.find("pool");
  REQUIRE(found.has_value());
  CHECK(lowered.graph[*found].op == "aten._adaptive_avg_pool2d.default");
  CHECK(lowered.plan.delegated(*found));
}

/// A conv-bn-relu6 block, a permute and a classifier, in torch.export's
/// spelling (conv2d, batch_norm, hardtanh, permute, linear) or make_fx's
/// (convolution, native_batch_norm + getitem, hardtanh_, permute, t + addmm).
graph::plain_graph block(bool export_spelling) {
  graph_builder b(export_spelling ? "export" : "make_fx");
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", {8, 3, 3, 3});
  graph::attribute_map conv_attrs{{"stride", ints({1, 1})},
                                  {"padding", ints({1, 1})},
                                  {"dilation", ints({1, 1})},
                                  {"groups", std::int64_t{1}}};
  if (!export_spelling) {
    conv_attrs["transposed"] = false;
    conv_attrs["output_padding"] = ints({0, 0});
  }
  const auto conv =
      b.op("conv", export_spelling ? "aten.conv2d.default" : "aten.convolution.default",
           {x, w, graph::no_node}, conv_attrs, {1, 8, 8, 8});
  const std::vector<graph::node_index> bn_inputs = b.batch_norm_inputs(conv, "", 8);
  graph::node_index normalized;
  if (export_spelling) {
    normalized =
        b.op("bn", "aten.batch_norm.default", bn_inputs,
             {{"training", false}, {"momentum", 0.1}, {"eps", 1e-5}, {"cudnn_enabled", false}},
             {1, 8, 8, 8});
  } else {
    const auto bn = b.op("bn", "aten.native_batch_norm.default", bn_inputs,
                         {{"training", false}, {"momentum", 0.1}, {"eps", 1e-5}}, {1, 8, 8, 8}, 3);
    normalized = b.getitem("bn_value", bn, 0);
  }
  const auto relu6 =
      b.op("relu6", export_spelling ? "aten.hardtanh.default" : "aten.hardtanh_.default",
           {normalized}, {{"min_val", 0.0}, {"max_val", 6.0}}, {1, 8, 8, 8});
  const auto nhwc =
      b.op("nhwc", "aten.permute.default", {relu6}, {{"dims", ints({0, 2, 3, 1})}}, {1, 8, 8, 8});
  const auto flat = b.op("flat", "aten.view.default", {nhwc}, {{"size", ints({1, 512})}}, {1, 512});
  const auto fw = b.constant("fc.w", {10, 512});
  const auto fb = b.constant("fc.b", {10});
  graph::node_index fc;
  if (export_spelling) {
    fc = b.op("fc", "aten.linear.default", {flat, fw, fb}, {}, {1, 10});
  } else {
    const auto t = b.op("t", "aten.t.default", {fw}, {}, {512, 10});
    fc = b.op("fc", "aten.addmm.default", {fb, flat, t},
              {{"beta", std::int64_t{1}}, {"alpha", std::int64_t{1}}}, {1, 10});
  }
  return b.done({fc});
}

TEST_CASE("torch.export's spellings partition as their make_fx twins do", "[pipeline]") {
  const auto exported = pipeline::lower_for<targets::ethos_u55>(block(true));
  const auto traced = pipeline::lower_for<targets::ethos_u55>(block(false));
  CHECK(exported.plan.partition_count() == 1);
  CHECK(traced.plan.partition_count() == 1);
  CHECK(host_ops(exported) == host_ops(traced));
  std::vector<std::string> exported_ops, traced_ops;
  for (const graph::node& n : exported.graph.nodes())
    exported_ops.push_back(n.op);
  for (const graph::node& n : traced.graph.nodes())
    traced_ops.push_back(n.op);
  CHECK(exported_ops == traced_ops);
}

TEST_CASE("the stages run in order, each graph-making one reporting its graph", "[pipeline]") {
  std::vector<std::string> started;
  std::vector<std::string> finished;
  std::size_t last_node_count = 0;
  const pipeline::stage_observer observer{
      .started = [&](std::string_view stage) { started.emplace_back(stage); },
      .finished =
          [&](std::string_view stage, const graph::plain_graph& result) {
            finished.emplace_back(stage);
            last_node_count = result.node_count();
          }};
  const auto lowered = pipeline::lower_for<targets::ethos_u85>(block(true), observer);
  CHECK(started == std::vector<std::string>{"canonicalize", "expand_fast_paths", "fuse_batch_norm",
                                            "decompose_for_annotation", "annotate", "convert",
                                            "decompose", "partition"});
  CHECK(finished == std::vector<std::string>{"canonicalize", "expand_fast_paths", "fuse_batch_norm",
                                             "decompose_for_annotation", "convert", "decompose"});
  CHECK(last_node_count == lowered.graph.node_count());
}

TEST_CASE("prepare keeps the graph outputs' dtypes and shapes", "[pipeline][property]") {
  rc::prop("canonicalize, fuse_batch_norm and decompose_for_annotation conserve the outputs", [] {
    const graph::plain_graph g = *harness::any_lowering_graph(60);
    std::vector<passes::pass_note> notes;
    const graph::plain_graph prepared = pipeline::prepare(g, notes);
    RC_ASSERT(prepared.graph_outputs().size() == g.graph_outputs().size());
    for (std::size_t k = 0; k < g.graph_outputs().size(); ++k) {
      RC_ASSERT(prepared[prepared.graph_outputs()[k]].outputs.front() ==
                g[g.graph_outputs()[k]].outputs.front());
    }
    graph::check_graph_laws(prepared);
  });
}

}  // namespace
