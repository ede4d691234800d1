// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naive model behind the batch-norm folding checks: convolution, inference batch norm and
// linear as ATen defines them, so a test can run conv -> batch_norm (or linear -> batch_norm) on
// the original weights and the folded conv (or linear) on the folded weights, and compare. It is
// written from ATen's op semantics, not from include/qlower/passes: one scalar loop per output
// element over an explicit multi-index, no im2col, no reuse of the library's shape or layout code,
// because those are what it checks.
//
// Arithmetic is in double and each result is rounded once to float, so the model's own error is
// far below the float32 error of the pass under test and a tolerance only has to cover the latter.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace qlower::reference {

/// A dense float32 tensor: `values` holds element_count(shape) elements in row-major order.
struct tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

namespace detail::batch_norm_fold {

inline std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  return text + "]";
}

inline std::string list_text(std::span<const std::int64_t> list) {
  return shape_text(std::vector<std::int64_t>(list.begin(), list.end()));
}

}  // namespace detail::batch_norm_fold

/// The number of elements of a tensor of `shape` (1 for rank 0); throws std::invalid_argument,
/// naming the shape, when a dimension is negative.
inline std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t count = 1;
  for (std::int64_t dim : shape) {
    if (dim < 0)
      throw std::invalid_argument("shape " + detail::batch_norm_fold::shape_text(shape) +
                                  " has a negative dimension");
    count *= dim;
  }
  return count;
}

namespace detail::batch_norm_fold {

/// Throws std::invalid_argument, naming the tensor, when its values do not fill its shape.
inline void check_values(const tensor& t, const std::string& name) {
  const std::int64_t count = element_count(t.shape);
  if (static_cast<std::int64_t>(t.values.size()) != count)
    throw std::invalid_argument(name + " has " + std::to_string(t.values.size()) +
                                " values for shape " + shape_text(t.shape) + " of " +
                                std::to_string(count) + " elements");
}

/// Throws std::invalid_argument unless `t` is the rank-1 tensor [size] a per-channel operand must
/// be.
inline void check_vector(const tensor& t, std::int64_t size, const std::string& name) {
  check_values(t, name);
  if (t.shape.size() != 1 || t.shape[0] != size)
    throw std::invalid_argument(name + " has shape " + shape_text(t.shape) + ", expected [" +
                                std::to_string(size) + "]");
}

/// The per-spatial-dimension list ATen uses: a one-element list stands for every dimension
/// (at::_convolution expands it), any other length must match the spatial rank.
inline std::vector<std::int64_t> per_dimension(std::span<const std::int64_t> list,
                                               std::size_t spatial_rank, const std::string& name) {
  if (list.size() == 1)
    return std::vector<std::int64_t>(spatial_rank, list[0]);
  if (list.size() != spatial_rank)
    throw std::invalid_argument(name + " " + list_text(list) + " has " +
                                std::to_string(list.size()) + " entries for " +
                                std::to_string(spatial_rank) + " spatial dimensions");
  return std::vector<std::int64_t>(list.begin(), list.end());
}

/// Steps `index` to the next multi-index of `extent` in row-major order; false after the last one,
/// so a do-while visits every index once (every extent must be at least 1).
inline bool advance(std::vector<std::int64_t>& index, const std::vector<std::int64_t>& extent) {
  for (std::size_t i = index.size(); i-- > 0;) {
    if (++index[i] < extent[i])
      return true;
    index[i] = 0;
  }
  return false;
}

/// The row-major position of `index` in a tensor of `shape`, recomputed from scratch each call
/// so no stride bookkeeping can go wrong.
inline std::size_t offset_of(const std::vector<std::int64_t>& shape,
                             const std::vector<std::int64_t>& index) {
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < shape.size(); ++i)
    offset = offset * shape[i] + index[i];
  return static_cast<std::size_t>(offset);
}

}  // namespace detail::batch_norm_fold

