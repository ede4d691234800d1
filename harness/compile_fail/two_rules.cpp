// SPDX-License-Identifier: Apache-2.0
// expect-error: more than one qspec<> rule
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

struct bad_op : op<"my.bad.default", qspec<qspec_rule::independent>, qspec<qspec_rule::binary>> {};
static_assert(verify_op<bad_op>());
int main() {}
