// SPDX-License-Identifier: Apache-2.0
// expect-error: a layout_agnostic op is not a pure_view
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

// relu computes new values, so it cannot keep whatever packed layout its
// producer chose: declaring it layout-agnostic must not compile.
struct bad_relu : op<"my.relu.default", layout_agnostic> {};
static_assert(verify_op<bad_relu>());
int main() {}
