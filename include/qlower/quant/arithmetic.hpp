// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "qlower/quant/kernels/detail/isa_namespace.hpp"

/// The arithmetic of one element, written once for a float and for an xsimd
/// batch, so the vector loop and its scalar tail cannot disagree.
namespace qlower::quant {

/// torchao's quantize_affine (and ExecuTorch's runtime kernel): the reciprocal
/// of the scale in float32, then a multiply. The default.
struct torchao_arithmetic {
  static constexpr std::string_view name = "torchao";
  static constexpr bool divides = false;
};

/// ONNX QuantizeLinear: a division by the scale.
struct onnx_arithmetic {
  static constexpr std::string_view name = "onnx";
  static constexpr bool divides = true;
};

template <class Mode>
concept arithmetic_mode = requires {
  { Mode::name } -> std::convertible_to<std::string_view>;
  { Mode::divides } -> std::convertible_to<bool>;
};

/// The clamp bounds in float: the smallest float >= qmin and the largest
/// float <= qmax.
///
/// Rationale: float(2^31 - 1) rounds up to 2^31, and converting that to int32
/// is undefined; clamping to 2147483520 instead keeps every conversion in
/// range (UBSan's float-cast-overflow stays clean). For every range up to
/// 2^24 the bounds are qmin and qmax exactly.
struct float_bounds {
  float low;
  float high;

  static float_bounds of(std::int32_t qmin, std::int32_t qmax) noexcept {
    float low = static_cast<float>(qmin);
    if (static_cast<double>(low) < static_cast<double>(qmin))
      low = std::nextafter(low, std::numeric_limits<float>::infinity());
    float high = static_cast<float>(qmax);
    if (static_cast<double>(high) > static_cast<double>(qmax))
      high = std::nextafter(high, -std::numeric_limits<float>::infinity());
    return {low, high};
  }
};

inline namespace QLOWER_KERNEL_NAMESPACE {
namespace detail {
// The scalar and batch forms of the few operations the formula needs.

/// max(value, bound), and `bound` where value is NaN.
///
/// Rationale: x86's MAXPS returns its second operand when either is NaN, and
/// xsimd's max(self, other) is MAXPS(self, other) on SSE2, AVX and AVX-512, so
/// NaN goes to the lower bound there at no cost (a compare and a blend would
/// cost 30% of the quantize kernel's throughput). Elsewhere a select does it.
inline float max_or_bound(float value, float bound) noexcept {
  return value >= bound ? value : bound;  // false for NaN
}
template <class Arch>
xsimd::batch<float, Arch> max_or_bound(const xsimd::batch<float, Arch>& value,
                                       const xsimd::batch<float, Arch>& bound) noexcept {
  if constexpr (std::is_base_of_v<xsimd::sse2, Arch> || std::is_base_of_v<xsimd::avx, Arch> ||
                std::is_base_of_v<xsimd::avx512f, Arch>)
    return xsimd::max(value, bound);
  else  // not `value != value`: some ordered compares are false for NaN
    return xsimd::select(xsimd::isnan(value), bound, xsimd::max(value, bound));
}
inline float round_half_even(float value) noexcept {
  return __builtin_nearbyintf(value);  // the default rounding mode: ties to even
}
template <class Arch>
xsimd::batch<float, Arch> round_half_even(const xsimd::batch<float, Arch>& value) noexcept {
  return xsimd::nearbyint(value);
}
inline std::int32_t round_to_int(float value) noexcept {
  return static_cast<std::int32_t>(__builtin_nearbyintf(value));
}
template <class Arch>
xsimd::batch<std::int32_t, Arch> round_to_int(const xsimd::batch<float, Arch>& value) noexcept {
  return xsimd::nearbyint_as_int(value);  // cvtps2dq: the rounding mode's ties to even
}
/// value clamped to [low, high]; NaN becomes low.
inline float clamp(float value, float low, float high) noexcept {
  const float raised = max_or_bound(value, low);
  return raised > high ? high : raised;
}
template <class Arch>
xsimd::batch<float, Arch> clamp(const xsimd::batch<float, Arch>& value,
                                const xsimd::batch<float, Arch>& low,
                                const xsimd::batch<float, Arch>& high) noexcept {
  return xsimd::min(max_or_bound(value, low), high);
}
}  // namespace detail

/// The factor quantize_value takes for a block of scale `scale`: the scale
/// itself when Mode divides, its float32 reciprocal otherwise.
template <arithmetic_mode Mode>
float block_factor(float scale) noexcept {
  if constexpr (Mode::divides)
    return scale;
  else
    return 1.0f / scale;
}

/// q = clamp(round_half_even(x * factor) + zero_point, low, high) in float32
/// (x / factor when Mode divides), with integral values in [low, high] as the
/// result.
///
/// Special values: +-inf saturate to high / low; NaN becomes low, qmin, as in
/// XNNPACK's converts (affine_qparams rejects subnormal scales, so x * (1 /
/// scale) is NaN only for a NaN x). Rounding: nearbyint in the default
/// rounding mode, round half to even.
template <arithmetic_mode Mode, class V>
V quantize_value(const V& x, const V& factor, const V& zero_point, const V& low,
                 const V& high) noexcept {
  V scaled;
  if constexpr (Mode::divides)
    scaled = x / factor;
  else
    scaled = x * factor;
  const V shifted = detail::round_half_even(scaled) + zero_point;
  return detail::clamp(shifted, low, high);
}

/// quantize_value - zero_point as an integer, computed as
/// round_half_even(clamp(scale_input(x, factor), low - zero_point, high - zero_point)):
/// the kernels' form for ranges of at most 16 bits.
///
/// Rationale: it saves a rounding instruction and an add per vector. It equals
/// quantize_value whenever low, high and zero_point are integers below 2^24 in
/// magnitude: rounding is monotonic and keeps integers, so it commutes with a
/// clamp to integer bounds, and every sum is exact in float32 (a rounded value
/// beyond 2^24 saturates either way). harness/quant/arithmetic.test.cpp checks
/// the equality over every int8 and uint8 zero point and range.
template <arithmetic_mode Mode, class V>
auto quantize_value_shifted(const V& x, const V& factor, const V& shifted_low,
                            const V& shifted_high) noexcept {
  V scaled;
  if constexpr (Mode::divides)
    scaled = x / factor;
  else
    scaled = x * factor;
  return detail::round_to_int(detail::clamp(scaled, shifted_low, shifted_high));
}

/// y = (q - zero_point) * scale in float32: the subtraction first, as torchao
/// and ONNX do; never fused into a multiply-add.
template <class V>
V dequantize_value(const V& q, const V& zero_point, const V& scale) noexcept {
  return (q - zero_point) * scale;
}
}  // namespace QLOWER_KERNEL_NAMESPACE

}  // namespace qlower::quant
