// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/type_list.hpp"
#include "qlower/graph/access.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/aten_elementwise.hpp"
#include "qlower/ops/aten_nn.hpp"
#include "qlower/ops/aten_shape.hpp"
#include "qlower/ops/aten_unquantized.hpp"
#include "qlower/ops/graph_nodes.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/ops/other_namespaces.hpp"
#include "qlower/targets/rejection.hpp"
#include "qlower/targets/target.hpp"

/// The Arm Ethos-U55 and U85 with an INT-only TOSA spec (ethos-u55.md): the
/// INT-profile list, the registered per-op checks, the negative checks of 2.1
/// and the U55 checks of 2.2, each declared on the op types.

namespace qlower::targets {

namespace detail {
template <class Target, graph::graph G>
support_result check_ethos_u(const G& g, graph::node_index n);
}  // namespace detail

/// Ethos-U55 (and U65, which behaves as U55): TOSA-1.0+INT+int16+int4+u55.
struct ethos_u55 {
  static constexpr std::string_view name = "ethos-u55";
  /// The U55 subset: its negative checks, Vela limits and permute splitting apply.
  static constexpr bool u55_subset = true;

  template <graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    return detail::check_ethos_u<ethos_u55>(g, n);
  }
};

/// Ethos-U85: the U55 target without the U55-only checks (ethos-u55.md 2.5).
struct ethos_u85 {
  static constexpr std::string_view name = "ethos-u85";
  static constexpr bool u55_subset = false;

  template <graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    return detail::check_ethos_u<ethos_u85>(g, n);
  }
};

//===--- EthosU55DtypeSupport (2.2) ---===//

namespace detail {
inline constexpr dtype_set u55_int8_16_32{dtype::int8, dtype::int16, dtype::int32};
inline constexpr dtype_set u55_int8_16{dtype::int8, dtype::int16};
inline constexpr dtype_set u55_int8{dtype::int8};
}  // namespace detail

// Data movement in 8, 16 or 32 bits.
// without this, a float permute (moveaxis left unquantized) is "supported" and the seed-000 split
// is invisible
template <>
struct supported_dtypes<ethos_u55, ops::aten::permute_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::cat_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::expand_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::repeat_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::constant_pad_nd_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::view_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};

// Table ops (lowered to TOSA TABLE) and amax/amin in 8 or 16 bits.
#define QLOWER_U55_TABLE_OP(op_type)                        \
  template <>                                               \
  struct supported_dtypes<ethos_u55, ops::aten::op_type> {  \
    static constexpr dtype_set value = detail::u55_int8_16; \
  };
QLOWER_U55_TABLE_OP(ceil_default)
QLOWER_U55_TABLE_OP(erf_default)
QLOWER_U55_TABLE_OP(exp_default)
QLOWER_U55_TABLE_OP(expm1_default)
QLOWER_U55_TABLE_OP(erfinv_default)
QLOWER_U55_TABLE_OP(floor_default)
QLOWER_U55_TABLE_OP(log_default)
QLOWER_U55_TABLE_OP(log1p_default)
QLOWER_U55_TABLE_OP(log10_default)
QLOWER_U55_TABLE_OP(reciprocal_default)
QLOWER_U55_TABLE_OP(rsqrt_default)
QLOWER_U55_TABLE_OP(sigmoid_default)
QLOWER_U55_TABLE_OP(cos_default)
QLOWER_U55_TABLE_OP(sin_default)
QLOWER_U55_TABLE_OP(tanh_default)
QLOWER_U55_TABLE_OP(atan_default)
QLOWER_U55_TABLE_OP(atanh_default)
QLOWER_U55_TABLE_OP(hardsigmoid_default)
QLOWER_U55_TABLE_OP(hardswish_default)
QLOWER_U55_TABLE_OP(sinh_default)
QLOWER_U55_TABLE_OP(acosh_default)
QLOWER_U55_TABLE_OP(asin_default)
QLOWER_U55_TABLE_OP(asinh_default)
QLOWER_U55_TABLE_OP(cosh_default)
QLOWER_U55_TABLE_OP(acos_default)
QLOWER_U55_TABLE_OP(tan_default)
QLOWER_U55_TABLE_OP(silu_default)
QLOWER_U55_TABLE_OP(round_default)
QLOWER_U55_TABLE_OP(pow_Tensor_Scalar)
QLOWER_U55_TABLE_OP(gelu_default)
QLOWER_U55_TABLE_OP(elu_default)
QLOWER_U55_TABLE_OP(leaky_relu_default)
QLOWER_U55_TABLE_OP(remainder_Scalar)
QLOWER_U55_TABLE_OP(amax_default)
QLOWER_U55_TABLE_OP(amin_default)
#undef QLOWER_U55_TABLE_OP

