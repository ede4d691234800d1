// SPDX-License-Identifier: Apache-2.0
// expect-error: this op type is not in qlower::ops::all_ops
#include "qlower/ops/op_table.hpp"

struct unlisted : qlower::ops::op<"my.unlisted.default"> {};
constexpr auto id = qlower::ops::op_id_of<unlisted>();
int main() {}
