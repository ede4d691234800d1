// SPDX-License-Identifier: Apache-2.0
// Reading and writing graph documents, in nodes per second.

#include "qlower/graph/io/json.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using qlower::dtype;
using qlower::graph::node;
using qlower::graph::node_index;
using qlower::graph::plain_graph;

/// A chain of ConvNeXt-like blocks: conv, moveaxis, linear, relu, linear,
/// moveaxis back and a residual add, with their weights as const nodes.
plain_graph convnext_chain(std::int64_t node_target) {
  plain_graph g("chain");
  const qlower::shape activation{1, 64, 56, 56};
  const qlower::shape channels_last{1, 56, 56, 64};
  auto add = [&](std::string op, std::vector<node_index> inputs, const qlower::shape& dims) {
    node n;
    n.id = "n" + std::to_string(g.node_count());
    n.op = std::move(op);
    n.inputs = std::move(inputs);
    n.outputs.push_back({dtype::float32, dims});
    return g.add_node(std::move(n));
  };
  node_index x = add("input", {}, activation);
  while (static_cast<std::int64_t>(g.node_count()) < node_target) {
    const node_index w = add("const", {}, qlower::shape{64, 1, 7, 7});
    const node_index conv =
        add("aten.convolution.default", {x, w, qlower::graph::no_node}, activation);
    const node_index m0 = add("aten.moveaxis.int", {conv}, channels_last);
    const node_index fc =
        add("aten.linear.default", {m0, add("const", {}, qlower::shape{64, 64})}, channels_last);
    const node_index act = add("aten.relu.default", {fc}, channels_last);
    const node_index m1 = add("aten.moveaxis.int", {act}, activation);
    x = add("aten.add.Tensor", {x, m1}, activation);
  }
  g.set_outputs({x});
  return g;
}

void graph_json_read(benchmark::State& state) {
  const std::string text = qlower::graph::io::write_json(convnext_chain(state.range(0)), -1);
  std::size_t nodes = 0;
  for (auto _ : state) {
    const plain_graph g = qlower::graph::io::read_json(text);
    nodes = g.node_count();
    benchmark::DoNotOptimize(nodes);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * nodes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(graph_json_read)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void graph_json_write(benchmark::State& state) {
  const plain_graph g = convnext_chain(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(qlower::graph::io::write_json(g, -1));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(graph_json_write)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
