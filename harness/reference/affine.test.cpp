// SPDX-License-Identifier: Apache-2.0
#include "reference/quant/affine.hpp"

#include <rapidcheck/catch.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

// Expected values below were computed outside C++ (Python, each float32
// operation rounded from double, which is exact for one + - * /), not by
// re-running the reference's own code.

namespace {

namespace ref = qlower::reference::quant;
using i64s = std::vector<std::int64_t>;

float from_bits(std::uint32_t bits) {
  return std::bit_cast<float>(bits);
}
std::uint32_t bits_of(float value) {
  return std::bit_cast<std::uint32_t>(value);
}

ref::params per_tensor(i64s dims, float scale, std::vector<std::int32_t> zero_point,
                       std::int64_t qmin, std::int64_t qmax, bool onnx = false) {
  ref::params p;
  p.input_dims = dims;
  p.scale_dims.assign(dims.size(), 1);
  p.block_size = dims;
  p.scale = {scale};
  p.zero_point = std::move(zero_point);
  p.qmin = qmin;
  p.qmax = qmax;
  p.onnx_division = onnx;
  return p;
}

TEST_CASE(
    "reference quantize: round half to even after the scale, then the zero point, then "
    "the clamp",
    "[reference][quant]") {
  const ref::params p = per_tensor({6}, 0.5f, {10}, 0, 255);
  // 1.25 / 0.5 = 2.5 -> 2, 1.75 / 0.5 = 3.5 -> 4, -2.75 / 0.5 = -5.5 -> -6.
  CHECK(ref::quantize(p, {0.0f, 1.25f, 1.75f, -2.75f, -100.0f, 1000.0f}) ==
        i64s{10, 12, 14, 4, 0, 255});
  // Without a zero point, the NONE domain.
  CHECK(ref::quantize(per_tensor({3}, 0.5f, {}, -128, 127), {1.25f, -1.25f, 100.0f}) ==
        i64s{2, -2, 127});
}

TEST_CASE("reference quantize: ONNX divides, torchao multiplies by the float32 reciprocal",
          "[reference][quant]") {
  // Near ties where round(x / s) and round(x * (1.0f / s)) differ.
  struct tie {
    std::uint32_t x, s;
    std::int64_t divided, multiplied;
  };
  for (const tie& t : {tie{0x4031f9da, 0x3e63cf2b, 12, 13}, tie{0xc13bbd1b, 0x3eeb97fa, -26, -25},
                       tie{0xc2896aee, 0x3f6c19a6, -74, -75}}) {
    const float x = from_bits(t.x);
    const float s = from_bits(t.s);
    CHECK(ref::quantize(per_tensor({1}, s, {}, -128, 127, true), {x}) == i64s{t.divided});
    CHECK(ref::quantize(per_tensor({1}, s, {}, -128, 127, false), {x}) == i64s{t.multiplied});
  }
}

TEST_CASE("reference quantize: NaN is qmin, infinities saturate", "[reference][quant]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const bool onnx : {false, true}) {
    CHECK(ref::quantize(per_tensor({3}, 0.1f, {5}, -128, 127, onnx), {nan, inf, -inf}) ==
          i64s{-128, 127, -128});
    CHECK(ref::quantize(per_tensor({1}, 0.1f, {}, 1, 9, onnx), {nan}) == i64s{1});
  }
}

TEST_CASE("reference quantize: int32 clamps at the largest float below 2^31",
          "[reference][quant]") {
  const ref::params p = per_tensor({4}, 1.0f, {0}, -2147483648LL, 2147483647LL);
  CHECK(ref::quantize(p, {3e9f, -3e9f, 2147483520.0f, 16777217.0f}) ==
        i64s{2147483520LL, -2147483648LL, 2147483520LL, 16777216});
  // The float clamp bounds equal the integer ones up to 2^24.
  CHECK(ref::quantize(per_tensor({2}, 1.0f, {}, -16777216, 16777215), {1e9f, -1e9f}) ==
        i64s{16777215, -16777216});
}

TEST_CASE("reference quantize: each element takes its block's scale, partial last blocks included",
          "[reference][quant]") {
  ref::params p;
  p.input_dims = {2, 5};
  p.scale_dims = {2, 3};
  p.block_size = {1, 2};  // columns {0, 1}, {2, 3}, {4}
  p.scale = {1.0f, 2.0f, 3.0f, 4.0f, 6.0f, 12.0f};
  p.zero_point = {0, 1, 2, 3, 4, 5};
  p.qmin = -128;
  p.qmax = 127;
  const std::vector<float> x(10, 12.0f);
  CHECK(ref::quantize(p, x) == i64s{12, 12, 7, 7, 6, 6, 6, 6, 6, 6});
  CHECK(ref::dequantize(p, ref::quantize(p, x)) == std::vector<float>(10, 12.0f));

  // A block over the leading dimension: rows {0, 1} share, row 2 is alone.
  ref::params rows;
  rows.input_dims = {3, 2};
  rows.scale_dims = {2, 1};
  rows.block_size = {2, 2};
  rows.scale = {1.0f, 0.5f};
  rows.qmin = -128;
  rows.qmax = 127;
  CHECK(ref::quantize(rows, {1, 2, 3, 4, 5, 6}) == i64s{1, 2, 3, 4, 10, 12});

  p.scale_dims = {2, 2};  // 5 in blocks of 2 needs 3 scales
  p.scale.resize(4);
  p.zero_point.resize(4);
  CHECK_THROWS_WITH(ref::quantize(p, x), Catch::Contains("needs 3 scales"));
}

