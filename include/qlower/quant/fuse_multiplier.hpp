// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::quant {

/// A constant multiplier that cannot be folded into a quantized weight: a
/// non-finite factor, a length that is neither 1 nor the output channels, a
/// weight scale that is not per output channel, a zero or negative factor the
/// weight's range cannot express. The message names the offending value.
class fusion_error : public error {
 public:
  using error::error;
};

/// A quantized linear (or convolution) weight after a constant multiplier has
/// been folded into it: dequantize(weight, qparams) * x + bias equals the
/// unfused m * (dequantize(original) * x + original_bias), channel by channel.
template <quantized_storage Q>
struct fused_weight {
  std::vector<Q> weight;   ///< same shape and storage as the original weight
  affine_qparams qparams;  ///< same scale shape as the original: [K, 1] stays [K, 1]
  std::optional<std::vector<float>> bias;  ///< present when the original had one
};

namespace detail {

/// The shortest text that reads back as `value` ("0.1", "-2", "nan", "inf").
inline std::string float_text(float value) {
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return result.ec == std::errc{} ? std::string(buffer, result.ptr) : std::to_string(value);
}

inline std::string granularity_text(const affine_qparams& qparams) {
  if (qparams.is_per_tensor())
    return "per tensor";
  if (qparams.is_per_channel())
    return "per channel on axis " + std::to_string(*qparams.channel_axis());
  return "blockwise";
}

/// The fold of fuse_multiplier, on a multiplier already checked to have one
/// value (a scalar) or one value per output channel.
template <quantized_storage Q>
fused_weight<Q> fold_multiplier(std::span<const Q> weight, const qlower::shape& weight_shape,
                                const affine_qparams& qparams,
                                const std::optional<std::span<const float>>& bias,
                                std::span<const float> multiplier) {
  const std::string range = "[qmin, qmax] = [" + std::to_string(qparams.qmin()) + ", " +
                            std::to_string(qparams.qmax()) + "]";
  if (!stores<Q>(qparams.dtype()))
    throw fusion_error(std::string(to_string(qparams.dtype())) + " weights are not stored in a " +
                       std::to_string(sizeof(Q)) + "-byte " +
                       (std::is_signed_v<Q> ? "signed" : "unsigned") + " integer");
  if (static_cast<std::int64_t>(weight.size()) != weight_shape.element_count())
    throw fusion_error("the weight holds " + std::to_string(weight.size()) + " values but shape " +
                       weight_shape.to_string() + " has " +
                       std::to_string(weight_shape.element_count()));
  // the weight scale must describe this weight before it is rescaled
  const block_layout layout = qparams.layout_for(weight_shape);
  const bool scalar = multiplier.size() == 1;
  const std::int64_t channels = weight_shape.rank() == 0 ? 1 : weight_shape[0];

  if (!scalar) {
    // Why not widen a per-tensor scale to [K, 1]: channel k needs s * |m[k]|
    // (and, for m[k] < 0, a reflected zero point), which one number cannot
    // hold, and widening would change the weight's granularity behind the
    // back of whoever chose per-tensor weights (a delegate that only runs
    // per-tensor weights, a kernel picked for them). So the fold declines and
    // the multiply stays, as section 7 requires ("per-channel unless m is a
    // scalar"); a blockwise scale is declined for the same reason.
    const bool per_output_channel =
        qparams.is_per_channel() && qparams.channel_axis() == 0 && layout.block_size[0] == 1;
    if (!per_output_channel)
      throw fusion_error("a per-channel multiplier of " + std::to_string(multiplier.size()) +
                         " values needs a weight scale per output channel (shape [" +
                         std::to_string(channels) + ", 1, ...]); the weight scale has shape " +
                         qparams.scale_shape().to_string() + " (" + granularity_text(qparams) +
                         ") for the weight " + weight_shape.to_string());
  }
  if (bias && weight_shape.rank() == 0)
    throw fusion_error("a bias needs a weight with an output-channel axis; the weight is a scalar");
  if (bias && static_cast<std::int64_t>(bias->size()) != channels)
    throw fusion_error("the bias has " + std::to_string(bias->size()) + " values but the weight " +
                       weight_shape.to_string() + " has " + std::to_string(channels) +
                       " output channels");

  const bool has_zero_point = qparams.domain() == zero_point_domain::integer;
  const std::int64_t reflect_sum = std::int64_t{qparams.qmin()} + qparams.qmax();
  for (std::size_t k = 0; k < multiplier.size(); ++k) {
    const float m = multiplier[k];
    const std::string name = scalar ? "the multiplier " + float_text(m)
                                    : "multiplier[" + std::to_string(k) + "] = " + float_text(m);
    if (!std::isfinite(m))
      throw fusion_error(name + " is not finite; only a finite constant folds into a weight scale");
    if (m == 0.0f && (qparams.qmin() > 0 || qparams.qmax() < 0))
      throw fusion_error(name + " zeroes its channel's weights, but 0 is outside " + range);
    // Without a zero point, q' = (qmin + qmax) - q dequantizes to -q only when qmin + qmax == 0.
    if (m < 0.0f && !has_zero_point && reflect_sum != 0)
      throw fusion_error(name + " is negative: reflecting the weights without a zero point needs " +
                         "qmin + qmax = 0, but " + range);
  }
  for (std::size_t i = 0; i < weight.size(); ++i) {
    // a value outside the range would not reflect into it (and cannot come from quantize_affine)
    if (weight[i] < qparams.qmin() || weight[i] > qparams.qmax())
      throw fusion_error("weight[" + std::to_string(i) + "] = " + std::to_string(weight[i]) +
                         " is outside " + range);
  }

  // scale i belongs to channel i: a per-channel scale of shape [K, 1, ...] is row-major over K
  const std::span<const float> scale = qparams.scale();
  const std::span<const std::int32_t> zero_point = qparams.zero_point();
  std::vector<float> new_scale(scale.begin(), scale.end());
  std::vector<std::int32_t> new_zero_point(zero_point.begin(), zero_point.end());
  for (std::size_t i = 0; i < new_scale.size(); ++i) {
    const float m = multiplier[scalar ? 0 : i];
    if (m == 0.0f) {
      new_scale[i] = 1.0f;
      if (has_zero_point)
        new_zero_point[i] = 0;
      continue;
    }
    const float product = scale[i] * std::fabs(m);
    // a scale must be normal (qparams.hpp): a subnormal product underflows
    if (!std::isnormal(product))
      throw fusion_error("scale[" + std::to_string(i) + "] * |m| = " + float_text(scale[i]) +
                         " * " + float_text(std::fabs(m)) +
                         (std::isinf(product) ? " overflows" : " underflows") + " float32");
    new_scale[i] = product;
    if (m < 0.0f && has_zero_point)
      new_zero_point[i] = static_cast<std::int32_t>(reflect_sum - new_zero_point[i]);
  }

  std::vector<Q> new_weight(weight.begin(), weight.end());
  const std::size_t per_channel = scalar || channels == 0
                                      ? new_weight.size()
                                      : new_weight.size() / static_cast<std::size_t>(channels);
  for (std::size_t i = 0; i < new_weight.size(); ++i) {
    const float m = multiplier[scalar ? 0 : i / per_channel];
    if (m == 0.0f)
      new_weight[i] = 0;
    else if (m < 0.0f)
      new_weight[i] = static_cast<Q>(reflect_sum - std::int64_t{new_weight[i]});
  }

  std::optional<std::vector<float>> new_bias;
  if (bias) {
    new_bias.emplace(bias->begin(), bias->end());
    for (std::size_t k = 0; k < new_bias->size(); ++k)
      (*new_bias)[k] *= multiplier[scalar ? 0 : k];
  }

  affine_qparams fused(qparams.scale_shape(), std::move(new_scale), std::move(new_zero_point),
                       qparams.dtype(), qparams.qmin(), qparams.qmax());
  if (qparams.explicit_block_size())
    fused = fused.with_block_size(*qparams.explicit_block_size());
  return fused_weight<Q>{std::move(new_weight), std::move(fused), std::move(new_bias)};
}

}  // namespace detail

