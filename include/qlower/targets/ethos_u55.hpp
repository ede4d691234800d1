// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/type_list.hpp"
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

inline std::string list_text(std::span<const std::int64_t> values) {
  std::string text = "[";
  for (std::size_t k = 0; k < values.size(); ++k)
    text += (k == 0 ? "" : ", ") + std::to_string(values[k]);
  return text + "]";
}

inline bool in_range(std::int64_t value, std::int64_t low, std::int64_t high) {
  return value >= low && value <= high;
}

template <graph::graph G>
graph::node_index input_of(const G& g, graph::node_index n, std::size_t k) {
  const auto inputs = g.inputs(n);
  return k < inputs.size() ? static_cast<graph::node_index>(inputs[k]) : graph::no_node;
}

template <graph::graph G>
std::vector<std::int64_t> dims_of(const G& g, graph::node_index n) {
  const auto dims = g.output_dims(n, 0);
  return {dims.begin(), dims.end()};
}

template <graph::graph G>
std::string node_text(const G& g, graph::node_index n) {
  return "'" + std::string(g.node_name(n)) + "'";
}

/// Attribute `name` of node n as `size` integers: an integer or a one-entry
/// list is broadcast, an absent or null attribute (or, when `empty_is_absent`,
/// an empty list) gives `fallback`; anything else is no value.
template <graph::graph G>
std::optional<std::vector<std::int64_t>> int_list(const G& g, graph::node_index n,
                                                  std::string_view name, std::size_t size,
                                                  std::vector<std::int64_t> fallback,
                                                  bool empty_is_absent = false) {
  const graph::attribute* value = g.attribute_of(n, name);
  if (value == nullptr || value->is_null())
    return fallback;
  if (const std::int64_t* single = value->as_int())
    return std::vector<std::int64_t>(size, *single);
  auto list = value->as_int_list();
  if (!list)
    return std::nullopt;
  if (list->empty() && empty_is_absent)
    return fallback;
  if (list->size() == 1 && size > 1)
    return std::vector<std::int64_t>(size, list->front());
  if (list->size() != size)
    return std::nullopt;
  return list;
}

template <graph::graph G>
std::optional<bool> bool_attribute(const G& g, graph::node_index n, std::string_view name,
                                   bool fallback) {
  const graph::attribute* value = g.attribute_of(n, name);
  if (value == nullptr || value->is_null())
    return fallback;
  if (const bool* flag = value->as_bool())
    return *flag;
  return std::nullopt;
}

inline std::string bad_attribute(std::string_view name) {
  return "attribute '" + std::string(name) + "' is missing or has the wrong form";
}

/// Kernel limits shared by Vela's pooling and the large-stride decomposition:
/// kernel_x * kernel_y in [1, 65536] and kernel[1] in [1, 256].
inline support_result check_pool_kernel(std::int64_t first, std::int64_t second,
                                        std::string_view what) {
  if (!in_range(first * second, 1, vela_axis_max) || first < 1 || second < 1) {
    return reject(reason::pooling, std::string(what) + " [" + std::to_string(first) + ", " +
                                       std::to_string(second) +
                                       "]: the kernel area must be in [1, 65536]");
  }
  if (!in_range(second, 1, 256)) {
    return reject(reason::pooling, std::string(what) + " width " + std::to_string(second) +
                                       " exceeds the limit of 256");
  }
  return {};
}

/// The Vela limits that avg_pool2d and max_pool2d share on U55.
template <graph::graph G>
support_result check_u55_pool_limits(const G& g, graph::node_index input,
                                     const std::vector<std::int64_t>& kernel,
                                     const std::vector<std::int64_t>& padding) {
  const bool padded = std::any_of(padding.begin(), padding.end(), [](auto p) { return p != 0; });
  if (padded) {
    for (std::int64_t k : kernel) {
      if (!in_range(k, 1, 8)) {
        return reject(reason::pooling, "kernel " + list_text(kernel) + " with padding " +
                                           list_text(padding) +
                                           ": a padded pooling kernel must be in 1..8 per axis");
      }
    }
  }
  if (auto kernel_limit = check_pool_kernel(kernel[0], kernel[1], "kernel"))
    return kernel_limit;
  const std::vector<std::int64_t> dims = dims_of(g, input);
  for (std::size_t k = 1; k < dims.size(); ++k) {
    if (!in_range(dims[k], 1, vela_axis_max)) {
      return reject(reason::pooling, "input dimension " + std::to_string(k) + " is " +
                                         std::to_string(dims[k]) + ", outside [1, 65536]");
    }
  }
  return {};
}

}  // namespace detail

