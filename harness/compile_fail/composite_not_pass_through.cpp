// SPDX-License-Identifier: Apache-2.0
// expect-error: decomposes to a pass-through op but is not pass-through itself
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

// moveaxis declared as ExecuTorch's list had it before seed 000: it lowers to
// permute_copy, which passes its spec through, but nothing says moveaxis does.
struct bad_moveaxis : op<"my.moveaxis.int",
                         decomposes_to<aten::permute_copy_default, rewrites::moveaxis_to_permute>> {
};
static_assert(verify_op<bad_moveaxis>());
int main() {}
