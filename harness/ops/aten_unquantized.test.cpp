// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/aten_unquantized.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "harness/ops/declarations.hpp"
#include "qlower/ops/op_table.hpp"

namespace {

using namespace qlower::ops;

TEST_CASE("the ops no V1 row names stay float, but transpose.Dimname", "[ops][aten_unquantized]") {
  const auto names =
      qlower::harness::declared_in(qlower::harness::op_header("aten_unquantized.hpp"));
  CHECK(names.size() >= 30);
  for (const std::string& name : names) {
    CAPTURE(name);
    const op_info& row = op_table[find_op(name)];
    if (name == "aten.transpose.Dimname") {
      CHECK(row.rule == qlower::traits::qspec_rule::pass_through);
    } else {
      CHECK(row.rule == qlower::traits::qspec_rule::none);
    }
  }
}

}  // namespace
