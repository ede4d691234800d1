// SPDX-License-Identifier: Apache-2.0
// tag_layouts on synthetic Vulkan graphs of 1k to 1M nodes, in nodes per
// second, with the heap it allocates at its peak: a float CNN whose blocks mix
// texture-only, buffer-only and contiguous ops (transitions in every block), an
// int8 decoder of seed-003 blocks (packed layouts through identity ops), and a
// random DAG over both op families with fan-in 2. The cost must grow linearly.

#include "qlower/passes/tag_layouts.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/peak_memory.hpp"
#include "qlower/passes/remove_redundant.hpp"

namespace {

using qlower::dtype;
using qlower::graph::node_index;
using qlower::graph::plain_graph;

class builder {
 public:
  node_index add(std::string op, std::vector<node_index> inputs, dtype type = dtype::float32,
                 int weights = 0) {
    for (int k = 0; k < weights; ++k)
      inputs.push_back(add_node("const", {}, dtype::int8));
    return add_node(std::move(op), std::move(inputs), type);
  }
  std::size_t size() const { return g_.node_count(); }
  plain_graph finish(node_index output) {
    g_.set_outputs({output});
    return std::move(g_);
  }

 private:
  node_index add_node(std::string op, std::vector<node_index> inputs, dtype type) {
    qlower::graph::node n;
    n.id = std::to_string(g_.node_count());
    n.op = std::move(op);
    n.inputs = std::move(inputs);
    n.outputs.push_back({type, qlower::shape{1, 24, 32, 32}});
    return g_.add_node(std::move(n));
  }
  plain_graph g_{"bench"};
};

plain_graph float_cnn(std::int64_t size) {
  builder b;
  node_index x = b.add("input", {});
  while (static_cast<std::int64_t>(b.size()) + 12 <= size) {
    const node_index conv = b.add("aten.convolution.default", {x}, dtype::float32, 2);
    const node_index relu = b.add("aten.relu.default", {conv});
    const node_index permute = b.add("aten.permute.default", {relu});
    const node_index order = b.add("dim_order_ops._to_dim_order_copy.default", {permute});
    const node_index linear = b.add("aten.linear.default", {order}, dtype::float32, 1);
    x = b.add("aten.add.Tensor", {linear, relu});
  }
  while (static_cast<std::int64_t>(b.size()) < size)
    x = b.add("aten.relu.default", {x});
  return b.finish(x);
}

plain_graph int8_decoder(std::int64_t size) {
  builder b;
  node_index x =
      b.add("quantized_decomposed.quantize_per_tensor.default", {b.add("input", {})}, dtype::int8);
  while (static_cast<std::int64_t>(b.size()) + 22 <= size) {
    const node_index conv = b.add("et_vk.q8ta_conv2d.default", {x}, dtype::int8, 4);
    const node_index skip = b.add("et_vk.q8ta_conv2d_pw.default", {x}, dtype::int8, 4);
    const node_index expand = b.add("et_vk.q8ta_conv2d_pw.default", {conv}, dtype::int8, 4);
    const node_index view = b.add("aten.view_copy.default", {expand}, dtype::int8);
    const node_index shuffle = b.add("et_vk.q8ta_pixel_shuffle.default", {view}, dtype::int8);
    const node_index sum = b.add("et_vk.q8ta_add.default", {shuffle, skip}, dtype::int8);
    x = b.add("et_vk.q8ta_conv2d.default", {sum}, dtype::int8, 4);
  }
  while (static_cast<std::int64_t>(b.size()) < size)
    x = b.add("et_vk.q8ta_relu.default", {x}, dtype::int8);
  return b.finish(x);
}

plain_graph random_dag(std::int64_t size) {
  static const std::vector<std::string> unary{"aten.relu.default", "aten.permute.default",
                                              "dim_order_ops._to_dim_order_copy.default",
                                              "aten.avg_pool2d.default", "aten.clone.default"};
  builder b;
  std::mt19937_64 random(static_cast<std::uint64_t>(size));
  b.add("input", {});
  while (static_cast<std::int64_t>(b.size()) < size) {
    std::uniform_int_distribution<node_index> earlier(0, static_cast<node_index>(b.size() - 1));
    if (random() % 3 == 0)
      b.add("aten.add.Tensor", {earlier(random), earlier(random)});
    else
      b.add(unary[random() % unary.size()], {earlier(random)});
  }
  return b.finish(static_cast<node_index>(size - 1));
}

template <plain_graph (*Make)(std::int64_t)>
void passes_tag_layouts(benchmark::State& state) {
  const plain_graph g = Make(state.range(0));
  std::size_t peak = 0;
  std::size_t transitions = 0;
  std::size_t searched = 0;
  for (auto _ : state) {
    const std::size_t before = qlower::bench::heap_in_use();
    qlower::bench::reset_heap_peak();
    auto plan = qlower::passes::tag_layouts(g);
    peak = qlower::bench::heap_peak() - before;
    transitions = plan.transitions.size();
    searched = plan.searched_nodes;
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
  state.counters["transitions_per_1k_nodes"] =
      1000.0 * static_cast<double>(transitions) / static_cast<double>(g.node_count());
  state.counters["peak_heap_bytes_per_node"] =
      static_cast<double>(peak) / static_cast<double>(g.node_count());
  // The work per node: constant when the cost is linear.
  state.counters["searched_per_node"] =
      static_cast<double>(searched) / static_cast<double>(g.node_count());
}
BENCHMARK(passes_tag_layouts<float_cnn>)
    ->Name("passes_tag_layouts/float_cnn")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(passes_tag_layouts<int8_decoder>)
    ->Name("passes_tag_layouts/int8_decoder")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(passes_tag_layouts<random_dag>)
    ->Name("passes_tag_layouts/random_dag")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);

/// remove_redundant on the random DAG, whose clones are all redundant.
void passes_remove_redundant(benchmark::State& state) {
  const plain_graph g = random_dag(state.range(0));
  for (auto _ : state) {
    auto plan = qlower::passes::plan_remove_redundant(g);
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(passes_remove_redundant)
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
