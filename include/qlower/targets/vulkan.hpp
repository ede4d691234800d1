// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/core/type_list.hpp"
#include "qlower/graph/access.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/ops/aten_elementwise.hpp"
#include "qlower/ops/aten_nn.hpp"
#include "qlower/ops/aten_shape.hpp"
#include "qlower/ops/aten_unquantized.hpp"
#include "qlower/ops/graph_nodes.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/ops/other_namespaces.hpp"
#include "qlower/repset/layout.hpp"
#include "qlower/repset/named.hpp"
#include "qlower/repset/op_repsets.hpp"
#include "qlower/repset/repset.hpp"
#include "qlower/targets/rejection.hpp"
#include "qlower/targets/target.hpp"
#include "qlower/traits/tags.hpp"

/// ExecuTorch's Vulkan backend (vulkan.md 4): the op registry as
/// specialisations on op types, layout-agnosticism as a trait of the identity
/// ops, the node-support checks of its partitioner, and the per-node repsets
/// the layout pass works on.

namespace qlower::targets {

//===--- Registry entries ---===//

namespace vulkan_dtypes {
inline constexpr dtype_set fp{dtype::float16, dtype::float32};
inline constexpr dtype_set integer{dtype::int32, dtype::int64};
inline constexpr dtype_set qint8{dtype::int8};
inline constexpr dtype_set boolean{dtype::bool_};
/// Every dtype the Vulkan backend holds (ALL_T); excludes int16 and bfloat16.
inline constexpr dtype_set all{dtype::bool_, dtype::uint8,   dtype::int8,    dtype::int32,
                               dtype::int64, dtype::float16, dtype::float32, dtype::float64};
inline constexpr dtype_set fp_int{dtype::float16, dtype::float32, dtype::int32, dtype::int64};
inline constexpr dtype_set fp_int_bool{dtype::float16, dtype::float32, dtype::int32, dtype::int64,
                                       dtype::bool_};
/// No constraint (NONE_T).
inline constexpr dtype_set unconstrained{};
}  // namespace vulkan_dtypes

/// A short list of dtype sets that broadcasts like ExecuTorch's DtypeSetList:
/// one set serves every index; an index past the end of a longer list reads
/// the empty set, which constrains nothing.
class dtype_list {
 public:
  static constexpr std::size_t capacity = 4;
  constexpr dtype_list() = default;
  constexpr dtype_list(std::initializer_list<dtype_set> sets) {
    if (sets.size() > capacity)
      throw error("a dtype list holds at most 4 sets");
    for (dtype_set set : sets)
      values_[size_++] = set;
  }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr dtype_set operator[](std::size_t i) const noexcept {
    if (size_ == 1)
      return values_[0];
    return i < size_ ? values_[i] : dtype_set{};
  }

 private:
  std::array<dtype_set, capacity> values_{};
  std::size_t size_ = 0;
};

/// How an op picks its storage per node, overriding its registered lists
/// (ExecuTorch's pick_io_storage_fn).
enum class storage_pick : std::uint8_t {
  registered,    ///< the registered lists
  to_copy,       ///< float to float: any float storage; otherwise contiguous buffers
  reduce,        ///< pick_storage_for_reduce
  convolution,   ///< a 1-D pointwise or depthwise convolution: height-packed textures
  index_tensor,  ///< a source of rank > 1: contiguous buffers
};

/// The per-node check an op applies to its inputs (are_node_inputs_supported_fn).
enum class input_check : std::uint8_t {
  none,
  copy_is_no_op,     ///< copy.default: only when source and result agree in dtype and shape
  reduce,            ///< the per-row or the general reduction applies
  convolution,       ///< a 4-D input has batch 1; a 3-D input is not transposed
  index_tensor,      ///< one rank-1 index, in position 0
  grid_sampler,      ///< bilinear, border padding, align_corners
  embedding_weight,  ///< the weight fits in one buffer
};

/// The capability flags of an op.
struct op_flags {
  bool resizes = false;    ///< supports dynamic shapes (supports_resize)
  bool high_rank = false;  ///< accepts tensors of rank > 4 (supports_highdim)
  bool prepacks = false;   ///< prepacks its own constant arguments
  friend constexpr op_flags operator|(op_flags a, op_flags b) noexcept {
    return {a.resizes || b.resizes, a.high_rank || b.high_rank, a.prepacks || b.prepacks};
  }
  friend constexpr bool operator==(op_flags, op_flags) = default;
};
inline constexpr op_flags no_flags{};
inline constexpr op_flags resizes{true, false, false};
inline constexpr op_flags high_rank{false, true, false};
inline constexpr op_flags prepacks{false, false, true};

/// Everything the Vulkan registry says about one op (ExecuTorch's OpFeatures).
struct op_features {
  dtype_list inputs_dtypes{vulkan_dtypes::all};
  /// Empty: the first input's set.
  dtype_list outputs_dtypes{};
  repset::repset_list inputs_storage{};
  /// Empty: the first input's repset.
  repset::repset_list outputs_storage{};
  op_flags flags{};
  storage_pick pick = storage_pick::registered;
  input_check check = input_check::none;
  /// The node's inputs are one tensor-list argument (cat's tensors).
  bool list_input = false;