// Convolution: an 8- or 16-bit input feature map, int8 weights, int32 bias.
template <>
struct supported_dtypes<ethos_u55, ops::aten::convolution_default> {
  static constexpr dtype_set value = detail::u55_int8_16;
  static constexpr dtype_set weight{dtype::int8};
  static constexpr dtype_set bias{dtype::int32};
};
// Matrix products: every input int8 (int16 matmul rejected since 2026-03).
template <>
struct supported_dtypes<ethos_u55, ops::aten::mm_default> {
  static constexpr dtype_set value = detail::u55_int8;
  static constexpr bool every_input = true;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::bmm_default> {
  static constexpr dtype_set value = detail::u55_int8;
  static constexpr bool every_input = true;
};

//===--- TOSA_PRO_INT_SupportList (2.3): the edge ops an INT-only spec accepts as they are ---===//

/// Whether `Op`, this exact overload, is on the TOSA INT-profile list.
template <class Op>
inline constexpr bool in_tosa_int_profile = false;

#define QLOWER_TOSA_INT(op_type) \
  template <>                    \
  inline constexpr bool in_tosa_int_profile<ops::op_type> = true;
// Elementwise and table ops.
QLOWER_TOSA_INT(aten::abs_default)
QLOWER_TOSA_INT(aten::add_Tensor)
QLOWER_TOSA_INT(aten::any_default)
QLOWER_TOSA_INT(aten::any_dim)
QLOWER_TOSA_INT(aten::any_dims)
QLOWER_TOSA_INT(aten::bitwise_and_Tensor)
QLOWER_TOSA_INT(aten::bitwise_or_Tensor)
QLOWER_TOSA_INT(aten::bitwise_xor_Tensor)
QLOWER_TOSA_INT(aten::bitwise_and_Scalar)
QLOWER_TOSA_INT(aten::bitwise_or_Scalar)
QLOWER_TOSA_INT(aten::bitwise_xor_Scalar)
QLOWER_TOSA_INT(aten::cos_default)
QLOWER_TOSA_INT(aten::logical_and_default)
QLOWER_TOSA_INT(aten::logical_or_default)
QLOWER_TOSA_INT(aten::logical_xor_default)
QLOWER_TOSA_INT(aten::logical_not_default)
QLOWER_TOSA_INT(aten::arange_start_step)
QLOWER_TOSA_INT(aten::expand_copy_default)
QLOWER_TOSA_INT(aten::cat_default)
QLOWER_TOSA_INT(aten::ceil_default)
QLOWER_TOSA_INT(aten::clamp_default)
QLOWER_TOSA_INT(aten::clamp_Tensor)
QLOWER_TOSA_INT(aten::cumsum_default)
QLOWER_TOSA_INT(aten::bmm_default)
QLOWER_TOSA_INT(aten::permute_copy_default)
QLOWER_TOSA_INT(aten::hardsigmoid_default)
QLOWER_TOSA_INT(aten::hardtanh_default)
QLOWER_TOSA_INT(aten::hardswish_default)
QLOWER_TOSA_INT(aten::eq_Tensor)
QLOWER_TOSA_INT(aten::eq_Scalar)
QLOWER_TOSA_INT(aten::erf_default)
QLOWER_TOSA_INT(aten::erfinv_default)
QLOWER_TOSA_INT(aten::exp_default)
QLOWER_TOSA_INT(aten::expm1_default)
QLOWER_TOSA_INT(aten::log_default)
QLOWER_TOSA_INT(aten::log1p_default)
QLOWER_TOSA_INT(aten::log10_default)
QLOWER_TOSA_INT(aten::linear_default)
QLOWER_TOSA_INT(aten::split_with_sizes_copy_default)
QLOWER_TOSA_INT(aten::split_copy_Tensor)
QLOWER_TOSA_INT(aten::flip_default)
QLOWER_TOSA_INT(aten::floor_default)
QLOWER_TOSA_INT(aten::full_default)
QLOWER_TOSA_INT(aten::full_like_default)
QLOWER_TOSA_INT(aten::ge_Tensor)
QLOWER_TOSA_INT(aten::gt_Tensor)
QLOWER_TOSA_INT(aten::le_Tensor)
QLOWER_TOSA_INT(aten::lt_Tensor)
QLOWER_TOSA_INT(aten::ge_Scalar)
QLOWER_TOSA_INT(aten::gt_Scalar)
QLOWER_TOSA_INT(aten::le_Scalar)
QLOWER_TOSA_INT(aten::lt_Scalar)
QLOWER_TOSA_INT(aten::leaky_relu_default)
QLOWER_TOSA_INT(aten::mul_Tensor)
QLOWER_TOSA_INT(aten::neg_default)
QLOWER_TOSA_INT(aten::sigmoid_default)
QLOWER_TOSA_INT(aten::mean_dim)
QLOWER_TOSA_INT(aten::mm_default)
QLOWER_TOSA_INT(aten::minimum_default)
QLOWER_TOSA_INT(aten::maximum_default)
QLOWER_TOSA_INT(aten::repeat_default)
QLOWER_TOSA_INT(aten::reciprocal_default)
QLOWER_TOSA_INT(aten::relu_default)
QLOWER_TOSA_INT(aten::remainder_Scalar)
QLOWER_TOSA_INT(aten::remainder_Tensor)
QLOWER_TOSA_INT(aten::rsqrt_default)
QLOWER_TOSA_INT(aten::select_copy_int)
QLOWER_TOSA_INT(aten::sub_Tensor)
QLOWER_TOSA_INT(aten::tanh_default)
QLOWER_TOSA_INT(aten::view_copy_default)
QLOWER_TOSA_INT(aten::unsqueeze_copy_default)
QLOWER_TOSA_INT(aten::squeeze_copy_dims)
QLOWER_TOSA_INT(aten::pow_Tensor_Scalar)
QLOWER_TOSA_INT(aten::pow_Tensor_Tensor)
// Structural and quantization ops.
QLOWER_TOSA_INT(getitem)
QLOWER_TOSA_INT(quantized_decomposed::quantize_per_tensor_default)
QLOWER_TOSA_INT(quantized_decomposed::quantize_per_channel_default)
QLOWER_TOSA_INT(quantized_decomposed::dequantize_per_tensor_default)
QLOWER_TOSA_INT(quantized_decomposed::dequantize_per_channel_default)
QLOWER_TOSA_INT(aten::pad_default)
QLOWER_TOSA_INT(aten::constant_pad_nd_default)
QLOWER_TOSA_INT(aten::argmax_default)
QLOWER_TOSA_INT(aten::amax_default)
QLOWER_TOSA_INT(aten::amin_default)
QLOWER_TOSA_INT(aten::eye_default)
QLOWER_TOSA_INT(aten::linspace_default)
QLOWER_TOSA_INT(aten::bitwise_left_shift_Tensor)
QLOWER_TOSA_INT(aten::dunder_lshift_Scalar)
QLOWER_TOSA_INT(aten::scalar_tensor_default)
// Table and decomposed ops.
QLOWER_TOSA_INT(aten::gelu_default)
QLOWER_TOSA_INT(aten::alias_copy_default)
QLOWER_TOSA_INT(aten::sin_default)
QLOWER_TOSA_INT(aten::sinh_default)
QLOWER_TOSA_INT(aten::atan_default)
QLOWER_TOSA_INT(aten::acosh_default)
QLOWER_TOSA_INT(aten::_adaptive_avg_pool2d_default)
QLOWER_TOSA_INT(aten::sign_default)
QLOWER_TOSA_INT(aten::asin_default)
QLOWER_TOSA_INT(aten::atanh_default)
QLOWER_TOSA_INT(aten::masked_fill_Scalar)
QLOWER_TOSA_INT(aten::asinh_default)
QLOWER_TOSA_INT(aten::cosh_default)
QLOWER_TOSA_INT(aten::acos_default)
QLOWER_TOSA_INT(aten::elu_default)
QLOWER_TOSA_INT(aten::selu_default)
QLOWER_TOSA_INT(aten::celu_default)
QLOWER_TOSA_INT(aten::bitwise_not_default)
QLOWER_TOSA_INT(aten::copy_default)
QLOWER_TOSA_INT(aten::div_Tensor_mode)
QLOWER_TOSA_INT(aten::tan_default)
QLOWER_TOSA_INT(aten::silu_default)
QLOWER_TOSA_INT(aten::detach_copy_default)
QLOWER_TOSA_INT(aten::round_default)
#undef QLOWER_TOSA_INT

//===--- EthosU55NotSupported (2.2): never delegated on the U55 subset ---===//

/// Whether `Target` never delegates `Op`, this exact overload.
template <class Target, class Op>
inline constexpr bool never_supported = false;

#define QLOWER_U55_NEVER(op_type) \
  template <>                     \
  inline constexpr bool never_supported<ethos_u55, ops::aten::op_type> = true;
QLOWER_U55_NEVER(any_default)
QLOWER_U55_NEVER(any_dim)
QLOWER_U55_NEVER(any_dims)
QLOWER_U55_NEVER(bitwise_and_Tensor)
QLOWER_U55_NEVER(bitwise_or_Tensor)
QLOWER_U55_NEVER(bitwise_xor_Tensor)
QLOWER_U55_NEVER(bitwise_and_Scalar)
QLOWER_U55_NEVER(bitwise_or_Scalar)
QLOWER_U55_NEVER(bitwise_xor_Scalar)
QLOWER_U55_NEVER(bitwise_not_default)
QLOWER_U55_NEVER(logical_and_default)
QLOWER_U55_NEVER(logical_or_default)
QLOWER_U55_NEVER(logical_xor_default)
QLOWER_U55_NEVER(logical_not_default)
QLOWER_U55_NEVER(conv3d_default)
QLOWER_U55_NEVER(conv3d_padding)
QLOWER_U55_NEVER(eq_Tensor)
QLOWER_U55_NEVER(ge_Tensor)
QLOWER_U55_NEVER(gt_Tensor)
QLOWER_U55_NEVER(le_Tensor)
QLOWER_U55_NEVER(lt_Tensor)
QLOWER_U55_NEVER(ne_Tensor)
QLOWER_U55_NEVER(eq_Scalar)
QLOWER_U55_NEVER(ge_Scalar)
QLOWER_U55_NEVER(gt_Scalar)
QLOWER_U55_NEVER(le_Scalar)
QLOWER_U55_NEVER(lt_Scalar)
QLOWER_U55_NEVER(ne_Scalar)
QLOWER_U55_NEVER(gather_default)
QLOWER_U55_NEVER(grid_sampler_2d_default)
QLOWER_U55_NEVER(index_Tensor)
QLOWER_U55_NEVER(index_select_default)
QLOWER_U55_NEVER(index_put_default)
QLOWER_U55_NEVER(scatter_src)
QLOWER_U55_NEVER(scatter_value)
QLOWER_U55_NEVER(select_scatter_default)
QLOWER_U55_NEVER(scatter_reduce_two)
QLOWER_U55_NEVER(scatter_add_default)
QLOWER_U55_NEVER(unfold_copy_default)
QLOWER_U55_NEVER(upsample_bilinear2d_vec)
QLOWER_U55_NEVER(reflection_pad1d_default)
QLOWER_U55_NEVER(reflection_pad2d_default)
QLOWER_U55_NEVER(reflection_pad3d_default)
QLOWER_U55_NEVER(where_self)
#undef QLOWER_U55_NEVER

//===--- Node facts the checks read ---===//

namespace detail {

/// Vela's limit on one axis, and on the products of axes it tiles by.
inline constexpr std::int64_t vela_axis_max = 65536;

inline support_result reject(reason code, std::string message) {
  return rejection{code, std::move(message)};
}

inline bool in_range(std::int64_t value, std::int64_t low, std::int64_t high) {
  return value >= low && value <= high;
}

/// a * b, saturated to the int64 range: limits compare products of untrusted dims.
inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product))
    return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min()
                              : std::numeric_limits<std::int64_t>::max();
  return product;
}

