// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/block_runs.hpp"
#include "qlower/quant/kernels/detail/isa_namespace.hpp"
#include "qlower/quant/kernels/lanes.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::quant {

/// torchao's MappingType: how a block's range becomes a scale.
enum class mapping_type : std::uint8_t {
  symmetric,                  ///< scale = max(|min|, |max|) / ((qmax - qmin) / 2), zp mid-range
  symmetric_no_clipping_err,  ///< scale = max(min / qmin, max / qmax), zp mid-range
  asymmetric,  ///< scale = (max - min) / (qmax - qmin), zp = qmin - round(min / scale)
};

struct choose_qparams_options {
  std::optional<std::int64_t> qmin;  ///< the dtype's bounds by default
  std::optional<std::int64_t> qmax;
  /// The smallest scale; torchao's default is float32's smallest normal
  /// (1.1754944e-38), not its machine epsilon.
  std::optional<float> eps;
};

namespace kernels {

inline namespace QLOWER_KERNEL_NAMESPACE {

/// A block's running minimum and maximum, and whether it met a NaN.
template <class Arch>
void reduce_min_max(const float* input, std::int64_t n, float& minimum, float& maximum,
                    bool& saw_nan) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  std::int64_t i = 0;
  if (n >= lanes) {
    batch low(minimum), high(maximum);
    xsimd::batch_bool<float, Arch> nan(false);
    for (; i + lanes <= n; i += lanes) {
      const batch x = batch::load_unaligned(input + i);
      low = xsimd::min(low, x);
      high = xsimd::max(high, x);
      nan = nan | xsimd::isnan(x);  // not x != x: an ordered compare on AVX
    }
    // xsimd 8 has no horizontal min / max; the lanes go through memory once per block
    alignas(64) float lows[lanes];
    alignas(64) float highs[lanes];
    low.store_aligned(lows);
    high.store_aligned(highs);
    for (std::int64_t lane = 0; lane < lanes; ++lane) {
      minimum = lows[lane] < minimum ? lows[lane] : minimum;
      maximum = highs[lane] > maximum ? highs[lane] : maximum;
    }
    saw_nan = saw_nan || xsimd::any(nan);
  }
  for (; i < n; ++i) {
    const float x = input[i];
    minimum = x < minimum ? x : minimum;
    maximum = x > maximum ? x : maximum;
    saw_nan = saw_nan || x != x;
  }
}

/// The kernel: every block's minimum and maximum into minima / maxima
/// (one per scale, initialised to +inf / -inf).
template <class Arch>
bool block_min_max(const float* input, const block_runs& runs, float* minima,
                   float* maxima) noexcept {
  const std::int64_t row = runs.axis_size * runs.inner;
  const std::int64_t block = runs.axis_block * runs.inner;
  bool saw_nan = false;
  runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
    std::int64_t index = scale_base;
    for (std::int64_t position = 0; position < row; position += block, ++index) {
      const std::int64_t n = smaller(block, row - position);
      reduce_min_max<Arch>(input + offset + position, n, minima[index], maxima[index], saw_nan);
    }
  });
  return saw_nan;
}

}  // namespace QLOWER_KERNEL_NAMESPACE

}  // namespace kernels

