// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/patterns.hpp"

#include <catch2/catch.hpp>

#include "qlower/ops/op_table.hpp"
#include "qlower/passes/canonicalize.hpp"

namespace {

using namespace qlower;

TEST_CASE("every recomposes_to names a canonical op and a pattern canonicalize can match",
          "[ops][patterns]") {
  std::size_t recompositions = 0;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    const ops::op_info& row = ops::op_table[id];
    CAPTURE(row.name);
    CHECK((row.recomposes_to != ops::unknown_op) ==
          (passes::detail::recompose_table[id] != nullptr));
    if (row.recomposes_to == ops::unknown_op)
      continue;
    if (row.kind == ops::variant_kind::canonical)
      ++recompositions;
    CHECK(ops::op_table[row.recomposes_to].kind == ops::variant_kind::canonical);
  }
  // addmm and mm -> linear, max_pool2d_with_indices -> max_pool2d,
  // _adaptive_avg_pool2d -> adaptive_avg_pool2d, as_strided -> view
  CHECK(recompositions == 5);
}

}  // namespace
