// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/decompose_for_annotation.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "harness/passes/builder.hpp"
#include "reference/passes/evaluate.hpp"
#include "reference/passes/fuse_batch_norm.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;

TEST_CASE("an addmm that is no linear becomes mm + add, keeping its id, dtype and shape",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto a = b.input("a", {2, 3});
  const auto m = b.input("m", {3, 4});
  const auto bias = b.input("bias", {4});
  const auto fc = b.op("fc", "aten.addmm.default", {bias, a, m}, {}, {2, 4});
  const auto scaled = b.op("scaled", "aten.addmm.default", {bias, a, m}, {{"alpha", 0.5}}, {2, 4});
  std::vector<passes::pass_note> notes;
  const auto g = passes::decompose_for_annotation(b.done({fc, scaled}), &notes);
  const graph::node& sum = g[*g.find("fc")];
  CHECK(sum.op == "aten.add.Tensor");
  CHECK(sum.outputs == std::vector<graph::tensor_type>{{dtype::float32, shape{2, 4}}});
  const graph::node& product = g[sum.inputs[0]];
  CHECK(product.op == "aten.mm.default");
  CHECK(product.inputs == std::vector<graph::node_index>{*g.find("a"), *g.find("m")});
  CHECK(sum.inputs[1] == *g.find("bias"));
  CHECK(g[*g.find("scaled")].op == "aten.addmm.default");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].message == "not decomposed: alpha is not 1");
}

TEST_CASE("an addmm node with a second output read is not decomposed (found by the property)",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto a = b.input("a", {2});
  const auto odd = b.op("odd", "aten.addmm.default", {a, a, a}, {}, {2}, 2);
  const auto second = b.getitem("second", odd, 1);
  std::vector<passes::pass_note> notes;
  const auto g = passes::decompose_for_annotation(b.done({second}), &notes);
  CHECK(g[*g.find("odd")].op == "aten.addmm.default");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].message == "not decomposed: it has 2 outputs, not addmm's one");
}

TEST_CASE("a batch norm after no conv becomes x * scale + shift with the batch norm's values",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto x = b.input("x", {1, 2, 1, 3});
  const auto relu = b.op("relu", "aten.relu.default", {x}, {}, {1, 2, 1, 3});
  const std::vector<double> gamma{2, -1}, beta{0.5, 0}, mean{1, -1}, var{3, 0.25};
  const auto p0 = b.constant("gamma", {2}, gamma);
  const auto p1 = b.constant("beta", {2}, beta);
  const auto p2 = b.constant("mean", {2}, mean);
  const auto p3 = b.constant("var", {2}, var);
  const auto bn = b.op("bn", "aten._native_batch_norm_legit_no_training.default",
                       {relu, p0, p1, p2, p3}, {{"momentum", 0.1}, {"eps", 1.0}}, {1, 2, 1, 3}, 3);
  const auto value = b.getitem("value", bn, 0);
  const auto g = passes::decompose_for_annotation(b.done({value}));
  const graph::node& sum = g[g.graph_outputs()[0]];
  CHECK(sum.id == "bn");
  CHECK(sum.op == "aten.add.Tensor");
  const graph::node& product = g[sum.inputs[0]];
  CHECK(product.op == "aten.mul.Tensor");
  CHECK(product.inputs[0] == *g.find("relu"));
  const graph::node& scale = g[product.inputs[1]];
  const graph::node& shift = g[sum.inputs[1]];
  CHECK(scale.outputs.front().dims == shape{1, 2, 1, 1});
  // Against the reference batch norm on the values x * scale + shift must give.
  const std::vector<float> input{-1, 0, 2, 3, -2, 0.5};
  reference::tensor in{{1, 2, 1, 3}, input};
  const auto as_tensor = [](const std::vector<double>& v) {
    return reference::tensor{{static_cast<std::int64_t>(v.size())}, {v.begin(), v.end()}};
  };
  const reference::tensor g_t = as_tensor(gamma), b_t = as_tensor(beta);
  const reference::tensor expected =
      reference::batch_norm_inference(in, &g_t, &b_t, as_tensor(mean), as_tensor(var), 1.0);
  const auto& scales = std::get<std::vector<double>>(scale.data);
  const auto& shifts = std::get<std::vector<double>>(shift.data);
  for (std::size_t i = 0; i < input.size(); ++i) {
    const std::size_t c = i / 3;
    CHECK(std::abs(input[i] * scales[c] + shifts[c] - expected.values[i]) < 1e-6);
  }
  CHECK_FALSE(g.find("gamma").has_value());
}

