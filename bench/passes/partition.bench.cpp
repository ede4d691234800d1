// SPDX-License-Identifier: Apache-2.0
// The partitioner on synthetic graphs of 1k to 1M nodes, in nodes per second,
// with the heap it allocates at its peak: chains, random DAGs with fan-in 2,
// and branchy CNN-like graphs, each with about 20% unsupported nodes; and the
// whole Arm partitioner with the Ethos-U55 rules on a lowered ConvNeXt chain.

#include "qlower/passes/partition.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/graph/chain.hpp"
#include "bench/peak_memory.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/arm_post_process.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"
#include "qlower/targets/ethos_u55.hpp"

namespace {

using qlower::dtype;
using qlower::graph::node_index;
using qlower::graph::plain_graph;

/// A graph and which of its nodes the target supports.
struct workload {
  plain_graph graph;
  std::vector<bool> supported;
};

node_index add(workload& w, std::vector<node_index> inputs, bool supported) {
  qlower::graph::node n;
  n.id = std::to_string(w.graph.node_count());
  n.op = inputs.empty() ? "input" : "aten.relu.default";
  n.inputs = std::move(inputs);
  n.outputs.push_back({dtype::int8, qlower::shape{1, 8}});
  w.supported.push_back(supported && !n.inputs.empty());
  return w.graph.add_node(std::move(n));
}

workload chain(std::int64_t size) {
  workload w;
  node_index last = add(w, {}, false);
  for (std::int64_t k = 1; k < size; ++k)
    last = add(w, {last}, k % 5 != 0);
  w.graph.set_outputs({last});
  return w;
}

workload random_dag(std::int64_t size) {
  workload w;
  std::mt19937_64 random(size);
  add(w, {}, false);
  for (std::int64_t k = 1; k < size; ++k) {
    std::uniform_int_distribution<node_index> earlier(0, static_cast<node_index>(k - 1));
    add(w, {earlier(random), earlier(random)}, random() % 5 != 0);
  }
  w.graph.set_outputs({static_cast<node_index>(size - 1)});
  return w;
}

/// Inception-like blocks: three branches of three nodes from one input, joined
/// by a concatenation; about one node in five is unsupported.
workload branchy_cnn(std::int64_t size) {
  workload w;
  std::mt19937_64 random(size);
  node_index x = add(w, {}, false);
  while (static_cast<std::int64_t>(w.graph.node_count()) + 11 <= size) {
    std::vector<node_index> ends;
    for (int branch = 0; branch < 3; ++branch) {
      node_index y = x;
      for (int depth = 0; depth < 3; ++depth)
        y = add(w, {y}, random() % 5 != 0);
      ends.push_back(y);
    }
    x = add(w, ends, random() % 5 != 0);
    x = add(w, {x}, true);
  }
  while (static_cast<std::int64_t>(w.graph.node_count()) < size)
    x = add(w, {x}, true);
  w.graph.set_outputs({x});
  return w;
}

template <workload (*Make)(std::int64_t)>
void passes_partition(benchmark::State& state) {
  const workload w = Make(state.range(0));
  const auto check = [&](const plain_graph&, node_index n) -> qlower::targets::support_result {
    if (w.supported[n])
      return {};
    return qlower::targets::rejection{qlower::targets::reason::not_allowed, {}};
  };
  std::size_t peak = 0;
  for (auto _ : state) {
    const std::size_t before = qlower::bench::heap_in_use();
    qlower::bench::reset_heap_peak();
    auto plan = qlower::passes::partition(w.graph, check);
    peak = qlower::bench::heap_peak() - before;
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.graph.node_count()));
  state.counters["peak_heap_bytes_per_node"] =
      static_cast<double>(peak) / static_cast<double>(w.graph.node_count());
}
BENCHMARK(passes_partition<chain>)
    ->Name("passes_partition/chain")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(passes_partition<random_dag>)
    ->Name("passes_partition/random_dag")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(passes_partition<branchy_cnn>)
    ->Name("passes_partition/branchy_cnn")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);

/// The Arm partitioner with every Ethos-U55 check on a quantized, lowered ConvNeXt chain.
void passes_partition_arm_u55(benchmark::State& state) {
  const plain_graph source = qlower::bench::convnext_chain(state.range(0));
  const plain_graph g =
      qlower::passes::decompose(qlower::passes::convert(source, qlower::passes::annotate(source)));
  std::size_t peak = 0;
  for (auto _ : state) {
    const std::size_t before = qlower::bench::heap_in_use();
    qlower::bench::reset_heap_peak();
    auto plan = qlower::passes::partition_arm<qlower::targets::ethos_u55>(g);
    peak = qlower::bench::heap_peak() - before;
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
  state.counters["nodes"] = static_cast<double>(g.node_count());
  state.counters["peak_heap_bytes_per_node"] =
      static_cast<double>(peak) / static_cast<double>(g.node_count());
}
BENCHMARK(passes_partition_arm_u55)
    ->RangeMultiplier(10)
    ->Range(1000, 100000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