//===--- Registered per-op checks (2.1, 2.2): the positive route of ops off the list ---===//

/// The registered check of `Op`, this exact overload: specialisations have
/// `template <class Target, graph::graph G> static support_result check(const G&, node_index)`.
template <class Op>
struct tosa_check {};

/// convolution_support.py: output padding, transposed-conv rules, and on U55 Vela 5.0.0's limits.
template <>
struct tosa_check<ops::aten::convolution_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::in_range;
    using detail::list_text;
    using detail::reject;
    const graph::node_index input = detail::input_of(g, n, 0);
    const graph::node_index weight = detail::input_of(g, n, 1);
    if (input == graph::no_node || weight == graph::no_node)
      return reject(reason::convolution, "a convolution needs an input and a weight");
    const std::vector<std::int64_t> x = detail::dims_of(g, input);
    const std::vector<std::int64_t> w = detail::dims_of(g, weight);
    if (w.size() < 3 || x.size() < 2)
      return reject(reason::convolution, "weight dims " + list_text(w) + " have rank below 3");
    const std::size_t spatial = w.size() - 2;
    const auto transposed = detail::bool_attribute(g, n, "transposed", false);
    const auto stride =
        detail::int_list(g, n, "stride", spatial, std::vector<std::int64_t>(spatial, 1));
    const auto padding =
        detail::int_list(g, n, "padding", spatial, std::vector<std::int64_t>(spatial, 0));
    const auto dilation =
        detail::int_list(g, n, "dilation", spatial, std::vector<std::int64_t>(spatial, 1));
    const auto output_padding =
        detail::int_list(g, n, "output_padding", spatial, std::vector<std::int64_t>(spatial, 0));
    const graph::attribute* groups_value = g.attribute_of(n, "groups");
    const std::int64_t groups =
        groups_value != nullptr && groups_value->as_int() != nullptr ? *groups_value->as_int() : 1;
    for (const auto& [list, name] :
         {std::pair{&stride, "stride"}, std::pair{&padding, "padding"},
          std::pair{&dilation, "dilation"}, std::pair{&output_padding, "output_padding"}}) {
      if (!*list)
        return reject(reason::convolution, detail::bad_attribute(name));
    }
    if (!transposed)
      return reject(reason::convolution, detail::bad_attribute("transposed"));
    const std::int64_t kernel_h = w[2];
    const std::int64_t kernel_w = w.size() > 3 ? w.back() : 1;

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
      if (w.size() != 4)
        return reject(reason::convolution,
                      "a transposed convolution needs a 4-D weight, not " + list_text(w));
      for (std::size_t k = 0; k < 2; ++k) {
        const std::int64_t kernel = w[2 + k];
        const std::int64_t pad = (*padding)[k];
        if (!(-pad > -kernel) || !(-pad + (*output_padding)[k] > -kernel)) {
          return reject(reason::convolution,
                        "padding " + list_text(*padding) + " and output_padding " +
                            list_text(*output_padding) + " exceed kernel " +
                            std::to_string(kernel) + " on spatial axis " + std::to_string(k));
        }
      }
    }
    if constexpr (!Target::u55_subset) {
      return {};
    } else if (!*transposed) {
      const std::int64_t channels_in = x[1];
      const bool depthwise =
          channels_in == groups && channels_in != 0 && w[0] % channels_in == 0 && x.size() <= 4;
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
      if (w.size() == 5 && w[2] != 1)
        return reject(reason::convolution,
                      "3-D kernel depth " + std::to_string(w[2]) + " must be 1");
      const std::int64_t height = w.size() == 5 ? w[3] : kernel_h;
      if (!in_range(kernel_w, 1, 64))
        return reject(reason::convolution,
                      "kernel width " + std::to_string(kernel_w) + " outside [1, 64]");
      if (!in_range(height * kernel_w, 1, 4096)) {
        return reject(reason::convolution, "kernel area " + std::to_string(height * kernel_w) +
                                               " (" + list_text(w) + ") outside [1, 4096]");
      }
      if (w.size() == 5 && (*stride)[0] > 1)
        return reject(reason::convolution,
                      "3-D depth stride " + std::to_string((*stride)[0]) + " above 1");
      const bool unpadded =
          std::all_of(padding->begin(), padding->end(), [](auto p) { return p == 0; });
      for (std::size_t k = 0; k < spatial; ++k) {
        if (!in_range((*stride)[k], 1, 3) && !(unpadded && (*dilation)[k] == 1)) {
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
      if (!in_range(kernel_h * kernel_w, 1, 4096) || !in_range(kernel_h, 1, 64)) {
        return reject(reason::convolution, "transposed kernel " + list_text(w) +
                                               ": height must be in [1, 64] and area in [1, 4096]");
      }
      const std::int64_t sy = (*stride)[0];
      const std::int64_t sx = (*stride)[1];
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
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::pooling, "avg_pool2d has no input");
      const auto kernel = detail::int_list(g, n, "kernel_size", 2, {});
      if (!kernel || kernel->size() != 2)
        return reject(reason::pooling, detail::bad_attribute("kernel_size"));
      const auto stride = detail::int_list(g, n, "stride", 2, *kernel, true);
      const auto padding = detail::int_list(g, n, "padding", 2, {0, 0});
      const auto include_pad = detail::bool_attribute(g, n, "count_include_pad", true);
      if (!stride || !padding || !include_pad)
        return reject(reason::pooling, detail::bad_attribute(!stride    ? "stride"
                                                             : !padding ? "padding"
                                                                        : "count_include_pad"));
      const graph::attribute* divisor = g.attribute_of(n, "divisor_override");
      const bool divisor_set = divisor != nullptr && !divisor->is_null();
      const std::vector<std::int64_t> effective =
          *include_pad || divisor_set ? std::vector<std::int64_t>{0, 0} : *padding;
      if (auto limit = detail::check_u55_pool_limits(g, input, *kernel, effective))
        return limit;
      for (std::int64_t s : *stride) {
        if (!detail::in_range(s, 1, 3))
          return reject(reason::pooling,
                        "stride " + detail::list_text(*stride) + " outside [1, 3]");
      }
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      if (dims.size() == 4 && dims[0] != 1)
        return reject(reason::pooling, "batch " + std::to_string(dims[0]) + " must be 1");
      return {};
    }
  }
};