TEST_CASE("reference dequantize: subtract in float32, then multiply", "[reference][quant]") {
  // float(2^24 + 1) is 2^24, so the float32 subtraction gives 2^24 - 1 where
  // integer arithmetic would give 2^24.
  const ref::params p = per_tensor({3}, 1.0f, {1}, -2147483648LL, 2147483647LL);
  const std::vector<float> y = ref::dequantize(p, std::vector<std::int32_t>{16777217, 1, -7});
  CHECK(y == std::vector<float>{16777215.0f, 0.0f, -8.0f});
  const ref::params none = per_tensor({2}, 0.25f, {}, -128, 127);
  CHECK(ref::dequantize(none, std::vector<std::int64_t>{-3, 5}) ==
        std::vector<float>{-0.75f, 1.25f});
}

TEST_CASE("reference choose_qparams: symmetric, without clipping error, asymmetric",
          "[reference][quant]") {
  const std::vector<float> x{-1.0f, 0.5f, 3.0f, 0.25f};
  SECTION("symmetric: amax / 127.5, the zero point 0 for int8, 128 for uint8") {
    const ref::params p = ref::choose_qparams({4}, {-1.0f, 0.5f, 0.25f, 0.75f}, {4},
                                              ref::mapping::symmetric, -128, 127);
    REQUIRE(p.scale.size() == 1);
    CHECK(bits_of(p.scale[0]) == 0x3c008081u);  // float32(1 / 127.5)
    CHECK(p.zero_point == std::vector<std::int32_t>{0});
    CHECK(ref::choose_qparams({4}, x, {4}, ref::mapping::symmetric, 0, 255).zero_point ==
          std::vector<std::int32_t>{128});
    CHECK(ref::choose_qparams({4}, x, {4}, ref::mapping::symmetric, -8, 7).zero_point ==
          std::vector<std::int32_t>{0});
    // int((0 + -4 + 1) / 2) = int(-1.5) truncates toward zero.
    CHECK(ref::choose_qparams({4}, x, {4}, ref::mapping::symmetric, -4, 0).zero_point ==
          std::vector<std::int32_t>{-1});
  }
  SECTION("symmetric_no_clipping_err takes the larger of min/qmin and max/qmax") {
    const ref::params p = ref::choose_qparams({2}, {-1.0f, 0.5f}, {2},
                                              ref::mapping::symmetric_no_clipping_err, -128, 127);
    CHECK(p.scale == std::vector<float>{0.0078125f});  // -1 / -128 beats 0.5 / 127
    CHECK(p.zero_point == std::vector<std::int32_t>{0});
  }
  SECTION("asymmetric: (max - min) / 255, zero point 0 - round(-1 / scale)") {
    const ref::params p =
        ref::choose_qparams({2}, {-1.0f, 3.0f}, {2}, ref::mapping::asymmetric, 0, 255);
    CHECK(bits_of(p.scale[0]) == 0x3c808081u);             // float32(4 / 255)
    CHECK(p.zero_point == std::vector<std::int32_t>{64});  // -1 / scale = -63.749996
  }
  SECTION("per block, with the range widened to include zero") {
    const ref::params p = ref::choose_qparams({2, 4}, {1, 2, -4, -2, 0, 0, 8, 8}, {1, 2},
                                              ref::mapping::symmetric, -128, 127);
    CHECK(p.scale_dims == i64s{2, 2});
    CHECK(p.scale[0] == 2.0f / 127.5f);
    CHECK(p.scale[1] == 4.0f / 127.5f);
    CHECK(p.scale[2] == FLT_MIN);  // an all-zero block takes eps
    CHECK(p.scale[3] == 8.0f / 127.5f);
  }
  SECTION("eps is float32's smallest normal unless given") {
    const std::vector<float> zeros(4, 0.0f);
    CHECK(ref::choose_qparams({4}, zeros, {4}, ref::mapping::asymmetric, 0, 255).scale ==
          std::vector<float>{FLT_MIN});
    const ref::params p =
        ref::choose_qparams({4}, zeros, {4}, ref::mapping::asymmetric, -128, 127, 0.5f);
    CHECK(p.scale == std::vector<float>{0.5f});
    CHECK(p.zero_point == std::vector<std::int32_t>{-128});
  }
  SECTION("qmin == qmax divides by zero as torch does; the zero point stays in range") {
    const ref::params zeros =
        ref::choose_qparams({2}, {0.0f, 0.0f}, {2}, ref::mapping::asymmetric, 3, 3);
    CHECK(std::isnan(zeros.scale[0]));  // 0 / 0, and clamp(NaN, eps) is NaN
    CHECK(zeros.zero_point == std::vector<std::int32_t>{3});
    const ref::params spread =
        ref::choose_qparams({2}, {-1.0f, 1.0f}, {2}, ref::mapping::asymmetric, 3, 3);
    CHECK(std::isinf(spread.scale[0]));
    CHECK(spread.zero_point == std::vector<std::int32_t>{3});
    CHECK(
        ref::choose_qparams({2}, {0.0f, 1.0f}, {2}, ref::mapping::symmetric_no_clipping_err, 0, 255)
            .scale == std::vector<float>{1.0f / 255.0f});  // 0 / 0 loses to 1 / 255
  }
  SECTION("NaN or infinite inputs and non-dividing blocks are errors naming the value") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(ref::choose_qparams({2}, {1.0f, nan}, {2}, ref::mapping::symmetric, -8, 7),
                    std::invalid_argument);
    CHECK_THROWS_WITH(ref::choose_qparams({2}, {1.0f, -std::numeric_limits<float>::infinity()}, {2},
                                          ref::mapping::asymmetric, -8, 7),
                      Catch::Contains("input[1] = -inf"));
    CHECK_THROWS_WITH(
        ref::choose_qparams({5}, std::vector<float>(5, 1.0f), {2}, ref::mapping::asymmetric, -8, 7),
        Catch::Contains("block size 2 does not divide dimension 0 of size 5"));
  }
}