  /// The output dtype sets, with the default applied.
  constexpr dtype_list output_dtypes() const noexcept {
    return outputs_dtypes.size() == 0 ? dtype_list{inputs_dtypes[0]} : outputs_dtypes;
  }
  /// The output repsets, with ExecuTorch's default applied: a missing or
  /// empty entry makes the list the first input's repset.
  constexpr repset::repset_list output_storage() const noexcept {
    if (outputs_storage.empty())
      return {inputs_storage[0]};
    for (std::size_t k = 0; k < outputs_storage.size(); ++k) {
      if (outputs_storage[k].empty())
        return {inputs_storage[0]};
    }
    return outputs_storage;
  }
};

namespace vulkan_entries {
using namespace vulkan_dtypes;
namespace named = repset::named;

constexpr op_features with_storage(repset::repset storage, dtype_set dtypes, op_flags flags) {
  return {.inputs_dtypes = {dtypes}, .inputs_storage = {storage}, .flags = flags};
}
constexpr op_features with_dtypes(op_features features, dtype_set dtypes) {
  features.inputs_dtypes = {dtypes};
  return features;
}
constexpr op_features also_high_rank(op_features features) {
  features.flags = features.flags | targets::high_rank;
  return features;
}
/// Ops with no kernel: symbolic sizes, getitem, asserts.
constexpr op_features ephemeral() {
  return with_storage(named::any_float_storage, all, resizes);
}
constexpr op_features copy_noop() {
  op_features features = with_storage(named::any_float_storage, all, no_flags);
  features.check = input_check::copy_is_no_op;
  return features;
}
constexpr op_features unary(dtype_set dtypes) {
  return with_storage(named::any_float_storage, dtypes, resizes);
}
constexpr op_features binary() {
  return with_storage(named::any_float_storage, fp_int, resizes | targets::high_rank);
}
constexpr op_features comparison() {
  op_features features = binary();
  features.outputs_dtypes = {boolean};
  return features;
}
constexpr op_features logical() {
  return with_storage(named::any_float_storage, vulkan_dtypes::boolean,
                      resizes | targets::high_rank);
}
constexpr op_features to_copy() {
  op_features features = with_storage(named::any_float_storage, fp_int_bool, resizes);
  features.pick = storage_pick::to_copy;
  return features;
}
constexpr op_features contiguous(dtype_set dtypes, op_flags flags) {
  return with_storage(named::contiguous_any, dtypes, flags);
}
constexpr op_features linear_dq8ca_q4gsw() {
  op_features features{.inputs_dtypes = {fp}, .flags = prepacks};
  features.inputs_storage = {named::contiguous_any,
                             named::width_packed_texture,
                             named::width_packed_texture,
                             named::none,
                             named::none,
                             named::none,
                             named::none,
                             named::none};
  features.outputs_storage = {named::contiguous_any};
  return features;
}
constexpr op_features contiguous_buffer() {
  return with_storage(named::contiguous_buffer, all, resizes);
}
constexpr op_features quantize_per_tensor() {
  return {.inputs_dtypes = {all},
          .inputs_storage = {named::channels_packed_texture_or_contiguous_buffer},
          .outputs_storage = {named::packed_int8_buffer},
          .flags = targets::high_rank};
}
constexpr op_features dequantize_per_tensor() {
  return {.inputs_dtypes = {all},
          .inputs_storage = {named::packed_int8_buffer},
          .outputs_storage = {named::channels_packed_texture_or_contiguous_buffer},
          .flags = targets::high_rank};
}
constexpr op_features choose_qparams_affine() {
  return {.inputs_dtypes = {all},
          .inputs_storage = {named::contiguous_any},
          .outputs_storage = {named::width_packed_texture, named::width_packed_texture},
          .flags = resizes};
}
constexpr op_features int8_packed(repset::repset storage, op_flags flags) {
  return with_storage(storage, all, flags);
}
constexpr op_features reduce() {
  op_features features = with_storage(named::any_float_texture, fp, resizes | targets::high_rank);
  features.pick = storage_pick::reduce;
  features.check = input_check::reduce;
  return features;
}
constexpr op_features arg_reduce() {
  op_features features = with_storage(named::any_float_storage, fp, resizes | targets::high_rank);
  features.outputs_dtypes = {integer};
  features.pick = storage_pick::reduce;
  return features;
}
constexpr op_features pool() {
  return with_storage(named::channels_packed_texture, fp, resizes);
}
constexpr op_features max_pool_with_indices() {
  op_features features = pool();
  features.outputs_dtypes = {fp, integer};
  return features;
}
constexpr op_features convolution() {
  return {.inputs_dtypes = {fp},
          .inputs_storage =
              repset::repset_list::repeated(named::channels_packed_texture, named::none, 10),
          .outputs_storage = {named::channels_packed_texture},
          .flags = resizes | prepacks,
          .pick = storage_pick::convolution,
          .check = input_check::convolution};
}
constexpr op_features int8_convolution(repset::repset input, std::size_t weights) {
  return {.inputs_dtypes = {all},
          .inputs_storage = repset::repset_list::repeated(input, named::none, weights),
          .outputs_storage = {named::packed_int8_channels_packed_buffer},
          .flags = prepacks};
}
constexpr op_features int8_linear(repset::repset storage) {
  return {.inputs_dtypes = {all},
          .inputs_storage = repset::repset_list::repeated(storage, named::none, 9),
          .outputs_storage = {storage},
          .flags = prepacks};
}
constexpr op_features rotary_interleaved() {
  return {.inputs_dtypes = {fp},
          .inputs_storage = {named::contiguous_any, named::contiguous_buffer},
          .outputs_storage = {named::contiguous_any},
          .flags = resizes | targets::high_rank};
}
constexpr op_features shape_op(repset::repset storage, op_flags flags) {
  return with_storage(storage, fp_int_bool, flags);
}
/// The identity ops' registration in ExecuTorch before layout-agnosticism:
/// any float storage. A target that honours the layout_agnostic trait widens
/// it to the universal set (see features_of).
constexpr op_features identity() {
  return shape_op(named::any_float_storage, resizes | targets::high_rank);
}
constexpr op_features cat() {
  op_features features = with_storage(named::any_float_storage, fp_int, resizes);
  features.list_input = true;
  return features;
}
constexpr op_features where() {
  return {.inputs_dtypes = {boolean, fp, fp},
          .outputs_dtypes = {fp},
          .inputs_storage = {named::any_float_storage},
          .flags = resizes};
}
constexpr op_features index_tensor() {
  op_features features = with_storage(named::any_float_storage, fp_int, resizes);
  features.pick = storage_pick::index_tensor;
  features.check = input_check::index_tensor;
  return features;
}
constexpr op_features grid_sampler() {
  return {.inputs_dtypes = {fp},
          .inputs_storage = {named::channels_packed_texture, named::contiguous_buffer},
          .outputs_storage = {named::channels_packed_texture},
          .flags = resizes,
          .check = input_check::grid_sampler};
}
constexpr op_features embedding() {
  return {.inputs_dtypes = {fp, integer},
          .inputs_storage = {named::any_float_storage},
          .flags = resizes | prepacks,
          .check = input_check::embedding_weight};
}
constexpr op_features embedding_4bit() {
  op_features features = with_storage(named::any_float_buffer, all, resizes | prepacks);
  features.check = input_check::embedding_weight;
  return features;
}
constexpr op_features group_norm() {
  return {.inputs_dtypes = {fp},
          .inputs_storage = {named::channels_packed_texture},
          .outputs_storage = {named::channels_packed_texture, named::contiguous_buffer,
                              named::contiguous_buffer},
          .flags = prepacks};
}
constexpr op_features fused_ce() {
  return {.inputs_dtypes = {fp, integer, unconstrained},
          .outputs_dtypes = {fp, fp},
          .inputs_storage = {named::contiguous_any}};
}
}  // namespace vulkan_entries

/// The Vulkan registration of op type `Op` (exactly that overload, not its
/// aliases: ExecuTorch keys permute and permute_copy apart). Specialised with
/// a `features` member for each registered op.
template <class Op>
struct vulkan_op {};

/// Whether `Op` is registered with the Vulkan backend.
template <class Op>
inline constexpr bool is_vulkan_registered_v = requires {
  { vulkan_op<Op>::features } -> std::convertible_to<op_features>;
};

// The entry is an expression over vulkan_entries and vulkan_dtypes.
#define QLOWER_VULKAN_OP(op_type, entry)         \
  template <>                                    \
  struct vulkan_op<ops::op_type> {               \
    static constexpr op_features features = [] { \
      using namespace vulkan_entries;            \
      return entry;                              \
    }();                                         \
  };

QLOWER_VULKAN_OP(getitem, ephemeral())
QLOWER_VULKAN_OP(aten::sym_size_int, ephemeral())
QLOWER_VULKAN_OP(python_operator::add_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::sub_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::floordiv_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::mul_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::lt_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::gt_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::ge_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::le_op, ephemeral())
QLOWER_VULKAN_OP(python_operator::eq_op, ephemeral())
QLOWER_VULKAN_OP(aten::_assert_scalar_default, ephemeral())
QLOWER_VULKAN_OP(aten::sym_constrain_range_for_size_default, ephemeral())
QLOWER_VULKAN_OP(aten::copy_default, copy_noop())
QLOWER_VULKAN_OP(aten::abs_default, unary(fp))
QLOWER_VULKAN_OP(aten::cos_default, unary(fp))
QLOWER_VULKAN_OP(aten::exp_default, unary(fp))
QLOWER_VULKAN_OP(aten::gelu_default, unary(fp))
QLOWER_VULKAN_OP(aten::hardshrink_default, unary(fp))
QLOWER_VULKAN_OP(aten::hardswish_default, unary(fp))
QLOWER_VULKAN_OP(aten::hardtanh_default, unary(fp))
QLOWER_VULKAN_OP(aten::neg_default, unary(fp))
QLOWER_VULKAN_OP(aten::relu_default, unary(fp))
QLOWER_VULKAN_OP(aten::sigmoid_default, unary(fp))
QLOWER_VULKAN_OP(aten::sin_default, unary(fp))
QLOWER_VULKAN_OP(aten::sqrt_default, unary(fp))
QLOWER_VULKAN_OP(aten::rsqrt_default, unary(fp))
QLOWER_VULKAN_OP(aten::tanh_default, unary(fp))
QLOWER_VULKAN_OP(aten::round_default, unary(fp))
QLOWER_VULKAN_OP(aten::leaky_relu_default, unary(fp))
QLOWER_VULKAN_OP(aten::log10_default, unary(fp))
QLOWER_VULKAN_OP(aten::clamp_default, unary(fp_int))
QLOWER_VULKAN_OP(aten::add_Tensor, binary())
QLOWER_VULKAN_OP(aten::sub_Tensor, binary())
QLOWER_VULKAN_OP(aten::minimum_default, binary())
QLOWER_VULKAN_OP(aten::mul_Tensor, binary())
QLOWER_VULKAN_OP(aten::div_Tensor, binary())
QLOWER_VULKAN_OP(aten::div_Tensor_mode, binary())
QLOWER_VULKAN_OP(aten::pow_Tensor_Tensor, binary())
QLOWER_VULKAN_OP(aten::eq_Tensor, comparison())
QLOWER_VULKAN_OP(aten::lt_Tensor, comparison())
QLOWER_VULKAN_OP(aten::le_Tensor, comparison())
QLOWER_VULKAN_OP(aten::gt_Tensor, comparison())
QLOWER_VULKAN_OP(aten::ge_Tensor, comparison())
QLOWER_VULKAN_OP(aten::eq_Scalar, comparison())
QLOWER_VULKAN_OP(aten::ne_Scalar, comparison())
QLOWER_VULKAN_OP(aten::lt_Scalar, comparison())
QLOWER_VULKAN_OP(aten::le_Scalar, comparison())
QLOWER_VULKAN_OP(aten::ge_Scalar, comparison())
QLOWER_VULKAN_OP(aten::gt_Scalar, comparison())
QLOWER_VULKAN_OP(aten::bitwise_and_Tensor, logical())
QLOWER_VULKAN_OP(aten::bitwise_or_Tensor, logical())
QLOWER_VULKAN_OP(aten::bitwise_not_default, logical())
QLOWER_VULKAN_OP(aten::logical_and_default, logical())
QLOWER_VULKAN_OP(aten::logical_or_default, logical())
QLOWER_VULKAN_OP(aten::logical_not_default, logical())
QLOWER_VULKAN_OP(aten::pow_Tensor_Scalar, also_high_rank(unary(fp)))
QLOWER_VULKAN_OP(aten::_to_copy_default, to_copy())
QLOWER_VULKAN_OP(aten::_softmax_default, unary(fp))
QLOWER_VULKAN_OP(aten::_log_softmax_default, unary(fp))
QLOWER_VULKAN_OP(aten::bmm_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(aten::mm_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(aten::addmm_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(aten::linear_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(aten::_weight_int8pack_mm_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(et_vk::linear_qcs4w_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(llama::sdpa_with_kv_cache_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(et_vk::linear_q8ta_q8csw_default, contiguous(fp, prepacks))
QLOWER_VULKAN_OP(et_vk::linear_q4gsw_default, contiguous(fp, prepacks))
QLOWER_VULKAN_OP(et_vk::linear_q4gsw_backward_default, contiguous(fp, prepacks))
QLOWER_VULKAN_OP(et_vk::linear_dW_default, contiguous(fp, prepacks))
QLOWER_VULKAN_OP(et_vk::linear_dq8ca_q4gsw_default, linear_dq8ca_q4gsw())
QLOWER_VULKAN_OP(quantized_decomposed::quantize_per_channel_default, contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::dequantize_per_channel_default, contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::quantize_per_token_default, contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::dequantize_per_token_default, contiguous_buffer())
QLOWER_VULKAN_OP(torchao::quantize_affine_default, contiguous_buffer())
QLOWER_VULKAN_OP(torchao::dequantize_affine_default, contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::choose_qparams_tensor, contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::choose_qparams_per_token_asymmetric_default,
                 contiguous_buffer())
QLOWER_VULKAN_OP(quantized_decomposed::quantize_per_tensor_default, quantize_per_tensor())
QLOWER_VULKAN_OP(quantized_decomposed::quantize_per_tensor_tensor, quantize_per_tensor())
QLOWER_VULKAN_OP(quantized_decomposed::dequantize_per_tensor_default, dequantize_per_tensor())
QLOWER_VULKAN_OP(quantized_decomposed::dequantize_per_tensor_tensor, dequantize_per_tensor())
QLOWER_VULKAN_OP(torchao::choose_qparams_affine_default, choose_qparams_affine())
QLOWER_VULKAN_OP(et_vk::q8ta_add_default, int8_packed(named::packed_int8_buffer, no_flags))
QLOWER_VULKAN_OP(et_vk::q8ta_relu_default, int8_packed(named::packed_int8_buffer, resizes))
QLOWER_VULKAN_OP(et_vk::q8ta_pixel_shuffle_default,
                 int8_packed(named::packed_int8_channels_packed_buffer, resizes))
QLOWER_VULKAN_OP(aten::mean_dim, reduce())
QLOWER_VULKAN_OP(aten::sum_dim_IntList, reduce())
QLOWER_VULKAN_OP(aten::amax_default, reduce())
QLOWER_VULKAN_OP(aten::amin_default, reduce())
QLOWER_VULKAN_OP(aten::argmax_default, arg_reduce())
QLOWER_VULKAN_OP(aten::argmin_default, arg_reduce())
QLOWER_VULKAN_OP(aten::avg_pool2d_default, pool())
QLOWER_VULKAN_OP(aten::max_pool2d_default, pool())
QLOWER_VULKAN_OP(aten::max_pool2d_with_indices_default, max_pool_with_indices())
QLOWER_VULKAN_OP(aten::convolution_default, convolution())
QLOWER_VULKAN_OP(et_vk::conv_with_clamp_default, convolution())
QLOWER_VULKAN_OP(et_vk::q8ta_conv2d_pw_default,
                 int8_convolution(named::packed_int8_4w4c_buffer, 14))
QLOWER_VULKAN_OP(et_vk::q8ta_conv2d_default, int8_convolution(named::packed_int8_conv2d_buffer, 14))
QLOWER_VULKAN_OP(et_vk::q8ta_conv2d_dw_default,
                 int8_convolution(named::packed_int8_conv2d_buffer, 14))
QLOWER_VULKAN_OP(et_vk::q8ta_conv2d_transposed_default,
                 int8_convolution(named::packed_int8_conv2d_buffer, 15))
QLOWER_VULKAN_OP(et_vk::q8ta_linear_default, int8_linear(named::packed_int8_4h4w_buffer))
QLOWER_VULKAN_OP(et_vk::q8ta_linear_gemv_default, int8_linear(named::packed_int8_4w_buffer))
QLOWER_VULKAN_OP(llama::update_cache_default, contiguous(fp, resizes))
QLOWER_VULKAN_OP(llama::custom_sdpa_default, contiguous(fp, resizes))
QLOWER_VULKAN_OP(et_vk::sdpa_default, contiguous(fp, resizes))
QLOWER_VULKAN_OP(et_vk::apply_rotary_emb_default, contiguous(fp, resizes | high_rank))
QLOWER_VULKAN_OP(et_vk::apply_rotary_emb_hf_default, contiguous(fp, resizes | high_rank))
QLOWER_VULKAN_OP(et_vk::apply_rotary_emb_interleaved_default, rotary_interleaved())
QLOWER_VULKAN_OP(aten::permute_default, shape_op(named::any_float_texture, resizes))
QLOWER_VULKAN_OP(aten::permute_copy_default,
                 shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::squeeze_copy_dims, shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::unsqueeze_copy_default,
                 shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::gather_default, shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::select_copy_int, shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::slice_copy_Tensor, shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::split_with_sizes_copy_default,
                 shape_op(named::any_float_storage, resizes | high_rank))
QLOWER_VULKAN_OP(aten::view_copy_default, identity())
QLOWER_VULKAN_OP(aten::clone_default, identity())
QLOWER_VULKAN_OP(dim_order_ops::_clone_dim_order_default, identity())
QLOWER_VULKAN_OP(aten::alias_copy_default, identity())
QLOWER_VULKAN_OP(dim_order_ops::_to_dim_order_copy_default,
                 shape_op(named::any_float_buffer, resizes | high_rank))
QLOWER_VULKAN_OP(aten::unfold_copy_default,
                 with_dtypes(shape_op(named::any_float_buffer, resizes | high_rank), fp))
QLOWER_VULKAN_OP(aten::expand_copy_default, shape_op(named::any_float_storage, high_rank))
QLOWER_VULKAN_OP(aten::cat_default, cat())
QLOWER_VULKAN_OP(aten::t_copy_default, shape_op(named::channels_packed_texture, no_flags))
QLOWER_VULKAN_OP(aten::flip_default, shape_op(named::channels_packed_texture, no_flags))
QLOWER_VULKAN_OP(aten::index_select_default, shape_op(named::channels_packed_texture, no_flags))
QLOWER_VULKAN_OP(aten::where_self, where())
QLOWER_VULKAN_OP(aten::index_Tensor, index_tensor())
QLOWER_VULKAN_OP(aten::arange_start_step,
                 with_dtypes(shape_op(named::any_float_storage, no_flags), fp_int))
QLOWER_VULKAN_OP(aten::constant_pad_nd_default, shape_op(named::any_float_storage, resizes))
QLOWER_VULKAN_OP(aten::full_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::full_like_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::ones_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::ones_like_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::zeros_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::zeros_like_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::repeat_default, shape_op(named::any_float_storage, no_flags))
QLOWER_VULKAN_OP(aten::scalar_tensor_default,
                 with_dtypes(shape_op(named::channels_packed_texture, resizes), fp_int))
QLOWER_VULKAN_OP(aten::upsample_nearest2d_vec,
                 with_dtypes(shape_op(named::channels_packed_texture, no_flags), fp))
QLOWER_VULKAN_OP(aten::upsample_bilinear2d_vec,
                 with_dtypes(shape_op(named::channels_packed_texture, no_flags), fp))
QLOWER_VULKAN_OP(et_vk::grid_priors_default,
                 with_dtypes(shape_op(named::channels_packed_texture, no_flags), fp))
QLOWER_VULKAN_OP(aten::pixel_shuffle_default, unary(fp))
QLOWER_VULKAN_OP(aten::grid_sampler_2d_default, grid_sampler())
QLOWER_VULKAN_OP(aten::embedding_default, embedding())
QLOWER_VULKAN_OP(quantized_decomposed::embedding_4bit_dtype, embedding_4bit())
QLOWER_VULKAN_OP(et_vk::embedding_q4gsw_default, contiguous(all, resizes | prepacks))
QLOWER_VULKAN_OP(aten::_native_batch_norm_legit_no_training_default,
                 with_storage(named::channels_packed_texture, fp, resizes | prepacks))
QLOWER_VULKAN_OP(aten::native_group_norm_default, group_norm())
QLOWER_VULKAN_OP(aten::native_layer_norm_default,
                 with_storage(named::any_float_storage, fp, resizes | prepacks))
QLOWER_VULKAN_OP(et_vk::rms_norm_default, contiguous(fp, resizes | prepacks))
QLOWER_VULKAN_OP(et_vk::fused_ce_default, fused_ce())
QLOWER_VULKAN_OP(et_vk::adamw_step_default, contiguous(fp, no_flags))
QLOWER_VULKAN_OP(et_vk::q4gsw_requant_default, contiguous(fp, no_flags))

#undef QLOWER_VULKAN_OP

//===--- The target ---===//

/// The Vulkan partitioner's node check (vulkan.md 4, "node support") under
/// `Target`'s registry; a target type derived from vulkan calls it with itself.
template <class Target, graph::graph G>
support_result vulkan_check(const G& g, graph::node_index n);

/// ExecuTorch's Vulkan backend: its registry, with the identity ops
/// layout-agnostic, and its partitioner's node checks.
struct vulkan {
  static constexpr std::string_view name = "vulkan";
  /// Whether `Op` keeps whatever layout its producer chose: ops with the
  /// layout_agnostic trait. A target type that answers otherwise models
  /// ExecuTorch before it made identity ops accept PACKED_INT8.
  template <class Op>
  static constexpr bool is_layout_agnostic = ops::has_trait_v<Op, traits::layout_agnostic>;
  /// The largest texture the device supports.
  static constexpr repset::image_extents texture_limits = repset::default_texture_limits;

  template <graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    return vulkan_check<vulkan>(g, n);
  }
};

/// ExecuTorch's Vulkan backend before it let identity ops keep PACKED_INT8
/// (PR 19395): no op is layout-agnostic, so view_copy, clone,
/// _clone_dim_order and alias_copy accept float layouts only. For measuring
/// what the trait saves (seed 003); not a target to lower for.
struct vulkan_without_layout_agnostic : vulkan {
  static constexpr std::string_view name = "vulkan-without-layout-agnostic";
  template <class Op>
  static constexpr bool is_layout_agnostic = false;

  template <graph::graph G>
  static support_result check(const G& g, graph::node_index n) {
    return vulkan_check<vulkan_without_layout_agnostic>(g, n);
  }
};

namespace detail {
template <class Target, class Op>
constexpr std::optional<op_features> features_of() {
  if constexpr (is_vulkan_registered_v<Op>) {
    op_features features = vulkan_op<Op>::features;
    // One fact decides it: a layout-agnostic op accepts every representation.
    if constexpr (Target::template is_layout_agnostic<Op>)
      features.inputs_storage = {repset::named::universal};
    return features;
  } else {
    return std::nullopt;
  }
}
}  // namespace detail

/// The registration of every op under a Vulkan target type, indexed by op_id;
/// empty for an op the backend does not register.
template <class Target>
inline constexpr std::array<std::optional<op_features>, ops::op_count> vulkan_registry =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<std::optional<op_features>, ops::op_count>{
          detail::features_of<Target, Ops>()...};
    });

/// The registration of op `id` under `Target`, or null.
template <class Target>
constexpr const op_features* vulkan_features(ops::op_id id) noexcept {
  if (id >= ops::op_count || !vulkan_registry<Target>[id])
    return nullptr;
  return &*vulkan_registry<Target>[id];
}

namespace detail {
/// Every registered layout-agnostic op accepts the universal set, and every
/// registered op that accepts the universal set is layout-agnostic.
template <class Target>
constexpr bool layout_agnostic_exactly_when_universal() {
  return unpack_types(ops::all_ops, []<class... Ops>() {
    return all_of(std::array<bool, sizeof...(Ops)>{[] {
      if constexpr (is_vulkan_registered_v<Ops>) {
        const op_features features = *features_of<Target, Ops>();
        bool accepts_universal = false;
        for (std::size_t i = 0; i < features.inputs_storage.size(); ++i)
          accepts_universal =
              accepts_universal || features.inputs_storage[i] == repset::named::universal;
        return accepts_universal == Target::template is_layout_agnostic<Ops>;
      } else {
        return true;
      }
    }()...});
  });
}
}  // namespace detail

static_assert(target<vulkan>);
// The pipeline canonicalizes every spelling before a check runs, so a
// registration of one could never apply.
static_assert(
    [] {
      for (std::size_t id = 0; id < ops::op_count; ++id) {
        if (ops::op_table[id].kind == ops::variant_kind::spelling && vulkan_registry<vulkan>[id])
          return false;
      }
      return true;
    }(),
    "a Vulkan registration is keyed on a spelling: register the spelling's canonical op");
static_assert(
    detail::layout_agnostic_exactly_when_universal<vulkan>(),
    "a Vulkan op accepts the universal repset without being layout_agnostic, or the reverse");
static_assert(
    [] {
      for (const auto& features : vulkan_registry<vulkan>) {
        if (!features)
          continue;
        for (std::size_t i = 0; i < features->inputs_storage.size(); ++i) {
          if (!(features->inputs_storage[i] <= repset::named::universal))
            return false;
        }
      }
      return true;
    }(),
    "a Vulkan registration holds a representation outside the universal repset");

//===--- Per-node storage picks and input checks ---===//

namespace detail {

/// The dims a reduction reduces, normalised (get_dims_reduced); empty when an
/// attribute has the wrong form or a dim is out of range.
template <graph::graph G>
std::optional<std::vector<std::int64_t>> dims_reduced(const G& g, graph::node_index n) {
  const graph::node_index input = graph::input_of(g, n, 0);
  if (input == graph::no_node)
    return std::nullopt;
  const auto rank = static_cast<std::int64_t>(g.output_dims(input, 0).size());
  const graph::attribute* dim = g.attribute_of(n, "dim");
  std::vector<std::int64_t> dims;
  if (dim == nullptr || dim->is_null()) {
    const auto sizes = g.output_dims(input, 0);
    // An unsqueezed vector [1, N] reduces along its one real dim.
    if (rank == 2 && sizes[0] == 1) {
      dims = {1};
    } else {
      for (std::int64_t d = 0; d < rank; ++d)
        dims.push_back(d);
    }
  } else if (auto listed = graph::int_list(g, n, "dim", std::nullopt)) {
    dims = *listed;
  } else {
    return std::nullopt;
  }
  for (std::int64_t& d : dims) {
    if (d < -rank || d >= rank)
      return std::nullopt;
    if (d < 0)
      d += rank;
  }
  return dims;
}

template <graph::graph G>
bool reduce_per_row_applies(const G& g, graph::node_index n) {
  const auto dims = dims_reduced(g, n);
  const graph::node_index input = graph::input_of(g, n, 0);
  return dims && dims->size() == 1 &&
         (*dims)[0] + 1 == static_cast<std::int64_t>(g.output_dims(input, 0).size());
}

template <graph::graph G>
bool reduce_general_applies(const G& g, graph::node_index n) {
  const auto dims = dims_reduced(g, n);
  return dims && dims->size() <= 2 && graph::bool_attribute(g, n, "keepdim", false) == true;
}

struct storage_choice {
  repset::repset_list inputs;
  repset::repset_list outputs;
};

/// pick_storage_for_reduce.
template <graph::graph G>
storage_choice pick_reduce(const G& g, graph::node_index n) {
  namespace named = repset::named;
  repset::repset storage = named::none;
  if (reduce_general_applies(g, n))
    storage = storage | named::any_float_texture;
  if (reduce_per_row_applies(g, n)) {
    storage = storage | named::contiguous_buffer;
    return {{storage}, {storage}};
  }
  const auto dims = dims_reduced(g, n);
  if (dims && dims->size() == 2) {
    const auto rank = static_cast<std::int64_t>(g.output_dims(graph::input_of(g, n, 0), 0).size());
    // WHCN numbering: the last dim is 0 (width).
    const std::int64_t whcn_a = rank - 1 - (*dims)[0];
    const std::int64_t whcn_b = rank - 1 - (*dims)[1];
    for (std::int64_t packed = 0; packed < 3; ++packed) {
      if (packed == whcn_a || packed == whcn_b)
        continue;
      const repset::repset texture = packed == 0   ? named::width_packed_texture
                                     : packed == 1 ? named::height_packed_texture
                                                   : named::channels_packed_texture;
      return {{texture}, {texture}};
    }
  }
  return {{storage}, {storage}};
}

/// A 1-D convolution that is pointwise (kernel 1) or depthwise (groups equal
/// to the input channels) runs on height-packed textures.
template <graph::graph G>
storage_choice pick_convolution(const G& g, graph::node_index n, const op_features& features) {
  namespace named = repset::named;
  const graph::node_index input = graph::input_of(g, n, 0);
  const graph::node_index weight = graph::input_of(g, n, 1);
  if (input != graph::no_node && weight != graph::no_node && g.output_dims(input, 0).size() == 3) {
    const auto input_dims = g.output_dims(input, 0);
    const auto weight_dims = g.output_dims(weight, 0);
    const graph::attribute* groups = g.attribute_of(n, "groups");
    const bool pointwise = weight_dims.size() == 3 && weight_dims[2] == 1;
    const bool depthwise = groups != nullptr && groups->as_int() != nullptr &&
                           *groups->as_int() == input_dims[1] && *groups->as_int() > 1;
    if (pointwise || depthwise) {
      return {repset::repset_list::repeated(named::height_packed_texture, named::none, 10),
              {named::height_packed_texture}};
    }
  }
  return {features.inputs_storage, features.output_storage()};
}

/// The storage `features` give node `n`, with the op's per-node pick applied.
template <graph::graph G>
storage_choice pick_storage(const G& g, graph::node_index n, const op_features& features) {
  namespace named = repset::named;
  switch (features.pick) {
    case storage_pick::to_copy: {
      const graph::node_index input = graph::input_of(g, n, 0);
      const bool float_to_float = input != graph::no_node &&
                                  is_floating_point(g.output_dtype(input, 0)) &&
                                  is_floating_point(g.output_dtype(n, 0));
      const repset::repset storage =
          float_to_float ? named::any_float_storage : named::contiguous_buffer;
      return {{storage}, {storage}};
    }
    case storage_pick::reduce:
      return pick_reduce(g, n);
    case storage_pick::convolution:
      return pick_convolution(g, n, features);
    case storage_pick::index_tensor: {
      const graph::node_index input = graph::input_of(g, n, 0);
      if (input != graph::no_node && g.output_dims(input, 0).size() > 1)
        return {{named::contiguous_buffer}, {named::contiguous_buffer}};
      break;
    }
    case storage_pick::registered:
      break;
  }
  return {features.inputs_storage, features.output_storage()};
}

/// The op's own input check; a message naming the value when it fails.
template <graph::graph G>
std::optional<std::string> failed_input_check(const G& g, graph::node_index n,
                                              const op_features& features) {
  const graph::node_index input = graph::input_of(g, n, 0);
  switch (features.check) {
    case input_check::none:
      return std::nullopt;
    case input_check::copy_is_no_op: {
      const graph::node_index source = graph::input_of(g, n, 1);
      if (source == graph::no_node)
        return "copy has no source";
      const auto a = g.output_dims(source, 0);
      const auto b = g.output_dims(n, 0);
      if (g.output_dtype(source, 0) != g.output_dtype(n, 0) ||
          !std::equal(a.begin(), a.end(), b.begin(), b.end()))
        return "copy of a " + std::string(to_string(g.output_dtype(source, 0))) + " " +
               graph::list_text(a) + " source into a " +
               std::string(to_string(g.output_dtype(n, 0))) + " " + graph::list_text(b) +
               " result: only a no-op copy (same dtype and shape) is supported";
      return std::nullopt;
    }
    case input_check::reduce: {
      if (reduce_per_row_applies(g, n) || reduce_general_applies(g, n))
        return std::nullopt;
      const auto dims = dims_reduced(g, n);
      if (!dims)
        return "attribute 'dim' is malformed or out of range for the input's rank";
      return "reduces dims " + graph::list_text(*dims) + " with keepdim " +
             (graph::bool_attribute(g, n, "keepdim", false) == true ? "true" : "false") +
             ": the general reduction takes at most 2 dims with keepdim true, the per-row one "
             "only the last dim";
    }
    case input_check::convolution: {
      if (input == graph::no_node)
        return "convolution has no input";
      const auto dims = g.output_dims(input, 0);
      if (dims.size() == 4 && dims[0] != 1)
        return "2-D convolution with batch " + std::to_string(dims[0]) + ": only batch 1";
      if (dims.size() == 3 && graph::bool_attribute(g, n, "transposed", false) != false)
        return "transposed 1-D convolution";
      return std::nullopt;
    }
    case input_check::index_tensor: {
      const auto inputs = g.inputs(n);
      if (inputs.size() != 2 || inputs[1] == graph::no_node ||
          g.output_dims(inputs[1], 0).size() != 1)
        return "index.Tensor takes only a single rank-1 index in position 0";
      return std::nullopt;
    }
    case input_check::grid_sampler: {
      const graph::attribute* mode = g.attribute_of(n, "interpolation_mode");
      const graph::attribute* padding = g.attribute_of(n, "padding_mode");
      const bool bilinear = mode != nullptr && mode->as_int() && *mode->as_int() == 0;
      const bool border = padding != nullptr && padding->as_int() && *padding->as_int() == 1;
      if (!bilinear || !border || graph::bool_attribute(g, n, "align_corners", false) != true)
        return "grid_sampler_2d needs interpolation_mode 0, padding_mode 1, align_corners true";
      return std::nullopt;
    }
    case input_check::embedding_weight: {
      if (input == graph::no_node)
        return "embedding has no weight";
      std::int64_t count = 1;
      for (const auto dim : g.output_dims(input, 0)) {
        if (__builtin_mul_overflow(count, static_cast<std::int64_t>(dim), &count) ||
            count > repset::buffer_limit)
          return "weight of more than " + std::to_string(repset::buffer_limit) +
                 " elements exceeds the buffer limit";
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace detail

//===--- The repsets of a node ---===//

/// The repsets of node `n` under its registration `features`
/// (make_op_repsets): the picked storage, filtered by each tensor's shape
/// against `limits`, with the op's synchronisation rules.
template <graph::graph G>
repset::op_repsets make_op_repsets(const G& g, graph::node_index n, const op_features& features,
                                   const repset::image_extents& limits) {
  const detail::storage_choice storage = detail::pick_storage(g, n, features);
  const auto inputs = g.inputs(n);
  const bool getitem = g.op_name(n) == "getitem";
  const std::size_t arg_count = features.list_input ? 1 : inputs.size();
  auto kind_of = [&](std::size_t i) {
    if (features.list_input)
      return inputs.empty() ? repset::arg_kind::non_tensor : repset::arg_kind::tensor;
    return inputs[i] == graph::no_node ? repset::arg_kind::non_tensor : repset::arg_kind::tensor;
  };
  auto filter_arg = [&](std::size_t i, repset::repset set) {
    if (features.list_input) {
      repset::repset common = set;
      for (const auto element : inputs) {
        if (element != graph::no_node)  // a null list element has no shape to fit (fuzzing)
          common = common & repset::filter_invalid_reprs(g.output_dims(element, 0), common, limits);
      }
      return common;
    }
    // A getitem reads one element of its source: the element's shape is its own.
    const graph::node_index source = getitem ? n : static_cast<graph::node_index>(inputs[i]);
    return repset::filter_invalid_reprs(g.output_dims(source, 0), set, limits);
  };
  auto filter_output = [&](std::size_t k, repset::repset set) {
    return repset::filter_invalid_reprs(g.output_dims(n, k), set, limits);
  };
  return repset::op_repsets(storage.inputs, storage.outputs, arg_count, g.output_count(n), kind_of,
                            filter_arg, filter_output);
}

//===--- The partitioner's node check ---===//

namespace detail {

inline std::string dtype_text(dtype type) {
  return std::string(qlower::to_string(type));
}

}  // namespace detail

template <class Target, graph::graph G>
support_result vulkan_check(const G& g, graph::node_index n) {
  using detail::dtype_text;
  using detail::failed_input_check;
  const std::string_view op = g.op_name(n);
  if (op == "input" || op == "const")
    return rejection{reason::graph_input, graph::node_text(g, n) + " is a graph " +
                                              (op == "input" ? "input" : "constant")};
  const auto inputs = g.inputs(n);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == graph::no_node)
      continue;
    const dtype type = g.output_dtype(inputs[i], 0);
    if (!vulkan_dtypes::all.contains(type))
      return rejection{reason::dtype_unsupported, "input " + std::to_string(i) + " is " +
                                                      dtype_text(type) +
                                                      ", which the Vulkan backend does not hold"};
  }
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    if (!vulkan_dtypes::all.contains(g.output_dtype(n, k)))
      return rejection{reason::dtype_unsupported, "output " + std::to_string(k) + " is " +
                                                      dtype_text(g.output_dtype(n, k)) +
                                                      ", which the Vulkan backend does not hold"};
  }
  // Checks in the order of the Vulkan partitioner: I/O dtypes, then the registry.
  const ops::op_id id = ops::find_op(op);
  if (id == ops::unknown_op)
    return rejection{reason::unknown_op, "the op set does not hold " + std::string(op)};
  const op_features* features = vulkan_features<Target>(id);
  if (features == nullptr)
    return rejection{reason::not_registered, std::string(op) + " has no Vulkan implementation"};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == graph::no_node)
      continue;
    const dtype_set allowed = features->inputs_dtypes[features->list_input ? 0 : i];
    const dtype type = g.output_dtype(inputs[i], 0);
    if (!allowed.empty() && !allowed.contains(type))
      return rejection{reason::dtype_unsupported, "input " + std::to_string(i) + " is " +
                                                      dtype_text(type) + ", not one of " +
                                                      allowed.to_string()};
  }
  const dtype_list output_dtypes = features->output_dtypes();
  for (std::size_t k = 0; k < g.output_count(n); ++k) {
    const dtype_set allowed = output_dtypes[k];
    if (!allowed.empty() && !allowed.contains(g.output_dtype(n, k)))
      return rejection{reason::dtype_unsupported, "output " + std::to_string(k) + " is " +
                                                      dtype_text(g.output_dtype(n, k)) +
                                                      ", not one of " + allowed.to_string()};
  }
  if (auto failure = failed_input_check(g, n, *features))
    return rejection{reason::inputs_unsupported, std::move(*failure)};
  if (!features->flags.high_rank) {
    auto rank_above_4 = [&](graph::node_index m, std::size_t k) {
      return g.output_dims(m, k).size() > 4;
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i] != graph::no_node && rank_above_4(inputs[i], 0))
        return rejection{reason::high_rank, "input " + std::to_string(i) + " has rank " +
                                                std::to_string(g.output_dims(inputs[i], 0).size()) +
                                                "; the op supports rank <= 4"};
    }
    for (std::size_t k = 0; k < g.output_count(n); ++k) {
      if (rank_above_4(n, k))
        return rejection{reason::high_rank, "output " + std::to_string(k) + " has rank " +
                                                std::to_string(g.output_dims(n, k).size()) +
                                                "; the op supports rank <= 4"};
    }
  }
  const std::size_t arg_count = features->list_input ? 1 : inputs.size();
  if (arg_count > repset::repset_list::capacity ||
      g.output_count(n) > repset::repset_list::capacity) {
    return rejection{reason::inputs_unsupported,
                     std::to_string(arg_count) + " arguments and " +
                         std::to_string(g.output_count(n)) + " outputs; at most " +
                         std::to_string(repset::repset_list::capacity) + " of each"};
  }
  const repset::op_repsets repsets = make_op_repsets(g, n, *features, Target::texture_limits);
  if (repsets.any_is_empty()) {
    // Name the first tensor whose shape fits none of its layouts.
    for (std::size_t i = 0; i < repsets.arg_count(); ++i) {
      if (!repsets.arg(i).empty())
        continue;
      const graph::node_index value = features->list_input ? graph::input_of(g, n, 0) : inputs[i];
      return rejection{reason::no_valid_representation,
                       "no valid representations: input " + std::to_string(i) + " " +
                           (value == graph::no_node ? std::string("[]")
                                                    : graph::list_text(g.output_dims(value, 0))) +
                           " fits none of the op's layouts within the texture limits " +
                           graph::list_text(Target::texture_limits)};
    }
    for (std::size_t k = 0; k < g.output_count(n); ++k) {
      if (!repsets.output(k).empty())
        continue;
      return rejection{reason::no_valid_representation,
                       "no valid representations: output " + std::to_string(k) + " " +
                           graph::list_text(g.output_dims(n, k)) +
                           " fits none of the op's layouts within the texture limits " +
                           graph::list_text(Target::texture_limits)};
    }
    return rejection{reason::no_valid_representation,
                     "no valid representations: the op has no tensor to place"};
  }
  return std::nullopt;
}

}  // namespace qlower::targets
