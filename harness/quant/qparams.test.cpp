// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/qparams.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/message_contains.hpp"

namespace {

using qlower::shape;
using qlower::quant::affine_qparams;
using qlower::quant::block_layout;
using qlower::quant::qparams_error;
using qlower::quant::quant_dtype;
using dims_t = std::vector<std::int64_t>;

using qlower::harness::message_contains;

affine_qparams scales_of_shape(dims_t dims) {
  const shape s(std::move(dims));
  return affine_qparams(s, std::vector<float>(static_cast<std::size_t>(s.element_count()), 1.0f),
                        {}, quant_dtype::int8);
}

//===--- Validation: every error names the offending value ---===//

TEST_CASE("qparams: a scale that is zero, negative, NaN or infinite is an error naming it",
          "[quant][qparams]") {
  const float inf = std::numeric_limits<float>::infinity();
  REQUIRE_THROWS_MATCHES(affine_qparams(0.0f, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = 0 is zero"));
  REQUIRE_THROWS_MATCHES(affine_qparams(-0.0f, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = -0 is zero"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{3}, {1.0f, -1.5f, 2.0f}, {}, quant_dtype::int8),
                         qparams_error, message_contains("scale[1] = -1.5 is negative"));
  REQUIRE_THROWS_MATCHES(affine_qparams(-0.5f, std::nullopt, quant_dtype::uint8), qparams_error,
                         message_contains("scale[0] = -0.5 is negative"));
  REQUIRE_THROWS_MATCHES(affine_qparams(-1e-10f, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = -1e-10 is negative"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1e-39f, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = 1e-39 is subnormal"));
  REQUIRE_THROWS_MATCHES(
      affine_qparams(shape{3}, {1.0f, 2.0f, std::numeric_limits<float>::quiet_NaN()}, {},
                     quant_dtype::int8),
      qparams_error, message_contains("scale[2] = nan is NaN"));
  REQUIRE_THROWS_MATCHES(affine_qparams(inf, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = inf is infinite"));
  REQUIRE_THROWS_MATCHES(affine_qparams(-inf, 0, quant_dtype::int8), qparams_error,
                         message_contains("scale[0] = -inf is infinite"));
  // per_channel goes through the same checks.
  REQUIRE_THROWS_MATCHES(
      affine_qparams::per_channel({1.0f, 0.0f, 2.0f}, {}, 1, 2, quant_dtype::int8), qparams_error,
      message_contains("scale[1] = 0 is zero"));
  // The smallest normal scale is valid; a subnormal one is not (its reciprocal overflows).
  CHECK_NOTHROW(affine_qparams(std::numeric_limits<float>::min(), 0, quant_dtype::int8));
  CHECK_THROWS_AS(affine_qparams(std::numeric_limits<float>::denorm_min(), 0, quant_dtype::int8),
                  qparams_error);
  CHECK_NOTHROW(affine_qparams(std::numeric_limits<float>::max(), 0, quant_dtype::int8));
}

TEST_CASE("qparams: a zero point outside [qmin, qmax] is an error naming it", "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(
      affine_qparams(1.0f, 200, quant_dtype::int8), qparams_error,
      message_contains("zero_point[0] = 200 is outside [qmin, qmax] = [-128, 127]"));
  // int4 kept in int8 storage with the range [-8, 7], as torchao does.
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, 8, quant_dtype::int8, -8, 7), qparams_error,
                         message_contains("zero_point[0] = 8 is outside [qmin, qmax] = [-8, 7]"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, -9, quant_dtype::int4), qparams_error,
                         message_contains("zero_point[0] = -9 is outside [qmin, qmax] = [-8, 7]"));
  REQUIRE_THROWS_MATCHES(
      affine_qparams::per_channel({1.0f, 1.0f}, {0, -1}, 0, 1, quant_dtype::uint8), qparams_error,
      message_contains("zero_point[1] = -1 is outside [qmin, qmax] = [0, 255]"));
  CHECK_NOTHROW(affine_qparams(1.0f, -128, quant_dtype::int8));
  CHECK_NOTHROW(affine_qparams(1.0f, 127, quant_dtype::int8));
  CHECK_NOTHROW(affine_qparams(1.0f, 3, quant_dtype::uint2));
}

TEST_CASE("qparams: qmin > qmax and a range outside the dtype are errors naming the bound",
          "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, std::nullopt, quant_dtype::int8, 5, 4), qparams_error,
                         message_contains("qmin 5 is greater than qmax 4"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, std::nullopt, quant_dtype::int8, -129), qparams_error,
                         message_contains("qmin -129 is outside int8's range [-128, 127]"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, std::nullopt, quant_dtype::int8, 128), qparams_error,
                         message_contains("qmin 128 is outside int8's range [-128, 127]"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, std::nullopt, quant_dtype::uint4, 0, 16),
                         qparams_error,
                         message_contains("qmax 16 is outside uint4's range [0, 15]"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, std::nullopt, quant_dtype::int2, std::nullopt, -3),
                         qparams_error,
                         message_contains("qmax -3 is outside int2's range [-2, 1]"));
  REQUIRE_THROWS_MATCHES(
      affine_qparams(1.0f, std::nullopt, quant_dtype::int32, std::nullopt, 2147483648LL),
      qparams_error,
      message_contains("qmax 2147483648 is outside int32's range [-2147483648, 2147483647]"));
  // Beyond 2^24 the kernels' float32 clamp needs a float inside the range (found by fuzzing:
  // [2147483647, 2147483647] quantized to 2147483520, outside it).
  REQUIRE_THROWS_MATCHES(
      affine_qparams(1.0f, std::nullopt, quant_dtype::int32, 2147483647, 2147483647), qparams_error,
      message_contains("[qmin, qmax] = [2147483647, 2147483647] holds no integer that float32 "
                       "represents"));
  REQUIRE_THROWS_MATCHES(
      affine_qparams(1.0f, std::nullopt, quant_dtype::int32, (1 << 30) + 1, (1 << 30) + 1),
      qparams_error, message_contains("holds no integer that float32 represents"));
  CHECK_NOTHROW(affine_qparams(1.0f, std::nullopt, quant_dtype::int32, 1 << 30, (1 << 30) + 1));
  CHECK_NOTHROW(affine_qparams(1.0f, std::nullopt, quant_dtype::int32, 2147483520, 2147483647));
  // A one-value range is a range.
  const affine_qparams single(1.0f, 3, quant_dtype::uint8, 3, 3);
  CHECK(single.qmin() == 3);
  CHECK(single.qmax() == 3);
  // Without a range, the dtype's.
  for (quant_dtype type : qlower::quant::all_quant_dtypes) {
    INFO(qlower::quant::to_string(type));
    const affine_qparams p(1.0f, std::nullopt, type);
    CHECK(p.qmin() == qlower::quant::info(type).min);
    CHECK(p.qmax() == qlower::quant::info(type).max);
    CHECK(p.dtype() == type);
  }
}

TEST_CASE("qparams: the scale's value count, the zero point's count and an empty scale",
          "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{2, 2}, {1, 1, 1}, {}, quant_dtype::int8),
                         qparams_error,
                         message_contains("the scale has 3 values but its shape [2, 2] holds 4"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{}, {1, 1}, {}, quant_dtype::int8), qparams_error,
                         message_contains("the scale has 2 values but its shape [] holds 1"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{3}, {1, 1, 1}, {0, 0}, quant_dtype::int8),
                         qparams_error,
                         message_contains("the zero point has 2 values but the scale has 3"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{1}, {1}, {0, 0}, quant_dtype::int8), qparams_error,
                         message_contains("the zero point has 2 values but the scale has 1"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{0}, {}, {}, quant_dtype::int8), qparams_error,
                         message_contains("the scale has no elements (shape [0])"));
  REQUIRE_THROWS_MATCHES(affine_qparams(shape{2, 0, 3}, {}, {}, quant_dtype::int8), qparams_error,
                         message_contains("the scale has no elements (shape [2, 0, 3])"));
  REQUIRE_THROWS_MATCHES(affine_qparams::per_channel({}, {}, 0, 2, quant_dtype::int8),
                         qparams_error,
                         message_contains("the scale has no elements (shape [0, 1])"));
}

TEST_CASE("qparams layout_for: a rank mismatch and a block that does not divide are errors",
          "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 4}).layout_for(shape{4}), qparams_error,
      message_contains("the scale has shape [1, 4] of rank 2 but the input [4] has rank 1"));
  REQUIRE_THROWS_MATCHES(scales_of_shape({4}).layout_for(shape{2, 4}), qparams_error,
                         message_contains("the scale has shape [4] of rank 1 but the input [2, 4] "
                                          "has rank 2"));
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 3}).layout_for(shape{2, 10}), qparams_error,
      message_contains("dimension 1 of the input [2, 10] (size 10) is not divisible into 3 blocks "
                       "(scale shape [1, 3])"));
  // More scales than elements along a dimension.
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 4}).layout_for(shape{2, 3}), qparams_error,
      message_contains("dimension 1 of the input [2, 3] (size 3) is not divisible into 4 blocks"));
  REQUIRE_THROWS_MATCHES(scales_of_shape({2, 1}).layout_for(shape{0, 3}), qparams_error,
                         message_contains("dimension 0 of the input [0, 3] (size 0)"));
}

