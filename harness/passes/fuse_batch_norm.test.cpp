// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/fuse_batch_norm.hpp"

#include <rapidcheck/catch.h>

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "harness/passes/builder.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/passes/canonicalize.hpp"
#include "reference/passes/fuse_batch_norm.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;

std::vector<float> floats(const graph::const_data& data) {
  const auto& values = std::get<std::vector<double>>(data);
  return {values.begin(), values.end()};
}

std::vector<double> doubles(const std::vector<float>& values) {
  return {values.begin(), values.end()};
}

struct conv_bn_case {
  std::int64_t in_channels, out_channels, groups, size;
  std::vector<float> input, weight, bias, gamma, beta, mean, var;
  bool with_bias;
};

rc::Gen<std::vector<float>> values(std::size_t count, float low, float high) {
  return rc::gen::container<std::vector<float>>(
      count, rc::gen::map(rc::gen::inRange(0, 10001), [low, high](int step) {
        return low + (high - low) * static_cast<float>(step) / 10000.0F;
      }));
}

/// conv (1 x C_in x S x S, 3x3 kernel, padding 1) -> batch norm, with data.
graph::plain_graph conv_bn_graph(const conv_bn_case& c) {
  graph_builder b;
  const auto x = b.input("x", {1, c.in_channels, c.size, c.size});
  const auto w =
      b.constant("w", {c.out_channels, c.in_channels / c.groups, 3, 3}, doubles(c.weight));
  const auto bias =
      c.with_bias ? b.constant("b", {c.out_channels}, doubles(c.bias)) : graph::no_node;
  graph::attribute_map attrs = harness::conv_attrs(c.groups);
  attrs["padding"] = harness::ints({1, 1});
  const auto conv = b.op("conv", "aten.convolution.default", {x, w, bias}, attrs,
                         {1, c.out_channels, c.size, c.size});
  std::vector<graph::node_index> params;
  params.push_back(b.constant("gamma", {c.out_channels}, doubles(c.gamma)));
  params.push_back(b.constant("beta", {c.out_channels}, doubles(c.beta)));
  params.push_back(b.constant("mean", {c.out_channels}, doubles(c.mean)));
  params.push_back(b.constant("var", {c.out_channels}, doubles(c.var)));
  const auto bn = b.op("bn", "aten._native_batch_norm_legit_no_training.default",
                       {conv, params[0], params[1], params[2], params[3]},
                       {{"momentum", 0.1}, {"eps", 1e-5}}, {1, c.out_channels, c.size, c.size}, 3);
  const auto value = b.getitem("value", bn, 0);
  const auto relu =
      b.op("relu", "aten.relu.default", {value}, {}, {1, c.out_channels, c.size, c.size});
  return b.done({relu});
}

TEST_CASE("the numeric fold matches the unfolded float computation",
          "[passes][fuse_batch_norm][property]") {
  rc::prop("conv then batch norm equals the folded conv within float tolerance", [] {
    conv_bn_case c;
    c.groups = *rc::gen::element<std::int64_t>(1, 2);
    c.in_channels = 2 * *rc::gen::inRange<std::int64_t>(1, 3);
    c.out_channels = c.groups * *rc::gen::inRange<std::int64_t>(1, 4);
    c.size = *rc::gen::inRange<std::int64_t>(1, 6);
    const auto oc = static_cast<std::size_t>(c.out_channels);
    c.input = *values(static_cast<std::size_t>(c.in_channels * c.size * c.size), -2, 2);
    c.weight = *values(oc * static_cast<std::size_t>(c.in_channels / c.groups) * 9, -1, 1);
    c.with_bias = *rc::gen::arbitrary<bool>();
    c.bias = *values(oc, -1, 1);
    c.gamma = *values(oc, -2, 2);
    c.beta = *values(oc, -1, 1);
    c.mean = *values(oc, -1, 1);
    c.var = *values(oc, 0.01F, 4);
    const graph::plain_graph g = conv_bn_graph(c);
    std::vector<passes::pass_note> notes;
    const graph::plain_graph folded = passes::fuse_batch_norm(g, &notes);
    RC_ASSERT(notes.empty());
    RC_ASSERT(!folded.find("bn").has_value());
    RC_ASSERT(!folded.find("value").has_value());
    const graph::node& conv = folded[*folded.find("conv")];
    RC_ASSERT(folded[*folded.find("relu")].inputs[0] == *folded.find("conv"));

    using reference::tensor;
    const std::vector<std::int64_t> one{1, 1}, pad{1, 1};
    const tensor input{{1, c.in_channels, c.size, c.size}, c.input};
    const tensor weight{{c.out_channels, c.in_channels / c.groups, 3, 3}, c.weight};
    const tensor bias{{c.out_channels}, c.bias};
    const tensor gamma{{c.out_channels}, c.gamma}, beta{{c.out_channels}, c.beta};
    const tensor expected = reference::batch_norm_inference(
        reference::convolution(input, weight, c.with_bias ? &bias : nullptr, one, pad, one,
                               c.groups),
        &gamma, &beta, tensor{{c.out_channels}, c.mean}, tensor{{c.out_channels}, c.var}, 1e-5);
    const tensor folded_weight{weight.shape, floats(folded[conv.inputs[1]].data)};
    const tensor folded_bias{{c.out_channels}, floats(folded[conv.inputs[2]].data)};
    const tensor actual =
        reference::convolution(input, folded_weight, &folded_bias, one, pad, one, c.groups);
    const double tolerance = 1e-5 * (1.0 + reference::max_abs(expected));
    RC_ASSERT(reference::max_abs_difference(actual, expected) <= tolerance);
  });
}

