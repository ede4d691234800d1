// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/access.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace {

using namespace qlower;
using graph::node_index;

TEST_CASE("typed reads of inputs and attributes never throw", "[graph][access]") {
  graph::plain_graph g("access");
  const node_index x = g.add_node({"x", "input", {}, {}, {{dtype::float32, shape({2, 3})}}, {}});
  graph::attribute_map attrs;
  attrs.emplace("dim", graph::attribute(std::int64_t{1}));
  attrs.emplace("dims", graph::attribute(graph::attribute::list{graph::attribute(std::int64_t{0}),
                                                                graph::attribute(std::int64_t{1})}));
  attrs.emplace("keepdim", graph::attribute(true));
  attrs.emplace("dtype", graph::attribute(std::string("int32")));
  attrs.emplace("code", graph::attribute(std::int64_t{1}));
  attrs.emplace("text", graph::attribute(std::string("no")));
  const node_index n = g.add_node({"n", "aten.sum.dim_IntList", {x, graph::no_node}, attrs,
                                   {{dtype::float32, shape({2})}}, {}});
  g.set_outputs({n});

  CHECK(graph::input_of(g, n, 0) == x);
  CHECK(graph::input_of(g, n, 1) == graph::no_node);
  CHECK(graph::input_of(g, n, 7) == graph::no_node);
  CHECK(graph::dims_of(g, x) == std::vector<std::int64_t>{2, 3});
  CHECK(graph::node_text(g, n) == "'n'");
  CHECK(graph::is_graph_output(g, n));
  CHECK(!graph::is_graph_output(g, x));
  CHECK(graph::int_list(g, n, "dim", std::nullopt) == std::vector<std::int64_t>{1});
  CHECK(graph::int_list(g, n, "dims", std::nullopt) == std::vector<std::int64_t>{0, 1});
  CHECK(graph::int_list(g, n, "absent", std::vector<std::int64_t>{9}) == std::vector<std::int64_t>{9});
  CHECK(!graph::int_list(g, n, "text", std::nullopt));
  CHECK(graph::bool_attribute(g, n, "keepdim", false) == true);
  CHECK(graph::bool_attribute(g, n, "absent", false) == false);
  CHECK(!graph::bool_attribute(g, n, "dim", false));
  CHECK(graph::dtype_attribute(g, n, "dtype") == dtype::int32);
  CHECK(graph::dtype_attribute(g, n, "code") == dtype::int8);  // c10 ScalarType 1
  CHECK(!graph::dtype_attribute(g, n, "text"));
  CHECK(!graph::dtype_attribute(g, n, "absent"));
}

}  // namespace
