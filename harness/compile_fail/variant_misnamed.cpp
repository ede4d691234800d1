// SPDX-License-Identifier: Apache-2.0
// expect-error: is not named from its base by the ATen convention
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;

struct bad_relu_inplace
    : variant_of<aten::relu_default, variant_kind::inplace, "aten.relu_inplace.default"> {};
static_assert(qlower::traits::verify_op<bad_relu_inplace>());
int main() {}
