// SPDX-License-Identifier: Apache-2.0
#pragma once

// The brute-force partitioner of design.md: one partition per supported node,
// then merge any two partitions whose union is legal until no legal merge is
// left. Legality is checked by plain reachability over users, nothing cached,
// so each answer can be read straight off the definitions. Meant for graphs of
// a few dozen nodes: the cost is about O(n^4).

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace qlower::reference {

/// Whether no path leaves `nodes` and comes back: the set is convex.
inline bool is_convex(const graph::plain_graph& g, const std::vector<graph::node_index>& nodes) {
  std::vector<bool> inside(g.node_count(), false);
  for (graph::node_index n : nodes)
    inside[n] = true;
  // Walk everything reachable from the set through at least one node outside it.
  std::vector<bool> reached(g.node_count(), false);
  std::vector<graph::node_index> pending;
  for (graph::node_index n : nodes) {
    for (graph::node_index user : g.users(n)) {
      if (!inside[user] && !reached[user]) {
        reached[user] = true;
        pending.push_back(user);
      }
    }
  }
  while (!pending.empty()) {
    const graph::node_index outside = pending.back();
    pending.pop_back();
    for (graph::node_index user : g.users(outside)) {
      if (inside[user])
        return false;
      if (!reached[user]) {
        reached[user] = true;
        pending.push_back(user);
      }
    }
  }
  return true;
}

/// Whether the graph stays acyclic when each partition is contracted to one
/// vertex and every node outside the partitions stays its own vertex. Throws
/// std::invalid_argument when a node is in two partitions.
inline bool quotient_is_acyclic(const graph::plain_graph& g,
                                const std::vector<std::vector<graph::node_index>>& partitions) {
  const std::size_t count = g.node_count();
  // Vertex p < P is partition p; a node n outside every partition is vertex P + n.
  const std::size_t partition_count = partitions.size();
  std::vector<std::size_t> vertex_of(count);
  for (std::size_t n = 0; n < count; ++n)
    vertex_of[n] = partition_count + n;
  for (std::size_t p = 0; p < partition_count; ++p) {
    for (graph::node_index n : partitions[p]) {
      if (vertex_of[n] != partition_count + n)
        throw std::invalid_argument("node " + std::to_string(n) + " is in two partitions");
      vertex_of[n] = p;
    }
  }
  const std::size_t vertex_count = partition_count + count;
  std::vector<std::vector<std::size_t>> successors(vertex_count);
  for (std::size_t n = 0; n < count; ++n) {
    for (graph::node_index user : g.users(static_cast<graph::node_index>(n))) {
      if (vertex_of[n] != vertex_of[user])
        successors[vertex_of[n]].push_back(vertex_of[user]);
    }
  }
  // A cycle is a vertex that reaches itself.
  for (std::size_t start = 0; start < vertex_count; ++start) {
    std::vector<bool> reached(vertex_count, false);
    std::vector<std::size_t> pending(successors[start]);
    while (!pending.empty()) {
      const std::size_t vertex = pending.back();
      pending.pop_back();
      if (vertex == start)
        return false;
      if (reached[vertex])
        continue;
      reached[vertex] = true;
      pending.insert(pending.end(), successors[vertex].begin(), successors[vertex].end());
    }
  }
  return true;
}

namespace detail {

/// Merges the first legal pair (i, j), i < j, in scan order; false when there is none.
inline bool merge_first_legal_pair(const graph::plain_graph& g,
                                   std::vector<std::vector<graph::node_index>>& partitions) {
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    for (std::size_t j = i + 1; j < partitions.size(); ++j) {
      std::vector<graph::node_index> merged = partitions[i];
      merged.insert(merged.end(), partitions[j].begin(), partitions[j].end());
      std::sort(merged.begin(), merged.end());
      if (!is_convex(g, merged))
        continue;
      std::vector<std::vector<graph::node_index>> candidate = partitions;
      candidate[i] = merged;
      candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(j));
      if (!quotient_is_acyclic(g, candidate))
        continue;
      partitions = std::move(candidate);
      return true;
    }
  }
  return false;
}

}  // namespace detail

/// Groups the supported nodes of `g` into partitions that are convex and keep
/// the quotient graph acyclic, merging until no two partitions can merge.
/// Partitions need not be connected (torch's "horizontal fusion" merges
/// unconnected ones too). Each partition lists ascending node indices; the
/// partitions are ordered by their first node. `supported` has one entry per
/// node, else std::invalid_argument.
inline std::vector<std::vector<graph::node_index>> partition(const graph::plain_graph& g,
                                                             const std::vector<bool>& supported) {
  if (supported.size() != g.node_count()) {
    throw std::invalid_argument("supported has " + std::to_string(supported.size()) +
                                " entries for " + std::to_string(g.node_count()) + " nodes");
  }
  std::vector<std::vector<graph::node_index>> partitions;
  for (std::size_t n = 0; n < supported.size(); ++n) {
    if (supported[n])
      partitions.push_back({static_cast<graph::node_index>(n)});
  }
  // Merging i with a later j keeps i's first node first, so the order by
  // first node holds throughout and the scan order is fixed.
  while (detail::merge_first_legal_pair(g, partitions)) {
  }
  return partitions;
}

}  // namespace qlower::reference
