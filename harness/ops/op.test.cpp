// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/op.hpp"

#include <catch2/catch.hpp>
#include <type_traits>

namespace {

using namespace qlower::ops;

struct tag_a {};
struct tag_b {};
struct base : op<"ns.base.default", tag_a> {};
struct base_inplace : variant_of<base, variant_kind::inplace, "ns.base_.default"> {};
struct other_name : alias_of<base, "ns.other.default"> {};
struct alias_of_alias : alias_of<other_name, "ns.third.default"> {};

static_assert(base::name == "ns.base.default");
static_assert(!is_alias_v<base> && is_alias_v<other_name> && is_alias_v<base_inplace>);
static_assert(std::is_same_v<canonical_t<alias_of_alias>, base>,
              "alias chains end at the canonical op");
static_assert(has_trait_v<alias_of_alias, tag_a> && !has_trait_v<alias_of_alias, tag_b>);
static_assert(op_type<base> && op_type<other_name> && !op_type<tag_a>);

TEST_CASE("operator_part strips namespace and overload", "[ops][op]") {
  CHECK(operator_part("aten.relu.default") == "relu");
  CHECK(operator_part("aten._softmax.default") == "_softmax");
  CHECK(operator_part("getitem") == "getitem");
  CHECK(operator_part("aten.relu") == "aten.relu");
}

TEST_CASE("the variant naming convention", "[ops][op]") {
  CHECK(
      follows_variant_convention("aten.relu.default", "aten.relu_.default", variant_kind::inplace));
  CHECK(follows_variant_convention("aten.permute.default", "aten.permute_copy.default",
                                   variant_kind::copy));
  CHECK(
      follows_variant_convention("aten.squeeze.dim", "aten.squeeze_copy.dim", variant_kind::copy));
  CHECK_FALSE(follows_variant_convention("aten.relu.default", "aten.relu_copy.default",
                                         variant_kind::inplace));
  CHECK_FALSE(
      follows_variant_convention("aten.relu.default", "aten.relu_.Tensor", variant_kind::inplace));
  CHECK_FALSE(
      follows_variant_convention("aten.relu.default", "foo.relu_.default", variant_kind::inplace));
  CHECK_FALSE(follows_variant_convention("aten.relu.default", "aten.prelu_.default",
                                         variant_kind::inplace));
}

}  // namespace