TEST_CASE("a batch norm that cannot be folded stays, with the reason",
          "[passes][fuse_batch_norm]") {
  graph_builder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto w = b.constant("w", {2, 2, 1, 1});
  const auto conv = b.op("conv", "aten.convolution.default", {x, w, graph::no_node},
                         harness::conv_attrs(), {1, 2, 4, 4});
  const auto other = b.op("other", "aten.convolution.default", {x, w, graph::no_node},
                          harness::conv_attrs(), {1, 2, 4, 4});
  auto batch_norm = [&](const std::string& id, graph::node_index input, std::int64_t channels) {
    const auto bn = b.op(id, "aten._native_batch_norm_legit_no_training.default",
                         b.batch_norm_inputs(input, id + ".", channels),
                         {{"momentum", 0.1}, {"eps", 1e-5}}, {1, 2, 4, 4}, 3);
    return b.getitem(id + ".value", bn, 0);
  };
  const auto relu = b.op("relu", "aten.relu.default", {x}, {}, {1, 2, 4, 4});
  const auto after_relu = batch_norm("after_relu", relu, 2);
  const auto shared = batch_norm("shared", conv, 2);
  const auto conv_read = b.op("conv_read", "aten.neg.default", {conv}, {}, {1, 2, 4, 4});
  const auto wrong = batch_norm("wrong", other, 3);
  const auto g = b.done({after_relu, shared, conv_read, wrong});
  std::vector<passes::pass_note> notes;
  const auto folded = passes::fuse_batch_norm(g, &notes);
  CHECK(folded == g);
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].node == "after_relu");
  CHECK(notes[0].message == "not folded: its input 'relu' is no convolution or linear");
  CHECK(notes[1].node == "shared");
  CHECK(notes[1].message == "not folded: the output of 'conv' is also read elsewhere");
  CHECK(notes[2].node == "wrong");
  CHECK(notes[2].message == "not folded: weight 'wrong.gamma' has shape [3] for 2 channels");
}

TEST_CASE("a weight two convolutions share is folded into a new constant for one of them",
          "[passes][fuse_batch_norm]") {
  graph_builder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto w = b.constant("w", {2, 2, 1, 1}, {1, 2, 3, 4});
  const auto conv = b.op("conv", "aten.convolution.default", {x, w, graph::no_node},
                         harness::conv_attrs(), {1, 2, 4, 4});
  const auto other = b.op("other", "aten.convolution.default", {x, w, graph::no_node},
                          harness::conv_attrs(), {1, 2, 4, 4});
  std::vector<graph::node_index> p;
  p.push_back(b.constant("gamma", {2}, {2, 1}));
  p.push_back(b.constant("beta", {2}, {0, 1}));
  p.push_back(b.constant("mean", {2}, {1, 0}));
  p.push_back(b.constant("var", {2}, {3, 0}));
  const auto bn =
      b.op("bn", "aten._native_batch_norm_legit_no_training.default",
           {conv, p[0], p[1], p[2], p[3]}, {{"momentum", 0.1}, {"eps", 1.0}}, {1, 2, 4, 4}, 3);
  const auto value = b.getitem("value", bn, 0);
  const auto folded = passes::fuse_batch_norm(b.done({value, other}));
  // other still reads the original weight; conv reads w * gamma / sqrt(var + eps).
  CHECK(folded[*folded.find("other")].inputs[1] == *folded.find("w"));
  const graph::node& conv_node = folded[*folded.find("conv")];
  const graph::node& new_weight = folded[conv_node.inputs[1]];
  CHECK(new_weight.id == "w.bn_folded");
  CHECK(std::get<std::vector<double>>(new_weight.data) == std::vector<double>{1, 2, 3, 4});
  const graph::node& new_bias = folded[conv_node.inputs[2]];
  CHECK(std::get<std::vector<double>>(new_bias.data) == std::vector<double>{-1, 1});
  CHECK(folded.graph_outputs()[0] == *folded.find("conv"));
}

