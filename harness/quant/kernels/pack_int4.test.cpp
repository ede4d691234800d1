// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/pack_int4.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
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

}  // namespace

TEST_CASE("packed int4 and uint4: quantize and dequantize equal the reference's pack of its values",
          "[quant][property]") {
  for (const quant_dtype type : {quant_dtype::int4, quant_dtype::uint4}) {
    for (const bool onnx : {false, true}) {
      rc::prop(std::string(to_string(type)) + (onnx ? " onnx" : " torchao"), [type, onnx] {
        const quant_case c = *gen_case(type, onnx && *rc::gen::arbitrary<bool>());
        const qlower::reference::quant::params p = to_reference(c.qparams, c.shape, onnx);
        const std::vector<std::int64_t> values = qlower::reference::quant::quantize(p, c.input);
        const bool is_signed = type == quant_dtype::int4;
        const std::vector<std::uint8_t> expected =
            qlower::reference::quant::pack_int4(values, is_signed);
        const std::vector<float> expected_back = qlower::reference::quant::dequantize(p, values);
        for_each_kernel_set([&](auto kernels) {
          using Kernels = decltype(kernels);
          std::vector<std::uint8_t> packed(expected.size() + 8, 0xA5);
          if (onnx)
            Kernels::template quantize_packed<onnx_arithmetic>(
                std::span<const float>(c.input), c.shape, c.qparams,
                std::span<std::uint8_t>(packed.data(), expected.size()));
          else
            Kernels::template quantize_packed<torchao_arithmetic>(
                std::span<const float>(c.input), c.shape, c.qparams,
                std::span<std::uint8_t>(packed.data(), expected.size()));
          for (std::size_t i = 0; i < expected.size(); ++i) {
            if (packed[i] != expected[i])
              RC_FAIL(Kernels::name() + ": byte " + std::to_string(i) + " of " +
                      c.shape.to_string() + " is " + std::to_string(packed[i]) +
                      ", the reference packs " + std::to_string(expected[i]));
          }
          for (std::size_t i = expected.size(); i < packed.size(); ++i)
            RC_ASSERT(packed[i] == 0xA5);
          std::vector<float> back(c.input.size() + 4, -3.0f);
          Kernels::dequantize_packed(std::span<const std::uint8_t>(expected), c.shape, c.qparams,
                                     std::span<float>(back.data(), c.input.size()));
          for (std::size_t n = 0; n < c.input.size(); ++n)
            RC_ASSERT(bits(back[n]) == bits(expected_back[n]));
          for (std::size_t n = c.input.size(); n < back.size(); ++n)
            RC_ASSERT(back[n] == -3.0f);
        });
      });
    }
  }
}

TEST_CASE("packed int4: the low nibble holds the even element; errors name the mismatch",
          "[quant]") {
  const std::vector<float> input{1.0f, -2.0f, 7.0f};  // int4 codes 1, -2 (0xE), 7
  std::vector<std::uint8_t> packed(2);
  quantize_affine_packed(std::span<const float>(input), qlower::shape{3},
                         affine_qparams(1.0f, 0, quant_dtype::int4),
                         std::span<std::uint8_t>(packed));
  CHECK(packed[0] == 0xE1);
  CHECK(packed[1] == 0x07);  // an odd count leaves the last high nibble 0
  using Catch::Matchers::Contains;
  REQUIRE_QPARAMS_ERROR(quantize_affine_packed(std::span<const float>(input), qlower::shape{3},
                                               affine_qparams(1.0f, 0, quant_dtype::int8),
                                               std::span<std::uint8_t>(packed)),
                        Contains("not int8"));
  std::vector<std::uint8_t> short_packed(1);
  REQUIRE_QPARAMS_ERROR(quantize_affine_packed(std::span<const float>(input), qlower::shape{3},
                                               affine_qparams(1.0f, 0, quant_dtype::int4),
                                               std::span<std::uint8_t>(short_packed)),
                        Contains("holds 1") && Contains("2 are needed"));
  std::vector<float> output(3);
  REQUIRE_QPARAMS_ERROR(dequantize_affine_packed(
                            std::span<const std::uint8_t>(short_packed), qlower::shape{3},
                            affine_qparams(1.0f, 0, quant_dtype::uint4), std::span<float>(output)),
                        Contains("holds 1 bytes") && Contains("packs into 2"));
}
