// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/arm_post_process.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness/graph/reorder.hpp"
#include "harness/graph/soa_graph.hpp"
#include "harness/targets/generators.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "reference/passes/partition.hpp"
#include "reference/targets/ethos_u55.hpp"

namespace {

using namespace qlower;
using graph::node_index;
using targets::reason;

constexpr const char* q_op = "quantized_decomposed.quantize_per_tensor.default";
constexpr const char* dq_op = "quantized_decomposed.dequantize_per_tensor.default";

graph::node make(std::string id, std::string op, std::vector<node_index> inputs,
                 dtype type = dtype::int8) {
  return graph::node{std::move(id), std::move(op), std::move(inputs), {}, {{type, {1, 8}}}, {}};
}

std::optional<reason> reason_of(const passes::partition_plan& plan, node_index n) {
  const targets::rejection* why = plan.reason(n);
  return why == nullptr ? std::nullopt : std::optional(why->code);
}

TEST_CASE("boundary quantize and dequantize nodes are de-tagged, inner ones kept",
          "[passes][arm_post_process]") {
  // x(float) -> q -> relu -> dq -> q2 -> relu2 -> dq2 -> output
  graph::plain_graph g("boundaries");
  const node_index x = g.add_node(make("x", "input", {}, dtype::float32));
  const node_index q = g.add_node(make("q", q_op, {x}));
  const node_index relu = g.add_node(make("relu", "aten.relu.default", {q}));
  const node_index dq = g.add_node(make("dq", dq_op, {relu}, dtype::float32));
  const node_index q2 = g.add_node(make("q2", q_op, {dq}));
  const node_index relu2 = g.add_node(make("relu2", "aten.relu.default", {q2}));
  const node_index dq2 = g.add_node(make("dq2", dq_op, {relu2}, dtype::float32));
  g.set_outputs({dq2});
  const auto plan = passes::partition_arm<targets::ethos_u55>(g);
  CHECK(plan.partition_count() == 1);
  CHECK(reason_of(plan, q) == reason::boundary_quantize);
  CHECK(reason_of(plan, dq2) == reason::boundary_dequantize);
  CHECK(plan.delegated(relu));
  CHECK(plan.delegated(dq));
  CHECK(plan.delegated(q2));
  CHECK(plan.delegated(relu2));
  // Without the INT-only rule the boundary nodes stay.
  const auto kept = passes::arm_post_process(
      g,
      passes::partition(
          g, [](const auto& graph, node_index n) { return targets::ethos_u55::check(graph, n); }),
      {.int_only = false});
  CHECK(kept.delegated(q));
  CHECK(kept.delegated(dq2));
}

TEST_CASE("a first node fed in floating point from outside is de-tagged",
          "[passes][arm_post_process]") {
  // A cast is in the partition but its float input comes from the host.
  graph::plain_graph g("float input");
  const node_index x = g.add_node(make("x", "input", {}, dtype::float32));
  graph::node cast = make("cast", "dim_order_ops._to_dim_order_copy.default", {x});
  const node_index c = g.add_node(std::move(cast));
  g.set_outputs({c});
  // The capability stage is made to accept it, as a permissive check would.
  const passes::partition_plan plan(
      {passes::partition_plan::host, 0},
      {targets::rejection{reason::graph_input, "input"}, std::nullopt});
  const auto processed = passes::arm_post_process(g, plan);
  CHECK(reason_of(processed, c) == reason::boundary_float_input);
  CHECK(processed.partition_count() == 0);
}

TEST_CASE("a partition left with a cycle is split; a part Arm's split would leave cyclic too",
          "[passes][arm_post_process]") {
  // a -> dq -> q -> b, with dq also read by the host node h; and a -> c -> b.
  // De-tagging dq leaves the path a -> dq -> q -> b out of and back into the
  // partition; {a, c, b} stays connected, so connected components alone keep the cycle.
  graph::plain_graph g("cycle");
  const node_index in = g.add_node(make("in", "input", {}));
  const node_index a = g.add_node(make("a", "aten.relu.default", {in}));
  const node_index dq = g.add_node(make("dq", dq_op, {a}, dtype::float32));
  const node_index h = g.add_node(make("h", "aten.softmax.int", {dq}, dtype::float32));
  const node_index q = g.add_node(make("q", q_op, {dq}));
  const node_index c = g.add_node(make("c", "aten.relu.default", {a}));
  const node_index b = g.add_node(make("b", "aten.add.Tensor", {q, c}));
  g.set_outputs({b, h});
  const auto plan = passes::partition_arm<targets::ethos_u55>(g);
  CHECK(reason_of(plan, dq) == reason::boundary_dequantize);
  CHECK(reason_of(plan, h) == reason::not_in_profile);
  CHECK(plan.delegated(a));
  CHECK(plan.delegated(b));
  CHECK(plan.partition_of(a) != plan.partition_of(b));
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    CHECK(reference::is_convex(g, {plan.nodes_of(p).begin(), plan.nodes_of(p).end()}));
  }
}

