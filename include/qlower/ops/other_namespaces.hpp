// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/traits/tags.hpp"

/// Ops outside ATen that the targets' rule sets name: the dim-order edge ops,
/// ExecuTorch's Vulkan (et_vk) and llama custom ops, torchao's affine ops, the
/// remaining quantized_decomposed ops, Python operators on symbolic sizes and
/// higher-order control flow. Only _clone_dim_order carries a rule (clone's).

namespace qlower::ops {

namespace dim_order_ops {
using traits::layout_agnostic;
using traits::pure_view;
using traits::qspec;
using enum traits::qspec_rule;
// The edge form of clone: identity, so it takes clone's rule.
struct _clone_dim_order_default : op<"dim_order_ops._clone_dim_order.default", pure_view,
                                     layout_agnostic, qspec<pass_through_or_input_act>> {};
struct _to_dim_order_copy_default : op<"dim_order_ops._to_dim_order_copy.default"> {};
}  // namespace dim_order_ops

namespace et_vk {
struct adamw_step_default : op<"et_vk.adamw_step.default"> {};
struct apply_rotary_emb_default : op<"et_vk.apply_rotary_emb.default"> {};
struct apply_rotary_emb_hf_default : op<"et_vk.apply_rotary_emb_hf.default"> {};
struct apply_rotary_emb_interleaved_default : op<"et_vk.apply_rotary_emb_interleaved.default"> {};
struct conv_with_clamp_default : op<"et_vk.conv_with_clamp.default"> {};
struct embedding_q4gsw_default : op<"et_vk.embedding_q4gsw.default"> {};
struct fused_ce_default : op<"et_vk.fused_ce.default"> {};
struct grid_priors_default : op<"et_vk.grid_priors.default"> {};
struct linear_dW_default : op<"et_vk.linear_dW.default"> {};
struct linear_dq8ca_q4gsw_default : op<"et_vk.linear_dq8ca_q4gsw.default"> {};
struct linear_q4gsw_default : op<"et_vk.linear_q4gsw.default"> {};
struct linear_q4gsw_backward_default : op<"et_vk.linear_q4gsw_backward.default"> {};
struct linear_q8ta_q8csw_default : op<"et_vk.linear_q8ta_q8csw.default"> {};
struct linear_qcs4w_default : op<"et_vk.linear_qcs4w.default"> {};
struct q4gsw_requant_default : op<"et_vk.q4gsw_requant.default"> {};
struct q8ta_add_default : op<"et_vk.q8ta_add.default"> {};
struct q8ta_conv2d_default : op<"et_vk.q8ta_conv2d.default"> {};
struct q8ta_conv2d_dw_default : op<"et_vk.q8ta_conv2d_dw.default"> {};
struct q8ta_conv2d_pw_default : op<"et_vk.q8ta_conv2d_pw.default"> {};
struct q8ta_conv2d_transposed_default : op<"et_vk.q8ta_conv2d_transposed.default"> {};
struct q8ta_linear_default : op<"et_vk.q8ta_linear.default"> {};
struct q8ta_linear_gemv_default : op<"et_vk.q8ta_linear_gemv.default"> {};
struct q8ta_pixel_shuffle_default : op<"et_vk.q8ta_pixel_shuffle.default"> {};
struct q8ta_relu_default : op<"et_vk.q8ta_relu.default"> {};
struct rms_norm_default : op<"et_vk.rms_norm.default"> {};
struct sdpa_default : op<"et_vk.sdpa.default"> {};
}  // namespace et_vk

namespace higher_order {
// V1 row 20 (control flow) is not modelled: qlower leaves these float.
struct cond : op<"higher_order.cond"> {};
struct while_loop : op<"higher_order.while_loop"> {};
}  // namespace higher_order

namespace llama {
struct custom_sdpa_default : op<"llama.custom_sdpa.default"> {};
struct sdpa_with_kv_cache_default : op<"llama.sdpa_with_kv_cache.default"> {};
struct update_cache_default : op<"llama.update_cache.default"> {};
}  // namespace llama

namespace python_operator {
struct add_op : op<"operator.add"> {};
struct eq_op : op<"operator.eq"> {};
struct floordiv_op : op<"operator.floordiv"> {};
struct ge_op : op<"operator.ge"> {};
struct gt_op : op<"operator.gt"> {};
struct le_op : op<"operator.le"> {};
struct lt_op : op<"operator.lt"> {};
struct mul_op : op<"operator.mul"> {};
struct sub_op : op<"operator.sub"> {};
}  // namespace python_operator

namespace quantized_decomposed {
struct choose_qparams_tensor : op<"quantized_decomposed.choose_qparams.tensor"> {};
struct choose_qparams_per_token_asymmetric_default
    : op<"quantized_decomposed.choose_qparams_per_token_asymmetric.default"> {};
struct dequantize_per_tensor_tensor : op<"quantized_decomposed.dequantize_per_tensor.tensor"> {};
struct dequantize_per_token_default : op<"quantized_decomposed.dequantize_per_token.default"> {};
struct embedding_4bit_dtype : op<"quantized_decomposed.embedding_4bit.dtype"> {};
struct quantize_per_tensor_tensor : op<"quantized_decomposed.quantize_per_tensor.tensor"> {};
struct quantize_per_token_default : op<"quantized_decomposed.quantize_per_token.default"> {};
}  // namespace quantized_decomposed

namespace torchao {
struct choose_qparams_affine_default : op<"torchao.choose_qparams_affine.default"> {};
struct dequantize_affine_default : op<"torchao.dequantize_affine.default"> {};
struct quantize_affine_default : op<"torchao.quantize_affine.default"> {};
}  // namespace torchao

}  // namespace qlower::ops
