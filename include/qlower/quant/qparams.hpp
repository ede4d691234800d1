// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::quant {

/// Quantization parameters that cannot describe an affine quantization: a
/// non-positive or non-finite scale, a zero point outside [qmin, qmax], a
/// block that does not divide its dimension ... The message names the value.
class qparams_error : public error {
 public:
  using error::error;
};

/// `value` in the shortest form that reads back as the same float ("1e-10",
/// "-0.5", "nan"), so a message names the value, not "-0.000000".
inline std::string float_text(float value) {
  char text[32];
  const std::to_chars_result end = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end.ptr);
}

/// The highest tensor rank the kernels quantize: their odometers live on the
/// stack (PyTorch's quantized tensors stop well below).
inline constexpr std::size_t max_quantized_rank = 16;

/// Whether a zero point is added (torchao's ZeroPointDomain INT) or not (NONE).
enum class zero_point_domain : std::uint8_t { integer, none };

/// Where one block of elements shares a scale: block_size[i] consecutive
/// indices along dimension i. The last block along a dimension may be partial
/// only when the qparams were given explicit block sizes (ONNX's blocked form).
struct block_layout {
  std::vector<std::int64_t> input_dims;
  std::vector<std::int64_t> scale_dims;  ///< same rank as input_dims; a singleton is all 1s
  std::vector<std::int64_t> block_size;  ///< same rank as input_dims

  friend bool operator==(const block_layout&, const block_layout&) = default;
};

/// Scale and zero point of an affine quantization, with its target dtype and
/// range: q = clamp(round(x / scale) + zero_point, qmin, qmax).
///
/// Granularity is the shape of the scale and nothing else (ExecuTorch's
/// fused_quant convention, torchao's block_size): a one-element scale is per
/// tensor; a scale of the input's rank has block_size[i] = input[i] /
/// scale[i], so one non-unary dimension is per channel and two or more are
/// per group or blockwise. Nothing about granularity is stored beside it.
///
/// Rationale: an axis field beside the scale can disagree with it; seed 002 is
/// a [K] factor broadcast against a [K, 1] scale into [K, K] for lack of this.
class affine_qparams {
 public:
  /// Per tensor; no zero point means the NONE domain. qmin and qmax default to
  /// the dtype's bounds.
  affine_qparams(float scale, std::optional<std::int32_t> zero_point, quant_dtype type,
                 std::optional<std::int64_t> qmin = std::nullopt,
                 std::optional<std::int64_t> qmax = std::nullopt)
      : affine_qparams(
            qlower::shape{}, std::vector<float>{scale},
            zero_point ? std::vector<std::int32_t>{*zero_point} : std::vector<std::int32_t>{}, type,
            qmin, qmax) {}

