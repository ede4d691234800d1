// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "qlower/core/error.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"

namespace qlower::passes {

/// Rewrites each node into the edge dialect's form, the one the target checks
/// are written for (to_edge, lowering.md 1.4): aliases to their canonical op
/// (concat -> cat, movedim -> moveaxis), composites to the op they decompose
/// to, with attributes computed from their own and their input's rank
/// (moveaxis -> permute_copy with `dims`), in-place variants to their
/// functional base (relu_ -> relu), and an op with a functional `_copy`
/// variant to that variant (view -> view_copy, permute -> permute_copy), until
/// no node is any of these.
///
/// Every node keeps its id, inputs, output dtypes (and so its quantization)
/// and shapes: the result has exactly the nodes of `g`, in the same order.
/// Throws qlower::error naming the node and attribute when a composite's
/// attributes are invalid.
inline graph::plain_graph decompose(const graph::plain_graph& g) {
  graph::plain_graph result(g.name());
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    graph::node rewritten = g[n];
    // Each step moves to an alias's canonical op or a decomposition target; the op
    // set is finite and acyclic in both, so op_count steps always suffice.
    for (std::size_t step = 0; step <= ops::op_count; ++step) {
      const ops::op_id id = ops::find_op(rewritten.op);
      if (id == ops::unknown_op)
        break;
      const ops::op_info& row = ops::op_table[id];
      if (row.rewrite != nullptr) {
        // A composite, or an alias or variant of one (movedim, t_copy): its decomposition.
        const graph::node_index input =
            rewritten.inputs.empty() ? graph::no_node : rewritten.inputs[0];
        if (input == graph::no_node) {
          throw error(rewritten.op + " has no input to decompose",
                      error_location{"", rewritten.id, "inputs"});
        }
        try {
          rewritten.attrs = row.rewrite(rewritten.attrs, g[input].outputs.front().dims.rank());
        } catch (const error& failure) {
          throw error(failure.message(),
                      error_location{"", rewritten.id, failure.location().field});
        }
        rewritten.op = std::string(ops::op_table[row.decomposes_to].name);
      } else if (row.kind == ops::variant_kind::alias || row.kind == ops::variant_kind::inplace) {
        rewritten.op = std::string(ops::op_table[row.canonical].name);
      } else if (row.kind == ops::variant_kind::canonical &&
                 ops::copy_variant_table[id] != ops::unknown_op) {
        rewritten.op = std::string(ops::op_table[ops::copy_variant_table[id]].name);
      } else {
        break;
      }
    }
    result.add_node(std::move(rewritten));
  }
  result.set_outputs({g.graph_outputs().begin(), g.graph_outputs().end()});
  return result;
}

}  // namespace qlower::passes