/// pool_2d_support.py for max_pool2d: the dilation rule on every target, Vela's
/// limits on U55, and the large-stride decomposition that rescues stride > 3.
template <>
struct tosa_check<ops::aten::max_pool2d_default> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::in_range;
    using detail::list_text;
    using detail::reject;
    const graph::node_index input = detail::input_of(g, n, 0);
    if (input == graph::no_node)
      return reject(reason::pooling, "max_pool2d has no input");
    const auto kernel = detail::int_list(g, n, "kernel_size", 2, {});
    if (!kernel || kernel->size() != 2)
      return reject(reason::pooling, detail::bad_attribute("kernel_size"));
    const auto stride = detail::int_list(g, n, "stride", 2, *kernel, true);
    const auto padding = detail::int_list(g, n, "padding", 2, {0, 0});
    const auto dilation = detail::int_list(g, n, "dilation", 2, {1, 1});
    if (!stride || !padding || !dilation)
      return reject(reason::pooling, detail::bad_attribute(!stride    ? "stride"
                                                           : !padding ? "padding"
                                                                      : "dilation"));
    const std::vector<std::int64_t> out = detail::dims_of(g, n);
    const bool one_by_one = out.size() >= 2 && out[out.size() - 1] == 1 && out[out.size() - 2] == 1;
    for (std::size_t k = 0; k < 2; ++k) {
      if ((*dilation)[k] > 1 && (*stride)[k] != 1 && !one_by_one) {
        return reject(reason::pooling, "dilation " + list_text(*dilation) + " with stride " +
                                           list_text(*stride) + ": a dilated axis needs stride 1");
      }
    }
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      if (auto limit = detail::check_u55_pool_limits(g, input, *kernel, *padding))
        return limit;
      const bool stride_in_range =
          std::all_of(stride->begin(), stride->end(), [](auto s) { return in_range(s, 1, 3); });
      if (stride_in_range)
        return {};
      // DecomposableLargeStrideMaxPool2dForU55Supported: static H/W, a kernel within
      // the input, and the kernel limits on (kh, kw), (1, kw) and (1, kh).
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      const bool fits = dims.size() >= 2 && (*kernel)[0] <= dims[dims.size() - 2] &&
                        (*kernel)[1] <= dims[dims.size() - 1];
      if (fits && !detail::check_pool_kernel(1, (*kernel)[1], "row kernel") &&
          !detail::check_pool_kernel(1, (*kernel)[0], "column kernel")) {
        return {};
      }
      return reject(reason::pooling, "stride " + list_text(*stride) +
                                         " outside [1, 3], and the kernel " + list_text(*kernel) +
                                         " does not allow the large-stride decomposition");
    }
  }
};

