// SPDX-License-Identifier: Apache-2.0
// expect-error: an alias or variant declares traits of its own
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

// concat is cat; giving it a trait list of its own is how the lists drifted apart.
struct bad_concat : alias_of<aten::cat_default, "my.concat.default"> {
  using trait_list = qlower::type_list<qspec<qspec_rule::independent>>;
};
static_assert(verify_op<bad_concat>());
int main() {}
