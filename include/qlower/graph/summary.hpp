// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/concept.hpp"

namespace qlower::graph {

/// What `qlower info` prints of a graph: counts by op name and by output dtype.
struct graph_summary {
  std::size_t node_count = 0;
  std::size_t edge_count = 0;  ///< non-null inputs, counted once per use
  std::size_t graph_output_count = 0;
  std::map<std::string, std::size_t, std::less<>> op_counts;
  std::map<dtype, std::size_t> dtype_counts;  ///< one count per node output

  friend bool operator==(const graph_summary&, const graph_summary&) = default;
};

/// Summarises any model of the graph concept in one pass over its nodes.
template <graph G>
graph_summary summarize(const G& g) {
  graph_summary summary;
  summary.node_count = g.node_count();
  for (node_index n = 0; n < summary.node_count; ++n) {
    const std::string_view op = g.op_name(n);
    const auto found = summary.op_counts.find(op);
    if (found == summary.op_counts.end()) {
      summary.op_counts.emplace(std::string(op), 1);
    } else {
      ++found->second;
    }
    for (node_index input : g.inputs(n))
      summary.edge_count += input == no_node ? 0 : 1;
    for (std::size_t k = 0; k < g.output_count(n); ++k)
      ++summary.dtype_counts[g.output_dtype(n, k)];
  }
  for ([[maybe_unused]] node_index output : g.graph_outputs())
    ++summary.graph_output_count;
  return summary;
}

}  // namespace qlower::graph