TEST_CASE("a component without a cycle stays whole, as in Arm's split",
          "[passes][arm_post_process]") {
  // in1 -> a -> dq -> h (host), dq -> q -> c, in2 -> b -> c. De-tagging dq and q
  // leaves {a, b, c} cyclic; its components {a} and {b, c} are convex each.
  graph::plain_graph g("components");
  const node_index in1 = g.add_node(make("in1", "input", {}));
  const node_index in2 = g.add_node(make("in2", "input", {}));
  const node_index a = g.add_node(make("a", "aten.relu.default", {in1}));
  const node_index dq = g.add_node(make("dq", dq_op, {a}, dtype::float32));
  const node_index h = g.add_node(make("h", "aten.softmax.int", {dq}, dtype::float32));
  const node_index q = g.add_node(make("q", q_op, {dq}));
  const node_index b = g.add_node(make("b", "aten.relu.default", {in2}));
  const node_index c = g.add_node(make("c", "aten.add.Tensor", {q, b}));
  g.set_outputs({c, h});
  const auto plan = passes::partition_arm<targets::ethos_u55>(g);
  CHECK(plan.partition_count() == 2);
  CHECK(plan.partition_of(b) == plan.partition_of(c));
  CHECK(plan.partition_of(a) != plan.partition_of(c));
}

TEST_CASE("partitions of only no-ops or only uint8 values are rejected whole",
          "[passes][arm_post_process]") {
  graph::plain_graph g("no-ops");
  const node_index in = g.add_node(make("in", "input", {}));
  const node_index view = g.add_node(make("view", "aten.view_copy.default", {in}));
  const node_index alias = g.add_node(make("alias", "aten.alias_copy.default", {view}));
  g.set_outputs({alias});
  const auto plan = passes::partition_arm<targets::ethos_u55>(g);
  CHECK(plan.partition_count() == 0);
  CHECK(reason_of(plan, view) == reason::no_op_partition);
  CHECK(reason_of(plan, alias) == reason::no_op_partition);

  graph::plain_graph u("uint8");
  const node_index x = u.add_node(make("x", "input", {}, dtype::uint8));
  const node_index relu = u.add_node(make("relu", "aten.relu.default", {x}, dtype::uint8));
  const node_index add = u.add_node(make("add", "aten.add.Tensor", {relu, relu}, dtype::uint8));
  u.set_outputs({add});
  const auto uint8_plan = passes::partition_arm<targets::ethos_u55>(u);
  CHECK(uint8_plan.partition_count() == 0);
  CHECK(reason_of(uint8_plan, relu) == reason::uint8_partition);
  REQUIRE(uint8_plan.reason(add) != nullptr);
  CHECK(uint8_plan.reason(add)->message.find("'relu'") != std::string::npos);
}

TEST_CASE("post-processing refuses a plan made for another graph", "[passes][arm_post_process]") {
  graph::plain_graph g("one");
  g.add_node(make("in", "input", {}));
  CHECK_THROWS_AS(passes::arm_post_process(g, passes::partition_plan{}), error);
}

