// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naive Ethos-U55 support check: ethos-u55.md 2.1-2.3 and 2.5 written as
// if-chains over op-name strings, independent of qlower's op types, traits and
// target tables. It answers one question per node, "would an INT-only U55 (or
// U85) TOSA spec delegate it, and if not, which rule says no first?", so the
// harness can cross-check targets/ethos_u55.hpp on random graphs.
//
// Conventions every rule below shares:
// - the tensor a node reads from an input is that producer's first output, as
//   ExecuTorch's get_first_fake_tensor reads it; absent inputs are skipped;
// - attributes are read by ATen schema name; a missing one takes the schema
//   default, and a missing one without default, or an ill-typed one, fails the
//   op's own check;
// - shape products saturate, so absurd shapes and attributes fail a limit
//   instead of overflowing.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/plain_graph.hpp"  // also brings qlower::shape, tensor_type's dims
#include "qlower/targets/rejection.hpp"

namespace qlower::reference {

namespace detail::ethos_u55 {

using graph::attribute;
using graph::node_index;
using graph::plain_graph;
using name_set = std::set<std::string, std::less<>>;

//===--- Op names, straight from ethos-u55.md ---===//

inline constexpr std::string_view quantize_per_tensor =
    "quantized_decomposed.quantize_per_tensor.default";
inline constexpr std::string_view dequantize_per_tensor =
    "quantized_decomposed.dequantize_per_tensor.default";
inline constexpr std::string_view quantize_per_channel =
    "quantized_decomposed.quantize_per_channel.default";
inline constexpr std::string_view dequantize_per_channel =
    "quantized_decomposed.dequantize_per_channel.default";
inline constexpr std::string_view to_dim_order_copy = "dim_order_ops._to_dim_order_copy.default";

// The Q and DQ overloads CheckArmQuantized exempts and CheckProperQuantization
// looks for (ExecuTorch's Q_OPS / DQ_OPS).
inline const name_set quantize_ops{std::string(quantize_per_tensor),
                                   std::string(quantize_per_channel),
                                   "quantized_decomposed.quantize_per_tensor.tensor"};
inline const name_set dequantize_ops{std::string(dequantize_per_tensor),
                                     std::string(dequantize_per_channel),
                                     "quantized_decomposed.dequantize_per_tensor.tensor"};

// 2.3, TOSA_PRO_INT_SupportList, as edge op overloads; "copy" is aten.copy.default.
inline const name_set int_profile_ops{
    // Elementwise / table
    "aten.abs.default",
    "aten.add.Tensor",
    "aten.any.default",
    "aten.any.dim",
    "aten.any.dims",
    "aten.bitwise_and.Tensor",
    "aten.bitwise_and.Scalar",
    "aten.bitwise_or.Tensor",
    "aten.bitwise_or.Scalar",
    "aten.bitwise_xor.Tensor",
    "aten.bitwise_xor.Scalar",
    "aten.cos.default",
    "aten.logical_and.default",
    "aten.logical_or.default",
    "aten.logical_xor.default",
    "aten.logical_not.default",
    "aten.arange.start_step",
    "aten.expand_copy.default",
    "aten.cat.default",
    "aten.ceil.default",
    "aten.clamp.default",
    "aten.clamp.Tensor",
    "aten.cumsum.default",
    "aten.bmm.default",
    "aten.permute_copy.default",
    "aten.hardsigmoid.default",
    "aten.hardtanh.default",
    "aten.hardswish.default",
    "aten.eq.Tensor",
    "aten.eq.Scalar",
    "aten.erf.default",
    "aten.erfinv.default",
    "aten.exp.default",
    "aten.expm1.default",
    "aten.log.default",
    "aten.log1p.default",
    "aten.log10.default",
    "aten.linear.default",
    "aten.split_with_sizes_copy.default",
    "aten.split_copy.Tensor",
    "aten.flip.default",
    "aten.floor.default",
    "aten.full.default",
    "aten.full_like.default",
    "aten.ge.Tensor",
    "aten.ge.Scalar",
    "aten.gt.Tensor",
    "aten.gt.Scalar",
    "aten.le.Tensor",
    "aten.le.Scalar",
    "aten.lt.Tensor",
    "aten.lt.Scalar",
    "aten.leaky_relu.default",
    "aten.mul.Tensor",
    "aten.neg.default",
    "aten.sigmoid.default",
    "aten.mean.dim",
    "aten.mm.default",
    "aten.minimum.default",
    "aten.maximum.default",
    "aten.repeat.default",
    "aten.reciprocal.default",
    "aten.relu.default",
    "aten.remainder.Scalar",
    "aten.remainder.Tensor",
    "aten.rsqrt.default",
    "aten.select_copy.int",
    "aten.sub.Tensor",
    "aten.tanh.default",
    "aten.view_copy.default",
    "aten.unsqueeze_copy.default",
    "aten.squeeze_copy.dims",
    "aten.pow.Tensor_Scalar",
    "aten.pow.Tensor_Tensor",
    // Structural / quantization
    "getitem",
    std::string(quantize_per_tensor),
    std::string(quantize_per_channel),
    std::string(dequantize_per_tensor),
    std::string(dequantize_per_channel),
    "aten.pad.default",
    "aten.constant_pad_nd.default",
    "aten.argmax.default",
    "aten.amax.default",
    "aten.amin.default",
    "aten.eye.default",
    "aten.linspace.default",
    "aten.bitwise_left_shift.Tensor",
    "aten.__lshift__.Scalar",
    "aten.scalar_tensor.default",
    // More table / decomposed ops
    "aten.gelu.default",
    "aten.alias_copy.default",
    "aten.sin.default",
    "aten.sinh.default",
    "aten.atan.default",
    "aten.acosh.default",
    "aten._adaptive_avg_pool2d.default",
    "aten.sign.default",
    "aten.asin.default",
    "aten.atanh.default",
    "aten.masked_fill.Scalar",
    "aten.asinh.default",
    "aten.cosh.default",
    "aten.acos.default",
    "aten.elu.default",
    "aten.selu.default",
    "aten.celu.default",
    "aten.bitwise_not.default",
    "aten.copy.default",
    "aten.div.Tensor_mode",
    "aten.tan.default",
    "aten.silu.default",
    "aten.detach_copy.default",
    "aten.round.default",
};

// 2.2, the TableOps: unary ops lowered to TOSA TABLE.
inline const name_set table_ops{
    "aten.ceil.default",       "aten.erf.default",        "aten.exp.default",
    "aten.expm1.default",      "aten.erfinv.default",     "aten.floor.default",
    "aten.log.default",        "aten.log1p.default",      "aten.log10.default",
    "aten.reciprocal.default", "aten.rsqrt.default",      "aten.sigmoid.default",
    "aten.cos.default",        "aten.sin.default",        "aten.tanh.default",
    "aten.atan.default",       "aten.atanh.default",      "aten.hardsigmoid.default",
    "aten.hardswish.default",  "aten.sinh.default",       "aten.acosh.default",
    "aten.asin.default",       "aten.asinh.default",      "aten.cosh.default",
    "aten.acos.default",       "aten.tan.default",        "aten.silu.default",
    "aten.round.default",      "aten.pow.Tensor_Scalar",  "aten.gelu.default",
    "aten.elu.default",        "aten.leaky_relu.default", "aten.remainder.Scalar",
};

// 2.1, CheckProperQuantization's targeted ops (plus every TableOp).
inline const name_set proper_quantization_targets{
    "aten.add.Tensor",
    "aten.avg_pool2d.default",
    "aten.bmm.default",
    "aten.convolution.default",
    "aten.full.default",
    "aten.full_like.default",
    "aten.hardtanh.default",
    "aten.linear.default",
    "aten.max_pool2d_with_indices.default",
    "aten.mm.default",
    "aten.mul.Tensor",
    "aten.neg.default",
    "aten.relu.default",
    "aten.sub.Tensor",
    "aten.upsample_bilinear2d.vec",
    "aten.upsample_nearest2d.vec",
    "aten.scalar_tensor.default",
    "aten.mean.dim",
};

// 2.2, EthosU55NotSupported.
inline const name_set u55_never_supported{
    "aten.any.default",
    "aten.any.dim",
    "aten.any.dims",
    "aten.bitwise_and.Tensor",
    "aten.bitwise_and.Scalar",
    "aten.bitwise_or.Tensor",
    "aten.bitwise_or.Scalar",
    "aten.bitwise_xor.Tensor",
    "aten.bitwise_xor.Scalar",
    "aten.bitwise_not.default",
    "aten.logical_and.default",
    "aten.logical_or.default",
    "aten.logical_xor.default",
    "aten.logical_not.default",
    "aten.conv3d.default",
    "aten.conv3d.padding",
    "aten.eq.Tensor",
    "aten.eq.Scalar",
    "aten.ge.Tensor",
    "aten.ge.Scalar",
    "aten.gt.Tensor",
    "aten.gt.Scalar",
    "aten.le.Tensor",
    "aten.le.Scalar",
    "aten.lt.Tensor",
    "aten.lt.Scalar",
    "aten.ne.Tensor",
    "aten.ne.Scalar",
    "aten.gather.default",
    "aten.index.Tensor",
    "aten.index_select.default",
    "aten.index_put.default",
    "aten.scatter.src",
    "aten.scatter.value",
    "aten.select_scatter.default",
    "aten.scatter_reduce.two",
    "aten.scatter_add.default",
    "aten.unfold_copy.default",
    "aten.upsample_bilinear2d.vec",
    "aten.reflection_pad1d.default",
    "aten.reflection_pad2d.default",
    "aten.reflection_pad3d.default",
    "aten.where.self",
};

// 2.2, EthosU55DtypeSupport's i8/i16/i32 row, with the `_copy` forms a graph
// holds beside the canonical names the spec lists.
inline const name_set u55_int8_int16_int32_ops{
    "aten.cat.default",       "aten.expand_copy.default",     "aten.expand.default",
    "aten.repeat.default",    "aten.constant_pad_nd.default", "aten.view.default",
    "aten.view_copy.default", "aten.permute.default",         "aten.permute_copy.default",
};

/// `op` with a pure alias replaced by its canonical op, so that no rule can
/// tell them apart (style.md: `concat` vs `cat` is the alias ExecuTorch forgot).
inline std::string canonical_name(std::string_view op) {
  // style.md "alias_of<Canonical> carries no trait list of its own": aliases
  // are the same op; in-place and `_copy` variants keep their own names, as
  // 2.3 lists edge names ("only what 2.3 lists").
  if (op == "aten.concat.default" || op == "aten.concatenate.default")
    return "aten.cat.default";
  return std::string(op);
}

//===--- Small readers ---===//

inline constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

/// a * b, saturated to the int64 range: every limit compared against is far inside it.
inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product))
    return (a < 0) != (b < 0) ? int64_min : int64_max;
  return product;
}

