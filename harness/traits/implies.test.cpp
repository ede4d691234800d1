// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/implies.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace qlower;
using traits::qspec_rule;

static_assert(traits::verify_ops(ops::all_ops));
static_assert(traits::op_names_are_unique());

TEST_CASE("the op table satisfies the same implications at run time", "[traits][implies]") {
  // The compile-time checks, restated over the generated rows, so a table
  // builder that drifted from the types would be caught here.
  for (const ops::op_info& row : ops::op_table) {
    CAPTURE(row.name);
    if (row.decomposes_to != ops::unknown_op &&
        traits::is_pass_through(ops::op_table[row.decomposes_to].rule)) {
      CHECK(traits::is_pass_through(row.rule));
    }
    if (row.concatenation)
      CHECK(row.rule == qspec_rule::shared_across_inputs);
    if (row.kind == ops::variant_kind::inplace || row.kind == ops::variant_kind::copy) {
      CHECK(ops::follows_variant_convention(ops::op_table[row.canonical].name, row.name, row.kind));
    }
  }
}

TEST_CASE("the predicates answer false on wrong declarations", "[traits][implies]") {
  struct float_moveaxis
      : ops::op<"my.moveaxis.int", traits::decomposes_to<ops::aten::permute_copy_default,
                                                         ops::rewrites::moveaxis_to_permute>> {};
  struct independent_cat
      : ops::op<"my.cat.default", traits::concatenation, traits::qspec<qspec_rule::independent>> {};
  struct two_rules : ops::op<"my.op.default", traits::qspec<qspec_rule::binary>,
                             traits::qspec<qspec_rule::none>> {};
  CHECK_FALSE(traits::composite_keeps_pass_through<float_moveaxis>());
  CHECK_FALSE(traits::rule_agrees_with_semantics<independent_cat>());
  CHECK_FALSE(traits::has_at_most_one_explicit_rule<two_rules>());
  CHECK(traits::composite_keeps_pass_through<ops::aten::moveaxis_int>());
}

}  // namespace
