// SPDX-License-Identifier: Apache-2.0
// Reading a graph file, walking it through the graph concept, and handling a bad file.

#include <filesystem>
#include <iostream>

#include "qlower/graph/io/json.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path graphs = argc > 1 ? argv[1] : "examples/graphs";
  const qlower::graph::plain_graph g =
      qlower::graph::io::read_json_file(graphs / "convnext_block.json");
  for (qlower::graph::node_index n = 0; n < g.node_count(); ++n) {
    if (g.op_name(n) != "aten.moveaxis.int")
      continue;
    const auto* source = g.attribute_of(n, "source");
    std::cout << g.node_name(n) << ": moveaxis source " << *source->as_int() << ", "
              << g.users(n).size() << " user(s)\n";
  }
  try {
    qlower::graph::io::read_json(R"({"format": "qlower-graph", "version": 1,
        "nodes": [{"id": "x", "op": "input", "dtype": "float32", "shape": [2, -1]}], "outputs": []})",
                                 "inline.json");
    return 1;
  } catch (const qlower::graph_error& failure) {
    std::cout << "rejected: " << failure.what() << '\n';
    return failure.code() == qlower::graph_errc::bad_dimension ? 0 : 1;
  }
}