/// a - b, saturated to the int64 range.
inline std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference))
    return b < 0 ? int64_max : int64_min;
  return difference;
}

inline bool within(std::int64_t value, std::int64_t low, std::int64_t high) {
  return low <= value && value <= high;
}

/// The product of `dims`, saturated.
inline std::int64_t product_of(std::span<const std::int64_t> dims) {
  std::int64_t product = 1;
  for (std::int64_t dim : dims)
    product = saturating_mul(product, dim);
  return product;
}

/// The present inputs of node `n`, in schema order.
inline std::vector<node_index> present_inputs(const plain_graph& g, node_index n) {
  std::vector<node_index> present;
  for (node_index input : g[n].inputs) {
    if (input != graph::no_node)
      present.push_back(input);
  }
  return present;
}

/// Input slot `slot` of node `n`, if the node has it and it is not absent.
inline std::optional<node_index> input_at(const plain_graph& g, node_index n, std::size_t slot) {
  const auto& inputs = g[n].inputs;
  if (slot >= inputs.size() || inputs[slot] == graph::no_node)
    return std::nullopt;
  return inputs[slot];
}

/// Whether node `n` is a graph output. In torch.fx the graph's `output` node
/// is then one more user of `n`, and never a getitem, Q or cast: every "all
/// users are ..." rule below counts it as a user that is not.
inline bool is_graph_output(const plain_graph& g, node_index n) {
  const auto outputs = g.graph_outputs();
  return std::find(outputs.begin(), outputs.end(), n) != outputs.end();
}

