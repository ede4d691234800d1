// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/op_table.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

using namespace qlower::ops;
using qlower::traits::qspec_rule;

TEST_CASE("find_op maps every name to its own row and unknown names to unknown_op",
          "[ops][op_table]") {
  for (std::size_t i = 0; i < op_count; ++i) {
    CAPTURE(op_table[i].name);
    CHECK(find_op(op_table[i].name) == i);
  }
  CHECK(find_op("aten.not_an_op.default") == unknown_op);
  CHECK(find_op("") == unknown_op);
  CHECK(find_op("aten.cat") == unknown_op);
  CHECK(info(unknown_op) == nullptr);
  CHECK(canonical(unknown_op) == unknown_op);
}

TEST_CASE("aliases and variants point at their canonical op", "[ops][op_table]") {
  auto canonical_name = [](std::string_view name) {
    return std::string(op_table[canonical(find_op(name))].name);
  };
  CHECK(canonical_name("aten.concat.default") == "aten.cat.default");
  CHECK(canonical_name("aten.concatenate.default") == "aten.cat.default");
  CHECK(canonical_name("aten.movedim.int") == "aten.moveaxis.int");
  CHECK(canonical_name("aten.movedim.intlist") == "aten.moveaxis.intlist");
  CHECK(canonical_name("aten.relu_.default") == "aten.relu.default");
  CHECK(canonical_name("aten.permute_copy.default") == "aten.permute.default");
  CHECK(canonical_name("aten.squeeze_.dim") == "aten.squeeze.dim");
  CHECK(op_table[find_op("aten.concat.default")].kind == variant_kind::alias);
  CHECK(op_table[find_op("aten.relu_.default")].kind == variant_kind::inplace);
  CHECK(op_table[find_op("aten.view_copy.default")].kind == variant_kind::copy);
}

TEST_CASE("every row agrees with its canonical row", "[ops][op_table]") {
  for (const op_info& row : op_table) {
    CAPTURE(row.name);
    const op_info& base = op_table[row.canonical];
    CHECK(base.kind == variant_kind::canonical);
    CHECK(row.rule == base.rule);
    CHECK(row.decomposes_to == base.decomposes_to);
    CHECK(row.axis_permutation == base.axis_permutation);
  }
}

TEST_CASE("decompositions are declared on the composites", "[ops][op_table]") {
  const op_id permute_copy = find_op("aten.permute_copy.default");
  for (const char* composite :
       {"aten.moveaxis.int", "aten.movedim.int", "aten.moveaxis.intlist", "aten.transpose.int",
        "aten.transpose_copy.int", "aten.t.default", "aten.t_copy.default"}) {
    CAPTURE(composite);
    CHECK(op_table[find_op(composite)].decomposes_to == permute_copy);
  }
  CHECK(op_table[permute_copy].decomposes_to == unknown_op);
}

TEST_CASE("ids are compile-time constants", "[ops][op_table]") {
  static_assert(op_table[op_id_of<aten::moveaxis_int>()].name == "aten.moveaxis.int");
  static_assert(find_op("aten.cat.default") == op_id_of<aten::cat_default>());
  static_assert(op_table[op_id_of<aten::concat_default>()].canonical ==
                op_id_of<aten::cat_default>());
  SUCCEED();
}

struct counting_policy {
  template <class Op>
  static constexpr qspec_rule rule =
      std::is_same_v<canonical_t<Op>, aten::cat_default> ? qspec_rule::none
                                                         : qlower::traits::qspec_rule_v<Op>;
};

TEST_CASE("rule_table folds a policy over the op set", "[ops][op_table]") {
  constexpr auto& rules = rule_table<counting_policy>;
  CHECK(rules[find_op("aten.concat.default")] == qspec_rule::none);
  CHECK(rules[find_op("aten.cat.default")] == qspec_rule::none);
  CHECK(rules[find_op("aten.stack.default")] == qspec_rule::shared_across_inputs);
}

}  // namespace

namespace {

TEST_CASE("quantize and dequantize ops are told apart by id, per tensor and per channel",
          "[ops][op_table]") {
  using qlower::ops::find_op;
  CHECK(qlower::ops::is_quantize(find_op("quantized_decomposed.quantize_per_tensor.default")));
  CHECK(qlower::ops::is_quantize(find_op("quantized_decomposed.quantize_per_channel.default")));
  CHECK(!qlower::ops::is_quantize(find_op("quantized_decomposed.dequantize_per_tensor.default")));
  CHECK(qlower::ops::is_dequantize(find_op("quantized_decomposed.dequantize_per_channel.default")));
  CHECK(!qlower::ops::is_dequantize(find_op("aten.relu.default")));
  CHECK(!qlower::ops::is_quantize(qlower::ops::unknown_op));
}

}  // namespace