template <>
struct tosa_check<ops::aten::max_pool2d_with_indices_default>
    : tosa_check<ops::aten::max_pool2d_default> {};

/// SumSupported on U55: every reduced axis, and the products on either side of it, within Vela's
/// limit.
template <>
struct tosa_check<ops::aten::sum_dim_IntList> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::reject;
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::reduction, "sum has no input");
      const std::vector<std::int64_t> dims = detail::dims_of(g, input);
      const auto rank = static_cast<std::int64_t>(dims.size());
      std::vector<std::int64_t> reduced;
      const graph::attribute* dim = g.attribute_of(n, "dim");
      if (dim == nullptr || dim->is_null()) {
        for (std::int64_t k = 0; k < rank; ++k)
          reduced.push_back(k);
      } else if (const std::int64_t* single = dim->as_int()) {
        reduced.push_back(*single);
      } else if (auto list = dim->as_int_list()) {
        reduced = *list;
        if (reduced.empty()) {
          for (std::int64_t k = 0; k < rank; ++k)
            reduced.push_back(k);
        }
      } else {
        return reject(reason::reduction, detail::bad_attribute("dim"));
      }
      for (std::int64_t axis : reduced) {
        const std::int64_t k = axis < 0 ? axis + rank : axis;
        if (k < 0 || k >= rank)
          return reject(reason::reduction,
                        "dim " + std::to_string(axis) + " outside rank " + std::to_string(rank));
        std::int64_t before = 1;
        std::int64_t after = 1;
        for (std::int64_t i = 0; i < rank; ++i) {
          const auto index = static_cast<std::size_t>(i);
          if (i < k)
            before = std::min(before * dims[index], detail::vela_axis_max + 1);
          if (i > k)
            after = std::min(after * dims[index], detail::vela_axis_max + 1);
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

/// ToCopySupported with the INT profile's cast table (cast_support.py).
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
    return detail::reject(reason::cast, "a cast from " + std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)) +
                                            " is not in the INT profile's cast table");
  }
};

