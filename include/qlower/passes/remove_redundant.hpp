// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/aten_nn.hpp"
#include "qlower/ops/aten_shape.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/ops/other_namespaces.hpp"

namespace qlower::passes {

/// Which nodes remove_redundant drops and what replaces each.
struct redundant_plan {
  /// replacement[n] is n for a kept node, else the kept node whose value
  /// every use of n reads instead.
  std::vector<graph::node_index> replacement;
  /// Nodes left without users after the replacement (dead code), also dropped.
  std::vector<bool> dead;

  bool removed(graph::node_index n) const { return replacement[n] != n || dead[n]; }
  friend bool operator==(const redundant_plan&, const redundant_plan&) = default;
};

/// The ops a copy that changes nothing makes redundant (vulkan.md 5.2): clone,
/// alias, alias_copy, lift_fresh_copy, _to_dim_order_copy, _clone_dim_order,
/// expand_copy and copy.
constexpr bool is_removable_copy(ops::op_id id) noexcept {
  using namespace ops;
  return id == op_id_of<aten::clone_default>() || id == op_id_of<aten::alias_default>() ||
         id == op_id_of<aten::alias_copy_default>() ||
         id == op_id_of<aten::lift_fresh_copy_default>() ||
         id == op_id_of<dim_order_ops::_to_dim_order_copy_default>() ||
         id == op_id_of<dim_order_ops::_clone_dim_order_default>() ||
         id == op_id_of<aten::expand_copy_default>() || id == op_id_of<aten::copy_default>();
}

/// Every node may go.
struct everywhere {
  constexpr bool operator()(graph::node_index) const noexcept { return true; }
};

/// ExecuTorch's RemoveRedundantOpsTransform: a removable copy (see
/// is_removable_copy) whose source has its dtype and shape is replaced by the
/// source in every use, graph outputs included; the source is input 1 of
/// copy.default and input 0 of the others. Then dead code goes: op nodes and
/// constants with no users that are not graph outputs, transitively. Graph
/// inputs always stay. Every kept node keeps its dtype and shape.
///
/// Only nodes for which `in_scope(n)` holds are removed (a delegate's nodes,
/// when the pass runs on the delegates of a partitioned graph).
template <graph::graph G, class InScope = everywhere>
redundant_plan plan_remove_redundant(const G& g, InScope in_scope = {}) {
  const std::size_t count = g.node_count();
  redundant_plan plan{std::vector<graph::node_index>(count), std::vector<bool>(count, false)};
  const ops::op_id copy_id = ops::op_id_of<ops::aten::copy_default>();
  for (graph::node_index n = 0; n < count; ++n) {
    plan.replacement[n] = n;
    const ops::op_id id = ops::find_op(g.op_name(n));
    if (!is_removable_copy(id) || g.output_count(n) != 1 || !in_scope(n))
      continue;
    const auto inputs = g.inputs(n);
    const std::size_t source_position = id == copy_id ? 1 : 0;
    if (source_position >= inputs.size() || inputs[source_position] == graph::no_node)
      continue;
    const auto source = static_cast<graph::node_index>(inputs[source_position]);
    if (g.output_count(source) != 1 || g.output_dtype(source, 0) != g.output_dtype(n, 0))
      continue;
    const auto a = g.output_dims(source, 0);
    const auto b = g.output_dims(n, 0);
    if (!std::equal(a.begin(), a.end(), b.begin(), b.end()))
      continue;
    // Sources come first, so a chain of copies resolves to its first kept value.
    plan.replacement[n] = plan.replacement[source];
  }
  // Dead-code elimination in reverse order: a node is live when a kept live
  // node reads it (through the replacement) or it is a graph output.
  std::vector<bool> live(count, false);
  for (const auto output : g.graph_outputs())
    live[plan.replacement[static_cast<graph::node_index>(output)]] = true;
  for (graph::node_index n = static_cast<graph::node_index>(count); n-- > 0;) {
    if (g.op_name(n) == "input" || !in_scope(n))
      live[n] = true;
    if (!live[n] || plan.replacement[n] != n)
      continue;
    for (const auto input : g.inputs(n)) {
      if (input != graph::no_node)
        live[plan.replacement[static_cast<graph::node_index>(input)]] = true;
    }
  }
  for (graph::node_index n = 0; n < count; ++n)
    plan.dead[n] = plan.replacement[n] == n && !live[n];
  return plan;
}

/// Applies a redundant_plan to `g`: the kept nodes in order, reading the
/// replacements; ids, attributes and types unchanged.
inline graph::plain_graph apply_remove_redundant(const graph::plain_graph& g,
                                                 const redundant_plan& plan) {
  const std::size_t count = g.node_count();
  if (plan.replacement.size() != count || plan.dead.size() != count)
    throw error("the redundant-op plan was made for a graph of " +
                std::to_string(plan.replacement.size()) + " nodes, not " + std::to_string(count));
  graph::plain_graph result(g.name());
  std::vector<graph::node_index> new_index(count, graph::no_node);
  for (graph::node_index n = 0; n < count; ++n) {
    if (plan.removed(n))
      continue;
    graph::node copy = g[n];
    for (auto& input : copy.inputs) {
      if (input != graph::no_node)
        input = new_index[plan.replacement[input]];
    }
    new_index[n] = result.add_node(std::move(copy));
  }
  std::vector<graph::node_index> outputs;
  for (const auto output : g.graph_outputs())
    outputs.push_back(new_index[plan.replacement[output]]);
  result.set_outputs(std::move(outputs));
  return result;
}

/// plan_remove_redundant then apply_remove_redundant.
inline graph::plain_graph remove_redundant(const graph::plain_graph& g) {
  return apply_remove_redundant(g, plan_remove_redundant(g));
}

}  // namespace qlower::passes