  /// A scale of shape `scale_shape` (row-major values) and a zero point of the
  /// same shape, or empty for the NONE domain. Throws qparams_error.
  affine_qparams(qlower::shape scale_shape, std::vector<float> scale,
                 std::vector<std::int32_t> zero_point, quant_dtype type,
                 std::optional<std::int64_t> qmin = std::nullopt,
                 std::optional<std::int64_t> qmax = std::nullopt)
      : scale_shape_(std::move(scale_shape)),
        scale_(std::move(scale)),
        zero_point_(std::move(zero_point)),
        type_(type) {
    const quant_dtype_info& row = info(type);
    const std::int64_t low = qmin.value_or(row.min);
    const std::int64_t high = qmax.value_or(row.max);
    const std::string type_name(to_string(type));
    if (low < row.min || low > row.max)
      throw qparams_error("qmin " + std::to_string(low) + " is outside " + type_name +
                          "'s range [" + std::to_string(row.min) + ", " + std::to_string(row.max) +
                          "]");
    if (high < row.min || high > row.max)
      throw qparams_error("qmax " + std::to_string(high) + " is outside " + type_name +
                          "'s range [" + std::to_string(row.min) + ", " + std::to_string(row.max) +
                          "]");
    if (low > high)
      throw qparams_error("qmin " + std::to_string(low) + " is greater than qmax " +
                          std::to_string(high));
    {
      // The kernels clamp in float32. Beyond 2^24 not every integer is a float,
      // and a narrow int32 range can hold none ([2147483647, 2147483647]):
      // no clamp keeps a code inside it then.
      float smallest = static_cast<float>(low);
      if (static_cast<double>(smallest) < static_cast<double>(low))
        smallest = std::nextafter(smallest, std::numeric_limits<float>::infinity());
      if (static_cast<double>(smallest) > static_cast<double>(high))
        throw qparams_error("[qmin, qmax] = [" + std::to_string(low) + ", " + std::to_string(high) +
                            "] holds no integer that float32 represents; the kernels compute in "
                            "float32, so no code could land inside it");
    }
    qmin_ = static_cast<std::int32_t>(low);
    qmax_ = static_cast<std::int32_t>(high);

    if (scale_.empty())
      throw qparams_error("the scale has no elements (shape " + scale_shape_.to_string() + ")");
    if (static_cast<std::int64_t>(scale_.size()) != scale_shape_.element_count())
      throw qparams_error("the scale has " + std::to_string(scale_.size()) +
                          " values but its shape " + scale_shape_.to_string() + " holds " +
                          std::to_string(scale_shape_.element_count()));
    for (std::size_t i = 0; i < scale_.size(); ++i) {
      const float value = scale_[i];
      const char* what = std::isnan(value)   ? "NaN"
                         : std::isinf(value) ? "infinite"
                         : value == 0.0f     ? "zero"
                         : value < 0.0f      ? "negative"
                         // its reciprocal overflows, and x * (1 / scale) would be NaN for x = 0
                         : !std::isnormal(value) ? "subnormal"
                                                 : nullptr;
      if (what != nullptr)
        throw qparams_error("scale[" + std::to_string(i) + "] = " + float_text(value) + " is " +
                            what + "; a scale must be positive, finite and normal");
    }
    if (!zero_point_.empty() && zero_point_.size() != scale_.size())
      throw qparams_error("the zero point has " + std::to_string(zero_point_.size()) +
                          " values but the scale has " + std::to_string(scale_.size()));
    for (std::size_t i = 0; i < zero_point_.size(); ++i) {
      if (zero_point_[i] < qmin_ || zero_point_[i] > qmax_)
        throw qparams_error("zero_point[" + std::to_string(i) + "] = " +
                            std::to_string(zero_point_[i]) + " is outside [qmin, qmax] = [" +
                            std::to_string(qmin_) + ", " + std::to_string(qmax_) + "]");
    }
  }

  /// A [C] vector of scales (and zero points) on `axis` of a rank-`rank`
  /// tensor, expanded to the full-rank shape [1, .., C, .., 1].
  static affine_qparams per_channel(std::vector<float> scale, std::vector<std::int32_t> zero_point,
                                    std::size_t axis, std::size_t rank, quant_dtype type,
                                    std::optional<std::int64_t> qmin = std::nullopt,
                                    std::optional<std::int64_t> qmax = std::nullopt) {
    if (axis >= rank)
      throw qparams_error("channel axis " + std::to_string(axis) + " is out of range for rank " +
                          std::to_string(rank));
    std::vector<std::int64_t> dims(rank, 1);
    dims[axis] = static_cast<std::int64_t>(scale.size());
    return affine_qparams(qlower::shape(std::move(dims)), std::move(scale), std::move(zero_point),
                          type, qmin, qmax);
  }

  /// The same parameters with explicit block sizes, for ONNX's blocked form
  /// where scale[i] = ceil(input[i] / block_size[i]) and the last block along a
  /// dimension may be partial. Checked against the input by layout_for().
  affine_qparams with_block_size(std::vector<std::int64_t> block_size) const {
    if (block_size.size() != scale_shape_.rank())
      throw qparams_error("block_size has rank " + std::to_string(block_size.size()) +
                          " but the scale has rank " + std::to_string(scale_shape_.rank()));
    for (std::size_t i = 0; i < block_size.size(); ++i) {
      if (block_size[i] < 1)
        throw qparams_error("block_size[" + std::to_string(i) +
                            "] = " + std::to_string(block_size[i]) + " is not positive");
    }
    affine_qparams result = *this;
    result.explicit_block_size_ = std::move(block_size);
    return result;
  }

  std::span<const float> scale() const noexcept { return scale_; }
  const qlower::shape& scale_shape() const noexcept { return scale_shape_; }
  /// Empty in the NONE domain.
  std::span<const std::int32_t> zero_point() const noexcept { return zero_point_; }
  zero_point_domain domain() const noexcept {
    return zero_point_.empty() ? zero_point_domain::none : zero_point_domain::integer;
  }
  quant_dtype dtype() const noexcept { return type_; }
  std::int32_t qmin() const noexcept { return qmin_; }
  std::int32_t qmax() const noexcept { return qmax_; }
  const std::optional<std::vector<std::int64_t>>& explicit_block_size() const noexcept {
    return explicit_block_size_;
  }