/// Reference reasons name unknown ops as not in the profile; the rules are otherwise the same.
bool same_rule(reason fast, reason slow) {
  const auto fold = [](reason r) { return r == reason::unknown_op ? reason::not_in_profile : r; };
  return fold(fast) == fold(slow);
}

template <class Target>
void check_against_reference(const graph::plain_graph& g) {
  const auto plan = passes::partition_arm<Target>(g);
  const bool u85 = !Target::u55_subset;
  std::vector<std::vector<node_index>> partitions;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    partitions.emplace_back(plan.nodes_of(p).begin(), plan.nodes_of(p).end());
    RC_ASSERT(reference::is_convex(g, partitions.back()));
  }
  RC_ASSERT(reference::quotient_is_acyclic(g, partitions));
  for (node_index n = 0; n < g.node_count(); ++n) {
    const std::optional<reason> slow = reference::ethos_u55_reject(g, n, u85);
    if (plan.delegated(n)) {
      // A delegated getitem may have been re-homed with its producer.
      if (g[n].op != "getitem" && slow.has_value()) {
        RC_FAIL("node " + g[n].id + " (" + g[n].op + ") is delegated, the reference says " +
                std::string(targets::to_string(*slow)));
      }
      continue;
    }
    const reason fast = plan.reason(n)->code;
    if (targets::is_post_processing(fast) || fast == reason::producer_not_delegated) {
      RC_TAG("host by post-processing");
      continue;
    }
    RC_ASSERT(slow.has_value());
    if (!same_rule(fast, *slow)) {
      RC_FAIL("node " + g[n].id + " (" + g[n].op + "): qlower says " +
              std::string(targets::to_string(fast)) + " (" + plan.reason(n)->message +
              "), the reference " + std::string(targets::to_string(*slow)));
    }
  }
}

TEST_CASE(
    "every delegated node passes the reference checker, every host node fails it or was "
    "moved by a named post-processing rule",
    "[passes][arm_post_process][property]") {
  rc::prop("Ethos-U55",
           [] { check_against_reference<targets::ethos_u55>(*harness::any_u55_graph(50)); });
  rc::prop("Ethos-U85",
           [] { check_against_reference<targets::ethos_u85>(*harness::any_u55_graph(50)); });
}

TEST_CASE("after post-processing no boundary Q/DQ and no all-no-op partition is left",
          "[passes][arm_post_process][property]") {
  rc::prop("Arm's boundary rules hold on the result", [] {
    const auto g = *harness::any_u55_graph(50);
    const auto plan = passes::partition_arm<targets::ethos_u55>(g);
    std::vector<bool> output(g.node_count(), false);
    for (node_index o : g.graph_outputs())
      output[o] = true;
    for (node_index n = 0; n < g.node_count(); ++n) {
      if (!plan.delegated(n))
        continue;
      const std::uint32_t p = plan.partition_of(n);
      const std::string& op = g[n].op;
      if (op == q_op || op == "quantized_decomposed.quantize_per_channel.default") {
        RC_ASSERT(plan.partition_of(g[n].inputs[0]) == p);
      } else if (op == dq_op || op == "quantized_decomposed.dequantize_per_channel.default") {
        RC_ASSERT(!output[n]);
        for (node_index user : g.users(n))
          RC_ASSERT(plan.partition_of(user) == p);
      } else {
        for (node_index input : g[n].inputs) {
          if (input != graph::no_node && plan.partition_of(input) != p)
            RC_ASSERT(!is_floating_point(g[input].outputs.front().type));
        }
      }
    }
  });
  rc::prop("the same partitions by id in any node order", [] {
    const auto g = *harness::any_u55_graph(50);
    const auto other = harness::reordered(g);
    RC_ASSERT(harness::partitions_by_id(g, passes::partition_arm<targets::ethos_u55>(g)) ==
              harness::partitions_by_id(other, passes::partition_arm<targets::ethos_u55>(other)));
  });
  rc::prop("the same plan on a foreign IR", [] {
    const auto g = *harness::any_u55_graph(50);
    RC_ASSERT(passes::partition_arm<targets::ethos_u55>(harness::soa_graph(g)) ==
              passes::partition_arm<targets::ethos_u55>(g));
  });
}

}  // namespace
