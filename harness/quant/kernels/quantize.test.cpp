// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/quantize.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "harness/quant/kernel_cases.hpp"
#include "reference/quant/affine.hpp"

namespace {

using namespace qlower::quant;
using qlower::harness::quant::for_each_kernel_set;
using qlower::harness::quant::gen_case;
using qlower::harness::quant::quant_case;
using qlower::harness::quant::to_reference;
using qlower::harness::quant::with_storage;

/// Runs `kernels` on `c` in Mode and checks every element against the
/// reference, printing the first mismatch with the input's bits.
template <class Kernels, class Mode, class Q>
void check_quantize_against_reference(const quant_case& c) {
  std::vector<Q> output(c.input.size() + 16, Q{0x5A});
  Kernels::template quantize<Mode>(std::span<const float>(c.input), c.shape, c.qparams,
                                   std::span<Q>(output.data(), c.input.size()));
  const std::vector<std::int64_t> expected =
      qlower::reference::quant::quantize(to_reference(c.qparams, c.shape, Mode::divides), c.input);
  for (std::size_t n = 0; n < c.input.size(); ++n) {
    if (static_cast<std::int64_t>(output[n]) != expected[n]) {
      RC_FAIL(Kernels::name() + " " + std::string(Mode::name) + ": element " + std::to_string(n) +
              " of shape " + c.shape.to_string() + ": input " + std::to_string(c.input[n]) +
              " (bits " + std::to_string(qlower::harness::quant::bits(c.input[n])) + ") gave " +
              std::to_string(output[n]) + ", the reference " + std::to_string(expected[n]));
    }
  }
  for (std::size_t n = c.input.size(); n < output.size(); ++n)
    RC_ASSERT(output[n] == Q{0x5A});  // nothing written past the end
}

void quantize_property(quant_dtype type, bool onnx) {
  const quant_case c = *gen_case(type, /*partial_blocks=*/onnx && *rc::gen::arbitrary<bool>());
  with_storage(type, [&](auto storage) {
    using Q = decltype(storage);
    for_each_kernel_set([&](auto kernels) {
      using Kernels = decltype(kernels);
      if (onnx)
        check_quantize_against_reference<Kernels, onnx_arithmetic, Q>(c);
      else
        check_quantize_against_reference<Kernels, torchao_arithmetic, Q>(c);
    });
  });
}

}  // namespace

TEST_CASE("quantize_affine equals the reference bit for bit, every dtype, layout and kernel set",
          "[quant][property]") {
  for (quant_dtype type : all_quant_dtypes) {
    rc::prop(std::string("torchao arithmetic, ") + std::string(to_string(type)),
             [type] { quantize_property(type, false); });
    rc::prop(std::string("onnx arithmetic (partial blocks), ") + std::string(to_string(type)),
             [type] { quantize_property(type, true); });
  }
}

TEST_CASE("quantize_affine: the XNNPACK lengths around every vector width, sentinel-filled",
          "[quant]") {
  const affine_qparams qparams(0.5f, 3, quant_dtype::int8);
  for (std::int64_t width : {4, 8, 16}) {
    for (std::int64_t n :
         {std::int64_t{1}, width - 1, width, width + 1, 2 * width + 1, 4 * width + 3}) {
      std::vector<float> input(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i)
        input[static_cast<std::size_t>(i)] =
            static_cast<float>(i % 40) - 20.25f;  // never the sentinel
      for_each_kernel_set([&](auto kernels) {
        using Kernels = decltype(kernels);
        std::vector<std::int8_t> output(static_cast<std::size_t>(n) + 64, std::int8_t{0x5A});
        Kernels::template quantize<torchao_arithmetic>(
            std::span<const float>(input), qlower::shape{n}, qparams,
            std::span<std::int8_t>(output.data(), static_cast<std::size_t>(n)));
        INFO(Kernels::name() << " length " << n);
        for (std::int64_t i = 0; i < n; ++i) {
          const float expected = std::nearbyint(input[static_cast<std::size_t>(i)] * 2.0f) + 3.0f;
          REQUIRE(output[static_cast<std::size_t>(i)] == static_cast<std::int8_t>(expected));
        }
        for (std::size_t i = static_cast<std::size_t>(n); i < output.size(); ++i)
          REQUIRE(output[i] == 0x5A);
      });
    }
  }
}

