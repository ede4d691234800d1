// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random graphs for the passes: ops drawn from the whole op set (aliases,
// variants, composites, unknown names), mostly float32 so that annotation
// has work to do, with integer and bool values, constants as weights, absent
// optional inputs, multi-output nodes and getitems.

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness/graph/generators.hpp"
#include "qlower/core/dtype.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "reference/passes/annotate.hpp"

namespace qlower::harness {

inline rc::Gen<graph::plain_graph> any_lowering_graph(int max_nodes = 300) {
  return rc::gen::exec([max_nodes] {
    graph::plain_graph g("random");
    const int count = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(1, max_nodes + 1));
    std::vector<graph::node_index> multi_output;
    for (int i = 0; i < count; ++i) {
      graph::node n;
      n.id = "n" + std::to_string(i);
      const int kind = *rc::gen::inRange(0, 12);
      const auto rank = *rc::gen::inRange<std::size_t>(1, 5);
      std::vector<std::int64_t> dims(rank, 2);
      const dtype type = *rc::gen::weightedElement<dtype>({{12, dtype::float32},
                                                           {1, dtype::int8},
                                                           {1, dtype::int32},
                                                           {1, dtype::bool_},
                                                           {1, dtype::float16},
                                                           {1, dtype::int64}});
      if (i == 0 || kind == 0) {
        n.op = "input";
      } else if (kind == 1) {
        n.op = "const";
      } else if (kind == 2 && !multi_output.empty()) {
        const graph::node_index source = *rc::gen::elementOf(multi_output);
        n.op = "getitem";
        n.inputs = {source};
        n.attrs["index"] =
            static_cast<std::int64_t>(*rc::gen::inRange<std::size_t>(0, g[source].outputs.size()));
      } else if (kind == 3) {
        n.op = "vendor.unknown.default";
      } else {
        n.op = std::string(ops::op_table[*rc::gen::inRange<std::size_t>(2, ops::op_count)].name);
        if (n.op == "getitem")
          n.op = "aten.relu.default";
      }
      if (n.op != "input" && n.op != "const" && n.op != "getitem") {
        const int arity = *rc::gen::inRange(1, 4);
        for (int k = 0; k < arity; ++k) {
          n.inputs.push_back(
              k > 0 && *rc::gen::inRange(0, 10) == 0
                  ? graph::no_node
                  : *rc::gen::inRange<graph::node_index>(0, static_cast<graph::node_index>(i)));
        }
      }
      const int outputs =
          n.op == "input" || n.op == "const" || n.op == "getitem" || *rc::gen::inRange(0, 8) != 0
              ? 1
              : 2;
      for (int k = 0; k < outputs; ++k) {
        n.outputs.push_back({k == 0 ? type : dtype::int64, shape(dims)});
      }
      const graph::node_index added = g.add_node(std::move(n));
      if (outputs > 1)
        multi_output.push_back(added);
    }
    g.set_outputs({static_cast<graph::node_index>(count - 1)});
    return g;
  });
}

/// The plain graph as the reference model's input.
inline std::vector<reference::ref_node> to_reference(const graph::plain_graph& g) {
  std::vector<reference::ref_node> nodes;
  for (const graph::node& n : g.nodes()) {
    reference::ref_node ref{n.op, {}, {}};
    for (graph::node_index input : n.inputs) {
      ref.inputs.push_back(input == graph::no_node ? -1 : static_cast<int>(input));
    }
    for (const graph::tensor_type& output : n.outputs)
      ref.output_types.push_back(output.type);
    nodes.push_back(std::move(ref));
  }
  return nodes;
}

}  // namespace qlower::harness