/// Folding a constant multiplier m that follows a quantized linear into its
/// weight keeps the weight scale's shape: a [K] factor on a [K, 1] scale gives
/// [K, 1], never the [K, K] outer product of seed 002.
///
/// `weight` holds the integer weight values of shape [K, ...] (linear [K, N],
/// convolution [K, C, kh, kw]), K output channels on axis 0, quantized with
/// `qparams`; `bias` is the op's float bias [K], if any; `multiplier` is one
/// value (a scalar or a one-element tensor, which broadcasts to every channel)
/// or K values in activation space: factor k scales output channel k, the
/// trailing dimension of a linear's output (dimension 1 of an NCHW
/// convolution's). The result, per channel k with
/// factor m = multiplier[k] (affine-quant.md section 7, FuseMulIntoLinear):
/// - m > 0: the weight scale becomes scale[k] * |m|; weights and zero point
///   are unchanged.
/// - m < 0: as m > 0, and the integer weights and zero point are reflected,
///   q' = (qmin + qmax) - q, so q' - zp' = -(q - zp) exactly.
/// - m == 0: the scale becomes 1 and the weights and zero point 0, so the
///   channel dequantizes to exactly 0.
/// - the bias becomes bias[k] * m.
/// A scalar m is folded the same way into every scale element, whatever the
/// weight scale's granularity. The float32 products s * |m| and b * m are
/// each rounded once, so the fused linear differs from the unfused pair by a
/// few float32 roundings, far inside one quantization step of the output.
///
/// Throws fusion_error (nothing half-folded escapes) for a multiplier value
/// that is not finite, a multiplier that has neither 1 nor K values, K values
/// with a weight scale that is not per channel on axis 0 (per tensor, on
/// another axis, blockwise), a zero factor where 0 is outside [qmin, qmax], a
/// negative factor without a zero point when qmin + qmax != 0, a weight value
/// outside [qmin, qmax], a bias of other than K values, storage that does not
/// hold the dtype, or a rescaled scale that overflows or underflows float32;
/// qparams_error when `qparams` do not fit the weight's shape.
///
/// Rationale: without the reshape a [K] factor broadcasts against the [K, 1]
/// scale into [K, K] (seed 002): for N a multiple of K that is even a valid
/// blockwise scale of the [K, N] weight, giving element (k, n) the factor of
/// channel n * K / N instead of k, so the fusion is silently wrong. Here the
/// factor is indexed by the scale's channel, never broadcast.
template <quantized_storage Q>
fused_weight<Q> fuse_multiplier(std::span<const Q> weight, const qlower::shape& weight_shape,
                                const affine_qparams& qparams,
                                const std::optional<std::span<const float>>& bias,
                                std::span<const float> multiplier) {
  const std::int64_t channels = weight_shape.rank() == 0 ? 1 : weight_shape[0];
  if (multiplier.size() != 1 && static_cast<std::int64_t>(multiplier.size()) != channels)
    throw fusion_error("the multiplier has " + std::to_string(multiplier.size()) +
                       " values but the weight " + weight_shape.to_string() + " has " +
                       std::to_string(channels) + " output channels; it must have 1 or " +
                       std::to_string(channels));
  return detail::fold_multiplier(weight, weight_shape, qparams, bias, multiplier);
}

/// The same fold for a scalar multiplier, which any weight scale accepts.
template <quantized_storage Q>
fused_weight<Q> fuse_multiplier(std::span<const Q> weight, const qlower::shape& weight_shape,
                                const affine_qparams& qparams,
                                const std::optional<std::span<const float>>& bias,
                                float multiplier) {
  return detail::fold_multiplier(weight, weight_shape, qparams, bias,
                                 std::span<const float>(&multiplier, 1));
}

}  // namespace qlower::quant
