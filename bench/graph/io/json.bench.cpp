// SPDX-License-Identifier: Apache-2.0
// Reading and writing graph documents, in nodes per second.

#include "qlower/graph/io/json.hpp"

#include <benchmark/benchmark.h>

#include <string>

#include "bench/graph/chain.hpp"

namespace {

using qlower::graph::plain_graph;

void graph_json_read(benchmark::State& state) {
  const std::string text =
      qlower::graph::io::write_json(qlower::bench::convnext_chain(state.range(0)), -1);
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
  const plain_graph g = qlower::bench::convnext_chain(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(qlower::graph::io::write_json(g, -1));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(graph_json_write)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