using graph::bool_attribute;
using graph::dims_of;
using graph::dtype_attribute;
using graph::input_of;
using graph::int_list;
using graph::is_graph_output;
using graph::list_text;
using graph::node_text;

/// A per-axis argument of a 2-D op: one value is both axes, two are (H, W).
inline std::optional<std::array<std::int64_t, 2>> as_pair(
    const std::optional<std::vector<std::int64_t>>& values) {
  if (!values || values->empty() || values->size() > 2)
    return std::nullopt;
  return std::array<std::int64_t, 2>{values->front(), values->back()};
}

inline std::string bad_attribute(std::string_view name) {
  return "attribute '" + std::string(name) + "' is missing or has the wrong form";
}

/// The window of a 2-D pool with ATen's defaults: stride [] is the kernel,
/// padding 0, dilation 1, ceil_mode false.
struct pool_window {
  std::array<std::int64_t, 2> kernel;
  std::array<std::int64_t, 2> stride;
  std::array<std::int64_t, 2> padding;
  std::array<std::int64_t, 2> dilation;
  bool ceil_mode;
};

template <graph::graph G>
std::optional<pool_window> read_pool_window(const G& g, graph::node_index n) {
  const auto kernel = as_pair(int_list(g, n, "kernel_size", std::nullopt));
  const auto stride_values = int_list(g, n, "stride", std::vector<std::int64_t>{});
  const auto padding = as_pair(int_list(g, n, "padding", std::vector<std::int64_t>{0}));
  const auto dilation = as_pair(int_list(g, n, "dilation", std::vector<std::int64_t>{1}));
  const auto ceil_mode = bool_attribute(g, n, "ceil_mode", false);
  if (!kernel || !stride_values || !padding || !dilation || !ceil_mode)
    return std::nullopt;
  const auto stride = stride_values->empty() ? kernel : as_pair(stride_values);
  if (!stride)
    return std::nullopt;
  return pool_window{*kernel, *stride, *padding, *dilation, *ceil_mode};
}

/// Vela's pooling kernel: kernel_y * kernel_x in [1, 65536] and kernel_x in [1, 256].
inline support_result check_pool_kernel(std::int64_t first, std::int64_t second,
                                        std::string_view what) {
  if (!in_range(saturating_mul(first, second), 1, vela_axis_max) || !in_range(second, 1, 256)) {
    return reject(reason::pooling,
                  std::string(what) + " [" + std::to_string(first) + ", " + std::to_string(second) +
                      "]: the area must be in [1, 65536] and the width in [1, 256]");
  }
  return {};
}

/// Every non-batch dim of a 4-D pooling input in [1, 65536].
inline support_result check_pool_input(const std::vector<std::int64_t>& dims) {
  if (dims.size() != 4)
    return reject(reason::pooling, "input " + list_text(dims) + ": Vela pools 4-D tensors");
  for (std::size_t k = 1; k < 4; ++k) {
    if (!in_range(dims[k], 1, vela_axis_max)) {
      return reject(reason::pooling, "input dimension " + std::to_string(k) + " of " +
                                         list_text(dims) + " is outside [1, 65536]");
    }
  }
  return {};
}

