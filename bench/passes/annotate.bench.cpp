// SPDX-License-Identifier: Apache-2.0
// The quantization passes on ConvNeXt-like chains, in nodes per second.

#include "qlower/passes/annotate.hpp"

#include <benchmark/benchmark.h>

#include "bench/graph/chain.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"

namespace {

using qlower::graph::plain_graph;

void passes_annotate(benchmark::State& state) {
  const plain_graph g = qlower::bench::convnext_chain(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(qlower::passes::annotate(g));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(passes_annotate)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void passes_convert(benchmark::State& state) {
  const plain_graph g = qlower::bench::convnext_chain(state.range(0));
  const auto plan = qlower::passes::annotate(g);
  for (auto _ : state)
    benchmark::DoNotOptimize(qlower::passes::convert(g, plan));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(passes_convert)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void passes_decompose(benchmark::State& state) {
  const plain_graph g = qlower::bench::convnext_chain(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(qlower::passes::decompose(g));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g.node_count()));
}
BENCHMARK(passes_decompose)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