/// aten.convolution.default, non-transposed, for any number of spatial dimensions.
///
/// input is [N, C_in, spatial...], weight [C_out, C_in / groups, kernel...], bias [C_out] or null.
/// Padding is zeros, the same amount on both sides of each spatial dimension; output size along
/// a dimension is floor((in + 2 * pad - dilation * (k - 1) - 1) / stride) + 1. As in ATen, a
/// one-element stride, padding or dilation applies to every spatial dimension. Output channel oc
/// reads input channels [g * C_in / groups, (g + 1) * C_in / groups) with g = oc / (C_out /
/// groups). Products are summed in double and rounded to float once. Throws
/// std::invalid_argument, naming the offending value, on inconsistent shapes or parameters.
inline tensor convolution(const tensor& input, const tensor& weight, const tensor* bias,
                          std::span<const std::int64_t> stride,
                          std::span<const std::int64_t> padding,
                          std::span<const std::int64_t> dilation, std::int64_t groups) {
  namespace d = detail::batch_norm_fold;
  d::check_values(input, "input");
  d::check_values(weight, "weight");
  if (input.shape.size() < 3)
    throw std::invalid_argument(
        "input shape " + d::shape_text(input.shape) +
        " is not [N, C_in, spatial...] with at least one spatial dimension");
  if (weight.shape.size() != input.shape.size())
    throw std::invalid_argument("weight shape " + d::shape_text(weight.shape) +
                                " does not have the rank of input shape " +
                                d::shape_text(input.shape));
  const std::size_t spatial_rank = input.shape.size() - 2;
  const std::vector<std::int64_t> s = d::per_dimension(stride, spatial_rank, "stride");
  const std::vector<std::int64_t> p = d::per_dimension(padding, spatial_rank, "padding");
  const std::vector<std::int64_t> dl = d::per_dimension(dilation, spatial_rank, "dilation");
  if (groups < 1)
    throw std::invalid_argument("groups " + std::to_string(groups) + " is below 1");

  const std::int64_t batch = input.shape[0];
  const std::int64_t in_channels = input.shape[1];
  const std::int64_t out_channels = weight.shape[0];
  if (in_channels % groups != 0)
    throw std::invalid_argument("input channels " + std::to_string(in_channels) +
                                " are not divisible by groups " + std::to_string(groups));
  if (out_channels % groups != 0)
    throw std::invalid_argument("output channels " + std::to_string(out_channels) +
                                " are not divisible by groups " + std::to_string(groups));
  const std::int64_t in_per_group = in_channels / groups;
  const std::int64_t out_per_group = out_channels / groups;
  if (weight.shape[1] != in_per_group)
    throw std::invalid_argument(
        "weight shape " + d::shape_text(weight.shape) + " has " + std::to_string(weight.shape[1]) +
        " input channels per group, expected " + std::to_string(in_channels) + " / " +
        std::to_string(groups) + " = " + std::to_string(in_per_group));
  if (bias != nullptr)
    d::check_vector(*bias, out_channels, "bias");

  std::vector<std::int64_t> kernel(spatial_rank);
  std::vector<std::int64_t> out_spatial(spatial_rank);
  for (std::size_t i = 0; i < spatial_rank; ++i) {
    const std::string dim = " of spatial dimension " + std::to_string(i);
    kernel[i] = weight.shape[2 + i];
    if (s[i] < 1)
      throw std::invalid_argument("stride " + std::to_string(s[i]) + dim + " is below 1");
    if (dl[i] < 1)
      throw std::invalid_argument("dilation " + std::to_string(dl[i]) + dim + " is below 1");
    if (p[i] < 0)
      throw std::invalid_argument("padding " + std::to_string(p[i]) + dim + " is negative");
    if (kernel[i] < 1)
      throw std::invalid_argument("kernel size " + std::to_string(kernel[i]) + dim + " is below 1");
    const std::int64_t padded = input.shape[2 + i] + 2 * p[i];
    const std::int64_t window = dl[i] * (kernel[i] - 1) + 1;
    // ATen rejects a window wider than the padded input rather than producing an empty output.
    if (padded < window)
      throw std::invalid_argument("dilated kernel extent " + std::to_string(window) + dim +
                                  " exceeds padded input size " + std::to_string(padded));
    out_spatial[i] = (padded - window) / s[i] + 1;
  }

  tensor output;
  output.shape = {batch, out_channels};
  output.shape.insert(output.shape.end(), out_spatial.begin(), out_spatial.end());
  output.values.assign(static_cast<std::size_t>(element_count(output.shape)), 0.0f);

  std::vector<std::int64_t> input_index(input.shape.size());
  std::vector<std::int64_t> weight_index(weight.shape.size());
  std::vector<std::int64_t> output_index(output.shape.size());
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t oc = 0; oc < out_channels; ++oc) {
      const std::int64_t group = oc / out_per_group;
      std::vector<std::int64_t> o(spatial_rank, 0);
      do {
        double sum =
            bias != nullptr ? static_cast<double>(bias->values[static_cast<std::size_t>(oc)]) : 0.0;
        for (std::int64_t ic = 0; ic < in_per_group; ++ic) {
          std::vector<std::int64_t> k(spatial_rank, 0);
          do {
            bool inside = true;
            for (std::size_t i = 0; i < spatial_rank; ++i) {
              const std::int64_t at = o[i] * s[i] - p[i] + k[i] * dl[i];
              // Outside the input is the zero padding, which adds nothing.
              if (at < 0 || at >= input.shape[2 + i])
                inside = false;
              input_index[2 + i] = at;
              weight_index[2 + i] = k[i];
            }
            if (inside) {
              input_index[0] = n;
              input_index[1] = group * in_per_group + ic;
              weight_index[0] = oc;
              weight_index[1] = ic;
              const double x = input.values[d::offset_of(input.shape, input_index)];
              const double w = weight.values[d::offset_of(weight.shape, weight_index)];
              sum += x * w;
            }
          } while (d::advance(k, kernel));
        }
        output_index[0] = n;
        output_index[1] = oc;
        for (std::size_t i = 0; i < spatial_rank; ++i)
          output_index[2 + i] = o[i];
        output.values[d::offset_of(output.shape, output_index)] = static_cast<float>(sum);
      } while (d::advance(o, out_spatial));
    }
  }
  return output;
}

