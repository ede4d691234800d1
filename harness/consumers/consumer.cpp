// SPDX-License-Identifier: Apache-2.0
// What a compiler that consumes qlower does first: include it, read a graph.
#include <iostream>
#include <qlower/qlower.hpp>

int main() {
  const qlower::graph::plain_graph g = qlower::graph::io::read_json(
      R"({"format": "qlower-graph", "version": 1,
          "nodes": [{"id": "x", "op": "input", "dtype": "int8", "shape": [1, 8]},
                    {"id": "m", "op": "aten.moveaxis.int", "inputs": ["x"],
                     "attrs": {"source": 0, "destination": 1}, "dtype": "int8", "shape": [8, 1]}],
          "outputs": ["m"]})");
  const qlower::graph::graph_summary summary = qlower::graph::summarize(g);
  std::cout << "consumer read " << summary.node_count << " nodes\n";
  return summary.node_count == 2 && summary.op_counts.at("aten.moveaxis.int") == 1 ? 0 : 1;
}
