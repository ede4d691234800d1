// SPDX-License-Identifier: Apache-2.0
// expect-error: explicit qspec<> rule contradicts its semantic traits
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

// A concatenation with independent specs per input is the seed-001 defect.
struct bad_cat : op<"my.cat.default", concatenation, qspec<qspec_rule::independent>> {};
static_assert(verify_op<bad_cat>());
int main() {}