TEST_CASE("qparams layout_for: explicit block sizes must need exactly the scale's count",
          "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 2}).with_block_size({1, 4}).layout_for(shape{1, 10}), qparams_error,
      message_contains("dimension 1 of size 10 in blocks of 4 needs 3 scales, the scale has 2"));
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 4}).with_block_size({1, 4}).layout_for(shape{1, 10}), qparams_error,
      message_contains("dimension 1 of size 10 in blocks of 4 needs 3 scales, the scale has 4"));
  // Block sizes of 1 elsewhere: the scale must match the input there.
  REQUIRE_THROWS_MATCHES(
      scales_of_shape({1, 3}).with_block_size({1, 4}).layout_for(shape{2, 10}), qparams_error,
      message_contains("dimension 0 of size 2 in blocks of 1 needs 2 scales, the scale has 1"));
  // An explicit block turns off the singleton shortcut: the rank is checked.
  REQUIRE_THROWS_MATCHES(scales_of_shape({1, 1}).with_block_size({4, 4}).layout_for(shape{4}),
                         qparams_error, message_contains("has rank 1"));
}

TEST_CASE("qparams per_channel: the axis must be below the rank", "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(affine_qparams::per_channel({1, 1}, {}, 3, 3, quant_dtype::int8),
                         qparams_error,
                         message_contains("channel axis 3 is out of range for rank 3"));
  REQUIRE_THROWS_MATCHES(affine_qparams::per_channel({1}, {}, 0, 0, quant_dtype::int8),
                         qparams_error,
                         message_contains("channel axis 0 is out of range for rank 0"));
}

