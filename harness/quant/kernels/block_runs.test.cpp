// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/block_runs.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "harness/quant/kernel_cases.hpp"
#include "reference/quant/affine.hpp"

TEST_CASE("block_runs: rows and blocks give every element the reference's scale index",
          "[quant][property]") {
  rc::prop("random layouts, partial blocks included", [] {
    const bool partial = *rc::gen::arbitrary<bool>();
    const auto c = *qlower::harness::quant::gen_case(qlower::quant::quant_dtype::int8, partial);
    const qlower::quant::block_layout layout = c.qparams.layout_for(c.shape);
    const auto runs = qlower::quant::kernels::block_runs::of(layout);
    const std::vector<std::size_t> expected =
        qlower::reference::quant::detail::scale_index_of_each_element(
            qlower::harness::quant::to_reference(c.qparams, c.shape, false));
    std::vector<std::int64_t> seen(expected.size(), -1);
    std::int64_t rows = 0;
    runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
      ++rows;
      for (std::int64_t position = 0; position < runs.row_length(); ++position)
        seen[static_cast<std::size_t>(offset + position)] =
            scale_base + position / runs.block_length();
    });
    RC_ASSERT(rows * runs.row_length() == runs.element_count);
    for (std::size_t n = 0; n < expected.size(); ++n)
      RC_ASSERT(seen[n] == static_cast<std::int64_t>(expected[n]));
  });
}
