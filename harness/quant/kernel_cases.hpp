// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random quantization cases for the kernel properties, their translation to
// the reference model's parameters, and every way the harness can run a
// kernel: header-only on xsimd::default_arch and, when qlower::kernels is
// linked, compiled for each instruction set this machine has.

#include <rapidcheck.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/kernels/choose_qparams.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/pack_int4.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "reference/quant/affine.hpp"
#ifdef QLOWER_HAVE_KERNELS
#include "qlower/quant/kernels/dispatch.hpp"
#endif

namespace qlower::harness::quant {

using qlower::quant::affine_qparams;
using qlower::quant::quant_dtype;

/// One quantization problem: a tensor and parameters that fit it.
struct quant_case {
  qlower::shape shape;
  std::vector<float> input;
  affine_qparams qparams;
};

inline constexpr std::int64_t case_element_limit = 4000;

/// Dimensions 1..70 (primes among them), rank 1..5, at most case_element_limit elements.
inline rc::Gen<std::vector<std::int64_t>> gen_dims() {
  return rc::gen::exec([] {
    const auto rank = *rc::gen::inRange<std::size_t>(1, 6);
    std::vector<std::int64_t> dims;
    std::int64_t count = 1;
    for (std::size_t i = 0; i < rank; ++i) {
      const std::int64_t limit =
          std::max<std::int64_t>(1, std::min<std::int64_t>(70, case_element_limit / count));
      const auto dim = *rc::gen::oneOf(
          rc::gen::inRange<std::int64_t>(1, limit + 1),
          rc::gen::element<std::int64_t>(1, 2, 3, 7, 13, 16, 17, 31, 32, 61, 64, 67));
      const std::int64_t kept = std::min(dim, limit);
      dims.push_back(kept);
      count *= kept;
    }
    return dims;
  });
}

/// Scales: positive, from tiny to large, with powers of two so that exact
/// ties (x = (k + 1/2) * scale) occur.
inline rc::Gen<float> gen_scale() {
  return rc::gen::oneOf(rc::gen::element(0.5f, 0.25f, 1.0f, 2.0f, 0.125f, 0.0078125f),
                        rc::gen::map(rc::gen::inRange(1, 100000),
                                     [](int v) { return static_cast<float>(v) * 1e-4f; }),
                        rc::gen::element(1e-30f, 1.2e-38f /* near the smallest normal */, 1e30f));
}

/// Inputs around the representable range of `scale`, with ties, infinities,
/// NaN and values far outside the range.
inline float input_value(float scale, std::int64_t qmin, std::int64_t qmax, int kind, int k,
                         float u) {
  switch (kind) {
    case 0:
      return (static_cast<float>(k) + 0.5f) * scale;  // a tie
    case 1:
      return std::numeric_limits<float>::infinity();
    case 2:
      return -std::numeric_limits<float>::infinity();
    case 3:
      return std::numeric_limits<float>::quiet_NaN();
    case 4:
      return u * 3e38f;
    default: {
      const float span = static_cast<float>(qmax - qmin) + 40.0f;
      return (static_cast<float>(qmin) - 20.0f + u * span) * scale;
    }
  }
}

/// A random case for `type`: a block layout per dimension (one scale, one per
/// index, or a random divisor), optional zero point, a random sub-range of the
/// dtype; with `partial_blocks`, explicit block sizes whose last block may be
/// partial (ONNX's blocked form).
inline rc::Gen<quant_case> gen_case(quant_dtype type, bool partial_blocks) {
  return rc::gen::exec([type, partial_blocks] {
    const std::vector<std::int64_t> dims = *gen_dims();
    const bool per_tensor = *rc::gen::inRange(0, 5) == 0;
    std::vector<std::int64_t> scale_dims(dims.size(), 1);
    std::vector<std::int64_t> blocks(dims.size(), 1);
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const int choice = per_tensor ? 0 : *rc::gen::inRange(0, 4);
      if (partial_blocks) {
        const std::int64_t block =
            choice == 0 ? dims[i] : *rc::gen::inRange<std::int64_t>(1, dims[i] + 1);
        blocks[i] = block;
        scale_dims[i] = (dims[i] + block - 1) / block;
        continue;
      }
      if (choice == 1) {
        scale_dims[i] = dims[i];
      } else if (choice >= 2) {
        std::vector<std::int64_t> divisors;
        for (std::int64_t d = 1; d <= dims[i]; ++d)
          if (dims[i] % d == 0)
            divisors.push_back(d);
        scale_dims[i] = *rc::gen::elementOf(divisors);
      }
      blocks[i] = dims[i] / scale_dims[i];
    }
    const auto& row = qlower::quant::info(type);
    std::int64_t qmin = row.min, qmax = row.max;
    if (*rc::gen::inRange(0, 3) == 0) {
      qmin = *rc::gen::inRange<std::int64_t>(row.min, row.max + 1);
      qmax = *rc::gen::inRange<std::int64_t>(qmin, row.max + 1);
      // an int32 range between two neighbouring floats holds no code: affine_qparams rejects it
      float smallest = static_cast<float>(qmin);
      if (static_cast<double>(smallest) < static_cast<double>(qmin))
        smallest = std::nextafter(smallest, std::numeric_limits<float>::infinity());
      RC_PRE(static_cast<double>(smallest) <= static_cast<double>(qmax));
    }
    std::int64_t scale_count = 1;
    for (std::int64_t d : scale_dims)
      scale_count *= d;
    std::vector<float> scales;
    std::vector<std::int32_t> zero_points;
    const bool has_zero_point = *rc::gen::inRange(0, 4) != 0;
    for (std::int64_t s = 0; s < scale_count; ++s) {
      scales.push_back(*gen_scale());
      if (has_zero_point)
        zero_points.push_back(
            static_cast<std::int32_t>(*rc::gen::inRange<std::int64_t>(qmin, qmax + 1)));
    }
    // per-tensor parameters are often a singleton rather than full rank
    const bool singleton = scale_count == 1 && !partial_blocks && *rc::gen::arbitrary<bool>();
    affine_qparams qparams =
        singleton
            ? affine_qparams(
                  scales[0],
                  has_zero_point ? std::optional<std::int32_t>(zero_points[0]) : std::nullopt, type,
                  qmin, qmax)
            : affine_qparams(qlower::shape(scale_dims), scales, zero_points, type, qmin, qmax);
    if (partial_blocks && !singleton)
      qparams = qparams.with_block_size(blocks);
    const qlower::shape shape(dims);
    std::vector<float> input(static_cast<std::size_t>(shape.element_count()));
    const qlower::quant::block_layout layout = qparams.layout_for(shape);
    // each element's own scale, so that ties are exact ties
    reference::quant::params geometry;
    geometry.input_dims = layout.input_dims;
    geometry.scale_dims = layout.scale_dims;
    geometry.block_size = layout.block_size;
    geometry.scale = scales;
    const std::vector<std::size_t> scale_of =
        reference::quant::detail::scale_index_of_each_element(geometry);
    // element values from a generated seed: drawing each through RapidCheck
    // costs more than every kernel run of the case together
    std::mt19937 random(*rc::gen::arbitrary<std::uint32_t>());
    std::discrete_distribution<int> kinds({2, 1, 1, 1, 1, 30});
    std::uniform_int_distribution<int> ties(-300, 299);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (std::size_t n = 0; n < input.size(); ++n) {
      const int kind = kinds(random);
      input[n] = input_value(scales[scale_of[n]], qmin, qmax, kind, ties(random), unit(random));
    }
    return quant_case{shape, std::move(input), std::move(qparams)};
  });
}