inline support_result check_pool_stride(const std::array<std::int64_t, 2>& stride) {
  if (!in_range(stride[0], 1, 3) || !in_range(stride[1], 1, 3))
    return reject(reason::pooling, "stride " + list_text(stride) + " outside [1, 3]");
  return {};
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// adjust_pooling_pad_if_needed: the post-pad that makes TOSA's output size match ATen's.
inline std::int64_t adjusted_post_pad(std::int64_t size, std::int64_t kernel, std::int64_t stride,
                                      std::int64_t pad, bool ceil_mode) {
  const std::int64_t span = size - kernel + 2 * pad;
  const std::int64_t steps = ceil_mode ? -floor_div(-span, stride) : floor_div(span, stride);
  return steps * stride - size + kernel - pad;
}

/// EthosU55ResizeCheck: batch 1, and one scale in {2, 4, 8} on H and W.
template <graph::graph G>
support_result check_u55_resize(const G& g, graph::node_index n) {
  const graph::node_index input = input_of(g, n, 0);
  if (input == graph::no_node)
    return reject(reason::resize, "upsample has no input");
  const std::vector<std::int64_t> in = dims_of(g, input);
  const std::vector<std::int64_t> out = dims_of(g, n);
  if (in.size() != 4 || out.size() != 4 || in[0] != 1 || out[0] != 1) {
    return reject(reason::resize, "resize " + list_text(in) + " -> " + list_text(out) +
                                      ": the U55 resizes 4-D tensors of batch 1");
  }
  const graph::attribute* scales = g.attribute_of(n, "scale_factors");
  if (scales != nullptr && !scales->is_null()) {
    const graph::attribute::list* items = scales->as_list();
    std::vector<double> values;
    for (std::size_t k = 0; items != nullptr && k < items->size(); ++k) {
      if (const double* real = (*items)[k].as_double())
        values.push_back(*real);
      else if (const std::int64_t* whole = (*items)[k].as_int())
        values.push_back(static_cast<double>(*whole));
    }
    const bool allowed = items != nullptr && items->size() == 2 && values.size() == 2 &&
                         values[0] == values[1] &&
                         (values[0] == 2.0 || values[0] == 4.0 || values[0] == 8.0);
    if (!allowed)
      return reject(reason::resize, "scale_factors must be two equal values in {2, 4, 8}");
    return {};
  }
  for (std::int64_t s : {2, 4, 8}) {
    if (out[2] == saturating_mul(in[2], s) && out[3] == saturating_mul(in[3], s))
      return {};
  }
  return reject(reason::resize, "resize " + list_text(in) + " -> " + list_text(out) +
                                    " is not one scale in {2, 4, 8} on both H and W");
}

}  // namespace detail

//===--- Registered per-op checks (2.1, 2.2): the positive route of ops off the list ---===//

/// The registered check of `Op`, this exact overload: specialisations have
/// `template <class Target, graph::graph G> static support_result check(const G&, node_index)`.
template <class Op>
struct tosa_check {};

