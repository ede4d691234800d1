// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/aten_shape.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/ops/declarations.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/traits/qspec.hpp"

namespace {

using namespace qlower::ops;
using qlower::traits::qspec_rule;

const op_info& row(std::string_view name) {
  return op_table[find_op(name)];
}

TEST_CASE("every shape op moves elements: a permutation or view passes its spec through",
          "[ops][aten_shape]") {
  for (const std::string& name :
       qlower::harness::declared_in(qlower::harness::op_header("aten_shape.hpp"))) {
    CAPTURE(name);
    const op_info& info = row(name);
    if (info.axis_permutation || info.pure_view)
      CHECK(qlower::traits::is_pass_through(info.rule));
    if (info.concatenation)
      CHECK(info.rule == qspec_rule::shared_across_inputs);
  }
}

TEST_CASE("the seed ops: moveaxis and movedim pass through, concat is cat", "[ops][aten_shape]") {
  for (const char* name :
       {"aten.moveaxis.int", "aten.movedim.int", "aten.moveaxis.intlist", "aten.movedim.intlist"}) {
    CAPTURE(name);
    CHECK(row(name).rule == qspec_rule::pass_through);
    CHECK(row(name).axis_permutation);
    CHECK(op_table[row(name).decomposes_to].name == "aten.permute_copy.default");
  }
  for (const char* name : {"aten.concat.default", "aten.concatenate.default"}) {
    CAPTURE(name);
    CHECK(row(name).canonical == find_op("aten.cat.default"));
    CHECK(row(name).rule == qspec_rule::shared_across_inputs);
  }
  static_assert(qlower::traits::qspec_rule_v<aten::movedim_int> == qspec_rule::pass_through);
  static_assert(qlower::traits::qspec_rule_v<aten::concat_default> ==
                qspec_rule::shared_across_inputs);
}

TEST_CASE("composites decompose through the table's rewrite functions", "[ops][aten_shape]") {
  using qlower::graph::attribute;
  const auto dims = [](std::string_view name, qlower::graph::attribute_map attrs,
                       std::size_t rank) {
    return *row(name).rewrite(attrs, rank).at("dims").as_int_list();
  };
  CHECK(dims("aten.movedim.int", {{"source", 1}, {"destination", -1}}, 4) ==
        std::vector<std::int64_t>{0, 2, 3, 1});
  CHECK(dims("aten.transpose_copy.int", {{"dim0", 0}, {"dim1", 2}}, 3) ==
        std::vector<std::int64_t>{2, 1, 0});
  CHECK(dims("aten.t_copy.default", {}, 2) == std::vector<std::int64_t>{1, 0});
  CHECK(row("aten.permute_copy.default").rewrite == nullptr);
}

}  // namespace