TEST_CASE("quantize_affine: saturation, ties to even, infinities and NaN on every kernel set",
          "[quant]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // 0.5 and 2.5 tie to 0 and 2; -1.5 to -2; 1000 and inf saturate; NaN is qmin
  std::vector<float> input{0.5f, 2.5f, -1.5f, 1000.0f, -1000.0f, inf,
                           -inf, nan,  -0.0f, 126.5f,  127.5f};
  while (input.size() < 40)
    input.push_back(nan);  // so the vector loops see NaN too, not only the scalar tail
  const std::vector<std::int8_t> expected_head{0, 2, -2, 127, -128, 127, -128, -128, 0, 126, 127};
  for_each_kernel_set([&](auto kernels) {
    using Kernels = decltype(kernels);
    std::vector<std::int8_t> output(input.size());
    Kernels::template quantize<torchao_arithmetic>(
        std::span<const float>(input), qlower::shape{static_cast<std::int64_t>(input.size())},
        affine_qparams(1.0f, 0, quant_dtype::int8), std::span<std::int8_t>(output));
    INFO(Kernels::name());
    for (std::size_t i = 0; i < expected_head.size(); ++i)
      CHECK(output[i] == expected_head[i]);
    for (std::size_t i = expected_head.size(); i < output.size(); ++i)
      CHECK(output[i] == -128);
    // NaN becomes qmin, whatever the zero point
    std::vector<std::uint8_t> unsigned_output(input.size());
    Kernels::template quantize<onnx_arithmetic>(
        std::span<const float>(input), qlower::shape{static_cast<std::int64_t>(input.size())},
        affine_qparams(1.0f, 128, quant_dtype::uint8, 3, 200),
        std::span<std::uint8_t>(unsigned_output));
    CHECK(unsigned_output[7] == 3);
    CHECK(unsigned_output[5] == 200);
    CHECK(unsigned_output[6] == 3);
  });
}

TEST_CASE("quantize_affine: int32's largest value clamps below 2^31 with no overflowing cast",
          "[quant]") {
  std::vector<float> input(33, 3e9f);
  input[1] = -3e9f;
  for_each_kernel_set([&](auto kernels) {
    using Kernels = decltype(kernels);
    std::vector<std::int32_t> output(input.size());
    Kernels::template quantize<torchao_arithmetic>(std::span<const float>(input), qlower::shape{33},
                                                   affine_qparams(1.0f, 0, quant_dtype::int32),
                                                   std::span<std::int32_t>(output));
    INFO(Kernels::name());
    CHECK(output[0] == 2147483520);
    CHECK(output[1] == -2147483647 - 1);
    CHECK(output[32] == 2147483520);
  });
}

TEST_CASE("quantize_affine: every bad call is a qparams_error naming the value", "[quant]") {
  std::vector<float> input(12, 1.0f);
  std::vector<std::int8_t> output(12);
  std::vector<std::uint8_t> unsigned_output(12);
  const affine_qparams int8_qparams(1.0f, 0, quant_dtype::int8);
  using Catch::Matchers::Contains;
  REQUIRE_QPARAMS_ERROR(quantize_affine(std::span<const float>(input), qlower::shape{3, 5},
                                        int8_qparams, std::span<std::int8_t>(output)),
                        Contains("12 elements") && Contains("[3, 5]"));
  REQUIRE_QPARAMS_ERROR(quantize_affine(std::span<const float>(input), qlower::shape{3, 4},
                                        int8_qparams, std::span<std::int8_t>(output.data(), 11)),
                        Contains("holds 11"));
  REQUIRE_QPARAMS_ERROR(quantize_affine(std::span<const float>(input), qlower::shape{3, 4},
                                        int8_qparams, std::span<std::uint8_t>(unsigned_output)),
                        Contains("int8") && Contains("unsigned"));
  const affine_qparams per_row =
      affine_qparams::per_channel({1.0f, 2.0f}, {0, 0}, 0, 2, quant_dtype::int8);
  REQUIRE_QPARAMS_ERROR(quantize_affine(std::span<const float>(input), qlower::shape{3, 4}, per_row,
                                        std::span<std::int8_t>(output)),
                        Contains("size 3") && Contains("2 blocks"));
}