/// convolution_support.py: output padding and the transposed-conv rules on
/// every target, Vela 5.0.0's limits on U55.
template <>
struct tosa_check<ops::aten::convolution_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::in_range;
    using detail::list_text;
    using detail::reject;
    using detail::saturating_mul;
    const graph::node_index input = detail::input_of(g, n, 0);
    const graph::node_index weight = detail::input_of(g, n, 1);
    if (input == graph::no_node || weight == graph::no_node)
      return reject(reason::convolution, "a convolution needs an input and a weight");
    // aten.convolution has no defaults: every argument must be there, well formed.
    const auto stride = detail::int_list(g, n, "stride", std::nullopt);
    const auto padding = detail::int_list(g, n, "padding", std::nullopt);
    const auto dilation = detail::int_list(g, n, "dilation", std::nullopt);
    const auto output_padding = detail::int_list(g, n, "output_padding", std::nullopt);
    const auto transposed = detail::bool_attribute(g, n, "transposed", std::nullopt);
    const graph::attribute* groups_value = g.attribute_of(n, "groups");
    const std::int64_t* groups = groups_value != nullptr ? groups_value->as_int() : nullptr;
    for (const auto& [present, name] :
         {std::pair{stride.has_value(), "stride"}, std::pair{padding.has_value(), "padding"},
          std::pair{dilation.has_value(), "dilation"},
          std::pair{output_padding.has_value(), "output_padding"},
          std::pair{transposed.has_value(), "transposed"},
          std::pair{groups != nullptr, "groups"}}) {
      if (!present)
        return reject(reason::convolution, detail::bad_attribute(name));
    }
    const std::vector<std::int64_t> x = detail::dims_of(g, input);
    const std::vector<std::int64_t> w = detail::dims_of(g, weight);
    const std::vector<std::int64_t> out = detail::dims_of(g, n);

    if (!*transposed) {
      for (std::int64_t p : *output_padding) {
        if (p != 0) {
          return reject(reason::convolution, "output_padding " + list_text(*output_padding) +
                                                 " must be zero for a non-transposed convolution");
        }
      }
    } else {
      for (std::int64_t d : *dilation) {
        if (d != 1) {
          return reject(reason::convolution, "dilation " + list_text(*dilation) +
                                                 " of a transposed convolution must be 1");
        }
      }
      const ops::op_id weight_op = ops::find_op(g.op_name(weight));
      if (*groups > 1 &&
          (weight_op == ops::op_id_of<ops::quantized_decomposed::quantize_per_channel_default>() ||
           weight_op ==
               ops::op_id_of<ops::quantized_decomposed::dequantize_per_channel_default>())) {
        return reject(reason::convolution,
                      "a grouped transposed convolution with per-channel weights (groups " +
                          std::to_string(*groups) + ")");
      }
      if (w.size() != 4) {
        return reject(reason::convolution,
                      "a transposed convolution needs a 4-D weight, not " + list_text(w));
      }
      const auto pad = detail::as_pair(padding);
      const auto extra = detail::as_pair(output_padding);
      if (!pad || !extra)
        return reject(reason::convolution,
                      detail::bad_attribute(!pad ? "padding" : "output_padding"));
      for (std::size_t k = 0; k < 2; ++k) {
        const std::int64_t kernel = w[2 + k];
        // -pad > -kernel and -pad + output_padding > -kernel.
        std::int64_t reach = 0;
        if (!((*pad)[k] < kernel) || __builtin_sub_overflow((*pad)[k], (*extra)[k], &reach) ||
            !(reach < kernel)) {
          return reject(reason::convolution,
                        "padding " + list_text(*padding) + " and output_padding " +
                            list_text(*output_padding) + " reach past kernel " +
                            std::to_string(kernel) + " on spatial axis " + std::to_string(k));
        }
      }
    }
    if constexpr (!Target::u55_subset) {
      return {};
    } else if (!*transposed) {
      if (x.size() < 2 || out.size() < 2 || w.size() < 3) {
        return reject(reason::convolution, "input " + list_text(x) + ", weight " + list_text(w) +
                                               " and output " + list_text(out) +
                                               " are too low in rank for a convolution");
      }
      const std::int64_t channels_in = x[1];
      const bool depthwise =
          channels_in == *groups && channels_in != 0 && out[1] % channels_in == 0 && x.size() <= 4;
      if (depthwise) {
        for (std::size_t k = 1; k < x.size(); ++k) {
          if (!in_range(x[k], 1, detail::vela_axis_max)) {
            return reject(reason::convolution, "depthwise input dimension " + std::to_string(k) +
                                                   " is " + std::to_string(x[k]) +
                                                   ", outside [1, 65536]");
          }
        }
      } else if (!in_range(channels_in, 1, detail::vela_axis_max)) {
        return reject(reason::convolution,
                      "input channels " + std::to_string(channels_in) + " outside [1, 65536]");
      }
      // With weight (O, I, kH, kW) the code calls kH "kernel_w" and kW "kernel_h";
      // for 3-D its kernel_z is weight dim 4.
      const std::int64_t kernel_h = w[2];
      const std::int64_t kernel_w = w.size() > 3 ? w[3] : 1;
      const std::int64_t kernel_z = w.size() > 4 ? w[4] : 1;
      if (!in_range(kernel_w, 1, 64) || !in_range(saturating_mul(kernel_h, kernel_w), 1, 4096) ||
          kernel_z != 1) {
        return reject(reason::convolution, "kernel " + list_text(w) +
                                               ": width must be in [1, 64], area in [1, 4096] "
                                               "and a 3-D depth 1");
      }
      std::vector<std::int64_t> strides = *stride;
      std::vector<std::int64_t> dilations = *dilation;
      if (strides.size() == 1)
        strides.assign(2, strides[0]);
      if (dilations.size() == 1)
        dilations.assign(2, dilations[0]);
      if (strides.size() > 2 && strides[2] > 1)
        return reject(reason::convolution,
                      "3-D stride " + list_text(strides) + ": depth stride above 1");
      const bool padded =
          std::any_of(padding->begin(), padding->end(), [](auto p) { return p > 0; });
      // Pairs as Python's zip makes them: up to the shorter list.
      for (std::size_t k = 0; k < std::min(strides.size(), dilations.size()); ++k) {
        if (!in_range(strides[k], 1, 3) && !(!padded && dilations[k] == 1)) {
          return reject(reason::convolution,
                        "stride " + list_text(*stride) + " outside [1, 3] with padding " +
                            list_text(*padding) + " and dilation " + list_text(*dilation));
        }
      }
      return {};
    } else {
      if (x.size() != 4)
        return reject(reason::convolution,
                      "a transposed convolution needs a 4-D input, not " + list_text(x));
      for (std::size_t k = 1; k < 4; ++k) {
        if (!in_range(x[k], 1, detail::vela_axis_max)) {
          return reject(reason::convolution, "input dimension " + std::to_string(k) + " is " +
                                                 std::to_string(x[k]) + ", outside [1, 65536]");
        }
      }
      const std::int64_t kernel_h = w[2];
      const std::int64_t kernel_w = w[3];
      if (!in_range(saturating_mul(kernel_h, kernel_w), 1, 4096) || !in_range(kernel_h, 1, 64)) {
        return reject(reason::convolution, "transposed kernel " + list_text(w) +
                                               ": height must be in [1, 64] and area in [1, 4096]");
      }
      const auto strides = detail::as_pair(stride);
      if (!strides)
        return reject(reason::convolution, detail::bad_attribute("stride"));
      const auto [sy, sx] = *strides;
      const bool allowed = (sy == 1 && sx == 1) || (sy == 2 && sx == 2) ||
                           (sy == 1 && sx == 2 && x[2] == 1 && kernel_h == 1) ||
                           (sy == 2 && sx == 1 && x[3] == 1 && kernel_w == 1);
      if (!allowed) {
        return reject(reason::convolution,
                      "transposed stride " + list_text(*stride) +
                          " is not (1, 1) or (2, 2), nor a permitted (1, 2) or (2, 1)");
      }
      return {};
    }
  }
};

/// pool_2d_support.py for avg_pool2d: Vela 4.2.0's limits on U55.
template <>
struct tosa_check<ops::aten::avg_pool2d_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::reject;
    const std::optional<detail::pool_window> window = detail::read_pool_window(g, n);
    const auto include_pad = detail::bool_attribute(g, n, "count_include_pad", true);
    const graph::attribute* divisor = g.attribute_of(n, "divisor_override");
    const bool divisor_set = divisor != nullptr && !divisor->is_null();
    if (!window || !include_pad || (divisor_set && divisor->as_int() == nullptr)) {
      return reject(reason::pooling,
                    detail::bad_attribute(!window        ? "kernel_size, stride or padding"
                                          : !include_pad ? "count_include_pad"
                                                         : "divisor_override"));
    }
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::pooling, "avg_pool2d has no input");
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      if (auto refused = detail::check_pool_kernel(window->kernel[0], window->kernel[1], "kernel"))
        return refused;
      if (auto refused = detail::check_pool_stride(window->stride))
        return refused;
      if (auto refused = detail::check_pool_input(dims))
        return refused;
      if (dims[0] != 1)
        return reject(reason::pooling, "batch " + std::to_string(dims[0]) + " must be 1");
      // TOSA pads only when the average excludes the padding.
      bool padded = false;
      if (!*include_pad && !divisor_set) {
        padded = window->padding[0] != 0 || window->padding[1] != 0;
        for (std::size_t k = 0; k < 2 && !padded; ++k) {
          padded = detail::adjusted_post_pad(dims[2 + k], window->kernel[k], window->stride[k], 0,
                                             window->ceil_mode) != 0;
        }
      }
      if (padded && (!detail::in_range(window->kernel[0], 1, 8) ||
                     !detail::in_range(window->kernel[1], 1, 8))) {
        return reject(reason::pooling,
                      "kernel " + detail::list_text(window->kernel) +
                          " with TOSA padding: a padded kernel must be in 1..8 per axis");
      }
      return {};
    }
  }
};