TEST_CASE("a layer norm becomes mean, sub, mul, mean, add eps, rsqrt, mul and the affine",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto x = b.input("x", {1, 3, 8});
  const auto weight = b.constant("weight", {8});
  const auto bias = b.constant("bias", {8});
  const auto ln = b.op("ln", "aten.native_layer_norm.default", {x, weight, bias},
                       {{"normalized_shape", harness::ints({8})}, {"eps", 1e-6}}, {1, 3, 8}, 3);
  const auto value = b.getitem("value", ln, 0);
  const auto shifted =
      b.op("wrong", "aten.native_layer_norm.default", {x, graph::no_node, graph::no_node},
           {{"normalized_shape", harness::ints({3})}, {"eps", 1e-6}}, {1, 3, 8}, 3);
  const auto other = b.getitem("other", shifted, 0);
  std::vector<passes::pass_note> notes;
  const auto g = passes::decompose_for_annotation(b.done({value, other}), &notes);
  std::vector<std::string> ops;
  for (graph::node_index n = *g.find("x") + 1; n < g.node_count(); ++n) {
    if (g[n].op != "const" && g[n].id != "wrong" && g[n].id != "other")
      ops.push_back(g[n].op);
  }
  CHECK(ops == std::vector<std::string>{"aten.mean.dim", "aten.sub.Tensor", "aten.mul.Tensor",
                                        "aten.mean.dim", "aten.add.Tensor", "aten.rsqrt.default",
                                        "aten.mul.Tensor", "aten.mul.Tensor", "aten.add.Tensor"});
  const graph::node& result = g[g.graph_outputs()[0]];
  CHECK(result.id == "ln");
  CHECK(result.outputs.front() == graph::tensor_type{dtype::float32, shape{1, 3, 8}});
  const graph::node& mean = g[*g.find("ln.mean")];
  CHECK(*mean.attrs.at("dim").as_int_list() == std::vector<std::int64_t>{-1});
  CHECK(mean.outputs.front().dims == shape{1, 3, 1});
  CHECK(std::get<std::vector<double>>(g[*g.find("ln.eps")].data) ==
        std::vector<double>{static_cast<float>(1e-6)});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].node == "wrong");
  CHECK(notes[0].message ==
        "not decomposed: normalized_shape [3] is not the last axes of its input [1, 3, 8]");
}

TEST_CASE("a softmax becomes amax, sub, exp, sum, reciprocal and mul along its axis",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto x = b.input("x", {2, 3, 4});
  const auto softmax = b.op("softmax", "aten._softmax.default", {x},
                            {{"dim", std::int64_t{-2}}, {"half_to_float", false}}, {2, 3, 4});
  const auto outside = b.op("outside", "aten._softmax.default", {x},
                            {{"dim", std::int64_t{3}}, {"half_to_float", false}}, {2, 3, 4});
  const auto half = b.op("half", "aten._softmax.default", {x},
                         {{"dim", std::int64_t{0}}, {"half_to_float", true}}, {2, 3, 4});
  const auto source = b.done({softmax, outside, half});
  std::vector<passes::pass_note> notes;
  const auto g = passes::decompose_for_annotation(source, &notes);
  std::vector<std::string> ops;
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (g[n].id.starts_with("softmax"))
      ops.push_back(g[n].op);
  }
  CHECK(ops == std::vector<std::string>{"aten.amax.default", "aten.sub.Tensor", "aten.exp.default",
                                        "aten.sum.dim_IntList", "aten.reciprocal.default",
                                        "aten.mul.Tensor"});
  CHECK(g[g.graph_outputs()[0]].id == "softmax");
  const graph::node& peak = g[*g.find("softmax.amax")];
  CHECK(*peak.attrs.at("dim").as_int_list() == std::vector<std::int64_t>{1});
  CHECK(peak.outputs.front().dims == shape{2, 1, 4});
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].node == "outside");
  CHECK(notes[0].message == "not decomposed: dim 3 is out of range for rank 3");
  CHECK(notes[1].message == "not decomposed: half_to_float is not false");

  // The decomposition computes softmax: exp(x_i) / sum_j exp(x_j) on the axis.
  graph_builder last;
  const auto y = last.input("y", {3, 5});
  const auto along = last.op("s", "aten._softmax.default", {y},
                             {{"dim", std::int64_t{1}}, {"half_to_float", false}}, {3, 5});
  const reference::dense value{{3, 5}, {0.5, -1, 2, 30, 0, 1, 1, 1, 1, 1, -4, 0.25, 3, -2, 7}};
  const auto got =
      reference::evaluate(passes::decompose_for_annotation(last.done({along})), {{"y", value}});
  const auto expected = reference::softmax_last_axis(value);
  REQUIRE(got.size() == 1);
  for (std::size_t i = 0; i < expected.values.size(); ++i)
    CHECK(got[0].values[i] == Approx(expected.values[i]).margin(1e-12));
}

