// SPDX-License-Identifier: Apache-2.0
#pragma once

// The same graph with its nodes in another topological order, drawn inside a
// RapidCheck property: what a pass's answer must not depend on.

#include <rapidcheck.h>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace qlower::harness {

/// `g` with its nodes re-numbered in a random topological order (Kahn's
/// algorithm picking a random ready node); ids, edges and outputs kept.
inline graph::plain_graph reordered(const graph::plain_graph& g) {
  const std::size_t count = g.node_count();
  std::vector<std::size_t> waiting(count, 0);
  // users() lists a user once however many of its inputs a node feeds: count distinct producers.
  for (graph::node_index n = 0; n < count; ++n) {
    const std::set<graph::node_index> producers(g.inputs(n).begin(), g.inputs(n).end());
    waiting[n] = producers.size() - (producers.contains(graph::no_node) ? 1 : 0);
  }
  std::vector<graph::node_index> ready;
  for (graph::node_index n = 0; n < count; ++n) {
    if (waiting[n] == 0)
      ready.push_back(n);
  }
  std::vector<graph::node_index> new_index(count, graph::no_node);
  graph::plain_graph result(g.name());
  while (!ready.empty()) {
    const auto pick = *rc::gen::inRange<std::size_t>(0, ready.size());
    const graph::node_index n = ready[pick];
    ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(pick));
    graph::node copy = g[n];
    for (graph::node_index& input : copy.inputs) {
      if (input != graph::no_node)
        input = new_index[input];
    }
    new_index[n] = result.add_node(std::move(copy));
    for (graph::node_index user : g.users(n)) {
      if (--waiting[user] == 0)
        ready.push_back(user);
    }
  }
  std::vector<graph::node_index> outputs;
  for (graph::node_index output : g.graph_outputs())
    outputs.push_back(new_index[output]);
  result.set_outputs(std::move(outputs));
  return result;
}

/// The partitions of a plan as sets of node ids, comparable across orders.
template <class Plan>
std::set<std::set<std::string>> partitions_by_id(const graph::plain_graph& g, const Plan& plan) {
  std::set<std::set<std::string>> result;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    std::set<std::string> ids;
    for (graph::node_index n : plan.nodes_of(p))
      ids.insert(g[n].id);
    result.insert(std::move(ids));
  }
  return result;
}

}  // namespace qlower::harness