/// pool_2d_support.py for max_pool2d: the dilation rule on every target; on U55,
/// Vela's limits, with DecomposableLargeStrideMaxPool2dForU55Supported taking a
/// stride above 3 when the kernel fits the input.
template <>
struct tosa_check<ops::aten::max_pool2d_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::list_text;
    using detail::reject;
    const std::optional<detail::pool_window> window = detail::read_pool_window(g, n);
    if (!window)
      return reject(reason::pooling,
                    detail::bad_attribute("kernel_size, stride, padding or dilation"));
    const std::vector<std::int64_t> out = detail::dims_of(g, n);
    const bool one_by_one = out.size() >= 2 && out[out.size() - 1] == 1 && out[out.size() - 2] == 1;
    for (std::size_t k = 0; k < 2; ++k) {
      if (window->dilation[k] != 1 && window->stride[k] != 1 && !one_by_one) {
        return reject(reason::pooling,
                      "dilation " + list_text(window->dilation) + " with stride " +
                          list_text(window->stride) +
                          ": a dilated axis needs stride 1 unless the output is 1x1");
      }
    }
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::pooling, "max_pool2d has no input");
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      if (auto refused = detail::check_pool_kernel(window->kernel[0], window->kernel[1], "kernel"))
        return refused;
      if (auto refused = detail::check_pool_input(dims))
        return refused;
      const support_result stride = detail::check_pool_stride(window->stride);
      if (!stride)
        return {};
      if (window->stride[0] < 1 || window->stride[1] < 1)
        return stride;
      // The large-stride decomposition: static H/W, a kernel within the input,
      // and the kernel limits on (1, kw) and (1, kh) as well.
      const bool fits = window->kernel[0] <= dims[2] && window->kernel[1] <= dims[3];
      if (fits && !detail::check_pool_kernel(1, window->kernel[1], "row kernel") &&
          !detail::check_pool_kernel(1, window->kernel[0], "column kernel")) {
        return {};
      }
      return reject(reason::pooling, "stride " + list_text(window->stride) +
                                         " outside [1, 3], and kernel " +
                                         list_text(window->kernel) +
                                         " does not allow the large-stride decomposition");
    }
  }
};

template <>
struct tosa_check<ops::aten::max_pool2d_with_indices_default>
    : tosa_check<ops::aten::max_pool2d_default> {};

/// SumSupported on U55: every reduced axis, and the products on either side of
/// it, within Vela's limit.
template <>
struct tosa_check<ops::aten::sum_dim_IntList> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::reject;
    const graph::attribute* dim = g.attribute_of(n, "dim");
    std::optional<std::vector<std::int64_t>> reduced;
    if (dim != nullptr)  // `int[1]? dim` has no default
      reduced = dim->is_null() ? std::vector<std::int64_t>{}
                               : detail::int_list(g, n, "dim", std::nullopt);
    if (!reduced)
      return reject(reason::reduction, detail::bad_attribute("dim"));
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::reduction, "sum has no input");
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      const auto rank = static_cast<std::int64_t>(dims.size());
      if (reduced->empty()) {
        for (std::int64_t k = 0; k < rank; ++k)
          reduced->push_back(k);
      }
      for (std::int64_t axis : *reduced) {
        const std::int64_t k = axis < 0 ? axis + rank : axis;
        if (k < 0 || k >= rank) {
          return reject(reason::reduction,
                        "dim " + std::to_string(axis) + " outside rank " + std::to_string(rank));
        }
        std::int64_t before = 1;
        std::int64_t after = 1;
        for (std::int64_t i = 0; i < rank; ++i) {
          const std::int64_t size = dims[static_cast<std::size_t>(i)];
          if (i < k)
            before = detail::saturating_mul(before, size);
          if (i > k)
            after = detail::saturating_mul(after, size);
        }
        const std::int64_t size = dims[static_cast<std::size_t>(k)];
        if (!detail::in_range(size, 1, detail::vela_axis_max) ||
            !detail::in_range(before, 1, detail::vela_axis_max) ||
            !detail::in_range(after, 1, detail::vela_axis_max)) {
          return reject(
              reason::reduction,
              "reducing dim " + std::to_string(axis) + " of " + detail::list_text(dims) +
                  ": the axis and the products before and after it must be in [1, 65536]");
        }
      }
      return {};
    }
  }
};

/// ToCopySupported with the INT profile's cast table (cast_support.py), and
/// the quantized identity cast: every user a quantize with scale 1 and zero point 0.
template <>
struct tosa_check<ops::dim_order_ops::_to_dim_order_copy_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    const graph::node_index input = detail::input_of(g, n, 0);
    if (input == graph::no_node)
      return detail::reject(reason::cast, "a cast has no input");
    const dtype from = g.output_dtype(input, 0);
    const dtype to = g.output_dtype(n, 0);
    constexpr dtype_set castable{dtype::bool_, dtype::int8, dtype::int16, dtype::int32};
    if (from == to || (castable.contains(from) && castable.contains(to)))
      return {};
    bool identity = !detail::is_graph_output(g, n);
    std::size_t users = 0;
    for (const auto user : g.users(n)) {
      ++users;
      const graph::attribute* scale = g.attribute_of(user, "scale");
      const graph::attribute* zero_point = g.attribute_of(user, "zero_point");
      const bool unit_scale =
          scale != nullptr && ((scale->as_double() && *scale->as_double() == 1.0) ||
                               (scale->as_int() && *scale->as_int() == 1));
      const bool zero_offset =
          zero_point != nullptr && zero_point->as_int() && *zero_point->as_int() == 0;
      identity = identity &&
                 ops::find_op(g.op_name(user)) ==
                     ops::op_id_of<ops::quantized_decomposed::quantize_per_tensor_default>() &&
                 unit_scale && zero_offset;
    }
    if (identity && users > 0)
      return {};
    return detail::reject(reason::cast, "a cast from " + std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)) +
                                            " is not in the INT profile's cast table");
  }
};

/// slice_copy in the INT profile's dtypes, bool included, read on the sliced tensor.
template <>
struct tosa_check<ops::aten::slice_copy_Tensor> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    constexpr dtype_set sliceable{dtype::bool_, dtype::int8, dtype::int16, dtype::int32};
    const graph::node_index input = detail::input_of(g, n, 0);
    const dtype type = input == graph::no_node ? g.output_dtype(n, 0) : g.output_dtype(input, 0);
    if (sliceable.contains(type))
      return {};
    return detail::reject(reason::not_in_profile,
                          "slice_copy of " + std::string(to_string(type)) +
                              ": the INT profile slices bool, int8, int16 and int32");
  }
};

/// `_clone_dim_order` and where.self: registered, with no limit that an INT-only spec reaches.
template <>
struct tosa_check<ops::dim_order_ops::_clone_dim_order_default> {
  template <class Target, graph::graph G>
  static support_result check(const G&, graph::node_index) {
    return {};
  }
};
template <>
struct tosa_check<ops::aten::where_self>
    : tosa_check<ops::dim_order_ops::_clone_dim_order_default> {};

/// The upsample_nearest2d check accepts it; the U55's EthosU55ResizeCheck runs
/// with the other U55 checks, in the order of 2.1.
template <>
struct tosa_check<ops::aten::upsample_nearest2d_vec>
    : tosa_check<ops::dim_order_ops::_clone_dim_order_default> {};

