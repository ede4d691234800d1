// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/graph_nodes.hpp"

#include <catch2/catch.hpp>

#include "qlower/ops/op_table.hpp"

namespace {

using namespace qlower::ops;

TEST_CASE("graph-format.md's non-operator nodes are ops of the set", "[ops][graph_nodes]") {
  static_assert(graph_input::name == "input" && graph_const::name == "const" &&
                getitem::name == "getitem");
  CHECK(find_op("input") == op_id_of<graph_input>());
  CHECK(find_op("const") == op_id_of<graph_const>());
  CHECK(op_table[find_op("getitem")].rule == qlower::traits::qspec_rule::getitem);
  CHECK(op_table[find_op("input")].rule == qlower::traits::qspec_rule::none);
}

TEST_CASE("the quantize and dequantize ops convert inserts exist, per tensor and per channel",
          "[ops][graph_nodes]") {
  for (const char* name : {"quantized_decomposed.quantize_per_tensor.default",
                           "quantized_decomposed.dequantize_per_tensor.default",
                           "quantized_decomposed.quantize_per_channel.default",
                           "quantized_decomposed.dequantize_per_channel.default"}) {
    CAPTURE(name);
    REQUIRE(find_op(name) != unknown_op);
    CHECK(op_table[find_op(name)].rule == qlower::traits::qspec_rule::none);
  }
}

}  // namespace
