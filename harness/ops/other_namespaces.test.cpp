// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/other_namespaces.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "harness/ops/declarations.hpp"
#include "qlower/ops/op_table.hpp"

namespace {

using namespace qlower::ops;

TEST_CASE("ops outside ATen keep their namespace; only _clone_dim_order has a rule",
          "[ops][other_namespaces]") {
  const auto names =
      qlower::harness::declared_in(qlower::harness::op_header("other_namespaces.hpp"));
  CHECK(names.size() >= 50);
  for (const std::string& name : names) {
    CAPTURE(name);
    CHECK(name.rfind("aten.", 0) != 0);
    const op_info& row = op_table[find_op(name)];
    if (name == "dim_order_ops._clone_dim_order.default") {
      CHECK(row.rule == op_table[find_op("aten.clone.default")].rule);
      CHECK(row.pure_view);
    } else {
      CHECK(row.rule == qlower::traits::qspec_rule::none);
    }
  }
  CHECK(find_op("et_vk.q8ta_pixel_shuffle.default") != unknown_op);
}

}  // namespace
