// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/expand_fast_paths.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "harness/passes/builder.hpp"
#include "qlower/passes/decompose_for_annotation.hpp"
#include "reference/passes/evaluate.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;

std::vector<double> random_values(std::size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<double> draw(-1.0, 1.0);
  std::vector<double> values(count);
  for (double& v : values)
    v = static_cast<float>(draw(rng));
  return values;
}

/// x [batch, length, embed] -> torchvision's fast-path attention -> getitem 0.
struct attention_graph {
  graph::plain_graph g;
  std::map<std::string, reference::dense> parameters;
};

attention_graph make_attention(std::int64_t batch, std::int64_t length, std::int64_t embed,
                               std::int64_t heads, std::mt19937& rng) {
  graph_builder b;
  attention_graph made;
  const auto x = b.input("x", {batch, length, embed});
  auto parameter = [&](const std::string& id, std::vector<std::int64_t> dims) {
    std::int64_t count = 1;
    for (std::int64_t d : dims)
      count *= d;
    auto values = random_values(static_cast<std::size_t>(count), rng);
    made.parameters[id] = {dims, values};
    return b.constant(id, dims, values);
  };
  const auto qkv_weight = parameter("qkv_weight", {3 * embed, embed});
  const auto qkv_bias = parameter("qkv_bias", {3 * embed});
  const auto out_weight = parameter("out_weight", {embed, embed});
  const auto out_bias = parameter("out_bias", {embed});
  const auto mha = b.op("attention", "aten._native_multi_head_attention.default",
                        {x, x, x, qkv_weight, qkv_bias, out_weight, out_bias, graph::no_node},
                        {{"embed_dim", embed},
                         {"num_head", heads},
                         {"need_weights", false},
                         {"average_attn_weights", true},
                         {"mask_type", nullptr}},
                        {batch, length, embed});
  made.g = b.done({b.getitem("value", mha, 0)});
  return made;
}

TEST_CASE("self-attention's fast path becomes linear, heads, bmm, softmax, bmm, linear",
          "[passes][expand_fast_paths]") {
  std::mt19937 rng(7);
  const auto made = make_attention(1, 5, 8, 2, rng);
  std::vector<passes::pass_note> notes;
  const auto g = passes::expand_fast_paths(made.g, &notes);
  CHECK(notes.empty());
  std::map<std::string, int> counts;
  for (graph::node_index n = 0; n < g.node_count(); ++n)
    ++counts[g[n].op];
  CHECK(counts["aten._native_multi_head_attention.default"] == 0);
  CHECK(counts["getitem"] == 0);
  CHECK(counts["aten.linear.default"] == 2);
  CHECK(counts["aten.bmm.default"] == 2);
  CHECK(counts["aten._softmax.default"] == 1);
  CHECK(counts["aten.slice.Tensor"] == 3);
  CHECK(counts["aten.permute.default"] == 4);
  // The out projection carries the attention's value under its id.
  const graph::node& result = g[g.graph_outputs()[0]];
  CHECK(result.id == "attention");
  CHECK(result.op == "aten.linear.default");
  CHECK(result.outputs.front() == graph::tensor_type{dtype::float32, shape{1, 5, 8}});
  CHECK(g[*g.find("attention.scores")].outputs.front().dims == shape{2, 5, 5});
  CHECK(g[*g.find("attention.k_batched")].outputs.front().dims == shape{2, 4, 5});
}

TEST_CASE("the expanded attention, and its softmax decomposed, compute nn.MultiheadAttention",
          "[passes][expand_fast_paths]") {
  std::mt19937 rng(11);
  for (const auto [batch, length, embed, heads] :
       std::vector<std::array<std::int64_t, 4>>{{1, 5, 8, 2}, {2, 3, 6, 3}, {1, 4, 4, 1}}) {
    CAPTURE(batch, length, embed, heads);
    const auto made = make_attention(batch, length, embed, heads, rng);
    const reference::dense x{{batch, length, embed},
                             random_values(static_cast<std::size_t>(batch * length * embed), rng)};
    const auto& p = made.parameters;
    const reference::dense expected = reference::self_attention(
        x, p.at("qkv_weight"), p.at("qkv_bias"), p.at("out_weight"), p.at("out_bias"), heads);
    // The interpreter knows the softmax only as its decomposition, so this
    // checks the expansion and DecomposeSoftmax together.
    const auto decomposed = passes::decompose_for_annotation(passes::expand_fast_paths(made.g));
    const auto got = reference::evaluate(decomposed, {{"x", x}});
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].dims == expected.dims);
    for (std::size_t i = 0; i < expected.values.size(); ++i) {
      CAPTURE(i);
      CHECK(got[0].values[i] == Approx(expected.values[i]).margin(1e-6));
    }
  }
}

TEST_CASE("an attention the expansion does not cover stays, with a note naming the value",
          "[passes][expand_fast_paths]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 6});
  const auto y = b.input("y", {1, 4, 6});
  const auto w = b.constant("w", {18, 6});
  const auto bias = b.constant("b", {18});
  const auto wo = b.constant("wo", {6, 6});
  const auto bo = b.constant("bo", {6});
  const auto mask = b.input("mask", {4, 4});
  auto attention = [&](const std::string& id, std::vector<graph::node_index> qkv,
                       std::int64_t heads, graph::node_index mask_input) {
    std::vector<graph::node_index> inputs = qkv;
    inputs.insert(inputs.end(), {w, bias, wo, bo, mask_input});
    const auto n = b.op(id, "aten._native_multi_head_attention.default", inputs,
                        {{"embed_dim", std::int64_t{6}}, {"num_head", heads}}, {1, 4, 6});
    return b.getitem(id + ".value", n, 0);
  };
  const auto cross = attention("cross", {x, y, y}, 2, graph::no_node);
  const auto masked = attention("masked", {x, x, x}, 2, mask);
  const auto uneven = attention("uneven", {x, x, x}, 4, graph::no_node);
  const auto source = b.done({cross, masked, uneven});
  std::vector<passes::pass_note> notes;
  const auto g = passes::expand_fast_paths(source, &notes);
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].node == "cross");
  CHECK(notes[0].message ==
        "not expanded: its query, key and value are not one tensor (not self-attention)");
  CHECK(notes[1].message == "not expanded: it has an attention mask");
  CHECK(notes[2].message == "not expanded: num_head 4 does not divide embed_dim 6");
  CHECK(g == source);
}

}  // namespace
