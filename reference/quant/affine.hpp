// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naive model of affine quantization, written from affine-quant.md 6.3 to
// 6.5 and the element rules the library defines (NaN, infinities, the float
// clamp bounds), independent of include/qlower/quant: one scalar loop over the
// input's multi-index, and for each element its scale found by dividing the
// index by the block size. No runs, no lanes, no reuse of the library's
// layout code: those are what it checks.
//
// Floating-point discipline: every float operation is its own statement on
// named float variables, so no compiler may contract a multiply and an add
// into an FMA (contraction happens only within one expression), and every
// intermediate is rounded to float32 as torch rounds a float32 tensor's.

#include <cfloat>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace qlower::reference::quant {

/// Everything that decides one affine quantization, as plain vectors.
///
/// Element x[idx] uses scale[s] with s = sum_i (idx_i / block_size[i]) *
/// scale_stride_i (row-major strides of scale_dims). scale_dims[i] must be
/// ceil(input_dims[i] / block_size[i]) (1 for an empty dimension), so the last
/// block along a dimension may be partial, as ONNX's blocked form allows. Per
/// tensor is scale_dims all 1 with block_size = input_dims (at least 1).
struct params {
  std::vector<std::int64_t> input_dims;
  std::vector<std::int64_t> scale_dims;  ///< same rank as input_dims
  std::vector<std::int64_t> block_size;  ///< same rank as input_dims, each >= 1
  std::vector<float> scale;              ///< row-major over scale_dims
  std::vector<std::int32_t> zero_point;  ///< empty: no zero point (torchao's NONE domain)
  std::int64_t qmin = 0;
  std::int64_t qmax = 0;
  /// ONNX QuantizeLinear divides by the scale; torchao multiplies by the
  /// float32 reciprocal 1.0f / scale. The two differ on near-tie inputs.
  bool onnx_division = false;
};

/// How choose_qparams maps a block's range to a scale (torchao's MappingType).
enum class mapping { symmetric, symmetric_no_clipping_err, asymmetric };

namespace detail {

inline std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(dims[i]);
  return text + "]";
}

inline std::int64_t product(const std::vector<std::int64_t>& dims) {
  std::int64_t count = 1;
  for (std::int64_t dim : dims)
    count *= dim;
  return count;
}

/// Throws std::invalid_argument, naming the value, when `p` does not describe
/// a quantization of `element_count` elements.
inline void check(const params& p, std::size_t element_count) {
  const std::size_t rank = p.input_dims.size();
  if (p.scale_dims.size() != rank || p.block_size.size() != rank)
    throw std::invalid_argument("input dims " + dims_text(p.input_dims) + ", scale dims " +
                                dims_text(p.scale_dims) + " and block size " +
                                dims_text(p.block_size) + " differ in rank");
  for (std::size_t i = 0; i < rank; ++i) {
    if (p.input_dims[i] < 0 || p.block_size[i] < 1)
      throw std::invalid_argument("dimension " + std::to_string(i) + ": input size " +
                                  std::to_string(p.input_dims[i]) + ", block size " +
                                  std::to_string(p.block_size[i]));
    const std::int64_t size = p.input_dims[i];
    const std::int64_t block = p.block_size[i];
    const std::int64_t blocks = size == 0 ? 1 : size / block + (size % block != 0 ? 1 : 0);
    if (p.scale_dims[i] != blocks)
      throw std::invalid_argument("dimension " + std::to_string(i) + " of size " +
                                  std::to_string(size) + " in blocks of " + std::to_string(block) +
                                  " needs " + std::to_string(blocks) + " scales, scale dims are " +
                                  dims_text(p.scale_dims));
  }
  if (static_cast<std::int64_t>(p.scale.size()) != product(p.scale_dims))
    throw std::invalid_argument(std::to_string(p.scale.size()) + " scales for scale dims " +
                                dims_text(p.scale_dims));
  if (!p.zero_point.empty() && p.zero_point.size() != p.scale.size())
    throw std::invalid_argument(std::to_string(p.zero_point.size()) + " zero points for " +
                                std::to_string(p.scale.size()) + " scales");
  if (static_cast<std::int64_t>(element_count) != product(p.input_dims))
    throw std::invalid_argument(std::to_string(element_count) + " values for input dims " +
                                dims_text(p.input_dims));
  if (p.qmin > p.qmax || p.qmin < std::numeric_limits<std::int32_t>::min() ||
      p.qmax > std::numeric_limits<std::int32_t>::max())
    throw std::invalid_argument("[qmin, qmax] = [" + std::to_string(p.qmin) + ", " +
                                std::to_string(p.qmax) + "] is empty or wider than int32");
}