TEST_CASE("a value float32 cannot hold folds structurally only, with the reason",
          "[passes][fuse_batch_norm]") {
  graph_builder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto w = b.constant("w", {2, 2, 1, 1}, {1, 2, 1e300, 4});
  const auto conv = b.op("conv", "aten.convolution.default", {x, w, graph::no_node},
                         harness::conv_attrs(), {1, 2, 4, 4});
  std::vector<graph::node_index> inputs{conv};
  for (const char* name : {"gamma", "beta", "mean", "var"})
    inputs.push_back(b.constant(name, {2}, {1, 1}));
  const auto bn = b.op("bn", "aten._native_batch_norm_legit_no_training.default", inputs,
                       {{"momentum", 0.1}, {"eps", 1e-5}}, {1, 2, 4, 4}, 3);
  const auto value = b.getitem("value", bn, 0);
  std::vector<passes::pass_note> notes;
  const auto folded = passes::fuse_batch_norm(b.done({value}), &notes);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].message == "folded structurally only: 'w' holds 1e+300, outside float32's range");
  CHECK_FALSE(folded.find("bn").has_value());
  const graph::node& conv_node = folded[*folded.find("conv")];
  CHECK(std::holds_alternative<std::monostate>(folded[conv_node.inputs[1]].data));
}

reference::tensor constant_of(const graph::plain_graph& g, graph::node_index n) {
  const auto dims = g.output_dims(n, 0);
  return {{dims.begin(), dims.end()}, floats(g[n].data)};
}

TEST_CASE("an exported model's batch norms fold to the values the unfolded model computes",
          "[passes][fuse_batch_norm][models]") {
  // examples/models/small_cnn.json: torch's weights and running statistics (--with-data).
  const graph::plain_graph g =
      graph::io::read_json_file(std::string(QLOWER_EXAMPLES_DIR) + "/models/small_cnn.json");
  std::vector<passes::pass_note> notes;
  const graph::plain_graph folded =
      passes::fuse_batch_norm(passes::canonicalize(g, &notes), &notes);
  CHECK(notes.empty());
  for (const graph::node& n : folded.nodes())
    CHECK(n.op != "aten._native_batch_norm_legit_no_training.default");
  using reference::tensor;
  auto at = [](const graph::plain_graph& graph, const std::string& id) { return *graph.find(id); };
  auto bn_inputs = [&](const std::string& bn) {
    const auto inputs = g.inputs(at(g, bn));
    return std::array<tensor, 4>{constant_of(g, inputs[1]), constant_of(g, inputs[2]),
                                 constant_of(g, inputs[3]), constant_of(g, inputs[4])};
  };
  const std::vector<std::int64_t> one{1, 1};
  for (const auto& [conv, bn, groups] : {std::tuple{"convolution", "native_batch_norm", 1},
                                         {"convolution_1", "native_batch_norm_1", 2}}) {
    CAPTURE(conv);
    const auto original = g.inputs(at(g, conv));
    const tensor weight = constant_of(g, original[1]);
    const std::int64_t channels = weight.shape[1] * groups;
    tensor input{{1, channels, 8, 8}, {}};
    for (std::int64_t i = 0; i < channels * 64; ++i)
      input.values.push_back(static_cast<float>((i * 37) % 17) / 8.0F - 1.0F);
    const tensor bias = original[2] == graph::no_node ? tensor{} : constant_of(g, original[2]);
    const auto p = bn_inputs(bn);
    const tensor expected = reference::batch_norm_inference(
        reference::convolution(input, weight, original[2] == graph::no_node ? nullptr : &bias, one,
                               one, one, groups),
        &p[0], &p[1], p[2], p[3], 1e-5);
    const auto now = folded.inputs(at(folded, conv));
    const tensor folded_bias = constant_of(folded, now[2]);
    const tensor actual = reference::convolution(input, constant_of(folded, now[1]), &folded_bias,
                                                 one, one, one, groups);
    CHECK(reference::max_abs_difference(actual, expected) <=
          1e-5 * (1 + reference::max_abs(expected)));
  }
  // The classifier: linear + BatchNorm1d.
  const auto original = g.inputs(at(g, "addmm"));
  const auto now = folded.inputs(at(folded, "addmm"));
  REQUIRE(folded[at(folded, "addmm")].op == "aten.linear.default");
  const tensor weight = constant_of(g, g.inputs(original[2])[0]);  // addmm reads t(weight)
  const tensor bias = constant_of(g, original[0]);
  tensor input{{1, weight.shape[1]}, {}};
  for (std::int64_t i = 0; i < weight.shape[1]; ++i)
    input.values.push_back(static_cast<float>((i * 13) % 11) / 5.0F - 1.0F);
  const auto p = bn_inputs("native_batch_norm_2");
  const tensor expected = reference::batch_norm_inference(reference::linear(input, weight, &bias),
                                                          &p[0], &p[1], p[2], p[3], 1e-5);
  const tensor folded_bias = constant_of(folded, now[2]);
  const tensor actual = reference::linear(input, constant_of(folded, now[1]), &folded_bias);
  CHECK(reference::max_abs_difference(actual, expected) <=
        1e-5 * (1 + reference::max_abs(expected)));
}

}  // namespace