namespace kernels {
/// choose_qparams_affine with `min_max` as the kernel that finds every
/// block's range (a block_min_max instance).
template <class MinMax>
affine_qparams choose_qparams_using(MinMax&& min_max, std::span<const float> input,
                                    const qlower::shape& shape,
                                    std::span<const std::int64_t> block_size, mapping_type mapping,
                                    quant_dtype type, choose_qparams_options options) {
  const std::size_t rank = shape.rank();
  if (static_cast<std::int64_t>(input.size()) != shape.element_count())
    throw qparams_error("the input holds " + std::to_string(input.size()) + " elements but shape " +
                        shape.to_string() + " has " + std::to_string(shape.element_count()));
  if (shape.element_count() == 0)
    throw qparams_error("cannot choose qparams for the empty tensor of shape " + shape.to_string());
  if (rank > max_quantized_rank)
    throw qparams_error("the input " + shape.to_string() + " has rank " + std::to_string(rank) +
                        "; qlower quantizes tensors of rank up to " +
                        std::to_string(max_quantized_rank));
  if (block_size.size() != rank)
    throw qparams_error("block_size has " + std::to_string(block_size.size()) +
                        " entries but the input " + shape.to_string() + " has rank " +
                        std::to_string(rank));
  std::vector<std::int64_t> scale_dims(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t block = block_size[i];
    if (block < 1 || block > shape[i] || shape[i] % block != 0)
      throw qparams_error("block_size[" + std::to_string(i) + "] = " + std::to_string(block) +
                          " does not divide dimension " + std::to_string(i) + " of " +
                          shape.to_string());
    scale_dims[i] = shape[i] / block;
  }
  const quant_dtype_info& row = info(type);
  const std::int64_t qmin = options.qmin.value_or(row.min);
  const std::int64_t qmax = options.qmax.value_or(row.max);
  if (qmin < row.min || qmax > row.max || qmin > qmax)
    throw qparams_error("[qmin, qmax] = [" + std::to_string(qmin) + ", " + std::to_string(qmax) +
                        "] is empty or outside " + std::string(to_string(type)) + "'s range [" +
                        std::to_string(row.min) + ", " + std::to_string(row.max) + "]");
  // torchao divides by qmax - qmin (and symmetric_no_clipping_err by qmin and
  // qmax): a zero divisor gives an infinite or NaN scale, and a NaN scale a NaN
  // zero point whose conversion to an integer is undefined.
  if (qmin == qmax)
    throw qparams_error("[qmin, qmax] = [" + std::to_string(qmin) + ", " + std::to_string(qmax) +
                        "] holds one code: there is no range to choose a scale for");
  if (mapping == mapping_type::symmetric_no_clipping_err && !(qmin < 0 && qmax > 0))
    throw qparams_error(
        "symmetric_no_clipping_err divides by qmin and qmax, so it needs qmin < 0 "
        "< qmax; got [" +
        std::to_string(qmin) + ", " + std::to_string(qmax) + "]");
  const float eps = options.eps.value_or(std::numeric_limits<float>::min());
  if (!(eps > 0.0f) || std::isinf(eps))
    throw qparams_error("eps = " + std::to_string(eps) + " is not a positive finite number");

  const block_layout layout{std::vector<std::int64_t>(shape.dims().begin(), shape.dims().end()),
                            scale_dims,
                            std::vector<std::int64_t>(block_size.begin(), block_size.end())};
  const block_runs runs = block_runs::of(layout);
  const qlower::shape scale_shape(scale_dims);
  const auto count = static_cast<std::size_t>(scale_shape.element_count());
  std::vector<float> minima(count, std::numeric_limits<float>::infinity());
  std::vector<float> maxima(count, -std::numeric_limits<float>::infinity());
  const bool saw_nan = min_max(input.data(), runs, minima.data(), maxima.data());
  const bool saw_infinity =
      std::any_of(minima.begin(), minima.end(), [](float v) { return std::isinf(v); }) ||
      std::any_of(maxima.begin(), maxima.end(), [](float v) { return std::isinf(v); });
  if (saw_nan || saw_infinity) {
    const auto bad =
        std::find_if(input.begin(), input.end(), [](float v) { return !std::isfinite(v); });
    throw qparams_error("input element " + std::to_string(bad - input.begin()) + " is " +
                        (std::isnan(*bad) ? "NaN" : "infinite") +
                        "; choose_qparams_affine needs finite values");
  }

  const auto low = static_cast<float>(qmin);
  const auto high = static_cast<float>(qmax);
  const float_bounds zero_point_bounds =
      float_bounds::of(static_cast<std::int32_t>(qmin), static_cast<std::int32_t>(qmax));
  // torchao's int((qmax + qmin + 1) / 2): a true division, truncated
  const auto middle = static_cast<std::int32_t>(static_cast<double>(qmax + qmin + 1) / 2.0);
  std::vector<float> scales(count);
  std::vector<std::int32_t> zero_points(count);
  for (std::size_t i = 0; i < count; ++i) {
    const float min_neg = std::min(minima[i], 0.0f);
    const float max_pos = std::max(maxima[i], 0.0f);
    float scale = 0.0f;
    std::int32_t zero_point = middle;
    switch (mapping) {
      case mapping_type::symmetric: {
        const float amax = std::max(-min_neg, max_pos);
        scale = amax / static_cast<float>(static_cast<double>(qmax - qmin) / 2.0);
        break;
      }
      case mapping_type::symmetric_no_clipping_err: {
        const float scale_min = min_neg / low;
        const float scale_max = max_pos / high;
        scale = scale_min > scale_max ? scale_min : scale_max;
        break;
      }
      case mapping_type::asymmetric: {
        scale = (max_pos - min_neg) / static_cast<float>(qmax - qmin);
        break;
      }
    }
    scale = std::max(scale, eps);  // torch.clamp(scale, min=eps)
    if (mapping == mapping_type::asymmetric) {
      const float rounded = std::nearbyint(min_neg / scale);
      const float shifted = low - rounded;
      zero_point = static_cast<std::int32_t>(
          std::min(std::max(shifted, zero_point_bounds.low), zero_point_bounds.high));
    }
    scales[i] = scale;
    zero_points[i] = zero_point;
  }
  return affine_qparams(scale_shape, std::move(scales), std::move(zero_points), type, qmin, qmax);
}
}  // namespace kernels

/// Chooses scale and zero point per block of `block_size` so the block's
/// range [min(min, 0), max(max, 0)] maps onto [qmin, qmax]: torchao's
/// choose_qparams_affine (zero always exactly representable), in float32 and
/// in its operation order. The result has the keepdim scale shape
/// input[i] / block_size[i].
///
/// Throws qparams_error for a block size that does not fit the input, an
/// empty input, a bad range or eps, and an input holding NaN or an infinity
/// (the message names the first such element): a range with no finite bounds
/// has no scale.
template <class Arch = xsimd::default_arch>
affine_qparams choose_qparams_affine(std::span<const float> input, const qlower::shape& shape,
                                     std::span<const std::int64_t> block_size, mapping_type mapping,
                                     quant_dtype type, choose_qparams_options options = {}) {
  return kernels::choose_qparams_using(
      [](const float* data, const kernels::block_runs& runs, float* minima, float* maxima) {
        return kernels::block_min_max<Arch>(data, runs, minima, maxima);
      },
      input, shape, block_size, mapping, type, options);
}

}  // namespace qlower::quant