/// The upsample_nearest2d check; on U55, EthosU55ResizeCheck.
template <>
struct tosa_check<ops::aten::upsample_nearest2d_vec> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    using detail::reject;
    if constexpr (!Target::u55_subset) {
      return {};
    } else {
      const graph::node_index input = detail::input_of(g, n, 0);
      if (input == graph::no_node)
        return reject(reason::resize, "upsample has no input");
      const std::vector<std::int64_t> in = detail::dims_of(g, input);
      const std::vector<std::int64_t> out = detail::dims_of(g, n);
      if (in.size() != 4 || out.size() != 4) {
        return reject(reason::resize, "resize needs 4-D input and output, not " +
                                          detail::list_text(in) + " -> " + detail::list_text(out));
      }
      if (in[0] != 1 || out[0] != 1)
        return reject(reason::resize, "batch " + std::to_string(in[0]) + " -> " +
                                          std::to_string(out[0]) + " must be 1");
      auto allowed_scale = [](double s) { return s == 2.0 || s == 4.0 || s == 8.0; };
      const graph::attribute* scales = g.attribute_of(n, "scale_factors");
      if (scales != nullptr && !scales->is_null()) {
        const graph::attribute::list* items = scales->as_list();
        std::vector<double> values;
        if (items != nullptr) {
          for (const graph::attribute& item : *items) {
            if (const double* real = item.as_double())
              values.push_back(*real);
            else if (const std::int64_t* whole = item.as_int())
              values.push_back(static_cast<double>(*whole));
          }
        }
        if (items == nullptr || values.size() != 2 || items->size() != 2 ||
            values[0] != values[1] || !allowed_scale(values[0])) {
          return reject(reason::resize, "scale_factors must be two equal values in {2, 4, 8}");
        }
        return {};
      }
      for (std::int64_t s : {2, 4, 8}) {
        if (out[2] == in[2] * s && out[3] == in[3] * s)
          return {};
      }
      return reject(reason::resize, "resize " + detail::list_text(in) + " -> " +
                                        detail::list_text(out) +
                                        " is not one scale in {2, 4, 8} on both H and W");
    }
  }
};

/// slice_copy in the INT profile's dtypes, bool included.
template <>
struct tosa_check<ops::aten::slice_copy_Tensor> {
  template <class Target, graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    constexpr dtype_set sliceable{dtype::bool_, dtype::int8, dtype::int16, dtype::int32};
    if (sliceable.contains(g.output_dtype(n, 0)))
      return {};
    return detail::reject(reason::not_in_profile,
                          "slice_copy in " + std::string(to_string(g.output_dtype(n, 0))) +
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

//===--- The check: positive route, then the negative checks of 2.1 in order ---===//

namespace detail {

inline bool is_quantize_or_dequantize(ops::op_id id) {
  using namespace ops::quantized_decomposed;
  return id == ops::op_id_of<quantize_per_tensor_default>() ||
         id == ops::op_id_of<quantize_per_channel_default>() ||
         id == ops::op_id_of<dequantize_per_tensor_default>() ||
         id == ops::op_id_of<dequantize_per_channel_default>();
}

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
      const graph::attribute* type = g.attribute_of(user, "dtype");
      const std::string* name = type != nullptr ? type->as_string() : nullptr;
      if (name != nullptr)
        return dtype_from_name(*name);
    }
    break;
  }
  return std::nullopt;
}

template <class Target, graph::graph G>
support_result check_dtype_table(const G& g, graph::node_index n, ops::op_id id) {
  const ops::op_id base = ops::canonical(id);
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
    for (const auto user : g.users(n)) {
      if (ops::find_op(g.op_name(user)) !=
              ops::op_id_of<ops::dim_order_ops::_to_dim_order_copy_default>() ||
          g.output_dtype(user, 0) != dtype::int32) {
        return reject(reason::argmax_users,
                      "argmax user " + node_text(g, user) + " is not a cast to int32");
      }
    }
  }

  // 3. int64, allowed only into getitems that yield narrower values, or from a constant.
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    if (g.output_dtype(n, k) != dtype::int64)
      continue;
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
  if (!is_quantize_or_dequantize(id)) {
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
    // 7. The U55 checks: NotSupported, Reverse, DtypeSupport, Cast (Resize ran as the
    // registered check of upsample_nearest2d).
    if (never_supported_table<Target>[id]) {
      return reject(reason::never_supported,
                    std::string(op) + " is on EthosU55NotSupported: the U55 never runs it");
    }
    if (ops::canonical(id) == ops::op_id_of<ops::aten::flip_default>()) {
      const graph::node_index input = input_of(g, n, 0);
      const std::size_t rank = input == graph::no_node ? 0 : g.output_dims(input, 0).size();
      const graph::attribute* dims_value = g.attribute_of(n, "dims");
      const auto listed = dims_value != nullptr ? dims_value->as_int_list() : std::nullopt;
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
          product = std::min(product * std::max<std::int64_t>(dims[k], 0), vela_axis_max + 1);
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
