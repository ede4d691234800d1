// SPDX-License-Identifier: Apache-2.0
// expect-error: an alias or variant declares traits of its own
#include "qlower/traits/implies.hpp"

using namespace qlower::ops;
using namespace qlower::traits;

// torch.export's conv2d is convolution; a rule of its own would let the two disagree.
struct bad_conv2d
    : spelling_of<aten::convolution_default, "my.conv2d.default", spellings::conv_as_convolution> {
  using trait_list = qlower::type_list<qspec<qspec_rule::independent>>;
};
static_assert(verify_op<bad_conv2d>());
int main() {}
