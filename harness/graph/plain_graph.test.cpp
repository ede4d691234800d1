// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/plain_graph.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/graph/generators.hpp"

namespace {

using qlower::dtype;
using qlower::graph_errc;
using qlower::graph::no_node;
using qlower::graph::node;
using qlower::graph::node_index;
using qlower::graph::plain_graph;

node make(std::string id, std::string op, std::vector<node_index> inputs = {}) {
  node n;
  n.id = std::move(id);
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  n.outputs.push_back({dtype::float32, qlower::shape{2, 3}});
  return n;
}

/// Runs `action`, which must throw graph_error of class `code` naming `node_id` and `field`.
template <class Action>
void require_graph_error(Action action, graph_errc code, const std::string& node_id,
                         const std::string& field) {
  try {
    action();
    FAIL("no error thrown");
  } catch (const qlower::graph_error& failure) {
    INFO(failure.what());
    CHECK(failure.code() == code);
    CHECK(failure.location().node == node_id);
    CHECK(failure.location().field == field);
  }
}

TEST_CASE("add_node links users once per user", "[graph][plain_graph]") {
  plain_graph g("g");
  const node_index x = g.add_node(make("x", "input"));
  const node_index y = g.add_node(make("y", "aten.add.Tensor", {x, x}));
  const node_index z = g.add_node(make("z", "aten.convolution.default", {x, y, no_node}));
  g.set_outputs({z});
  CHECK(g.node_count() == 3);
  CHECK(std::vector<node_index>(g.users(x).begin(), g.users(x).end()) ==
        std::vector<node_index>{y, z});
  CHECK(g.users(z).empty());
  CHECK(g.find("y") == y);
  CHECK_FALSE(g.find("w").has_value());
  CHECK(g.op_name(z) == "aten.convolution.default");
  CHECK(g.inputs(z)[2] == no_node);
  qlower::graph::check_graph_laws(g);
}

TEST_CASE("add_node rejects what would break an invariant, naming node and field",
          "[graph][plain_graph]") {
  plain_graph g;
  g.add_node(make("x", "input"));
  require_graph_error([&] { g.add_node(make("x", "aten.relu.default", {0})); },
                      graph_errc::duplicate_id, "x", "id");
  require_graph_error([&] { g.add_node(make("", "aten.relu.default", {0})); },
                      graph_errc::missing_id, "", "id");
  require_graph_error(
      [&] {
        g.add_node(make("r", "aten.relu.default", {0, 5}));
      },
      graph_errc::dangling_reference, "r", "inputs[1]");
  require_graph_error([&] { g.add_node(make("c", "const", {0})); }, graph_errc::bad_structure, "c",
                      "inputs");
  node no_outputs = make("n", "aten.relu.default", {0});
  no_outputs.outputs.clear();
  require_graph_error([&] { g.add_node(no_outputs); }, graph_errc::bad_structure, "n", "outputs");
  require_graph_error(
      [&] {
        g.set_outputs({0, 9});
      },
      graph_errc::dangling_reference, "", "outputs[1]");
  CHECK(g.node_count() == 1);  // nothing half-added
}

TEST_CASE("getitem needs one input and an index in range", "[graph][plain_graph]") {
  plain_graph g;
  node pair = make("pair", "input");
  pair.outputs.push_back({dtype::int64, qlower::shape{2, 3}});
  g.add_node(pair);
  node get = make("g", "getitem", {0});
  require_graph_error([&] { g.add_node(get); }, graph_errc::missing_field, "g", "attrs.index");
  get.attrs["index"] = 2;
  require_graph_error([&] { g.add_node(get); }, graph_errc::bad_structure, "g", "attrs.index");
  get.attrs["index"] = -1;
  require_graph_error([&] { g.add_node(get); }, graph_errc::bad_structure, "g", "attrs.index");
  get.attrs["index"] = "1";
  require_graph_error([&] { g.add_node(get); }, graph_errc::bad_attribute, "g", "attrs.index");
  get.attrs["index"] = 1;
  CHECK(g.add_node(get) == 1);
}

TEST_CASE("const data matches its shape and dtype", "[graph][plain_graph]") {
  plain_graph g;
  node w = make("w", "const");
  w.outputs = {{dtype::int8, qlower::shape{3}}};
  w.data = std::vector<std::int64_t>{1, 2};
  require_graph_error([&] { g.add_node(w); }, graph_errc::bad_data, "w", "data");
  w.data = std::vector<std::int64_t>{1, -129, 3};
  require_graph_error([&] { g.add_node(w); }, graph_errc::bad_data, "w", "data[1]");
  w.data = std::vector<double>{1, 2, 3};
  require_graph_error([&] { g.add_node(w); }, graph_errc::bad_data, "w", "data");
  w.data = std::vector<std::int64_t>{-128, 0, 127};
  CHECK_NOTHROW(g.add_node(w));
  node r = make("r", "aten.relu.default", {0});
  r.data = std::vector<double>{1, 2, 3, 4, 5, 6};
  require_graph_error([&] { g.add_node(r); }, graph_errc::bad_structure, "r", "data");
}

TEST_CASE("generated graphs keep the concept's laws", "[graph][plain_graph][property]") {
  rc::prop("check_graph_laws accepts every graph add_node built",
           [] { qlower::graph::check_graph_laws(*qlower::harness::any_graph(120)); });
}

}  // namespace