/// The tensor a consumer reads from `producer`: its first output.
inline const graph::tensor_type& read_tensor(const plain_graph& g, node_index producer) {
  return g[producer].outputs.front();
}

/// The value of an `int[]` attribute. A bare int is a one-element list, as
/// Python broadcasts an `int[2]` argument; anything else is ill-typed (nullopt).
inline std::optional<std::vector<std::int64_t>> int_list_value(const attribute& value) {
  if (const std::int64_t* single = value.as_int())
    return std::vector<std::int64_t>{*single};
  return value.as_int_list();
}

/// An `int[]` attribute of node `n`, or `fallback` when the node has none.
inline std::optional<std::vector<std::int64_t>> int_list_or(
    const plain_graph& g, node_index n, std::string_view name,
    std::optional<std::vector<std::int64_t>> fallback) {
  const attribute* value = g.attribute_of(n, name);
  if (value == nullptr)
    return fallback;
  return int_list_value(*value);
}

/// A `bool` attribute of node `n`, or `fallback` when the node has none.
inline std::optional<bool> bool_or(const plain_graph& g, node_index n, std::string_view name,
                                   std::optional<bool> fallback) {
  const attribute* value = g.attribute_of(n, name);
  if (value == nullptr)
    return fallback;
  if (const bool* flag = value->as_bool())
    return *flag;
  return std::nullopt;
}

/// A per-axis argument of a 2-D op: one value is both axes, two are (H, W).
inline std::optional<std::array<std::int64_t, 2>> as_pair(
    const std::optional<std::vector<std::int64_t>>& values) {
  if (!values)
    return std::nullopt;
  if (values->size() == 1)
    return std::array<std::int64_t, 2>{(*values)[0], (*values)[0]};
  if (values->size() == 2)
    return std::array<std::int64_t, 2>{(*values)[0], (*values)[1]};
  return std::nullopt;
}