/// For each element in row-major order, the index of its scale: an explicit
/// odometer over the multi-index, the scale index recomputed from scratch at
/// every element.
inline std::vector<std::size_t> scale_index_of_each_element(const params& p) {
  const std::size_t rank = p.input_dims.size();
  std::vector<std::int64_t> scale_stride(rank, 1);
  for (std::size_t i = rank; i-- > 1;)
    scale_stride[i - 1] = scale_stride[i] * p.scale_dims[i];
  const std::int64_t count = product(p.input_dims);
  std::vector<std::size_t> result;
  result.reserve(static_cast<std::size_t>(count));
  std::vector<std::int64_t> idx(rank, 0);
  for (std::int64_t n = 0; n < count; ++n) {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < rank; ++i)
      s += (idx[i] / p.block_size[i]) * scale_stride[i];
    result.push_back(static_cast<std::size_t>(s));
    for (std::size_t i = rank; i-- > 0;) {  // the odometer: last index fastest
      if (++idx[i] < p.input_dims[i])
        break;
      idx[i] = 0;
    }
  }
  return result;
}

/// The smallest float >= qmin and the largest float <= qmax: float32 cannot
/// hold 2^31 - 1, and clamping to float(2^31 - 1) = 2^31 would make the cast
/// to an integer undefined.
struct clamp_bounds {
  float low;
  float high;
};
inline clamp_bounds float_bounds(std::int64_t qmin, std::int64_t qmax) {
  float low = static_cast<float>(qmin);
  while (static_cast<long double>(low) < static_cast<long double>(qmin))
    low = std::nextafter(low, std::numeric_limits<float>::infinity());
  float high = static_cast<float>(qmax);
  while (static_cast<long double>(high) > static_cast<long double>(qmax))
    high = std::nextafter(high, -std::numeric_limits<float>::infinity());
  return {low, high};
}

/// `value` clamped to [low, high]; NaN becomes low.
inline float clamp(float value, float low, float high) {
  if (std::isnan(value) || value < low)
    return low;
  if (value > high)
    return high;
  return value;
}

}  // namespace detail

/// One element of quantize: clamp(nearbyint(x / scale) + zero_point) (ONNX)
/// or clamp(nearbyint(x * (1.0f / scale)) + zero_point) (torchao), in float32.
///
/// A NaN product or quotient (a NaN input) quantizes to qmin, the lower clamp
/// bound, as XNNPACK's converts do. +-inf saturate to the clamp bounds.
/// Rounding is std::nearbyint in the default mode: half to even.
inline std::int64_t quantize_one(float x, float scale, std::int32_t zero_point, bool has_zero_point,
                                 std::int64_t qmin, std::int64_t qmax, bool onnx_division) {
  float scaled;
  if (onnx_division) {
    scaled = x / scale;
  } else {
    const float reciprocal = 1.0f / scale;
    scaled = x * reciprocal;
  }
  const float rounded = std::nearbyint(scaled);
  const float zp = has_zero_point ? static_cast<float>(zero_point) : 0.0f;
  const float shifted = rounded + zp;
  const detail::clamp_bounds bounds = detail::float_bounds(qmin, qmax);
  const float clamped = detail::clamp(shifted, bounds.low, bounds.high);
  return static_cast<std::int64_t>(clamped);
}

/// One element of dequantize: (float(q) - float(zero_point)) * scale, in
/// float32; without a zero point, float(q) * scale.
template <std::integral T>
float dequantize_one(T q, float scale, std::int32_t zero_point, bool has_zero_point) {
  const float value = static_cast<float>(q);
  const float zp = has_zero_point ? static_cast<float>(zero_point) : 0.0f;
  const float shifted = value - zp;
  const float result = shifted * scale;
  return result;
}

/// quantize_affine over a whole tensor (row-major `input`), as integer values
/// in [qmin, qmax]. Throws std::invalid_argument when `p` does not fit the input.
inline std::vector<std::int64_t> quantize(const params& p, const std::vector<float>& input) {
  detail::check(p, input.size());
  const std::vector<std::size_t> which = detail::scale_index_of_each_element(p);
  std::vector<std::int64_t> result(input.size());
  const bool has_zero_point = !p.zero_point.empty();
  for (std::size_t n = 0; n < input.size(); ++n) {
    const std::size_t s = which[n];
    result[n] = quantize_one(input[n], p.scale[s], has_zero_point ? p.zero_point[s] : 0,
                             has_zero_point, p.qmin, p.qmax, p.onnx_division);
  }
  return result;
}

