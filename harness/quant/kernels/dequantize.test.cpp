// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/dequantize.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "harness/quant/kernel_cases.hpp"
#include "reference/quant/affine.hpp"

namespace {

using namespace qlower::quant;
using qlower::harness::quant::bits;
using qlower::harness::quant::for_each_kernel_set;
using qlower::harness::quant::gen_case;
using qlower::harness::quant::quant_case;
using qlower::harness::quant::to_reference;
using qlower::harness::quant::with_storage;

void dequantize_property(quant_dtype type, bool partial_blocks) {
  const quant_case c = *gen_case(type, partial_blocks);
  const auto& row = info(type);
  with_storage(type, [&](auto storage) {
    using Q = decltype(storage);
    std::vector<Q> q(c.input.size());
    std::mt19937 random(*rc::gen::arbitrary<std::uint32_t>());
    std::uniform_int_distribution<std::int64_t> values(row.min, row.max);
    for (Q& value : q)
      value = static_cast<Q>(values(random));
    const std::vector<float> expected =
        qlower::reference::quant::dequantize(to_reference(c.qparams, c.shape, false), q);
    for_each_kernel_set([&](auto kernels) {
      using Kernels = decltype(kernels);
      // streaming from the first byte, and never: both paths must agree with the reference
      for (std::int64_t stream_from : {std::int64_t{1}, std::int64_t{0}}) {
        std::vector<float> output(q.size() + 16, -7.0f);
        Kernels::dequantize(std::span<const Q>(q), c.shape, c.qparams,
                            std::span<float>(output.data(), q.size()),
                            dequantize_options{stream_from});
        for (std::size_t n = 0; n < q.size(); ++n) {
          if (bits(output[n]) != bits(expected[n]))
            RC_FAIL(Kernels::name() + ": element " + std::to_string(n) + " of " +
                    c.shape.to_string() + ": q " + std::to_string(q[n]) + " gave " +
                    std::to_string(output[n]) + ", the reference " + std::to_string(expected[n]));
        }
        for (std::size_t n = q.size(); n < output.size(); ++n)
          RC_ASSERT(output[n] == -7.0f);
      }
    });
  });
}

}  // namespace

TEST_CASE("dequantize_affine equals the reference bit for bit, every dtype, layout and kernel set",
          "[quant][property]") {
  for (quant_dtype type : all_quant_dtypes) {
    rc::prop("exact blocks, " + std::string(to_string(type)),
             [type] { dequantize_property(type, false); });
    rc::prop("partial blocks, " + std::string(to_string(type)),
             [type] { dequantize_property(type, true); });
  }
}

TEST_CASE("dequantize(quantize(x)) is within scale / 2 of x inside the representable range",
          "[quant][property]") {
  rc::prop("int8 and uint8, any layout", [] {
    const quant_dtype type =
        *rc::gen::element(quant_dtype::int8, quant_dtype::uint8, quant_dtype::int16);
    const quant_case c = *gen_case(type, false);
    const qlower::reference::quant::params p = to_reference(c.qparams, c.shape, false);
    const std::vector<std::size_t> scale_of =
        qlower::reference::quant::detail::scale_index_of_each_element(p);
    with_storage(type, [&](auto storage) {
      using Q = decltype(storage);
      std::vector<Q> q(c.input.size());
      quantize_affine(std::span<const float>(c.input), c.shape, c.qparams, std::span<Q>(q));
      std::vector<float> back(c.input.size());
      dequantize_affine(std::span<const Q>(q), c.shape, c.qparams, std::span<float>(back));
      for (std::size_t n = 0; n < c.input.size(); ++n) {
        const float scale = c.qparams.scale()[scale_of[n]];
        const float zero_point = c.qparams.zero_point().empty()
                                     ? 0.0f
                                     : static_cast<float>(c.qparams.zero_point()[scale_of[n]]);
        const double x = c.input[n];
        const double low = (static_cast<double>(c.qparams.qmin()) - zero_point) * scale;
        const double high = (static_cast<double>(c.qparams.qmax()) - zero_point) * scale;
        if (!std::isfinite(x) || x < low || x > high || scale > 1e20f || scale < 1e-20f)
          continue;  // saturated, special or beyond float precision: not this law's domain
        // half a step, plus the float32 rounding of x * (1 / scale) and of the product
        const double bound = 0.5 * scale + 4e-7 * (std::abs(x) + std::abs(low) + std::abs(high));
        RC_ASSERT(std::abs(static_cast<double>(back[n]) - x) <= bound);
      }
    });
  });
}

TEST_CASE("dequantize_affine: every bad call is a qparams_error naming the value", "[quant]") {
  std::vector<std::int8_t> q(12);
  std::vector<float> output(12);
  using Catch::Matchers::Contains;
  REQUIRE_QPARAMS_ERROR(
      dequantize_affine(std::span<const std::int8_t>(q), qlower::shape{2, 5},
                        affine_qparams(1.0f, 0, quant_dtype::int8), std::span<float>(output)),
      Contains("12 elements") && Contains("[2, 5]"));
  REQUIRE_QPARAMS_ERROR(
      dequantize_affine(std::span<const std::int8_t>(q), qlower::shape{12},
                        affine_qparams(1.0f, 0, quant_dtype::int16), std::span<float>(output)),
      Contains("int16"));
}
