// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/choose_qparams.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "harness/quant/kernel_cases.hpp"
#include "reference/quant/affine.hpp"

namespace {

using namespace qlower::quant;
using qlower::harness::quant::bits;
using qlower::harness::quant::for_each_kernel_set;
using qlower::harness::quant::gen_dims;

qlower::reference::quant::mapping to_reference(mapping_type mapping) {
  switch (mapping) {
    case mapping_type::symmetric:
      return qlower::reference::quant::mapping::symmetric;
    case mapping_type::symmetric_no_clipping_err:
      return qlower::reference::quant::mapping::symmetric_no_clipping_err;
    case mapping_type::asymmetric:
      break;
  }
  return qlower::reference::quant::mapping::asymmetric;
}

}  // namespace

TEST_CASE("choose_qparams_affine equals the reference bit for bit on every kernel set",
          "[quant][property]") {
  rc::prop("random blocks, mappings and dtypes", [] {
    const std::vector<std::int64_t> dims = *gen_dims();
    std::vector<std::int64_t> block(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      std::vector<std::int64_t> divisors;
      for (std::int64_t d = 1; d <= dims[i]; ++d)
        if (dims[i] % d == 0)
          divisors.push_back(d);
      block[i] = *rc::gen::elementOf(divisors);
    }
    const qlower::shape shape(dims);
    std::vector<float> input(static_cast<std::size_t>(shape.element_count()));
    const float magnitude = *rc::gen::element(1e-3f, 1.0f, 300.0f, 1e20f);
    const bool all_positive = *rc::gen::arbitrary<bool>();
    std::mt19937 random(*rc::gen::arbitrary<std::uint32_t>());
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    for (float& x : input) {
      const float u = unit(random);
      x = (all_positive ? std::abs(u) : u) * magnitude;
    }
    const quant_dtype type =
        *rc::gen::element(quant_dtype::int8, quant_dtype::uint8, quant_dtype::int4,
                          quant_dtype::int16, quant_dtype::uint4);
    // symmetric_no_clipping_err divides by qmin: an unsigned dtype gives it no scale
    const mapping_type mapping =
        info(type).is_signed
            ? *rc::gen::element(mapping_type::symmetric, mapping_type::symmetric_no_clipping_err,
                                mapping_type::asymmetric)
            : *rc::gen::element(mapping_type::symmetric, mapping_type::asymmetric);
    const auto& row = info(type);
    const qlower::reference::quant::params expected = qlower::reference::quant::choose_qparams(
        dims, input, block, to_reference(mapping), row.min, row.max);
    for_each_kernel_set([&](auto kernels) {
      using Kernels = decltype(kernels);
      const affine_qparams chosen =
          Kernels::choose(std::span<const float>(input), shape,
                          std::span<const std::int64_t>(block), mapping, type);
      RC_ASSERT(std::vector<std::int64_t>(chosen.scale_shape().dims().begin(),
                                          chosen.scale_shape().dims().end()) ==
                expected.scale_dims);
      for (std::size_t i = 0; i < expected.scale.size(); ++i) {
        if (bits(chosen.scale()[i]) != bits(expected.scale[i]) ||
            chosen.zero_point()[i] != expected.zero_point[i])
          RC_FAIL(Kernels::name() + ": block " + std::to_string(i) + " scale " +
                  std::to_string(chosen.scale()[i]) + " zp " +
                  std::to_string(chosen.zero_point()[i]) + ", the reference " +
                  std::to_string(expected.scale[i]) + " zp " +
                  std::to_string(expected.zero_point[i]));
      }
      // zero is exactly representable: it quantizes to the zero point and back to 0
      const std::vector<float> zeros(input.size(), 0.0f);
      qlower::harness::quant::with_storage(type, [&](auto storage) {
        using Q = decltype(storage);
        std::vector<Q> q(zeros.size());
        Kernels::template quantize<torchao_arithmetic>(std::span<const float>(zeros), shape, chosen,
                                                       std::span<Q>(q));
        std::vector<float> back(zeros.size(), 1.0f);
        Kernels::dequantize(std::span<const Q>(q), shape, chosen, std::span<float>(back));
        for (float value : back)
          RC_ASSERT(value == 0.0f);
      });
    });
  });
}

TEST_CASE("choose_qparams_affine: an all-zero block gets scale eps; special inputs are errors",
          "[quant]") {
  std::vector<float> input(64, 0.0f);
  input[40] = 5.0f;  // the second block of 32 is not all zero
  const std::int64_t block[] = {32};
  for_each_kernel_set([&](auto kernels) {
    using Kernels = decltype(kernels);
    INFO(Kernels::name());
    const affine_qparams chosen = Kernels::choose(std::span<const float>(input), qlower::shape{64},
                                                  std::span<const std::int64_t>(block),
                                                  mapping_type::asymmetric, quant_dtype::uint8);
    CHECK(chosen.scale()[0] == FLT_MIN);
    CHECK(chosen.zero_point()[0] == 0);
    CHECK(chosen.scale()[1] == 5.0f / 255.0f);
    using Catch::Matchers::Contains;
    for (const float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      std::vector<float> special = input;
      special[17] = bad;
      REQUIRE_QPARAMS_ERROR(Kernels::choose(std::span<const float>(special), qlower::shape{64},
                                            std::span<const std::int64_t>(block),
                                            mapping_type::symmetric, quant_dtype::int8),
                            Contains("input element 17 is"));
    }
  });
  using Catch::Matchers::Contains;
  const std::int64_t uneven[] = {24};
  REQUIRE_QPARAMS_ERROR(choose_qparams_affine(std::span<const float>(input), qlower::shape{64},
                                              std::span<const std::int64_t>(uneven),
                                              mapping_type::symmetric, quant_dtype::int8),
                        Contains("block_size[0] = 24"));
  const std::int64_t two[] = {32, 1};
  REQUIRE_QPARAMS_ERROR(choose_qparams_affine(std::span<const float>(input), qlower::shape{64},
                                              std::span<const std::int64_t>(two),
                                              mapping_type::symmetric, quant_dtype::int8),
                        Contains("2 entries"));
  REQUIRE_QPARAMS_ERROR(
      choose_qparams_affine(std::span<const float>(input), qlower::shape{64},
                            std::span<const std::int64_t>(block), mapping_type::symmetric,
                            quant_dtype::int8,
                            choose_qparams_options{std::nullopt, std::nullopt, -1.0f}),
      Contains("eps = -1"));
  // A one-code range has no scale: torchao divides 0 by 0 there, and casting the NaN
  // zero point to an integer was undefined behaviour (found by fuzzing).
  const std::vector<float> flat(64, 0.0f);
  for (const mapping_type mapping : {mapping_type::asymmetric, mapping_type::symmetric,
                                     mapping_type::symmetric_no_clipping_err}) {
    REQUIRE_QPARAMS_ERROR(
        choose_qparams_affine(std::span<const float>(flat), qlower::shape{64},
                              std::span<const std::int64_t>(block), mapping, quant_dtype::uint16,
                              choose_qparams_options{65535, 65535, std::nullopt}),
        Contains("[qmin, qmax] = [65535, 65535] holds one code"));
  }
  REQUIRE_QPARAMS_ERROR(
      choose_qparams_affine(std::span<const float>(input), qlower::shape{64},
                            std::span<const std::int64_t>(block),
                            mapping_type::symmetric_no_clipping_err, quant_dtype::uint8),
      Contains("needs qmin < 0 < qmax; got [0, 255]"));
}