/// dequantize_affine over a whole tensor of integer values. qmin, qmax and
/// onnx_division are not used (both conventions subtract, then multiply).
/// Throws std::invalid_argument when `p` does not fit the input.
template <std::integral T>
std::vector<float> dequantize(const params& p, const std::vector<T>& input) {
  detail::check(p, input.size());
  const std::vector<std::size_t> which = detail::scale_index_of_each_element(p);
  std::vector<float> result(input.size());
  const bool has_zero_point = !p.zero_point.empty();
  for (std::size_t n = 0; n < input.size(); ++n) {
    const std::size_t s = which[n];
    result[n] =
        dequantize_one(input[n], p.scale[s], has_zero_point ? p.zero_point[s] : 0, has_zero_point);
  }
  return result;
}

/// choose_qparams_affine (affine-quant.md 6.5) for a float32 input, one scale
/// and zero point per block, with torch's float32 operation order; the result
/// quantizes the input (torchao's multiply, not ONNX's division).
///
/// Every block_size[i] must divide input_dims[i] (torchao asserts it; there is
/// no partial block here). eps defaults to FLT_MIN, float32's smallest normal.
/// Throws std::invalid_argument for an input holding NaN or +-inf (torch
/// would produce NaN or infinite scales; the reference calls that an error),
/// for a block that does not divide, and for qmin > qmax.
///
/// Corner cases kept as torch computes them: the symmetric zero point is
/// int((qmax + qmin + 1) / 2) without a clamp (outside [qmin, qmax] only when
/// qmin == qmax is negative); a division by zero (qmin == qmax, or
/// symmetric_no_clipping_err with qmin or qmax 0) gives an infinite or NaN
/// scale, and a NaN scale stays NaN through the eps clamp. Defined here where
/// torch is not: the asymmetric zero point is clamped in float32 to the float
/// clamp bounds (as quantize clamps), so for int32 it never exceeds
/// 2147483520, and a NaN one (from a NaN scale) counts as 0 before the clamp.
inline params choose_qparams(const std::vector<std::int64_t>& input_dims,
                             const std::vector<float>& input,
                             const std::vector<std::int64_t>& block_size, mapping how,
                             std::int64_t qmin, std::int64_t qmax, float eps = FLT_MIN) {
  const std::size_t rank = input_dims.size();
  if (block_size.size() != rank)
    throw std::invalid_argument("block size " + detail::dims_text(block_size) + " for input dims " +
                                detail::dims_text(input_dims));
  params p;
  p.input_dims = input_dims;
  p.block_size = block_size;
  p.scale_dims.assign(rank, 1);
  p.qmin = qmin;
  p.qmax = qmax;
  for (std::size_t i = 0; i < rank; ++i) {
    if (block_size[i] < 1 || input_dims[i] % block_size[i] != 0)
      throw std::invalid_argument("block size " + std::to_string(block_size[i]) +
                                  " does not divide dimension " + std::to_string(i) + " of size " +
                                  std::to_string(input_dims[i]));
    p.scale_dims[i] = input_dims[i] == 0 ? 1 : input_dims[i] / block_size[i];
  }
  for (std::size_t n = 0; n < input.size(); ++n) {
    if (!std::isfinite(input[n]))
      throw std::invalid_argument("input[" + std::to_string(n) + "] = " + std::to_string(input[n]) +
                                  " is not finite");
  }
  const std::int64_t blocks = detail::product(p.scale_dims);
  p.scale.assign(static_cast<std::size_t>(blocks), 0.0f);
  p.zero_point.assign(static_cast<std::size_t>(blocks), 0);
  detail::check(p, input.size());

  // amin / amax per block, starting from the first element seen: torch's
  // reduction over the block, exact whatever the order.
  std::vector<float> min_val(static_cast<std::size_t>(blocks), 0.0f);
  std::vector<float> max_val(static_cast<std::size_t>(blocks), 0.0f);
  std::vector<bool> seen(static_cast<std::size_t>(blocks), false);
  const std::vector<std::size_t> which = detail::scale_index_of_each_element(p);
  for (std::size_t n = 0; n < input.size(); ++n) {
    const std::size_t s = which[n];
    if (!seen[s]) {
      min_val[s] = input[n];
      max_val[s] = input[n];
      seen[s] = true;
      continue;
    }
    if (input[n] < min_val[s])
      min_val[s] = input[n];
    if (input[n] > max_val[s])
      max_val[s] = input[n];
  }

  const float q_low = static_cast<float>(qmin);
  const float q_high = static_cast<float>(qmax);
  const float range = static_cast<float>(static_cast<double>(qmax - qmin));
  const float half_range = static_cast<float>(static_cast<double>(qmax - qmin) / 2.0);
  // Python's int((qmax + qmin + 1) / 2): a true division, then truncation toward zero.
  const auto symmetric_zp = static_cast<std::int32_t>(static_cast<double>(qmax + qmin + 1) / 2.0);
  const detail::clamp_bounds bounds = detail::float_bounds(qmin, qmax);

  for (std::size_t s = 0; s < static_cast<std::size_t>(blocks); ++s) {
    // torch.min(min_val, 0) and torch.max(max_val, 0): zero is always representable.
    const float min_neg = min_val[s] < 0.0f ? min_val[s] : 0.0f;
    const float max_pos = max_val[s] > 0.0f ? max_val[s] : 0.0f;
    float scale = 0.0f;
    std::int32_t zero_point = 0;
    if (how == mapping::symmetric) {
      const float negated = -min_neg;
      const float amax = negated > max_pos ? negated : max_pos;
      scale = amax / half_range;
      zero_point = symmetric_zp;
    } else if (how == mapping::symmetric_no_clipping_err) {
      const float smin = min_neg / q_low;
      const float smax = max_pos / q_high;
      scale = smin > smax ? smin : smax;  // torch.where(smin > smax, smin, smax)
      zero_point = symmetric_zp;
    } else {
      const float spread = max_pos - min_neg;
      scale = spread / range;
    }
    // torch.clamp(scale, min=eps) keeps a NaN scale NaN.
    if (scale < eps)
      scale = eps;
    if (how == mapping::asymmetric) {
      const float quotient = min_neg / scale;
      const float rounded = std::nearbyint(quotient);
      float shifted = q_low - rounded;
      // A NaN scale (0 / 0 when qmin == qmax) gives a NaN zero point, which
      // torch casts to garbage; like a NaN in quantize, it counts as 0.
      if (std::isnan(shifted))
        shifted = 0.0f;
      const float clamped = detail::clamp(shifted, bounds.low, bounds.high);
      zero_point = static_cast<std::int32_t>(clamped);
    }
    p.scale[s] = scale;
    p.zero_point[s] = zero_point;
  }
  return p;
}

