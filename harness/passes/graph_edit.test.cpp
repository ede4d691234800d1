// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/graph_edit.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "harness/passes/builder.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;

TEST_CASE("an edit plan replaces, forwards and drops only what the edits left unread",
          "[passes][graph_edit]") {
  graph_builder b;
  const auto x = b.input("x", {4});
  const auto unread = b.constant("unread", {4});
  const auto c = b.constant("c", {4});
  const auto a = b.op("a", "aten.add.Tensor", {x, c}, {}, {4});
  const auto r = b.op("r", "aten.relu.default", {a}, {}, {4});
  const auto g = b.done({r});
  (void)unread;

  passes::edit_plan plan(g);
  CHECK(plan.fresh_id("a") == "a_2");
  CHECK(plan.fresh_id("new") == "new");
  // r reads x directly: a and then c lose their last reader and go; `unread` never had one and
  // stays.
  plan.forward(a, x);
  const auto edited = plan.apply(g);
  CHECK(edited.find("unread").has_value());
  CHECK_FALSE(edited.find("a").has_value());
  CHECK_FALSE(edited.find("c").has_value());
  CHECK(edited[*edited.find("r")].inputs[0] == *edited.find("x"));

  passes::edit_plan twice(g);
  graph::node neg{"a.neg", "aten.neg.default", {x}, {}, {{dtype::float32, shape{4}}}, {}};
  graph::node sum{
      "a", "aten.add.Tensor", {passes::replacement_value(0), c}, {}, {{dtype::float32, shape{4}}},
      {}};
  twice.replace(a, {{neg, sum}, 1});
  const auto replaced = twice.apply(g);
  CHECK(replaced[*replaced.find("a")].inputs[0] == *replaced.find("a.neg"));
  CHECK(replaced[*replaced.find("r")].inputs[0] == *replaced.find("a"));
  CHECK(replaced.node_count() == g.node_count() + 1);
}

TEST_CASE("inconsistent edits are errors, not broken graphs", "[passes][graph_edit]") {
  graph_builder b;
  const auto x = b.input("x", {4});
  const auto a = b.op("a", "aten.relu.default", {x}, {}, {4});
  const auto r = b.op("r", "aten.relu.default", {a}, {}, {4});
  const auto g = b.done({r});
  passes::edit_plan cycle(g);
  cycle.forward(a, r);
  cycle.forward(r, a);
  CHECK_THROWS_AS(cycle.apply(g), qlower::error);
  passes::edit_plan ahead(g);
  graph::node early{"a", "aten.relu.default",          {passes::replacement_value(1)},
                    {},  {{dtype::float32, shape{4}}}, {}};
  ahead.replace(a, {{early}, 0});
  CHECK_THROWS_AS(ahead.apply(g), qlower::error);
}

}  // namespace
