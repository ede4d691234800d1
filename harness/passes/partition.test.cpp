// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/partition.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/graph/reorder.hpp"
#include "harness/graph/soa_graph.hpp"
#include "harness/targets/generators.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "reference/passes/partition.hpp"

namespace {

using namespace qlower;
using graph::node_index;

/// A support check from a set of supported node ids, so that it survives reordering.
struct by_id {
  std::set<std::string> supported;
  template <class G>
  targets::support_result operator()(const G& g, node_index n) const {
    if (supported.contains(std::string(g.node_name(n))))
      return {};
    return targets::rejection{targets::reason::not_allowed, "unsupported"};
  }
};

graph::node make(std::string id, std::string op, std::vector<node_index> inputs) {
  return graph::node{std::move(id), std::move(op), std::move(inputs), {}, {{dtype::int8, {4}}}, {}};
}

/// A chain alternating supported (s) and unsupported (u) nodes from a pattern "ssuss".
graph::plain_graph chain(const std::string& pattern, by_id& check) {
  graph::plain_graph g("chain");
  node_index last = g.add_node(make("in", "input", {}));
  for (std::size_t k = 0; k < pattern.size(); ++k) {
    const std::string id = "n" + std::to_string(k);
    last = g.add_node(make(id, "aten.relu.default", {last}));
    if (pattern[k] == 's')
      check.supported.insert(id);
  }
  g.set_outputs({last});
  return g;
}

std::vector<std::vector<node_index>> partitions_of(const passes::partition_plan& plan) {
  std::vector<std::vector<node_index>> result;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p)
    result.emplace_back(plan.nodes_of(p).begin(), plan.nodes_of(p).end());
  return result;
}

/// The laws every capability partitioning keeps, checked with the reference's reachability.
void check_partition_laws(const graph::plain_graph& g, const passes::partition_plan& plan) {
  RC_ASSERT(plan.node_count() == g.node_count());
  std::size_t delegated = 0;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    RC_ASSERT(!plan.nodes_of(p).empty());
    for (node_index n : plan.nodes_of(p)) {
      RC_ASSERT(plan.partition_of(n) == p);
      RC_ASSERT(plan.reason(n) == nullptr);
      ++delegated;
    }
    const std::vector<node_index> nodes(plan.nodes_of(p).begin(), plan.nodes_of(p).end());
    RC_ASSERT(reference::is_convex(g, nodes));
  }
  for (node_index n = 0; n < g.node_count(); ++n)
    RC_ASSERT(plan.delegated(n) == (plan.reason(n) == nullptr));
  RC_ASSERT(delegated == plan.delegated_count());
  RC_ASSERT(reference::quotient_is_acyclic(g, partitions_of(plan)));
}

TEST_CASE("a chain splits once per unsupported run, and never more", "[passes][partition]") {
  by_id check;
  const auto g = chain("ssussuuss", check);
  const auto plan = passes::partition(g, check);
  CHECK(plan.partition_count() == 3);
  CHECK(plan.delegated_count() == 6);
  const node_index host = *g.find("n2");
  REQUIRE(plan.reason(host) != nullptr);
  CHECK(plan.reason(host)->code == targets::reason::not_allowed);
  CHECK(plan.partition_of(*g.find("n0")) == plan.partition_of(*g.find("n1")));
  CHECK(plan.partition_of(*g.find("n7")) == plan.partition_of(*g.find("n8")));
}

TEST_CASE("unconnected supported nodes share a partition, as torch's horizontal fusion does",
          "[passes][partition]") {
  graph::plain_graph g("branches");
  const node_index in = g.add_node(make("in", "input", {}));
  const node_index a = g.add_node(make("a", "aten.relu.default", {in}));
  const node_index b = g.add_node(make("b", "aten.relu.default", {in}));
  g.set_outputs({a, b});
  const auto plan = passes::partition(g, by_id{{"a", "b"}});
  CHECK(plan.partition_count() == 1);
}

TEST_CASE("a supported node reached around an unsupported one goes to a later partition",
          "[passes][partition]") {
  // in -> a -> u -> c, and a -> c: {a, c} would leave through u and come back.
  graph::plain_graph g("diamond");
  const node_index in = g.add_node(make("in", "input", {}));
  const node_index a = g.add_node(make("a", "aten.relu.default", {in}));
  const node_index u = g.add_node(make("u", "aten.relu.default", {a}));
  const node_index c = g.add_node(make("c", "aten.add.Tensor", {a, u}));
  g.set_outputs({c});
  const auto plan = passes::partition(g, by_id{{"a", "c"}});
  CHECK(plan.partition_count() == 2);
  CHECK(plan.partition_of(a) != plan.partition_of(c));
}

TEST_CASE("a getitem follows its producer when every user of the producer is a getitem",
          "[passes][partition]") {
  graph::plain_graph g("getitems");
  const node_index in = g.add_node(make("in", "input", {}));
  graph::node pool = make("pool", "aten.max_pool2d_with_indices.default", {in});
  pool.outputs.push_back({dtype::int64, {4}});
  const node_index producer = g.add_node(std::move(pool));
  graph::node first = make("values", "getitem", {producer});
  first.attrs["index"] = std::int64_t{0};
  graph::node second = make("indices", "getitem", {producer});
  second.attrs["index"] = std::int64_t{1};
  const node_index values = g.add_node(std::move(first));
  const node_index indices = g.add_node(std::move(second));
  g.set_outputs({values, indices});

  // The producer is supported, its getitems not: they are re-homed.
  const auto follows = passes::partition(g, by_id{{"pool"}});
  CHECK(follows.partition_count() == 1);
  CHECK(follows.delegated(values));
  CHECK(follows.delegated(indices));
  // The producer is on the host: so are its getitems, with the reason.
  const auto stays = passes::partition(g, by_id{{"values", "indices"}});
  CHECK(stays.partition_count() == 0);
  REQUIRE(stays.reason(values) != nullptr);
  CHECK(stays.reason(values)->code == targets::reason::producer_not_delegated);
  // Without re-homing the check decides alone.
  const auto alone = passes::partition(g, by_id{{"pool"}}, {.rehome_getitems = false});
  CHECK(!alone.delegated(values));
}