TEST_CASE("qparams with_block_size: the rank must match the scale's and every size be positive",
          "[quant][qparams]") {
  REQUIRE_THROWS_MATCHES(scales_of_shape({1, 2}).with_block_size({2}), qparams_error,
                         message_contains("block_size has rank 1 but the scale has rank 2"));
  REQUIRE_THROWS_MATCHES(affine_qparams(1.0f, 0, quant_dtype::int8).with_block_size({4}),
                         qparams_error,
                         message_contains("block_size has rank 1 but the scale has rank 0"));
  REQUIRE_THROWS_MATCHES(scales_of_shape({1, 2}).with_block_size({1, 0}), qparams_error,
                         message_contains("block_size[1] = 0 is not positive"));
  REQUIRE_THROWS_MATCHES(scales_of_shape({1, 2}).with_block_size({-3, 1}), qparams_error,
                         message_contains("block_size[0] = -3 is not positive"));
}

//===--- Derived queries: granularity is the scale's shape ---===//

TEST_CASE("qparams granularity: per tensor, per channel and blockwise from the scale's shape",
          "[quant][qparams]") {
  SECTION("a one-element scale of any rank is per tensor, on axis 0") {
    for (const affine_qparams& p : {affine_qparams(0.5f, 3, quant_dtype::uint8),
                                    scales_of_shape({1}), scales_of_shape({1, 1, 1})}) {
      CHECK(p.is_per_tensor());
      CHECK_FALSE(p.is_per_channel());
      CHECK_FALSE(p.is_blockwise());
      CHECK(p.channel_axis() == std::optional<std::size_t>{0});
      CHECK(p.compact_shape() == shape{});
    }
  }
  SECTION("one non-unary dimension is per channel on that dimension") {
    const affine_qparams p(shape{1, 4, 1}, {1, 2, 3, 4}, {0, 1, 2, 3}, quant_dtype::int8);
    CHECK_FALSE(p.is_per_tensor());
    CHECK(p.is_per_channel());
    CHECK_FALSE(p.is_blockwise());
    CHECK(p.channel_axis() == std::optional<std::size_t>{1});
    CHECK(p.compact_shape() == shape{4});
    CHECK(scales_of_shape({4}).channel_axis() == std::optional<std::size_t>{0});
    CHECK(scales_of_shape({1, 1, 1, 7}).channel_axis() == std::optional<std::size_t>{3});
  }
  SECTION("two or more non-unary dimensions are blockwise, with no channel axis") {
    for (const dims_t& dims : {dims_t{4, 2}, dims_t{1, 4, 1, 3}, dims_t{2, 3, 4}}) {
      const affine_qparams p = scales_of_shape(dims);
      CHECK_FALSE(p.is_per_tensor());
      CHECK_FALSE(p.is_per_channel());
      CHECK(p.is_blockwise());
      CHECK_FALSE(p.channel_axis().has_value());
    }
    CHECK(scales_of_shape({1, 4, 1, 3}).compact_shape() == shape{4, 3});
    CHECK(scales_of_shape({4, 1}).compact_shape() == shape{4});
  }
  SECTION("the values, zero point and domain are kept as given") {
    const affine_qparams p(shape{2, 1}, {0.5f, 0.25f}, {-3, 4}, quant_dtype::int4);
    CHECK(std::vector<float>(p.scale().begin(), p.scale().end()) ==
          std::vector<float>{0.5f, 0.25f});
    CHECK(std::vector<std::int32_t>(p.zero_point().begin(), p.zero_point().end()) ==
          std::vector<std::int32_t>{-3, 4});
    CHECK(p.scale_shape() == shape{2, 1});
    CHECK(p.domain() == qlower::quant::zero_point_domain::integer);
    CHECK(scales_of_shape({2}).domain() == qlower::quant::zero_point_domain::none);
    CHECK(affine_qparams(1.0f, std::nullopt, quant_dtype::int8).zero_point().empty());
    CHECK_FALSE(p.explicit_block_size().has_value());
    CHECK(p.with_block_size({1, 3}).explicit_block_size() == std::optional<dims_t>{dims_t{1, 3}});
  }
}

