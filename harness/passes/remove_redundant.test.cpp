// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/remove_redundant.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/targets/vulkan_generators.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace {

using namespace qlower;
using graph::node_index;

node_index add(graph::plain_graph& g, std::string id, std::string op,
               std::vector<node_index> inputs, dtype type = dtype::float32,
               std::vector<std::int64_t> dims = {2, 3}) {
  return g.add_node(
      {std::move(id), std::move(op), std::move(inputs), {}, {{type, shape(dims)}}, {}});
}

TEST_CASE("copies that change nothing are replaced by their source", "[passes][remove_redundant]") {
  graph::plain_graph g("copies");
  const node_index x = add(g, "x", "input", {});
  const node_index clone = add(g, "clone", "aten.clone.default", {x});
  const node_index alias = add(g, "alias", "aten.alias_copy.default", {clone});
  const node_index relu = add(g, "relu", "aten.relu.default", {alias});
  const node_index cast =
      add(g, "cast", "dim_order_ops._to_dim_order_copy.default", {relu}, dtype::float16);
  const node_index expand =
      add(g, "expand", "aten.expand_copy.default", {relu}, dtype::float32, {4, 2, 3});
  const node_index dst = add(g, "dst", "input", {});
  const node_index copy = add(g, "copy", "aten.copy.default", {dst, relu});
  g.set_outputs({cast, expand, copy, clone});

  const passes::redundant_plan plan = passes::plan_remove_redundant(g);
  CHECK(plan.replacement[clone] == x);
  CHECK(plan.replacement[alias] == x);        // a chain resolves to its first kept value
  CHECK(plan.replacement[cast] == cast);      // the dtype changes
  CHECK(plan.replacement[expand] == expand);  // the shape changes
  CHECK(plan.replacement[copy] == relu);      // copy's source is its input 1

  const graph::plain_graph result = passes::apply_remove_redundant(g, plan);
  graph::check_graph_laws(result);
  CHECK(result.node_count() == g.node_count() - 3);
  CHECK(!result.find("clone"));
  CHECK(result[*result.find("relu")].inputs == std::vector<node_index>{*result.find("x")});
  const auto outputs = result.graph_outputs();
  CHECK(std::vector<node_index>(outputs.begin(), outputs.end()) ==
        std::vector<node_index>{*result.find("cast"), *result.find("expand"), *result.find("relu"),
                                *result.find("x")});
}

TEST_CASE("what is left without users goes, graph inputs stay", "[passes][remove_redundant]") {
  graph::plain_graph g("dead");
  const node_index x = add(g, "x", "input", {});
  const node_index unused = add(g, "unused", "input", {});
  const node_index w = add(g, "w", "const", {});
  const node_index dead = add(g, "dead", "aten.add.Tensor", {x, w});
  add(g, "dead_too", "aten.relu.default", {dead});
  const node_index relu = add(g, "relu", "aten.relu.default", {x});
  g.set_outputs({relu});
  const passes::redundant_plan plan = passes::plan_remove_redundant(g);
  CHECK(plan.dead == std::vector<bool>{false, false, true, true, true, false});
  const graph::plain_graph result = passes::remove_redundant(g);
  CHECK(result.node_count() == 3);
  CHECK(result.find("unused"));
  (void)unused;
}

TEST_CASE("only nodes in scope are removed", "[passes][remove_redundant]") {
  graph::plain_graph g("scoped");
  const node_index x = add(g, "x", "input", {});
  const node_index host_clone = add(g, "host_clone", "aten.clone.default", {x});
  const node_index host_dead = add(g, "host_dead", "aten.relu.default", {x});
  const node_index clone = add(g, "clone", "aten.clone.default", {host_clone});
  g.set_outputs({clone});
  const auto in_delegate = [&](node_index n) { return n == clone; };
  const passes::redundant_plan plan = passes::plan_remove_redundant(g, in_delegate);
  CHECK(plan.replacement[host_clone] == host_clone);
  CHECK(!plan.dead[host_dead]);
  CHECK(plan.replacement[clone] == host_clone);
}

TEST_CASE("a redundant-op plan for another graph is an error", "[passes][remove_redundant]") {
  graph::plain_graph g("g");
  add(g, "x", "input", {});
  CHECK_THROWS_AS(passes::apply_remove_redundant(g, passes::redundant_plan{}), error);
}

TEST_CASE("removal keeps every value's dtype and shape", "[passes][remove_redundant][property]") {
  rc::prop("remove_redundant on random graphs", [] {
    const graph::plain_graph g = *harness::any_vulkan_graph(16);
    const passes::redundant_plan plan = passes::plan_remove_redundant(g);
    const graph::plain_graph result = passes::apply_remove_redundant(g, plan);
    graph::check_graph_laws(result);
    for (node_index n = 0; n < g.node_count(); ++n) {
      const node_index kept = plan.replacement[n];
      RC_ASSERT(kept <= n);
      RC_ASSERT(plan.replacement[kept] == kept);
      // A replaced node's users read a value of the same dtype and shape.
      RC_ASSERT(g[kept].outputs.front() == g[n].outputs.front());
      if (kept != n)
        RC_ASSERT(passes::is_removable_copy(ops::find_op(g[n].op)));
      if (!plan.removed(n)) {
        const auto found = result.find(g[n].id);
        RC_ASSERT(found);
        RC_ASSERT(result[*found].outputs == g[n].outputs);
        RC_ASSERT(result[*found].op == g[n].op);
      }
    }
    // Nothing removable is left, and the graph outputs are still there.
    const passes::redundant_plan again = passes::plan_remove_redundant(result);
    for (node_index n = 0; n < result.node_count(); ++n)
      RC_ASSERT(!again.removed(n));
    RC_ASSERT(result.graph_outputs().size() == g.graph_outputs().size());
  });
}

}  // namespace