/// The reference model's parameters for `qparams` on `shape`.
inline reference::quant::params to_reference(const affine_qparams& qparams,
                                             const qlower::shape& shape, bool onnx_division) {
  const qlower::quant::block_layout layout = qparams.layout_for(shape);
  reference::quant::params p;
  p.input_dims = layout.input_dims;
  p.scale_dims = layout.scale_dims;
  p.block_size = layout.block_size;
  p.scale.assign(qparams.scale().begin(), qparams.scale().end());
  p.zero_point.assign(qparams.zero_point().begin(), qparams.zero_point().end());
  p.qmin = qparams.qmin();
  p.qmax = qparams.qmax();
  p.onnx_division = onnx_division;
  return p;
}

/// The header-only kernels on xsimd::default_arch (the harness's flags).
struct header_only_kernels {
  static std::string name() { return std::string("header-only ") + xsimd::default_arch::name(); }
  template <class Mode, class Q>
  static void quantize(std::span<const float> in, const qlower::shape& s, const affine_qparams& p,
                       std::span<Q> out) {
    qlower::quant::quantize_affine<Mode>(in, s, p, out);
  }
  template <class Q>
  static void dequantize(std::span<const Q> in, const qlower::shape& s, const affine_qparams& p,
                         std::span<float> out, qlower::quant::dequantize_options options = {}) {
    qlower::quant::dequantize_affine(in, s, p, out, options);
  }
  template <class Mode>
  static void quantize_packed(std::span<const float> in, const qlower::shape& s,
                              const affine_qparams& p, std::span<std::uint8_t> out) {
    qlower::quant::quantize_affine_packed<Mode>(in, s, p, out);
  }
  static void dequantize_packed(std::span<const std::uint8_t> in, const qlower::shape& s,
                                const affine_qparams& p, std::span<float> out) {
    qlower::quant::dequantize_affine_packed(in, s, p, out);
  }
  static affine_qparams choose(std::span<const float> in, const qlower::shape& s,
                               std::span<const std::int64_t> block, qlower::quant::mapping_type m,
                               quant_dtype t) {
    return qlower::quant::choose_qparams_affine(in, s, block, m, t);
  }
};

