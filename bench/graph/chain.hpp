// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace qlower::bench {

using graph::node;
using graph::node_index;
using graph::plain_graph;
using qlower::dtype;

/// A chain of ConvNeXt-like blocks: conv, moveaxis, linear, relu, linear,
/// moveaxis back and a residual add, with their weights as const nodes.
inline plain_graph convnext_chain(std::int64_t node_target) {
  plain_graph g("chain");
  const qlower::shape activation{1, 64, 56, 56};
  const qlower::shape channels_last{1, 56, 56, 64};
  auto add = [&](std::string op, std::vector<node_index> inputs, const qlower::shape& dims,
                 graph::attribute_map attrs = {}) {
    node n;
    n.id = "n" + std::to_string(g.node_count());
    n.op = std::move(op);
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    n.outputs.push_back({dtype::float32, dims});
    return g.add_node(std::move(n));
  };
  node_index x = add("input", {}, activation);
  while (static_cast<std::int64_t>(g.node_count()) < node_target) {
    const node_index w = add("const", {}, qlower::shape{64, 1, 7, 7});
    const node_index conv =
        add("aten.convolution.default", {x, w, qlower::graph::no_node}, activation);
    const node_index m0 =
        add("aten.moveaxis.int", {conv}, channels_last, {{"source", 1}, {"destination", -1}});
    const node_index fc =
        add("aten.linear.default", {m0, add("const", {}, qlower::shape{64, 64})}, channels_last);
    const node_index act = add("aten.relu.default", {fc}, channels_last);
    const node_index m1 =
        add("aten.moveaxis.int", {act}, activation, {{"source", -1}, {"destination", 1}});
    x = add("aten.add.Tensor", {x, m1}, activation);
  }
  g.set_outputs({x});
  return g;
}

}  // namespace qlower::bench