/// Two 4-bit values per byte: element 2i in the low nibble of byte i, element
/// 2i + 1 in its high nibble; an odd count leaves the last high nibble 0.
/// Throws std::invalid_argument, naming it, for a value outside [-8, 7]
/// (is_signed) or [0, 15].
template <std::integral T>
std::vector<std::uint8_t> pack_int4(const std::vector<T>& values, bool is_signed) {
  const std::int64_t low = is_signed ? -8 : 0;
  const std::int64_t high = is_signed ? 7 : 15;
  std::vector<std::uint8_t> bytes((values.size() + 1) / 2, 0);
  for (std::size_t n = 0; n < values.size(); ++n) {
    const auto value = static_cast<std::int64_t>(values[n]);
    if (value < low || value > high)
      throw std::invalid_argument("value[" + std::to_string(n) + "] = " + std::to_string(value) +
                                  " is outside [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "]");
    // Two's complement: -8..-1 are the nibbles 8..15.
    const auto nibble = static_cast<std::uint8_t>(value < 0 ? value + 16 : value);
    if (n % 2 == 0)
      bytes[n / 2] = static_cast<std::uint8_t>(bytes[n / 2] | nibble);
    else
      bytes[n / 2] = static_cast<std::uint8_t>(bytes[n / 2] | (nibble * 16));
  }
  return bytes;
}

/// The first `count` 4-bit values of `bytes` (pack_int4's layout), sign-extended
/// when is_signed. Throws std::invalid_argument when `bytes` is too short.
inline std::vector<std::int32_t> unpack_int4(const std::vector<std::uint8_t>& bytes,
                                             std::size_t count, bool is_signed) {
  if (bytes.size() < (count + 1) / 2)
    throw std::invalid_argument(std::to_string(bytes.size()) + " bytes hold fewer than " +
                                std::to_string(count) + " 4-bit values");
  std::vector<std::int32_t> values(count);
  for (std::size_t n = 0; n < count; ++n) {
    const std::uint8_t byte = bytes[n / 2];
    const int nibble = n % 2 == 0 ? byte % 16 : byte / 16;
    values[n] = is_signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return values;
}

}  // namespace qlower::reference::quant
