// SPDX-License-Identifier: Apache-2.0
#include "qlower/qlower.hpp"

#include <catch2/catch.hpp>

namespace {

TEST_CASE("the umbrella header gives the whole library", "[qlower]") {
  const qlower::graph::plain_graph g = qlower::graph::io::read_json(
      R"({"format": "qlower-graph", "version": 1,
          "nodes": [{"id": "x", "op": "input", "dtype": "int8", "shape": [2]}],
          "outputs": ["x"]})");
  CHECK(qlower::graph::summarize(g).node_count == 1);
  CHECK(qlower::graph::io::read_json(qlower::graph::io::write_json(g)) == g);
}

}  // namespace