TEST_CASE("div becomes mul by the reciprocal, sqrt pow 0.5, masked_fill where",
          "[passes][decompose_for_annotation]") {
  graph_builder b;
  const auto x = b.input("x", {2, 3});
  const auto y = b.input("y", {1, 3});
  const auto divided = b.op("div", "aten.div.Tensor", {x, y}, {}, {2, 3});
  const auto halved = b.op("half", "aten.div.Scalar", {divided}, {{"other", 2.0}}, {2, 3});
  const auto root = b.op("sqrt", "aten.sqrt.default", {halved}, {}, {2, 3});
  const auto by_zero = b.op("by_zero", "aten.div.Scalar", {x}, {{"other", 0.0}}, {2, 3});
  graph::plain_graph source = b.done({root, by_zero});
  const auto mask = source.add_node({"mask", "input", {}, {}, {{dtype::bool_, shape{2, 3}}}, {}});
  const auto filled = source.add_node({"filled",
                                       "aten.masked_fill.Scalar",
                                       {root, mask},
                                       {{"value", -1.5}},
                                       {{dtype::float32, shape{2, 3}}},
                                       {}});
  const auto masked_inf = source.add_node({"masked_inf",
                                           "aten.masked_fill.Scalar",
                                           {x, mask},
                                           {{"value", -std::numeric_limits<double>::infinity()}},
                                           {{dtype::float32, shape{2, 3}}},
                                           {}});
  source.set_outputs({root, by_zero, filled, masked_inf});
  std::vector<passes::pass_note> notes;
  const auto g = passes::decompose_for_annotation(source, &notes);
  CHECK(g[*g.find("div")].op == "aten.mul.Tensor");
  CHECK(g[*g.find("div.reciprocal")].op == "aten.reciprocal.default");
  CHECK(g[*g.find("div.reciprocal")].outputs.front().dims == shape{1, 3});
  CHECK(g[*g.find("half")].op == "aten.mul.Tensor");
  CHECK(std::get<std::vector<double>>(g[*g.find("half.reciprocal")].data) ==
        std::vector<double>{0.5});
  CHECK(g[*g.find("sqrt")].op == "aten.pow.Tensor_Scalar");
  CHECK(*g[*g.find("sqrt")].attrs.at("exponent").as_number() == 0.5);
  const graph::node& where = g[*g.find("filled")];
  CHECK(where.op == "aten.where.self");
  CHECK(where.inputs[0] == *g.find("mask"));
  CHECK(where.inputs[2] == *g.find("sqrt"));
  CHECK(std::get<std::vector<double>>(g[where.inputs[1]].data) == std::vector<double>{-1.5});
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].node == "by_zero");
  CHECK(notes[0].message ==
        "not decomposed: its divisor 0.000000 has no finite float32 reciprocal");
  CHECK(notes[1].node == "masked_inf");
  CHECK(notes[1].message == "not decomposed: its value -inf is not a finite float32 number");

  // The values: sqrt((x / y) / 2).
  graph_builder numeric;
  const auto a = numeric.input("a", {2, 3});
  const auto d = numeric.input("d", {1, 3});
  const auto q = numeric.op("q", "aten.div.Tensor", {a, d}, {}, {2, 3});
  const auto h = numeric.op("h", "aten.div.Scalar", {q}, {{"other", 2.0}}, {2, 3});
  const auto r = numeric.op("r", "aten.sqrt.default", {h}, {}, {2, 3});
  const reference::dense av{{2, 3}, {1, 4, 9, 16, 25, 36}};
  const reference::dense dv{{1, 3}, {0.5, 2, 4.5}};
  const auto got = reference::evaluate(passes::decompose_for_annotation(numeric.done({r})),
                                       {{"a", av}, {"d", dv}});
  REQUIRE(got.size() == 1);
  for (std::size_t i = 0; i < av.values.size(); ++i)
    CHECK(got[0].values[i] == Approx(std::sqrt(av.values[i] / dv.values[i % 3] / 2.0)));
}

}  // namespace
