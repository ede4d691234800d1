// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/arithmetic.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <utility>
#include <xsimd/xsimd.hpp>

using namespace qlower::quant;

TEST_CASE("float_bounds: exact up to 2^24, inside the int32 range beyond", "[quant]") {
  CHECK(float_bounds::of(-128, 127).low == -128.0f);
  CHECK(float_bounds::of(-128, 127).high == 127.0f);
  const float_bounds int32 = float_bounds::of(std::numeric_limits<std::int32_t>::min(),
                                              std::numeric_limits<std::int32_t>::max());
  CHECK(int32.low == -2147483648.0f);
  CHECK(int32.high == 2147483520.0f);  // float(2^31 - 1) would be 2^31, out of range
  CHECK(float_bounds::of(16777217, 16777217 + 2).low == 16777218.0f);
}

TEST_CASE("quantize_value: one formula for floats and batches, ties to even, NaN to qmin",
          "[quant]") {
  using batch = xsimd::batch<float>;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const float cases[] = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, nan, inf, -inf, 1e30f, 100.0f};
  const float expected[] = {3.0f, 5.0f, 5.0f, 3.0f, 1.0f, -4.0f, 10.0f, -4.0f, 10.0f, 10.0f};
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    INFO("x = " << cases[i]);
    CHECK(quantize_value<torchao_arithmetic>(cases[i], 1.0f, 3.0f, -4.0f, 10.0f) == expected[i]);
    CHECK(quantize_value<onnx_arithmetic>(cases[i], 1.0f, 3.0f, -4.0f, 10.0f) == expected[i]);
    const batch lanes = quantize_value<torchao_arithmetic>(batch(cases[i]), batch(1.0f),
                                                           batch(3.0f), batch(-4.0f), batch(10.0f));
    CHECK(lanes.get(0) == expected[i]);
  }
  // torchao multiplies by the float32 reciprocal, ONNX divides by the scale
  CHECK(block_factor<torchao_arithmetic>(0.7f) == 1.0f / 0.7f);
  CHECK(block_factor<onnx_arithmetic>(0.7f) == 0.7f);
  CHECK(dequantize_value(5.0f, 3.0f, 0.25f) == 0.5f);
}

TEST_CASE("quantize_value_shifted equals quantize_value for every 8-bit zero point and range",
          "[quant]") {
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            1e30f,
                            -1e30f,
                            0.0f,
                            -0.0f};
  std::int64_t compared = 0;
  for (const auto& [qmin, qmax] :
       {std::pair{-128, 127}, std::pair{0, 255}, std::pair{-8, 7}, std::pair{3, 9}}) {
    const float_bounds bounds = float_bounds::of(qmin, qmax);
    for (int zero_point = qmin; zero_point <= qmax; ++zero_point) {
      const auto zp = static_cast<float>(zero_point);
      const auto check = [&](float x) {
        const float reference =
            quantize_value<torchao_arithmetic>(x, 0.5f, zp, bounds.low, bounds.high);
        const std::int32_t shifted =
            quantize_value_shifted<torchao_arithmetic>(x, 0.5f, bounds.low - zp, bounds.high - zp) +
            zero_point;
        if (static_cast<float>(shifted) != reference)
          FAIL("x " << x << " zp " << zero_point << ": " << shifted << " vs " << reference);
        ++compared;
      };
      for (int k = -700; k <= 700; ++k)
        check(static_cast<float>(k) * 0.25f);  // every tie at scale 2
      for (float x : specials)
        check(x);
    }
  }
  CHECK(compared > 500000);
}
