// SPDX-License-Identifier: Apache-2.0
#include "reference/passes/partition.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace {

using qlower::dtype;
using qlower::graph::node;
using qlower::graph::node_index;
using qlower::graph::plain_graph;
using qlower::reference::is_convex;
using qlower::reference::partition;
using qlower::reference::quotient_is_acyclic;
using partitions_t = std::vector<std::vector<node_index>>;

/// Builds a graph of int8 relus (the op does not matter to the partitioner);
/// node i takes `inputs[i]`.
plain_graph graph_of(const std::vector<std::vector<node_index>>& inputs) {
  plain_graph g("partition");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    node n;
    n.id = "n" + std::to_string(i);
    n.op = inputs[i].empty() ? "input" : "aten.relu.default";
    n.inputs = inputs[i];
    n.outputs.push_back({dtype::int8, qlower::shape{4}});
    g.add_node(std::move(n));
  }
  return g;
}

/// Whether merging any two partitions of `parts` would still be legal.
bool some_merge_is_legal(const plain_graph& g, const partitions_t& parts) {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (std::size_t j = i + 1; j < parts.size(); ++j) {
      partitions_t merged = parts;
      merged[i].insert(merged[i].end(), parts[j].begin(), parts[j].end());
      merged.erase(merged.begin() + static_cast<std::ptrdiff_t>(j));
      if (is_convex(g, merged[i]) && quotient_is_acyclic(g, merged))
        return true;
    }
  }
  return false;
}

TEST_CASE("reference partition: a chain supported-unsupported-supported gives two partitions",
          "[reference]") {
  const plain_graph g = graph_of({{}, {0}, {1}});
  CHECK(partition(g, {true, false, true}) == partitions_t{{0}, {2}});
  CHECK(partition(g, {true, true, true}) == partitions_t{{0, 1, 2}});
  CHECK(partition(g, {false, false, false}).empty());
}

TEST_CASE("reference partition: unconnected supported nodes merge horizontally", "[reference]") {
  CHECK(partition(graph_of({{}, {}}), {true, true}) == partitions_t{{0, 1}});
  // Two branches of one unsupported input.
  CHECK(partition(graph_of({{}, {0}, {0}}), {false, true, true}) == partitions_t{{1, 2}});
}

TEST_CASE("reference partition: a diamond around an unsupported node cannot close", "[reference]") {
  // 0 -> 1 (unsupported) -> 3 and 0 -> 2 -> 3: {0, 2, 3} would leave through 1 and come back.
  const plain_graph g = graph_of({{}, {0}, {0}, {1, 2}});
  CHECK_FALSE(is_convex(g, {0, 2, 3}));
  CHECK(is_convex(g, {0, 2}));
  const partitions_t parts = partition(g, {true, false, true, true});
  CHECK(parts == partitions_t{{0, 2}, {3}});
  CHECK(quotient_is_acyclic(g, parts));
}

TEST_CASE("reference partition: convex partitions can still form a cycle together", "[reference]") {
  // a1 -> u1 -> b1 and b2 -> u2 -> a2; nodes: a1 0, b2 1, u1 2, u2 3, b1 4, a2 5.
  const plain_graph g = graph_of({{}, {}, {0}, {1}, {2}, {3}});
  const std::vector<node_index> a{0, 5};
  const std::vector<node_index> b{1, 4};
  CHECK(is_convex(g, a));
  CHECK(is_convex(g, b));
  CHECK(quotient_is_acyclic(g, {a}));
  CHECK(quotient_is_acyclic(g, {b}));
  CHECK_FALSE(quotient_is_acyclic(g, {a, b}));
  // The merges the scan order finds instead.
  const partitions_t parts = partition(g, {true, true, false, false, true, true});
  CHECK(parts == partitions_t{{0, 1}, {4, 5}});
  CHECK(quotient_is_acyclic(g, parts));
}

TEST_CASE(
    "reference partition: a merge that is convex but closes a cycle through a third "
    "partition",
    "[reference]") {
  // y -> u1 -> x1 and x2 -> u2 -> z; X = {x1, x2} is already a partition.
  // Nodes: y 0, x2 1, u1 2, x1 3, u2 4, z 5.
  const plain_graph g = graph_of({{}, {}, {0}, {2}, {1}, {4}});
  const std::vector<node_index> x{1, 3};
  const std::vector<node_index> y_and_z{0, 5};
  CHECK(is_convex(g, y_and_z));
  CHECK(quotient_is_acyclic(g, {x, {0}, {5}}));
  CHECK_FALSE(quotient_is_acyclic(g, {x, y_and_z}));
}

TEST_CASE("reference partition: bad arguments are errors", "[reference]") {
  const plain_graph g = graph_of({{}, {0}});
  CHECK_THROWS_AS(partition(g, {true}), std::invalid_argument);
  CHECK_THROWS_AS(quotient_is_acyclic(g, {{0}, {0, 1}}), std::invalid_argument);
}

TEST_CASE(
    "reference partition: partitions are convex, acyclic together, cover the supported "
    "nodes, and cannot merge further",
    "[reference]") {
  std::mt19937 random(20260822);
  for (int round = 0; round < 300; ++round) {
    const std::size_t count = std::uniform_int_distribution<std::size_t>(1, 14)(random);
    std::vector<std::vector<node_index>> inputs(count);
    std::vector<bool> supported(count);
    for (std::size_t n = 0; n < count; ++n) {
      supported[n] = std::bernoulli_distribution(0.6)(random);
      for (std::size_t m = 0; m < n; ++m) {
        if (std::bernoulli_distribution(0.25)(random))
          inputs[n].push_back(static_cast<node_index>(m));
      }
    }
    const plain_graph g = graph_of(inputs);
    const partitions_t parts = partition(g, supported);
    INFO("round " << round);
    std::vector<int> times_covered(count, 0);
    for (std::size_t p = 0; p < parts.size(); ++p) {
      REQUIRE_FALSE(parts[p].empty());
      CHECK(std::is_sorted(parts[p].begin(), parts[p].end()));
      CHECK(is_convex(g, parts[p]));
      if (p > 0)
        CHECK(parts[p - 1].front() < parts[p].front());
      for (node_index n : parts[p])
        ++times_covered[n];
    }
    for (std::size_t n = 0; n < count; ++n)
      CHECK(times_covered[n] == (supported[n] ? 1 : 0));
    CHECK(quotient_is_acyclic(g, parts));
    CHECK_FALSE(some_merge_is_legal(g, parts));
  }
}

}  // namespace