//===--- Tables by op id ---===//

namespace detail {
template <graph::graph G>
using check_function = support_result (*)(const G&, graph::node_index);

template <class Target, graph::graph G, class Op>
constexpr check_function<G> registered_check_of() {
  if constexpr (requires { &tosa_check<Op>::template check<Target, G>; }) {
    return &tosa_check<Op>::template check<Target, G>;
  } else {
    return nullptr;
  }
}
}  // namespace detail

/// in_tosa_int_profile of every op, indexed by op_id.
inline constexpr std::array<bool, ops::op_count> tosa_int_profile_table = unpack_types(
    ops::all_ops,
    []<class... Ops>() { return std::array<bool, ops::op_count>{in_tosa_int_profile<Ops>...}; });

/// never_supported of every op under `Target`, indexed by op_id.
template <class Target>
inline constexpr std::array<bool, ops::op_count> never_supported_table =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<bool, ops::op_count>{never_supported<Target, Ops>...};
    });

/// The registered check of every op under `Target` for graphs of type G, or null.
template <class Target, graph::graph G>
inline constexpr std::array<detail::check_function<G>, ops::op_count> registered_checks =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<detail::check_function<G>, ops::op_count>{
          detail::registered_check_of<Target, G, Ops>()...};
    });

static_assert(target<ethos_u55> && target<ethos_u85>);
static_assert(declares_only_canonical_ops<ethos_u55>(),
              "an Ethos-U55 dtype restriction is declared on an alias or variant");
static_assert(
    [] {
      for (std::size_t id = 0; id < ops::op_count; ++id) {
        if (tosa_int_profile_table[id] &&
            registered_checks<ethos_u55, graph::plain_graph>[id] != nullptr)
          return false;
      }
      return true;
    }(),
    "an op is both on the INT list and registered: the registered check would never run");
// The pipeline canonicalizes every spelling before a check runs, so a fact keyed
// on one could never apply.
static_assert(
    [] {
      for (std::size_t id = 0; id < ops::op_count; ++id) {
        if (ops::op_table[id].kind == ops::variant_kind::spelling &&
            (tosa_int_profile_table[id] || never_supported_table<ethos_u55>[id] ||
             registered_checks<ethos_u55, graph::plain_graph>[id] != nullptr))
          return false;
      }
      return true;
    }(),
    "an Ethos-U fact is keyed on a spelling: key it on the spelling's canonical op");

//===--- The check: positive route, then the negative checks of 2.1 in order ---===//

namespace detail {

/// _try_determine_dtype (2.2): the dtype the U55 dtype table is checked against.
template <graph::graph G>
std::optional<dtype> determined_dtype(const G& g, graph::node_index n, ops::op_id id) {
  using namespace ops::quantized_decomposed;
  const dtype own = g.output_dtype(n, 0);
  if (!is_floating_point(own))
    return own;
  const graph::node_index input = input_of(g, n, 0);
  if (id == ops::op_id_of<dequantize_per_tensor_default>() && input != graph::no_node)
    return g.output_dtype(input, 0);
  for (const auto user : g.users(n)) {
    if (ops::find_op(g.op_name(user)) == ops::op_id_of<quantize_per_tensor_default>()) {
      if (const std::optional<dtype> type = dtype_attribute(g, user, "dtype"))
        return type;
    }
    break;
  }
  return std::nullopt;
}

template <class Target, graph::graph G>
support_result check_dtype_table(const G& g, graph::node_index n, ops::op_id id) {
  const ops::op_id base = ops::canonical(id);
  if (base >= ops::op_count)
    return {};
  const std::optional<dtype_set>& allowed = dtype_table<Target>[base];
  if (!allowed)
    return {};
  auto outside = [&](std::string what, dtype type, dtype_set set) {
    return reject(reason::dtype_table, std::string(ops::op_table[base].name) + " " + what + " is " +
                                           std::string(to_string(type)) + "; the U55 runs it in " +
                                           set.to_string());
  };
  using conv = supported_dtypes<Target, ops::aten::convolution_default>;
  using mm = supported_dtypes<Target, ops::aten::mm_default>;
  if (base == ops::op_id_of<ops::aten::convolution_default>()) {
    const std::array<std::pair<const char*, dtype_set>, 3> slots{
        {{"input", conv::value}, {"weight", conv::weight}, {"bias", conv::bias}}};
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const graph::node_index p = input_of(g, n, k);
      if (p != graph::no_node && !slots[k].second.contains(g.output_dtype(p, 0)))
        return outside(slots[k].first, g.output_dtype(p, 0), slots[k].second);
    }
    return {};
  }
  if (base == ops::op_id_of<ops::aten::mm_default>() ||
      base == ops::op_id_of<ops::aten::bmm_default>()) {
    static_assert(mm::every_input);
    for (const auto input : g.inputs(n)) {
      const auto p = static_cast<graph::node_index>(input);
      if (p != graph::no_node && !allowed->contains(g.output_dtype(p, 0)))
        return outside("input " + node_text(g, p), g.output_dtype(p, 0), *allowed);
    }
    return {};
  }
  const std::optional<dtype> type = determined_dtype(g, n, id);
  if (type && !allowed->contains(*type))
    return outside("dtype", *type, *allowed);
  return {};
}