TEST_CASE("a plan refuses tables that contradict themselves", "[passes][partition]") {
  using passes::partition_plan;
  CHECK_THROWS_AS(partition_plan({0, partition_plan::host}, {std::nullopt, std::nullopt}), error);
  CHECK_THROWS_AS(partition_plan({1}, {std::nullopt}), error);
  CHECK_THROWS_AS(partition_plan({0}, {}), error);
  CHECK_THROWS_AS(partition_plan({0xFFFFFFFEU}, {std::nullopt}), error);
  CHECK_THROWS_AS(partition_plan({0}, {0}, {}), error);
  CHECK_NOTHROW(partition_plan({0, partition_plan::host},
                               {std::nullopt, targets::rejection{targets::reason::rank, "r"}}));
}

/// A random DAG whose nodes read one to three of the few nodes before them,
/// so that paths are long and unsupported nodes split them often.
rc::Gen<graph::plain_graph> any_deep_dag(int max_nodes) {
  return rc::gen::exec([max_nodes] {
    graph::plain_graph g("deep");
    const int count = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(1, max_nodes + 1));
    for (int i = 0; i < count; ++i) {
      std::vector<node_index> inputs;
      if (i > 0 && *rc::gen::inRange(0, 8) != 0) {
        const int arity = *rc::gen::inRange(1, 4);
        for (int k = 0; k < arity; ++k) {
          const int back = *rc::gen::inRange(1, std::min(i, 4) + 1);
          inputs.push_back(static_cast<node_index>(i - back));
        }
      }
      const std::string op = inputs.empty() ? "input" : "aten.add.Tensor";
      g.add_node(make("n" + std::to_string(i), op, std::move(inputs)));
    }
    g.set_outputs({static_cast<node_index>(count - 1)});
    return g;
  });
}

/// A random support set over the graph's nodes.
by_id any_support(const graph::plain_graph& g) {
  by_id check;
  for (node_index n = 0; n < g.node_count(); ++n) {
    if (*rc::gen::weightedElement<bool>({{2, true}, {1, false}}))
      check.supported.insert(g[n].id);
  }
  return check;
}

TEST_CASE("partitions are convex, acyclic between them, and cover every node once",
          "[passes][partition][property]") {
  rc::prop("laws hold on random DAGs and random support", [] {
    const auto g = *harness::any_u55_graph(60);
    check_partition_laws(g, passes::partition(g, any_support(g)));
  });
  rc::prop("laws hold on deep random DAGs", [] {
    const auto g = *any_deep_dag(60);
    check_partition_laws(g, passes::partition(g, any_support(g)));
  });
  rc::prop("laws hold under the Ethos-U55 rules", [] {
    const auto g = *harness::any_u55_graph(60);
    const auto check = [](const graph::plain_graph& graph, node_index n) {
      return targets::ethos_u55::check(graph, n);
    };
    check_partition_laws(g, passes::partition(g, check));
  });
}

TEST_CASE("never more partitions than the brute-force reference, whose merges stop anywhere",
          "[passes][partition][property]") {
  rc::prop("count <= reference count", [] {
    const auto g = *any_deep_dag(16);
    const by_id check = any_support(g);
    const auto plan = passes::partition(g, check, {.rehome_getitems = false});
    std::vector<bool> supported(g.node_count());
    for (node_index n = 0; n < g.node_count(); ++n)
      supported[n] = plan.delegated(n);
    const auto reference_partitions = reference::partition(g, supported);
    RC_TAG(plan.partition_count() < reference_partitions.size() ? "fewer than the reference"
                                                                : "as many as the reference",
           std::min<std::size_t>(plan.partition_count(), 4));
    RC_ASSERT(plan.partition_count() <= reference_partitions.size());
  });
}

TEST_CASE("the result does not depend on the node order of the input",
          "[passes][partition][property]") {
  rc::prop("same partitions by id after a topological reordering", [] {
    const auto g = *rc::gen::oneOf(harness::any_u55_graph(60), any_deep_dag(60));
    const by_id check = any_support(g);
    const auto other = harness::reordered(g);
    const auto plan = passes::partition(g, check);
    const auto other_plan = passes::partition(other, check);
    RC_ASSERT(harness::partitions_by_id(g, plan) == harness::partitions_by_id(other, other_plan));
  });
}

TEST_CASE("the partitioner runs unchanged on a foreign IR and gives the same plan",
          "[passes][partition][property]") {
  rc::prop("partition(soa_graph(g)) == partition(g)", [] {
    const auto g = *harness::any_u55_graph(60);
    const harness::soa_graph foreign(g);
    const auto plain_check = [](const graph::plain_graph& graph, node_index n) {
      return targets::ethos_u55::check(graph, n);
    };
    const auto foreign_check = [](const harness::soa_graph& graph, node_index n) {
      return targets::ethos_u55::check(graph, n);
    };
    RC_ASSERT(passes::partition(foreign, foreign_check) == passes::partition(g, plain_check));
  });
}

}  // namespace