  bool is_per_tensor() const noexcept { return scale_.size() == 1; }
  bool is_per_channel() const noexcept { return non_unary_dims() == 1; }
  /// Per group or blockwise: two or more non-unary scale dimensions.
  bool is_blockwise() const noexcept { return non_unary_dims() >= 2; }

  /// 0 per tensor, the one non-unary scale dimension per channel, empty otherwise.
  std::optional<std::size_t> channel_axis() const noexcept {
    if (is_per_tensor())
      return 0;
    if (!is_per_channel())
      return std::nullopt;
    for (std::size_t i = 0; i < scale_shape_.rank(); ++i) {
      if (scale_shape_[i] != 1)
        return i;
    }
    return std::nullopt;
  }

  /// The scale's shape with its size-1 dimensions squeezed out ([K, 1] -> [K],
  /// [1, K, 1, G] -> [K, G]); the row-major values are unchanged by a squeeze.
  qlower::shape compact_shape() const {
    std::vector<std::int64_t> dims;
    for (std::int64_t dim : scale_shape_.dims()) {
      if (dim != 1)
        dims.push_back(dim);
    }
    return qlower::shape(std::move(dims));
  }

  /// The blocks these parameters give a tensor of shape `input`; throws
  /// qparams_error when they do not fit it.
  block_layout layout_for(const qlower::shape& input) const {
    const std::size_t rank = input.rank();
    if (rank > max_quantized_rank)
      throw qparams_error("the input " + input.to_string() + " has rank " + std::to_string(rank) +
                          "; qlower quantizes tensors of rank up to " +
                          std::to_string(max_quantized_rank));
    block_layout layout{std::vector<std::int64_t>(input.dims().begin(), input.dims().end()),
                        std::vector<std::int64_t>(rank, 1), std::vector<std::int64_t>(rank, 1)};
    const bool singleton = is_per_tensor() && !explicit_block_size_;
    if (singleton) {
      layout.block_size = layout.input_dims;
      return layout;
    }
    if (scale_shape_.rank() != rank)
      throw qparams_error("the scale has shape " + scale_shape_.to_string() + " of rank " +
                          std::to_string(scale_shape_.rank()) + " but the input " +
                          input.to_string() + " has rank " + std::to_string(rank) +
                          "; a scale is one element or of the input's rank");
    for (std::size_t i = 0; i < rank; ++i) {
      const std::int64_t size = input[i];
      const std::int64_t scales = scale_shape_[i];
      layout.scale_dims[i] = scales;
      if (explicit_block_size_) {
        const std::int64_t block = (*explicit_block_size_)[i];
        const std::int64_t needed = size == 0 ? 1 : (size - 1) / block + 1;  // no overflow
        if (scales != needed)
          throw qparams_error("dimension " + std::to_string(i) + " of size " +
                              std::to_string(size) + " in blocks of " + std::to_string(block) +
                              " needs " + std::to_string(needed) + " scales, the scale has " +
                              std::to_string(scales));
        layout.block_size[i] = block;
        continue;
      }
      if (scales == 1) {
        layout.block_size[i] = size;
        continue;
      }
      if (size < scales || size % scales != 0)
        throw qparams_error("dimension " + std::to_string(i) + " of the input " +
                            input.to_string() + " (size " + std::to_string(size) +
                            ") is not divisible into " + std::to_string(scales) +
                            " blocks (scale shape " + scale_shape_.to_string() + ")");
      layout.block_size[i] = size / scales;
    }
    return layout;
  }

  friend bool operator==(const affine_qparams&, const affine_qparams&) = default;

 private:
  std::size_t non_unary_dims() const noexcept {
    std::size_t count = 0;
    for (std::int64_t dim : scale_shape_.dims())
      count += dim != 1 ? 1 : 0;
    return count;
  }

  qlower::shape scale_shape_;
  std::vector<float> scale_;
  std::vector<std::int32_t> zero_point_;
  quant_dtype type_;
  std::int32_t qmin_ = 0;
  std::int32_t qmax_ = 0;
  std::optional<std::vector<std::int64_t>> explicit_block_size_;
};

}  // namespace qlower::quant