/// aten.batch_norm (and _native_batch_norm_legit_no_training) in inference mode: every element x
/// of channel c (axis 1) becomes (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c].
///
/// input has rank >= 2; weight (gamma), bias (beta), running_mean and running_var are [C]. A null
/// weight means gamma = 1 and a null bias beta = 0, as ATen's optional tensors do. Computed in
/// double, rounded to float once. eps is not checked: var + eps <= 0 gives the inf or NaN ATen
/// would. Throws std::invalid_argument, naming the offending shape, on inconsistent shapes.
inline tensor batch_norm_inference(const tensor& input, const tensor* weight, const tensor* bias,
                                   const tensor& running_mean, const tensor& running_var,
                                   double eps) {
  namespace d = detail::batch_norm_fold;
  d::check_values(input, "input");
  if (input.shape.size() < 2)
    throw std::invalid_argument("input shape " + d::shape_text(input.shape) +
                                " has no channel axis 1");
  const std::int64_t channels = input.shape[1];
  d::check_vector(running_mean, channels, "running_mean");
  d::check_vector(running_var, channels, "running_var");
  if (weight != nullptr)
    d::check_vector(*weight, channels, "weight");
  if (bias != nullptr)
    d::check_vector(*bias, channels, "bias");

  // Elements per (n, c) slice: everything after the channel axis.
  std::int64_t inner = 1;
  for (std::size_t i = 2; i < input.shape.size(); ++i)
    inner *= input.shape[i];

  tensor output{input.shape, std::vector<float>(input.values.size())};
  for (std::size_t f = 0; f < input.values.size(); ++f) {
    const std::size_t c =
        static_cast<std::size_t>((static_cast<std::int64_t>(f) / inner) % channels);
    const double x = input.values[f];
    const double mean = running_mean.values[c];
    const double var = running_var.values[c];
    const double gamma = weight != nullptr ? static_cast<double>(weight->values[c]) : 1.0;
    const double beta = bias != nullptr ? static_cast<double>(bias->values[c]) : 0.0;
    output.values[f] = static_cast<float>((x - mean) / std::sqrt(var + eps) * gamma + beta);
  }
  return output;
}

