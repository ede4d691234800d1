// SPDX-License-Identifier: Apache-2.0
// expect-success
// The control case: correct declarations of each kind pass every check, so the
// failures of the other cases come from the check they name.
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

struct my_permute : op<"my.permute.default", axis_permutation, qspec<qspec_rule::pass_through>> {};
struct my_permute_copy : variant_of<my_permute, variant_kind::copy, "my.permute_copy.default"> {};
struct my_moveaxis
    : op<"my.moveaxis.int", axis_permutation,
         decomposes_to<my_permute_copy, qlower::ops::rewrites::moveaxis_to_permute>> {};
struct my_movedim : alias_of<my_moveaxis, "my.movedim.int"> {};
struct my_cat : op<"my.cat.default", concatenation> {};

static_assert(verify_op<my_permute>() && verify_op<my_permute_copy>() && verify_op<my_moveaxis>() &&
              verify_op<my_movedim>() && verify_op<my_cat>());
static_assert(qspec_rule_v<my_movedim> == qspec_rule::pass_through);
int main() {}
