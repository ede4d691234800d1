// SPDX-License-Identifier: Apache-2.0
// What a compiler that consumes qlower does first: include it, read a graph.
#include <cstdint>
#include <iostream>
#include <qlower/qlower.hpp>
#include <span>
#ifdef CONSUMER_HAS_KERNELS
#include <qlower/quant/kernels/dispatch.hpp>
#endif

int main() {
  const qlower::graph::plain_graph g = qlower::graph::io::read_json(
      R"({"format": "qlower-graph", "version": 1,
          "nodes": [{"id": "x", "op": "input", "dtype": "int8", "shape": [1, 8]},
                    {"id": "m", "op": "aten.moveaxis.int", "inputs": ["x"],
                     "attrs": {"source": 0, "destination": 1}, "dtype": "int8", "shape": [8, 1]}],
          "outputs": ["m"]})");
  const qlower::graph::graph_summary summary = qlower::graph::summarize(g);
  std::cout << "consumer read " << summary.node_count << " nodes\n";
#ifdef CONSUMER_HAS_KERNELS
  // and quantizes with qlower::kernels on the machine's best instruction set
  const float weights[] = {-1.0f, 0.25f, 2.0f};
  std::int8_t codes[3] = {};
  namespace quant = qlower::quant;
  quant::dispatched::quantize_affine(std::span<const float>(weights), qlower::shape{3},
                                     quant::affine_qparams(0.5f, 0, quant::quant_dtype::int8),
                                     std::span<std::int8_t>(codes));
  std::cout << "consumer quantized on " << quant::dispatched::active_isa() << "\n";
  if (codes[0] != -2 || codes[1] != 0 || codes[2] != 4)
    return 1;
#endif
  return summary.node_count == 2 && summary.op_counts.at("aten.moveaxis.int") == 1 ? 0 : 1;
}