#ifdef QLOWER_HAVE_KERNELS
template <class Arch>
struct compiled_kernels_on {
  using kernels = qlower::quant::compiled_kernels<xsimd::arch_list<Arch>>;
  static std::string name() { return std::string("compiled ") + Arch::name(); }
  template <class Mode, class Q>
  static void quantize(std::span<const float> in, const qlower::shape& s, const affine_qparams& p,
                       std::span<Q> out) {
    kernels::template quantize_affine<Mode>(in, s, p, out);
  }
  template <class Q>
  static void dequantize(std::span<const Q> in, const qlower::shape& s, const affine_qparams& p,
                         std::span<float> out, qlower::quant::dequantize_options options = {}) {
    kernels::dequantize_affine(in, s, p, out, options);
  }
  template <class Mode>
  static void quantize_packed(std::span<const float> in, const qlower::shape& s,
                              const affine_qparams& p, std::span<std::uint8_t> out) {
    kernels::template quantize_affine_packed<Mode>(in, s, p, out);
  }
  static void dequantize_packed(std::span<const std::uint8_t> in, const qlower::shape& s,
                                const affine_qparams& p, std::span<float> out) {
    kernels::dequantize_affine_packed(in, s, p, out);
  }
  static affine_qparams choose(std::span<const float> in, const qlower::shape& s,
                               std::span<const std::int64_t> block, qlower::quant::mapping_type m,
                               quant_dtype t) {
    return kernels::choose_qparams_affine(in, s, block, m, t);
  }
};
#endif

/// Calls visit(Kernels{}) for the header-only kernels and for each compiled
/// instruction set this machine has (at run time: a set it lacks would stop
/// the test with SIGILL).
template <class Visit>
void for_each_kernel_set(Visit&& visit) {
  visit(header_only_kernels{});
#ifdef QLOWER_HAVE_KERNELS
  if (qlower::quant::machine_has<xsimd::avx512bw>())
    visit(compiled_kernels_on<xsimd::avx512bw>{});
  if (qlower::quant::machine_has<xsimd::fma3<xsimd::avx2>>())
    visit(compiled_kernels_on<xsimd::fma3<xsimd::avx2>>{});
  if (qlower::quant::machine_has<xsimd::sse4_2>())
    visit(compiled_kernels_on<xsimd::sse4_2>{});
  visit(compiled_kernels_on<xsimd::sse2>{});
#endif
}

/// The bits of a float, so comparisons are bit for bit (NaN and -0.0 included).
inline std::uint32_t bits(float value) {
  std::uint32_t result = 0;
  std::memcpy(&result, &value, sizeof result);
  return result;
}

}  // namespace qlower::harness::quant

/// The call throws qparams_error and its message matches `matcher`.
#define REQUIRE_QPARAMS_ERROR(expression, matcher)                 \
  do {                                                             \
    REQUIRE_THROWS_AS(expression, ::qlower::quant::qparams_error); \
    REQUIRE_THROWS_WITH(expression, matcher);                      \
  } while (false)

namespace qlower::harness::quant {

/// Calls f(Q{}) with the storage type of `type` (int4 in int8_t, ...).
template <class F>
void with_storage(quant_dtype type, F&& f) {
  switch (type) {
    case quant_dtype::int8:
    case quant_dtype::int4:
    case quant_dtype::int2:
      return f(std::int8_t{});
    case quant_dtype::uint8:
    case quant_dtype::uint4:
    case quant_dtype::uint2:
      return f(std::uint8_t{});
    case quant_dtype::int16:
      return f(std::int16_t{});
    case quant_dtype::uint16:
      return f(std::uint16_t{});
    case quant_dtype::int32:
      return f(std::int32_t{});
  }
}

}  // namespace qlower::harness::quant
