// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/aten_nn.hpp"

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

TEST_CASE("every conv and linear is weighted; nothing else in the family is", "[ops][aten_nn]") {
  for (const std::string& name :
       qlower::harness::declared_in(qlower::harness::op_header("aten_nn.hpp"))) {
    CAPTURE(name);
    const bool weighted = name.find(".conv") != std::string::npos || name == "aten.linear.default";
    CHECK((row(name).rule == qspec_rule::weighted) == weighted);
  }
}

TEST_CASE("pooling shares the producer's spec; normalisations stay float", "[ops][aten_nn]") {
  for (const char* name : {"aten.avg_pool2d.default", "aten.max_pool2d.default",
                           "aten.adaptive_avg_pool2d.default", "aten.mean.dim"}) {
    CAPTURE(name);
    CHECK(row(name).rule == qspec_rule::pass_through_or_input_act);
  }
  for (const char* name :
       {"aten._softmax.default", "aten.layer_norm.default", "aten.batch_norm.default",
        "aten.addmm.default", "aten.matmul.default"}) {
    CAPTURE(name);
    CHECK(row(name).rule == qspec_rule::none);
  }
  CHECK(row("aten.to.dtype").rule == qspec_rule::fixed);
  CHECK(row("aten.amax.default").rule == qspec_rule::pass_through);
}

}  // namespace
