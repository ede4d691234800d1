// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/graph/attribute.hpp"

namespace qlower::graph {

/// A node's position in a graph: dense, from 0 to node_count() - 1, so a pass
/// keeps its per-node state in plain arrays.
using node_index = std::uint32_t;

/// The input of a node that takes an absent optional tensor (a convolution
/// without bias): graph-format.md's `null`.
inline constexpr node_index no_node = std::numeric_limits<node_index>::max();

/// The view through which every pass reads a compiler's IR. A foreign IR models
/// it with a thin adaptor that numbers its nodes (see examples/adapt_graph.cpp).
///
/// Laws:
/// - nodes are numbered in a topological order: every entry of inputs(n) is
///   no_node or less than n; so the graph is acyclic by construction;
/// - m is in users(n) exactly when n is an entry of inputs(m), once per user;
/// - output_count(n) >= 1, and output_dims(n, k) has only entries >= 0;
/// - attribute_of(n, name) is null when node n has no such attribute.
/// check_graph_laws() checks them at run time on any model.
template <class G>
concept graph = requires(const G& g, node_index n, std::size_t k, std::string_view name) {
  { g.node_count() } -> std::convertible_to<std::size_t>;
  { g.inputs(n) } -> std::ranges::random_access_range;
  requires std::convertible_to<std::ranges::range_value_t<decltype(g.inputs(n))>, node_index>;
  { g.users(n) } -> std::ranges::forward_range;
  requires std::convertible_to<std::ranges::range_value_t<decltype(g.users(n))>, node_index>;
  { g.op_name(n) } -> std::convertible_to<std::string_view>;
  { g.node_name(n) } -> std::convertible_to<std::string_view>;
  { g.output_count(n) } -> std::convertible_to<std::size_t>;
  { g.output_dtype(n, k) } -> std::same_as<dtype>;
  { g.output_dims(n, k) } -> std::ranges::random_access_range;
  { g.attribute_of(n, name) } -> std::convertible_to<const attribute*>;
  { g.graph_outputs() } -> std::ranges::forward_range;
};

/// Throws graph_error naming the node and the law when `g` breaks a law of the
/// graph concept; adaptor authors run it in their tests.
template <graph G>
void check_graph_laws(const G& g) {
  const std::size_t count = g.node_count();
  auto where = [&](node_index n, std::string field) {
    return error_location{"", std::string(g.node_name(n)), std::move(field)};
  };
  for (node_index n = 0; n < count; ++n) {
    std::size_t position = 0;
    for (node_index input : g.inputs(n)) {
      if (input != no_node && input >= n) {
        throw graph_error(graph_errc::cycle,
                          "input index " + std::to_string(input) +
                              " is not before the node's own index " + std::to_string(n),
                          where(n, "inputs[" + std::to_string(position) + "]"));
      }
      if (input != no_node) {
        std::size_t listed = 0;
        for (node_index user : g.users(input))
          listed += user == n ? 1 : 0;
        if (listed != 1) {
          throw graph_error(graph_errc::bad_structure,
                            "listed " + std::to_string(listed) + " times among the users of '" +
                                std::string(g.node_name(input)) + "', expected once",
                            where(n, "inputs[" + std::to_string(position) + "]"));
        }
      }
      ++position;
    }
    for (node_index user : g.users(n)) {
      bool uses = false;
      if (user < count) {
        for (node_index input : g.inputs(user))
          uses = uses || input == n;
      }
      if (!uses) {
        throw graph_error(graph_errc::bad_structure,
                          "user " + std::to_string(user) + " does not take this node as input",
                          where(n, "users"));
      }
    }
    if (g.output_count(n) == 0) {
      throw graph_error(graph_errc::bad_structure, "node has no outputs", where(n, "outputs"));
    }
    for (std::size_t k = 0; k < g.output_count(n); ++k) {
      for (auto dim : g.output_dims(n, k)) {
        if (dim < 0) {
          throw graph_error(graph_errc::bad_dimension, "negative dimension " + std::to_string(dim),
                            where(n, "outputs[" + std::to_string(k) + "].shape"));
        }
      }
    }
  }
  for (node_index output : g.graph_outputs()) {
    if (output >= count) {
      throw graph_error(graph_errc::dangling_reference,
                        "graph output index " + std::to_string(output) + " names no node",
                        error_location{"", "", "outputs"});
    }
  }
}

}  // namespace qlower::graph
