// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/allow_list.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qlower/graph/plain_graph.hpp"
#include "qlower/passes/partition.hpp"

namespace {

using namespace qlower;
using graph::node_index;

TEST_CASE("an allow list reads one name per line, with comments and blank lines",
          "[targets][allow_list]") {
  const auto list = targets::read_allow_list(
      "# my backend\naten.relu.default\n\n  aten.add.Tensor   # binary\r\naten.relu.default\n");
  CHECK(list.ops().size() == 2);
  CHECK(list.allows("aten.relu.default"));
  CHECK(list.allows("aten.add.Tensor"));
  CHECK(!list.allows("aten.mul.Tensor"));
  CHECK(targets::read_allow_list("").ops().empty());
}

TEST_CASE("an entry that is not one name is an error naming the line", "[targets][allow_list]") {
  try {
    targets::read_allow_list("aten.relu.default\naten.add.Tensor aten.mul.Tensor\n", "ops.txt");
    FAIL("no error");
  } catch (const config_error& failure) {
    CHECK(failure.location().source == "ops.txt");
    CHECK(failure.location().field == "line 2");
    CHECK(std::string(failure.what()).find("aten.add.Tensor aten.mul.Tensor") != std::string::npos);
  }
  CHECK_THROWS_AS(targets::read_allow_list_file("/nonexistent/ops.txt"), config_error);
}

TEST_CASE("listed ops are supported in any dtype, getitems follow their producer",
          "[targets][allow_list]") {
  graph::plain_graph g("allow");
  const node_index in = g.add_node({"in", "input", {}, {}, {{dtype::float32, {4}}}, {}});
  const node_index relu =
      g.add_node({"relu", "aten.relu.default", {in}, {}, {{dtype::float32, {4}}}, {}});
  const node_index split = g.add_node({"split",
                                       "aten.split_with_sizes_copy.default",
                                       {relu},
                                       {},
                                       {{dtype::float32, {2}}, {dtype::float32, {2}}},
                                       {}});
  const node_index first =
      g.add_node({"first", "getitem", {split}, {{"index", 0}}, {{dtype::float32, {2}}}, {}});
  const node_index mul =
      g.add_node({"mul", "aten.mul.Tensor", {first, first}, {}, {{dtype::float32, {2}}}, {}});
  g.set_outputs({mul});

  const auto with_split =
      targets::read_allow_list("aten.relu.default\naten.split_with_sizes_copy.default\n");
  const auto plan = passes::partition(g, with_split);
  CHECK(plan.partition_count() == 1);
  CHECK(plan.delegated(relu));
  CHECK(plan.delegated(first));
  CHECK(plan.reason(mul)->code == targets::reason::not_allowed);
  CHECK(plan.reason(in)->code == targets::reason::graph_input);

  const auto without_split = targets::read_allow_list("aten.relu.default\ngetitem\n");
  const auto other = passes::partition(g, without_split);
  CHECK(other.reason(first)->code == targets::reason::producer_not_delegated);
  CHECK(other.reason(split)->code == targets::reason::not_allowed);
}

}  // namespace