template <class Target, graph::graph G>
support_result check_ethos_u(const G& g, graph::node_index n) {
  const std::string_view op = g.op_name(n);
  const ops::op_id id = ops::find_op(op);
  if (id == ops::op_id_of<ops::graph_input>() || id == ops::op_id_of<ops::graph_const>())
    return reject(reason::graph_input, "a graph input or constant, not an operator");
  if (id == ops::unknown_op)
    return reject(reason::unknown_op, "'" + std::string(op) + "' is not in qlower's op set");

  // Positive: the INT list, or a registered check that accepts the node.
  if (!tosa_int_profile_table[id]) {
    const check_function<G> registered = registered_checks<Target, G>[id];
    if (registered == nullptr) {
      return reject(
          reason::not_in_profile,
          std::string(op) + " is not in the TOSA INT profile list and has no registered check");
    }
    if (support_result refused = registered(g, n))
      return refused;
  }

  // 1. RankCheck (MAX_RANK = 6) on the inputs and outputs.
  constexpr std::size_t max_rank = 6;
  for (const auto input : g.inputs(n)) {
    const auto p = static_cast<graph::node_index>(input);
    if (p != graph::no_node && g.output_dims(p, 0).size() > max_rank) {
      return reject(reason::rank, "input " + node_text(g, p) + " has rank " +
                                      std::to_string(g.output_dims(p, 0).size()) + ", above 6");
    }
  }
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    if (g.output_dims(n, k).size() > max_rank) {
      return reject(reason::rank,
                    "output has rank " + std::to_string(g.output_dims(n, k).size()) + ", above 6");
    }
  }

  // 2. argmax only as the index of an int32 cast.
  if (id == ops::op_id_of<ops::aten::argmax_default>()) {
    if (is_graph_output(g, n))
      return reject(reason::argmax_users,
                    "argmax is a graph output, not the index of an int32 cast");
    for (const auto user : g.users(n)) {
      if (ops::find_op(g.op_name(user)) !=
              ops::op_id_of<ops::dim_order_ops::_to_dim_order_copy_default>() ||
          dtype_attribute(g, user, "dtype") != dtype::int32) {
        return reject(reason::argmax_users,
                      "argmax user " + node_text(g, user) + " is not a cast to int32");
      }
    }
  }

  // 3. int64, allowed only into getitems that yield narrower values, or from a constant.
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    if (g.output_dtype(n, k) != dtype::int64)
      continue;
    if (is_graph_output(g, n))
      return reject(reason::int64, "an int64 output is a graph output");
    for (const auto user : g.users(n)) {
      if (ops::find_op(g.op_name(user)) != ops::op_id_of<ops::getitem>() ||
          g.output_dtype(user, 0) == dtype::int64) {
        return reject(reason::int64, "int64 output used by " + node_text(g, user));
      }
    }
  }
  for (const auto input : g.inputs(n)) {
    const auto p = static_cast<graph::node_index>(input);
    if (p != graph::no_node && g.output_dtype(p, 0) == dtype::int64 &&
        ops::find_op(g.op_name(p)) != ops::op_id_of<ops::graph_const>()) {
      return reject(reason::int64, "int64 input " + node_text(g, p) + " is not a constant");
    }
  }

  // 5. CheckArmQuantized: integer-typed with integer inputs, unless a Q/DQ node.
  // (CheckProperQuantization asks no more of a graph in the folded form convert gives:
  // a node that passes this has integer inputs and outputs, which it accepts.)
  if (!ops::is_quantize(id) && !ops::is_dequantize(id)) {
    for (std::size_t k = 0; k < g.output_count(n); ++k) {
      if (is_floating_point(g.output_dtype(n, k))) {
        return reject(reason::not_quantized,
                      "output is " + std::string(to_string(g.output_dtype(n, k))) +
                          "; an INT-only spec runs only quantized or integer nodes");
      }
    }
    for (const auto input : g.inputs(n)) {
      const auto p = static_cast<graph::node_index>(input);
      if (p != graph::no_node && is_floating_point(g.output_dtype(p, 0))) {
        return reject(reason::not_quantized,
                      "input " + node_text(g, p) + " is " +
                          std::string(to_string(g.output_dtype(p, 0))) +
                          "; an INT-only spec runs only quantized or integer nodes");
      }
    }
  }

  // 6. CheckDtypeInputsAndOutputs: float64 and bfloat16 always, bool on U55.
  auto banned = [](dtype type) {
    return type == dtype::float64 || type == dtype::bfloat16 ||
           (Target::u55_subset && type == dtype::bool_);
  };
  for (const auto input : g.inputs(n)) {
    const auto p = static_cast<graph::node_index>(input);
    if (p != graph::no_node && banned(g.output_dtype(p, 0))) {
      return reject(reason::dtype_banned, "input " + node_text(g, p) + " is " +
                                              std::string(to_string(g.output_dtype(p, 0))) +
                                              ", which " + std::string(Target::name) +
                                              " does not run");
    }
  }
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    if (banned(g.output_dtype(n, k))) {
      return reject(reason::dtype_banned,
                    "output is " + std::string(to_string(g.output_dtype(n, k))) + ", which " +
                        std::string(Target::name) + " does not run");
    }
  }

  if constexpr (Target::u55_subset) {
    // 7. The U55 checks: NotSupported, Resize, Reverse, DtypeSupport, Cast.
    if (never_supported_table<Target>[id]) {
      return reject(reason::never_supported,
                    std::string(op) + " is on EthosU55NotSupported: the U55 never runs it");
    }
    if (id == ops::op_id_of<ops::aten::upsample_nearest2d_vec>()) {
      if (support_result refused = check_u55_resize(g, n))
        return refused;
    }
    if (ops::canonical(id) == ops::op_id_of<ops::aten::flip_default>()) {
      const graph::node_index input = input_of(g, n, 0);
      const std::size_t rank = input == graph::no_node ? 0 : g.output_dims(input, 0).size();
      const auto listed = int_list(g, n, "dims", std::nullopt);
      const bool one_dim = listed && listed->size() == 1;
      const std::int64_t wrapped = one_dim ? ((listed->front() % 4) + 4) % 4 : 0;
      if (rank != 4 || !one_dim || (wrapped != 1 && wrapped != 2)) {
        return reject(reason::reverse,
                      "flip of rank " + std::to_string(rank) +
                          ": the U55 reverses one channel or height axis of a rank-4 tensor");
      }
    }
    if (support_result outside = check_dtype_table<Target>(g, n, id))
      return outside;
    if (id == ops::op_id_of<ops::dim_order_ops::_to_dim_order_copy_default>()) {
      const graph::node_index input = input_of(g, n, 0);
      const dtype from = input == graph::no_node ? g.output_dtype(n, 0) : g.output_dtype(input, 0);
      const dtype to = g.output_dtype(n, 0);
      if (from != to && (from == dtype::bool_ || from == dtype::int32 || to == dtype::bool_)) {
        return reject(reason::cast, "a cast from " + std::string(to_string(from)) + " to " +
                                        std::string(to_string(to)) +
                                        ": the U55 casts neither from bool or int32 nor to bool");
      }
    }
    // The permute quick test: any max(1, r - 2) input dims must multiply to at most 65536.
    if (ops::canonical(id) == ops::op_id_of<ops::aten::permute_default>()) {
      const graph::node_index input = input_of(g, n, 0);
      if (input != graph::no_node) {
        std::vector<std::int64_t> dims = dims_of(g, input);
        const std::size_t take = dims.size() > 3 ? dims.size() - 2 : 1;
        std::sort(dims.begin(), dims.end(), std::greater<>());
        std::int64_t product = 1;
        for (std::size_t k = 0; k < take && k < dims.size(); ++k)
          product = saturating_mul(product, std::max<std::int64_t>(dims[k], 0));
        if (product > vela_axis_max) {
          return reject(reason::permute_needs_split,
                        "input " + list_text(dims_of(g, input)) + ": a product of " +
                            std::to_string(take) +
                            " dims exceeds 65536, so the permute must be split first");
        }
      }
    }
  }
  return {};
}

}  // namespace detail

}  // namespace qlower::targets