TEST_CASE("qparams per_channel views a [C] vector as [1, .., C, .., 1] at its axis",
          "[quant][qparams]") {
  const affine_qparams p =
      affine_qparams::per_channel({0.5f, 0.25f, 1.0f}, {1, 2, 3}, 2, 4, quant_dtype::int8);
  CHECK(p.scale_shape() == shape{1, 1, 3, 1});
  CHECK(p.channel_axis() == std::optional<std::size_t>{2});
  CHECK(p.compact_shape() == shape{3});
  CHECK(p == affine_qparams(shape{1, 1, 3, 1}, {0.5f, 0.25f, 1.0f}, {1, 2, 3}, quant_dtype::int8));
  const block_layout layout = p.layout_for(shape{2, 5, 3, 7});
  CHECK(layout.scale_dims == dims_t{1, 1, 3, 1});
  CHECK(layout.block_size == dims_t{2, 5, 1, 7});
  // Axis 0 of a [K, C] weight: the [K, 1] scale (seed 002's shape).
  CHECK(affine_qparams::per_channel({1, 2, 3, 4}, {}, 0, 2, quant_dtype::int8).scale_shape() ==
        shape{4, 1});
  // One channel is one scale: per tensor.
  CHECK(affine_qparams::per_channel({2.0f}, {0}, 1, 3, quant_dtype::int8).is_per_tensor());
}

TEST_CASE("qparams layout_for: block sizes per tensor, per channel, per group, blockwise",
          "[quant][qparams]") {
  const auto check_layout = [](const affine_qparams& p, const shape& input, const dims_t& scale,
                               const dims_t& block) {
    const block_layout layout = p.layout_for(input);
    CHECK(layout.input_dims == dims_t(input.dims().begin(), input.dims().end()));
    CHECK(layout.scale_dims == scale);
    CHECK(layout.block_size == block);
  };
  check_layout(affine_qparams(1.0f, 0, quant_dtype::int8), shape{3, 4}, {1, 1}, {3, 4});
  check_layout(affine_qparams(1.0f, 0, quant_dtype::int8), shape{}, {}, {});
  // A one-element scale of another rank is still per tensor.
  check_layout(scales_of_shape({1, 1, 1}), shape{2, 3}, {1, 1}, {2, 3});
  check_layout(scales_of_shape({4, 1}), shape{4, 8}, {4, 1}, {1, 8});
  check_layout(scales_of_shape({4, 2}), shape{4, 8}, {4, 2}, {1, 4});
  // affine-quant.md 6.2: block (3, 3, 2, 10) on input (3, 3, 10, 10) is the scale (1, 1, 5, 1).
  check_layout(scales_of_shape({1, 1, 5, 1}), shape{3, 3, 10, 10}, {1, 1, 5, 1}, {3, 3, 2, 10});
  // ONNX's blocked form: 10 in blocks of 4 is 3 scales, the last block partial.
  check_layout(scales_of_shape({2, 3}).with_block_size({1, 4}), shape{2, 10}, {2, 3}, {1, 4});
  check_layout(scales_of_shape({1, 3}).with_block_size({1, 4}), shape{0, 10}, {1, 3}, {1, 4});
  check_layout(scales_of_shape({1}).with_block_size({16}), shape{5}, {1}, {16});
}

