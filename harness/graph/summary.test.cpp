// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/summary.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include "harness/graph/generators.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace {

using qlower::dtype;

TEST_CASE("summarize counts ops, edges and output dtypes", "[graph][summary]") {
  qlower::graph::plain_graph g;
  qlower::graph::node x{"x", "input", {}, {}, {{dtype::int8, qlower::shape{4}}}, {}};
  g.add_node(x);
  g.add_node({"p",
              "custom.pair",
              {0, qlower::graph::no_node, 0},
              {},
              {{dtype::int8, qlower::shape{4}}, {dtype::int64, qlower::shape{4}}},
              {}});
  g.add_node({"r", "aten.relu.default", {1}, {}, {{dtype::int8, qlower::shape{4}}}, {}});
  g.set_outputs({2, 1});
  const qlower::graph::graph_summary summary = qlower::graph::summarize(g);
  CHECK(summary.node_count == 3);
  CHECK(summary.edge_count == 3);
  CHECK(summary.graph_output_count == 2);
  CHECK(summary.op_counts.at("input") == 1);
  CHECK(summary.op_counts.at("custom.pair") == 1);
  CHECK(summary.dtype_counts.at(dtype::int8) == 3);
  CHECK(summary.dtype_counts.at(dtype::int64) == 1);
}

TEST_CASE("summary counts add up", "[graph][summary][property]") {
  rc::prop("op counts sum to the node count; dtype counts to the output count", [] {
    const auto g = *qlower::harness::any_graph(100);
    const auto summary = qlower::graph::summarize(g);
    std::size_t ops = 0;
    for (const auto& [op, count] : summary.op_counts)
      ops += count;
    std::size_t outputs = 0;
    for (const auto& n : g.nodes())
      outputs += n.outputs.size();
    std::size_t types = 0;
    for (const auto& [type, count] : summary.dtype_counts)
      types += count;
    RC_ASSERT(ops == g.node_count());
    RC_ASSERT(types == outputs);
  });
}

}  // namespace
