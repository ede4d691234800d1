// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/aten_elementwise.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "harness/ops/declarations.hpp"
#include "qlower/ops/op_table.hpp"

namespace {

using namespace qlower::ops;
using qlower::traits::qspec_rule;

const op_info& row(std::string_view name) {
  return op_table[find_op(name)];
}

TEST_CASE("every elementwise op is in the set with its base's rule", "[ops][aten_elementwise]") {
  const auto names =
      qlower::harness::declared_in(qlower::harness::op_header("aten_elementwise.hpp"));
  CHECK(names.size() > 90);
  for (const std::string& name : names) {
    CAPTURE(name);
    REQUIRE(find_op(name) != unknown_op);
    CHECK(row(name).rule == op_table[row(name).canonical].rule);
    CHECK_FALSE(row(name).axis_permutation);
  }
}

TEST_CASE("elementwise rules follow the V1 rows", "[ops][aten_elementwise]") {
  CHECK(row("aten.relu_.default").rule == qspec_rule::pass_through_or_input_act);
  CHECK(row("aten.hardswish_.default").rule == qspec_rule::independent);
  CHECK(row("aten.add_.Tensor").rule == qspec_rule::binary);
  CHECK(row("aten.neg.default").rule == qspec_rule::pass_through);
  CHECK(row("aten.eq.Tensor").rule == qspec_rule::comparison);
  CHECK(row("aten.ne.Tensor").rule == qspec_rule::none);
  CHECK(row("aten.eq.Scalar").rule == qspec_rule::none);
  CHECK(row("aten.full.default").rule == qspec_rule::output_only);
  CHECK(row("aten.acos.default").rule == qspec_rule::fixed);
  CHECK(row("aten.where.self").rule == qspec_rule::shared_across_inputs);
}

}  // namespace