//===--- Properties ---===//

/// The divisors of `n` (n >= 1), ascending.
dims_t divisors_of(std::int64_t n) {
  dims_t result;
  for (std::int64_t d = 1; d <= n; ++d) {
    if (n % d == 0)
      result.push_back(d);
  }
  return result;
}

TEST_CASE("qparams layout_for: block size times scale count is the input size",
          "[quant][qparams][property]") {
  rc::prop("layout_for(input).block_size[i] * scale_dims[i] == input_dims[i]", [] {
    const auto rank = *rc::gen::inRange<std::size_t>(1, 6);
    const auto input = *rc::gen::container<dims_t>(rank, rc::gen::inRange<std::int64_t>(1, 71));
    // Any divisor is a valid scale count; the product is capped so the scale stays small.
    dims_t scale_dims;
    std::int64_t count = 1;
    for (std::int64_t dim : input) {
      std::int64_t scales = *rc::gen::elementOf(divisors_of(dim));
      if (count * scales > 4096)
        scales = 1;
      count *= scales;
      scale_dims.push_back(scales);
    }
    const block_layout layout = scales_of_shape(scale_dims).layout_for(shape(input));
    RC_ASSERT(layout.input_dims == input);
    RC_ASSERT(layout.scale_dims == scale_dims);
    for (std::size_t i = 0; i < rank; ++i)
      RC_ASSERT(layout.block_size[i] * layout.scale_dims[i] == layout.input_dims[i]);
  });
  rc::prop("a scale count that does not divide its dimension is an error naming it", [] {
    const auto rank = *rc::gen::inRange<std::size_t>(1, 6);
    const auto input = *rc::gen::container<dims_t>(rank, rc::gen::inRange<std::int64_t>(2, 71));
    const auto bad = *rc::gen::inRange<std::size_t>(0, rank);
    const auto scales = *rc::gen::suchThat(rc::gen::inRange<std::int64_t>(2, 80),
                                           [&](std::int64_t s) { return input[bad] % s != 0; });
    dims_t scale_dims(rank, 1);
    scale_dims[bad] = scales;
    try {
      static_cast<void>(scales_of_shape(scale_dims).layout_for(shape(input)));
      RC_FAIL("no error");
    } catch (const qparams_error& e) {
      RC_ASSERT(std::string(e.what()).find("dimension " + std::to_string(bad) + " of the input") !=
                std::string::npos);
    }
  });
  rc::prop("explicit blocks: ceil(input / block) scales, the last block partial or full", [] {
    const auto rank = *rc::gen::inRange<std::size_t>(1, 6);
    const auto input = *rc::gen::container<dims_t>(rank, rc::gen::inRange<std::int64_t>(1, 71));
    dims_t block;
    dims_t scale_dims;
    std::int64_t count = 1;
    for (std::int64_t dim : input) {
      std::int64_t b = *rc::gen::inRange<std::int64_t>(1, dim + 1);
      if (count * ((dim + b - 1) / b) > 4096)
        b = dim;
      block.push_back(b);
      scale_dims.push_back((dim + b - 1) / b);
      count *= scale_dims.back();
    }
    const block_layout layout =
        scales_of_shape(scale_dims).with_block_size(block).layout_for(shape(input));
    RC_ASSERT(layout.block_size == block);
    RC_ASSERT(layout.scale_dims == scale_dims);
    for (std::size_t i = 0; i < rank; ++i) {
      RC_ASSERT((layout.scale_dims[i] - 1) * layout.block_size[i] < layout.input_dims[i]);
      RC_ASSERT(layout.input_dims[i] <= layout.scale_dims[i] * layout.block_size[i]);
    }
  });
}

}  // namespace