TEST_CASE("reference choose_qparams then quantize round-trips within one scale step",
          "[reference][quant][property]") {
  rc::prop("|dequantize(quantize(x)) - x| <= scale for asymmetric uint8 and symmetric int8", [] {
    const auto rows = *rc::gen::inRange<std::int64_t>(1, 4);
    const auto groups = *rc::gen::inRange<std::int64_t>(1, 4);
    const auto group = *rc::gen::inRange<std::int64_t>(1, 9);
    const std::int64_t cols = groups * group;
    const auto x = *rc::gen::container<std::vector<float>>(
        static_cast<std::size_t>(rows * cols),
        rc::gen::map(rc::gen::inRange(-100000, 100000), [](int v) { return v / 128.0f; }));
    const bool asymmetric = *rc::gen::arbitrary<bool>();
    const ref::params p =
        ref::choose_qparams({rows, cols}, x, {1, group},
                            asymmetric ? ref::mapping::asymmetric : ref::mapping::symmetric,
                            asymmetric ? 0 : -128, asymmetric ? 255 : 127);
    const std::vector<float> y = ref::dequantize(p, ref::quantize(p, x));
    for (std::size_t n = 0; n < x.size(); ++n) {
      const std::size_t block =
          n / static_cast<std::size_t>(cols) * static_cast<std::size_t>(groups) +
          n % static_cast<std::size_t>(cols) / static_cast<std::size_t>(group);
      const double error = std::fabs(static_cast<double>(y[n]) - x[n]);
      RC_ASSERT(error <= 1.001 * p.scale[block] + 1e-30);
    }
  });
}

TEST_CASE("reference pack_int4: element 2i in the low nibble, 2i + 1 in the high one",
          "[reference][quant][property]") {
  CHECK(ref::pack_int4(std::vector<int>{1, -2, 7}, true) == std::vector<std::uint8_t>{0xE1, 0x07});
  CHECK(ref::pack_int4(std::vector<int>{15, 0, 9, 3}, false) ==
        std::vector<std::uint8_t>{0x0F, 0x39});
  CHECK(ref::unpack_int4({0xE1, 0x07}, 3, true) == std::vector<std::int32_t>{1, -2, 7});
  CHECK(ref::unpack_int4({0xE1, 0x07}, 4, false) == std::vector<std::int32_t>{1, 14, 7, 0});
  CHECK(ref::unpack_int4({0x80}, 2, true) == std::vector<std::int32_t>{0, -8});
  CHECK_THROWS_WITH(ref::pack_int4(std::vector<int>{0, 8}, true),
                    Catch::Contains("value[1] = 8 is outside [-8, 7]"));
  CHECK_THROWS_WITH(ref::pack_int4(std::vector<int>{-1}, false),
                    Catch::Contains("value[0] = -1 is outside [0, 15]"));
  CHECK_THROWS_AS(ref::unpack_int4({0x00}, 3, true), std::invalid_argument);

  rc::prop("unpack_int4(pack_int4(v)) == v", [](bool is_signed) {
    const auto values = *rc::gen::container<std::vector<int>>(is_signed ? rc::gen::inRange(-8, 8)
                                                                        : rc::gen::inRange(0, 16));
    const std::vector<std::uint8_t> bytes = ref::pack_int4(values, is_signed);
    RC_ASSERT(bytes.size() == (values.size() + 1) / 2);
    const std::vector<std::int32_t> back = ref::unpack_int4(bytes, values.size(), is_signed);
    RC_ASSERT(std::vector<int>(back.begin(), back.end()) == values);
    if (values.size() % 2 == 1)
      RC_ASSERT(bytes.back() / 16 == 0);
  });
}

}  // namespace