/// The dtype a ScalarType attribute names: PyTorch's name ("int8") or c10's
/// ScalarType enum value, the two forms qlower's attribute schema accepts.
inline std::optional<dtype> dtype_value(const attribute* value) {
  if (value == nullptr)
    return std::nullopt;
  if (const std::string* name = value->as_string())
    return dtype_from_name(*name);
  if (const std::int64_t* code = value->as_int()) {
    switch (*code) {
      case 0:
        return dtype::uint8;
      case 1:
        return dtype::int8;
      case 2:
        return dtype::int16;
      case 3:
        return dtype::int32;
      case 4:
        return dtype::int64;
      case 5:
        return dtype::float16;
      case 6:
        return dtype::float32;
      case 7:
        return dtype::float64;
      case 11:
        return dtype::bool_;
      case 15:
        return dtype::bfloat16;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

inline bool is_one_of(dtype type, std::initializer_list<dtype> allowed) {
  return std::find(allowed.begin(), allowed.end(), type) != allowed.end();
}

//===--- Registered positive checks (2.2, 2.3) ---===//

/// Whether the weight of a convolution is quantized per channel: read from
/// the Q/DQ per-channel node that produces it.
inline bool weight_is_per_channel(const plain_graph& g, node_index weight) {
  const std::string_view producer = g[weight].op;
  return producer == quantize_per_channel || producer == dequantize_per_channel;
}

/// ConvolutionSupported: the all-profile rules, then U55's Vela 5.0.0 limits.
inline bool convolution_supported(const plain_graph& g, node_index n, bool u55) {
  const std::optional<node_index> input = input_at(g, n, 0);
  const std::optional<node_index> weight = input_at(g, n, 1);
  // aten.convolution has no defaults: every argument must be there and well typed.
  const auto stride = int_list_or(g, n, "stride", std::nullopt);
  const auto padding = int_list_or(g, n, "padding", std::nullopt);
  const auto dilation = int_list_or(g, n, "dilation", std::nullopt);
  const auto output_padding = int_list_or(g, n, "output_padding", std::nullopt);
  const std::optional<bool> transposed = bool_or(g, n, "transposed", std::nullopt);
  const attribute* groups_value = g.attribute_of(n, "groups");
  const std::int64_t* groups = groups_value == nullptr ? nullptr : groups_value->as_int();
  if (!input || !weight || !stride || !padding || !dilation || !output_padding || !transposed ||
      groups == nullptr) {
    return false;
  }
  const shape& in = read_tensor(g, *input).dims;
  const shape& kernel = read_tensor(g, *weight).dims;
  const shape& out = g[n].outputs.front().dims;

  if (!*transposed) {
    for (std::int64_t pad : *output_padding) {
      if (pad != 0)
        return false;
    }
  } else {
    for (std::int64_t d : *dilation) {
      if (d != 1)
        return false;
    }
    if (*groups > 1 && weight_is_per_channel(g, *weight))
      return false;
    if (kernel.rank() != 4)
      return false;
    const auto pad = as_pair(padding);
    const auto out_pad = as_pair(output_padding);
    if (!pad || !out_pad)
      return false;
    for (std::size_t axis = 0; axis < 2; ++axis) {
      const std::int64_t k = kernel[2 + axis];
      // -pad > -k and -pad + out_pad > -k, written without negation.
      if (!((*pad)[axis] < k) || !(saturating_sub((*pad)[axis], (*out_pad)[axis]) < k))
        return false;
    }
  }
  if (!u55)
    return true;

  constexpr std::int64_t max_dim = 65536;
  if (!*transposed) {
    if (in.rank() < 2 || out.rank() < 2 || kernel.rank() < 3)
      return false;
    const std::int64_t c_in = in[1];
    const std::int64_t c_out = out[1];
    const bool depthwise = c_in == *groups && c_in != 0 && c_out % c_in == 0 && in.rank() <= 4;
    if (depthwise) {
      for (std::size_t axis = 1; axis < in.rank(); ++axis) {
        if (!within(in[axis], 1, max_dim))
          return false;
      }
    } else if (!within(c_in, 1, max_dim)) {
      return false;
    }
    // 2.2: "the code names kH kernel_w and kW kernel_h"; kH = weight[2], kW = weight[3].
    const std::int64_t k_h = kernel[2];
    const std::int64_t k_w = kernel.rank() > 3 ? kernel[3] : 1;
    // 2.2 "for 3-D, kD == 1": the code's kernel_z, weight[4].
    const std::int64_t k_d = kernel.rank() > 4 ? kernel[4] : 1;
    if (!within(k_w, 1, 64) || !within(saturating_mul(k_h, k_w), 1, 4096) || k_d != 1)
      return false;

    std::vector<std::int64_t> strides = *stride;
    std::vector<std::int64_t> dilations = *dilation;
    if (strides.size() == 1)
      strides.assign(2, strides[0]);
    if (dilations.size() == 1)
      dilations.assign(2, dilations[0]);
    if (strides.size() > 2 && strides[2] > 1)
      return false;
    const bool has_padding =
        std::any_of(padding->begin(), padding->end(), [](std::int64_t p) { return p > 0; });
    // Pairs as Python's zip makes them: up to the shorter list.
    for (std::size_t axis = 0; axis < std::min(strides.size(), dilations.size()); ++axis) {
      const bool stride_ok = within(strides[axis], 1, 3);
      const bool plain_window = !has_padding && dilations[axis] == 1;
      if (!stride_ok && !plain_window)
        return false;
    }
    return true;
  }

  if (in.rank() != 4)
    return false;
  for (std::size_t axis = 1; axis < 4; ++axis) {
    if (!within(in[axis], 1, max_dim))
      return false;
  }
  const std::int64_t k_h = kernel[2];
  const std::int64_t k_w = kernel[3];
  if (!within(saturating_mul(k_h, k_w), 1, 4096) || !within(k_h, 1, 64))
    return false;
  const auto strides = as_pair(stride);
  if (!strides)
    return false;
  const auto [s_h, s_w] = *strides;
  if ((s_h == 1 && s_w == 1) || (s_h == 2 && s_w == 2))
    return true;
  if (s_h == 1 && s_w == 2)
    return in[2] == 1 && k_h == 1;
  if (s_h == 2 && s_w == 1)
    return in[3] == 1 && k_w == 1;
  return false;
}

/// The window arguments of a 2-D pool, ATen defaults filled in.
struct pool_window {
  std::array<std::int64_t, 2> kernel;
  std::array<std::int64_t, 2> stride;
  std::array<std::int64_t, 2> padding;
  std::array<std::int64_t, 2> dilation;
  bool ceil_mode;
};

/// Reads the window of avg_pool2d / max_pool2d; nullopt when an argument is
/// missing without default or ill-typed.
inline std::optional<pool_window> read_pool_window(const plain_graph& g, node_index n) {
  const auto kernel = as_pair(int_list_or(g, n, "kernel_size", std::nullopt));
  // ATen: `int[2] stride=[]`, and an empty stride means the kernel size.
  const auto stride_values = int_list_or(g, n, "stride", std::vector<std::int64_t>{});
  const auto padding = as_pair(int_list_or(g, n, "padding", std::vector<std::int64_t>{0}));
  const auto dilation = as_pair(int_list_or(g, n, "dilation", std::vector<std::int64_t>{1}));
  const std::optional<bool> ceil_mode = bool_or(g, n, "ceil_mode", false);
  if (!kernel || !stride_values || !padding || !dilation || !ceil_mode)
    return std::nullopt;
  const auto stride = stride_values->empty() ? kernel : as_pair(stride_values);
  if (!stride)
    return std::nullopt;
  return pool_window{*kernel, *stride, *padding, *dilation, *ceil_mode};
}

/// pool_2d_support.py kernel_check: kh·kw in [1, 65536] and kw in [1, 256].
inline bool pool_kernel_ok(const std::array<std::int64_t, 2>& kernel) {
  return within(saturating_mul(kernel[0], kernel[1]), 1, 65536) && within(kernel[1], 1, 256);
}

inline bool pool_stride_ok(const std::array<std::int64_t, 2>& stride) {
  return within(stride[0], 1, 3) && within(stride[1], 1, 3);
}

/// Every non-batch dim of a 4-D input in [1, 65536].
inline bool pool_dims_ok(const shape& in) {
  if (in.rank() != 4)  // The code unpacks (N, C, H, W); Vela pools are 4-D.
    return false;
  for (std::size_t axis = 1; axis < 4; ++axis) {
    if (!within(in[axis], 1, 65536))
      return false;
  }
  return true;
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t quotient = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient;
}

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return -floor_div(-a, b);
}

/// adjust_pooling_pad_if_needed: the post-pad that makes TOSA's output size
/// formula give ATen's. Callers ensure small operands (checked kernel, stride, size).
inline std::int64_t adjusted_post_pad(std::int64_t size, std::int64_t kernel, std::int64_t stride,
                                      std::int64_t pad, bool ceil_mode) {
  const std::int64_t span = size - kernel + 2 * pad;
  const std::int64_t output = (ceil_mode ? ceil_div(span, stride) : floor_div(span, stride)) + 1;
  return (output - 1) * stride - size + kernel - pad;
}

/// AvgPool2dSupported: no limits off the U55; on it, Vela 4.2.0's.
inline bool avg_pool2d_supported(const plain_graph& g, node_index n, bool u55) {
  const std::optional<pool_window> window = read_pool_window(g, n);
  const std::optional<bool> count_include_pad = bool_or(g, n, "count_include_pad", true);
  const attribute* divisor_override = g.attribute_of(n, "divisor_override");
  const bool divisor_ok =
      divisor_override == nullptr || divisor_override->is_null() || divisor_override->as_int();
  if (!window || !count_include_pad || !divisor_ok)
    return false;
  if (!u55)
    return true;
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  const shape& in = read_tensor(g, *input).dims;
  // Kernel, stride and dims first: they bound the operands of the padding rule.
  if (!pool_kernel_ok(window->kernel) || !pool_stride_ok(window->stride) || !pool_dims_ok(in))
    return false;
  if (in[0] != 1)
    return false;
  const bool has_divisor = divisor_override != nullptr && !divisor_override->is_null();
  bool tosa_padding_nonzero = false;
  // 2.2: padding is applied by concatenation, not by the pool, in these cases.
  if (!*count_include_pad && !has_divisor) {
    const auto& pad = window->padding;
    tosa_padding_nonzero = pad[0] != 0 || pad[1] != 0;
    if (!tosa_padding_nonzero) {
      // 2.2 "adjusted post-pad": a negative post-pad is non-zero too, as the code compares `== 0`.
      tosa_padding_nonzero =
          adjusted_post_pad(in[2], window->kernel[0], window->stride[0], 0, window->ceil_mode) !=
              0 ||
          adjusted_post_pad(in[3], window->kernel[1], window->stride[1], 0, window->ceil_mode) != 0;
    }
  }
  const bool small_kernel = within(window->kernel[0], 1, 8) && within(window->kernel[1], 1, 8);
  return !tosa_padding_nonzero || small_kernel;
}

/// MaxPool2dSupported: the dilation rule everywhere, Vela 4.2.0's limits on the U55.
inline bool max_pool2d_supported(const plain_graph& g, node_index n, bool u55) {
  const std::optional<pool_window> window = read_pool_window(g, n);
  if (!window)
    return false;
  const auto axis_ok = [&](std::size_t axis) {
    return window->dilation[axis] == 1 || (window->dilation[axis] > 1 && window->stride[axis] == 1);
  };
  if (!axis_ok(0) || !axis_ok(1)) {
    // 2.2 "unless the output is 1x1": read from the node's own output shape.
    const shape& out = g[n].outputs.front().dims;
    const bool one_by_one = out.rank() >= 2 && out[out.rank() - 2] == 1 && out[out.rank() - 1] == 1;
    if (!one_by_one)
      return false;
  }
  if (!u55)
    return true;
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  // 2.2 "There is no N==1 check in the code" for max_pool2d.
  const shape& in = read_tensor(g, *input).dims;
  if (!pool_kernel_ok(window->kernel) || !pool_dims_ok(in))
    return false;
  if (pool_stride_ok(window->stride))
    return true;
  // 2.2 DecomposableLargeStrideMaxPool2dForU55Supported: static H/W, a kernel no
  // larger than the input, and the kernel checks on (kh, kw), (1, kw) and (1, kh).
  return window->kernel[0] <= in[2] && window->kernel[1] <= in[3] &&
         pool_kernel_ok({1, window->kernel[1]}) && pool_kernel_ok({1, window->kernel[0]});
}

/// SumSupported: every reduced dim, and the products before and after it, in [1, 65536].
inline bool sum_supported(const plain_graph& g, node_index n, bool u55) {
  const attribute* dim_value = g.attribute_of(n, "dim");
  if (dim_value == nullptr)  // `int[1]? dim` has no default.
    return false;
  std::optional<std::vector<std::int64_t>> dims;
  if (dim_value->is_null()) {
    dims = std::vector<std::int64_t>{};
  } else {
    dims = int_list_value(*dim_value);
  }
  if (!dims)
    return false;
  if (!u55)
    return true;
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  const shape& in = read_tensor(g, *input).dims;
  const auto rank = static_cast<std::int64_t>(in.rank());
  // ATen: a null or empty dim list reduces every dim.
  if (dims->empty()) {
    for (std::int64_t axis = 0; axis < rank; ++axis)
      dims->push_back(axis);
  }
  const std::span<const std::int64_t> all = in.dims();
  for (std::int64_t dim : *dims) {
    const std::int64_t axis = dim < 0 ? dim + rank : dim;
    if (!within(axis, 0, rank - 1))
      return false;
    const auto position = static_cast<std::size_t>(axis);
    if (!within(in[position], 1, 65536))
      return false;
    if (!within(product_of(all.first(position)), 1, 65536) ||
        !within(product_of(all.subspan(position + 1)), 1, 65536)) {
      return false;
    }
  }
  return true;
}

/// A cast whose users all quantize with scale 1 and zero point 0 only relabels
/// its values (2.2 "quantized identity cast").
inline bool is_quantized_identity_cast(const plain_graph& g, node_index n) {
  const auto users = g.users(n);
  // A "quantized identity" needs a quantize to be one.
  if (users.empty() || is_graph_output(g, n))
    return false;
  for (node_index user : users) {
    if (g[user].op != quantize_per_tensor)
      return false;
    const attribute* scale = g.attribute_of(user, "scale");
    const attribute* zero_point = g.attribute_of(user, "zero_point");
    const bool unit_scale =
        scale != nullptr && ((scale->as_double() && *scale->as_double() == 1.0) ||
                             (scale->as_int() && *scale->as_int() == 1));
    const bool zero_offset =
        zero_point != nullptr && zero_point->as_int() && *zero_point->as_int() == 0;
    if (!unit_scale || !zero_offset)
      return false;
  }
  return true;
}

/// ToCopySupported on the INT profile: bool, int8, int16 and int32 cast among
/// themselves in every direction; the same dtype in and out is no cast at all.
inline bool int_profile_cast_supported(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  const dtype from = read_tensor(g, *input).type;
  const dtype to = g[n].outputs.front().type;
  if (from == to)
    return true;
  const auto int_profile = [](dtype type) {
    return is_one_of(type, {dtype::bool_, dtype::int8, dtype::int16, dtype::int32});
  };
  if (int_profile(from) && int_profile(to))
    return true;
  return is_quantized_identity_cast(g, n);
}

/// EthosU55ResizeCheck on upsample_nearest2d.vec.
inline bool u55_resize_supported(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  const shape& in = read_tensor(g, *input).dims;
  const shape& out = g[n].outputs.front().dims;
  if (in.rank() != 4 || out.rank() != 4 || in[0] != 1 || out[0] != 1)
    return false;
  const attribute* scale_factors = g.attribute_of(n, "scale_factors");
  if (scale_factors != nullptr && !scale_factors->is_null()) {
    const attribute::list* factors = scale_factors->as_list();
    if (factors == nullptr || factors->size() != 2)
      return false;
    std::array<double, 2> values{};
    for (std::size_t k = 0; k < 2; ++k) {
      const attribute& factor = (*factors)[k];
      if (const double* real = factor.as_double()) {
        values[k] = *real;
      } else if (const std::int64_t* whole = factor.as_int()) {
        values[k] = static_cast<double>(*whole);
      } else {
        return false;
      }
    }
    return values[0] == values[1] && (values[0] == 2.0 || values[0] == 4.0 || values[0] == 8.0);
  }
  for (std::int64_t s : {2, 4, 8}) {
    if (out[2] == saturating_mul(in[2], s) && out[3] == saturating_mul(in[3], s))
      return true;
  }
  return false;
}

/// SliceCopySupported on the INT profile: the sliced values are an integer type or bool.
inline bool int_profile_slice_supported(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  return input && is_one_of(read_tensor(g, *input).type,
                            {dtype::int8, dtype::int16, dtype::int32, dtype::bool_});
}

/// The positive any-chain of 2.1 for an INT-only spec: nullopt when the op is
/// in the INT list or a registered check accepts it, else the reason.
inline std::optional<targets::reason> positive_check(const plain_graph& g, node_index n,
                                                     const std::string& op, bool u55) {
  using targets::reason;
  if (int_profile_ops.contains(op))
    return std::nullopt;
  if (op == "aten.convolution.default")
    return convolution_supported(g, n, u55) ? std::nullopt : std::optional(reason::convolution);
  if (op == "aten.avg_pool2d.default")
    return avg_pool2d_supported(g, n, u55) ? std::nullopt : std::optional(reason::pooling);
  if (op == "aten.max_pool2d.default" || op == "aten.max_pool2d_with_indices.default")
    return max_pool2d_supported(g, n, u55) ? std::nullopt : std::optional(reason::pooling);
  if (op == "aten.sum.dim_IntList")
    return sum_supported(g, n, u55) ? std::nullopt : std::optional(reason::reduction);
  if (op == to_dim_order_copy)
    return int_profile_cast_supported(g, n) ? std::nullopt : std::optional(reason::cast);
  if (op == "aten.upsample_nearest2d.vec") {
    // 2.1 step 7 runs EthosU55ResizeCheck with the other U55 checks; the
    // registered check itself accepts the upsample.
    return std::nullopt;
  }
  if (op == "aten.slice_copy.Tensor") {
    // A failed slice check leaves nothing that accepts the op.
    return int_profile_slice_supported(g, n) ? std::nullopt : std::optional(reason::not_in_profile);
  }
  if (op == "dim_order_ops._clone_dim_order.default" || op == "aten.where.self")
    return std::nullopt;
  return reason::not_in_profile;
}

//===--- Negative checks (2.1, 2.2) ---===//

/// RankCheck(MAX_RANK = 6) on every present input and every output.
inline bool rank_ok(const plain_graph& g, node_index n) {
  for (node_index input : present_inputs(g, n)) {
    if (read_tensor(g, input).dims.rank() > 6)
      return false;
  }
  for (const graph::tensor_type& output : g[n].outputs) {
    if (output.dims.rank() > 6)
      return false;
  }
  return true;
}

/// CheckKnownUnsupportedTOSASemantics: argmax only when every user casts to int32.
inline bool argmax_users_ok(const plain_graph& g, node_index n) {
  if (is_graph_output(g, n))
    return false;
  for (node_index user : g.users(n)) {
    if (g[user].op != to_dim_order_copy ||
        dtype_value(g.attribute_of(user, "dtype")) != dtype::int32)
      return false;
  }
  return true;
}

/// CheckInt64InputsAndOutputs without the int64 extension.
inline bool int64_ok(const plain_graph& g, node_index n) {
  const auto& outputs = g[n].outputs;
  const bool int64_output = std::any_of(outputs.begin(), outputs.end(), [](const auto& output) {
    return output.type == dtype::int64;
  });
  if (int64_output) {
    // Allowed when only getitems that yield something else read the node; as
    // in the code's all(), a node nobody reads (dead code) qualifies.
    if (is_graph_output(g, n))
      return false;
    for (node_index user : g.users(n)) {
      if (g[user].op != "getitem" || read_tensor(g, user).type == dtype::int64)
        return false;
    }
  }
  for (node_index input : present_inputs(g, n)) {
    // A "const" node is the constant placeholder of 2.1; a graph input is not.
    if (read_tensor(g, input).type == dtype::int64 && g[input].op != "const")
      return false;
  }
  return true;
}

/// CheckArmQuantized as the INT-only profile reads it: the node and all its
/// inputs are integer-typed, unless it is a Q or DQ op.
inline bool arm_quantized(const plain_graph& g, node_index n, const std::string& op) {
  if (quantize_ops.contains(op) || dequantize_ops.contains(op))
    return true;
  for (const graph::tensor_type& output : g[n].outputs) {
    if (is_floating_point(output.type))
      return false;
  }
  for (node_index input : present_inputs(g, n)) {
    if (is_floating_point(read_tensor(g, input).type))
      return false;
  }
  return true;
}

/// CheckProperQuantization on its targeted ops.
inline bool properly_quantized(const plain_graph& g, node_index n, const std::string& op) {
  if (!proper_quantization_targets.contains(op) && !table_ops.contains(op))
    return true;
  for (node_index input : present_inputs(g, n)) {
    // ExecuTorch's _is_integer_dtype: not floating point, so bool counts.
    if (!dequantize_ops.contains(g[input].op) && is_floating_point(read_tensor(g, input).type))
      return false;
  }
  const auto all_quantize = [&](node_index m) {
    const auto users = g.users(m);
    return !is_graph_output(g, m) && std::all_of(users.begin(), users.end(), [&](node_index user) {
      return quantize_ops.contains(g[user].op);
    });
  };
  bool output_quantized = !is_floating_point(g[n].outputs.front().type) || all_quantize(n);
  if (op == "aten.max_pool2d_with_indices.default" && !is_graph_output(g, n)) {
    const auto users = g.users(n);
    output_quantized =
        output_quantized || std::all_of(users.begin(), users.end(), [&](node_index user) {
          return g[user].op == "getitem" && all_quantize(user);
        });
  }
  return output_quantized;
}

/// CheckDtypeInputsAndOutputs: float64 and bfloat16 always, bool on the U55.
inline bool dtypes_allowed(const plain_graph& g, node_index n, bool u55) {
  const auto banned = [u55](dtype type) {
    return type == dtype::float64 || type == dtype::bfloat16 || (u55 && type == dtype::bool_);
  };
  for (node_index input : present_inputs(g, n)) {
    if (banned(read_tensor(g, input).type))
      return false;
  }
  for (const graph::tensor_type& output : g[n].outputs) {
    if (banned(output.type))
      return false;
  }
  return true;
}

/// EthosU55ReverseCheck on flip: rank 4, one dim, the channel or height axis.
inline bool u55_reverse_supported(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  const auto dims = int_list_or(g, n, "dims", std::nullopt);
  if (!input || !dims || read_tensor(g, *input).dims.rank() != 4 || dims->size() != 1)
    return false;
  // Python's modulo: -3 % 4 == 1.
  const std::int64_t axis = (((*dims)[0] % 4) + 4) % 4;
  return axis == 1 || axis == 2;
}

/// _try_determine_dtype: the integer dtype node `m` carries, if it can be told.
inline std::optional<dtype> try_determine_dtype(const plain_graph& g, node_index m) {
  const dtype own = read_tensor(g, m).type;
  if (!is_floating_point(own))
    return own;
  if (g[m].op == dequantize_per_tensor) {
    const std::optional<node_index> source = input_at(g, m, 0);
    return source ? std::optional(read_tensor(g, *source).type) : std::nullopt;
  }
  const auto users = g.users(m);
  if (!users.empty() && g[users.front()].op == quantize_per_tensor)
    return dtype_value(g.attribute_of(users.front(), "dtype"));
  return std::nullopt;
}

/// EthosU55DtypeSupport's table; a node whose dtype cannot be told passes.
inline bool u55_dtype_table_ok(const plain_graph& g, node_index n, const std::string& op) {
  const std::optional<dtype> own = try_determine_dtype(g, n);
  if (!own)
    return true;
  if (u55_int8_int16_int32_ops.contains(op) &&
      !is_one_of(*own, {dtype::int8, dtype::int16, dtype::int32})) {
    return false;
  }
  const bool int8_int16_op =
      table_ops.contains(op) || op == "aten.amax.default" || op == "aten.amin.default";
  if (int8_int16_op && !is_one_of(*own, {dtype::int8, dtype::int16}))
    return false;
  // An input whose dtype cannot be told passes.
  const auto slot_allows = [&](std::size_t slot, std::initializer_list<dtype> allowed) {
    const std::optional<node_index> input = input_at(g, n, slot);
    if (!input)
      return true;
    const std::optional<dtype> type = try_determine_dtype(g, *input);
    return !type || is_one_of(*type, allowed);
  };
  if (op == "aten.convolution.default") {
    return slot_allows(0, {dtype::int8, dtype::int16}) && slot_allows(1, {dtype::int8}) &&
           slot_allows(2, {dtype::int32});
  }
  if (op == "aten.mm.default" || op == "aten.bmm.default") {
    for (std::size_t slot = 0; slot < g[n].inputs.size(); ++slot) {
      if (!slot_allows(slot, {dtype::int8}))
        return false;
    }
  }
  return true;
}

/// EthosU55CastCheck on _to_dim_order_copy.
inline bool u55_cast_supported(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return false;
  const dtype from = read_tensor(g, *input).type;
  const dtype to = g[n].outputs.front().type;
  if (from == to)
    return true;
  return from != dtype::bool_ && from != dtype::int32 && to != dtype::bool_;
}

/// The quick test of DecomposePermuteForU55Pass: for rank r, every product of
/// max(1, r - 2) dims of the input is at most 65536.
inline bool permute_passes_quick_test(const plain_graph& g, node_index n) {
  const std::optional<node_index> input = input_at(g, n, 0);
  if (!input)
    return true;
  const shape& in = read_tensor(g, *input).dims;
  const std::size_t rank = in.rank();
  const std::size_t chosen = rank > 3 ? rank - 2 : 1;
  // RankCheck ran first, so rank <= 6 and every subset of axes fits a bit mask.
  if (rank > 6)
    return false;
  for (std::uint32_t mask = 0; mask < (1U << rank); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != chosen)
      continue;
    std::int64_t product = 1;
    for (std::size_t axis = 0; axis < rank; ++axis) {
      if ((mask >> axis) & 1U)
        product = saturating_mul(product, in[axis]);
    }
    if (product > 65536)
      return false;
  }
  return true;
}

}  // namespace detail::ethos_u55