/// aten.linear: output[..., j] = sum_k input[..., k] * weight[j, k] + bias[j].
///
/// input is [..., K] (rank >= 1), weight [N, K], bias [N] or null; output is [..., N]. Summed in
/// double, rounded to float once. Throws std::invalid_argument, naming the offending shape, on
/// inconsistent shapes.
inline tensor linear(const tensor& input, const tensor& weight, const tensor* bias) {
  namespace d = detail::batch_norm_fold;
  d::check_values(input, "input");
  d::check_values(weight, "weight");
  if (input.shape.empty())
    throw std::invalid_argument("input shape " + d::shape_text(input.shape) +
                                " has no feature axis");
  if (weight.shape.size() != 2 || weight.shape[1] != input.shape.back())
    throw std::invalid_argument("weight shape " + d::shape_text(weight.shape) + " is not [N, " +
                                std::to_string(input.shape.back()) + "] for input shape " +
                                d::shape_text(input.shape));
  const std::int64_t in_features = weight.shape[1];
  const std::int64_t out_features = weight.shape[0];
  if (bias != nullptr)
    d::check_vector(*bias, out_features, "bias");

  // Counted from the leading dimensions, not divided out of the total, so K = 0 still works.
  std::int64_t rows = 1;
  for (std::size_t i = 0; i + 1 < input.shape.size(); ++i)
    rows *= input.shape[i];

  tensor output;
  output.shape = input.shape;
  output.shape.back() = out_features;
  output.values.assign(static_cast<std::size_t>(rows * out_features), 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < out_features; ++j) {
      double sum =
          bias != nullptr ? static_cast<double>(bias->values[static_cast<std::size_t>(j)]) : 0.0;
      for (std::int64_t k = 0; k < in_features; ++k) {
        const double x = input.values[static_cast<std::size_t>(r * in_features + k)];
        const double w = weight.values[static_cast<std::size_t>(j * in_features + k)];
        sum += x * w;
      }
      output.values[static_cast<std::size_t>(r * out_features + j)] = static_cast<float>(sum);
    }
  }
  return output;
}

/// The largest |a - b| over corresponding elements (0 for empty tensors), NaN if either holds a
/// NaN; throws std::invalid_argument, naming both shapes, when the shapes differ.
///
/// NaN is returned rather than skipped so a `<= tolerance` check fails instead of passing; equal
/// infinities count as difference 0.
inline double max_abs_difference(const tensor& a, const tensor& b) {
  namespace d = detail::batch_norm_fold;
  d::check_values(a, "a");
  d::check_values(b, "b");
  if (a.shape != b.shape)
    throw std::invalid_argument("shapes " + d::shape_text(a.shape) + " and " +
                                d::shape_text(b.shape) + " differ");
  double result = 0.0;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    const double x = a.values[i];
    const double y = b.values[i];
    if (std::isnan(x) || std::isnan(y))
      return std::numeric_limits<double>::quiet_NaN();
    if (x == y)
      continue;
    const double difference = std::fabs(x - y);
    if (difference > result)
      result = difference;
  }
  return result;
}

/// The largest |a| over a's elements (0 for an empty tensor), NaN if a holds a NaN.
///
/// Meant for scaling a tolerance to the magnitude of the expected values; NaN propagates for the
/// same reason as in max_abs_difference.
inline double max_abs(const tensor& a) {
  detail::batch_norm_fold::check_values(a, "a");
  double result = 0.0;
  for (float value : a.values) {
    const double x = value;
    if (std::isnan(x))
      return std::numeric_limits<double>::quiet_NaN();
    if (std::fabs(x) > result)
      result = std::fabs(x);
  }
  return result;
}

}  // namespace qlower::reference