/// Why an INT-only Ethos-U55 TOSA spec (or U85, when `u85`) would not delegate
/// node `n` of `g`: the first rule of ethos-u55.md that fails, or nullopt when
/// the node is delegated. Rules run in the order of 2.1: graph inputs, the
/// positive list or registered check, then the negative checks, then the
/// U55-only checks of 2.2 (none of which apply to the U85, 2.5).
inline std::optional<targets::reason> ethos_u55_reject(const graph::plain_graph& g,
                                                       graph::node_index n, bool u85 = false) {
  namespace rules = detail::ethos_u55;
  using targets::reason;
  const bool u55 = !u85;
  const std::string op = rules::canonical_name(g[n].op);

  if (op == "input" || op == "const")
    return reason::graph_input;

  if (const std::optional<reason> rejected = rules::positive_check(g, n, op, u55))
    return rejected;

  if (!rules::rank_ok(g, n))
    return reason::rank;
  if (op == "aten.argmax.default" && !rules::argmax_users_ok(g, n))
    return reason::argmax_users;
  if (!rules::int64_ok(g, n))
    return reason::int64;
  if (!rules::arm_quantized(g, n, op))
    return reason::not_quantized;
  if (!rules::properly_quantized(g, n, op))
    return reason::improper_quantization;
  if (!rules::dtypes_allowed(g, n, u55))
    return reason::dtype_banned;
  if (!u55)
    return std::nullopt;

  if (rules::u55_never_supported.contains(op) || op.starts_with("aten.grid_sampler_2d."))
    return reason::never_supported;
  if (op == "aten.upsample_nearest2d.vec" && !rules::u55_resize_supported(g, n))
    return reason::resize;
  if (op == "aten.flip.default" && !rules::u55_reverse_supported(g, n))
    return reason::reverse;
  if (!rules::u55_dtype_table_ok(g, n, op))
    return reason::dtype_table;
  if (op == rules::to_dim_order_copy && !rules::u55_cast_supported(g, n))
    return reason::cast;
  if ((op == "aten.permute_copy.default" || op == "aten.permute.default") &&
      !rules::permute_passes_quick_test(g, n)) {
    return reason::permute_needs_split;
  }
  return std::nullopt;
}

}  // namespace qlower::reference
