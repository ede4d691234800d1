// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/traits/tags.hpp"

/// ATen ops that the targets' rule sets name (bitwise and shift ops, scatters,
/// reflection pads, symbolic-size ops, complex views ...) and that no V1 row
/// annotates: they carry no quantization rule, only their names and variants.

namespace qlower::ops::aten {

using traits::axis_permutation;

struct dunder_lshift_Scalar : op<"aten.__lshift__.Scalar"> {};
struct dunder_rshift_Scalar : op<"aten.__rshift__.Scalar"> {};
struct _assert_scalar_default : op<"aten._assert_scalar.default"> {};
struct _weight_int8pack_mm_default : op<"aten._weight_int8pack_mm.default"> {};
struct argmin_default : op<"aten.argmin.default"> {};
struct bitwise_and_Scalar : op<"aten.bitwise_and.Scalar"> {};
struct bitwise_left_shift_Tensor : op<"aten.bitwise_left_shift.Tensor"> {};
struct bitwise_or_Scalar : op<"aten.bitwise_or.Scalar"> {};
struct bitwise_right_shift_Tensor : op<"aten.bitwise_right_shift.Tensor"> {};
struct bitwise_xor_Scalar : op<"aten.bitwise_xor.Scalar"> {};
struct bitwise_xor_Tensor : op<"aten.bitwise_xor.Tensor"> {};
struct hardshrink_default : op<"aten.hardshrink.default"> {};
struct logical_xor_default : op<"aten.logical_xor.default"> {};
struct masked_fill_Scalar : op<"aten.masked_fill.Scalar"> {};
struct native_group_norm_default
    : op<"aten.native_group_norm.default", traits::qspec_v2<traits::qspec_rule::every_input>> {};
struct ones_like_default : op<"aten.ones_like.default"> {};
// torchvision's ViT in eval and no_grad: the fused attention of the fast path.
struct _native_multi_head_attention_default : op<"aten._native_multi_head_attention.default"> {};
// Swin's shifted windows.
struct roll_default : op<"aten.roll.default"> {};
struct pow_Tensor_Tensor : op<"aten.pow.Tensor_Tensor"> {};
struct reflection_pad1d_default : op<"aten.reflection_pad1d.default"> {};
struct reflection_pad2d_default : op<"aten.reflection_pad2d.default"> {};
struct reflection_pad3d_default : op<"aten.reflection_pad3d.default"> {};
struct scatter_src : op<"aten.scatter.src"> {};
struct scatter_value : op<"aten.scatter.value"> {};
struct scatter_add_default : op<"aten.scatter_add.default"> {};
struct scatter_reduce_two : op<"aten.scatter_reduce.two"> {};
struct select_scatter_default : op<"aten.select_scatter.default"> {};
struct slice_scatter_default : op<"aten.slice_scatter.default"> {};
struct sym_constrain_range_for_size_default : op<"aten.sym_constrain_range_for_size.default"> {};
struct sym_size_int : op<"aten.sym_size.int"> {};
// Dropped from V1 in 2026-08 (arm-quantizer.md); qlower keeps it pass-through like transpose.int.
struct transpose_Dimname : op<"aten.transpose.Dimname", axis_permutation> {};
struct view_as_complex_default : op<"aten.view_as_complex.default"> {};
struct view_as_real_default : op<"aten.view_as_real.default"> {};
struct where_default
    : op<"aten.where.default", traits::qspec_v2<traits::qspec_rule::shared_cluster>> {};
struct view_as_complex_copy_default
    : variant_of<view_as_complex_default, variant_kind::copy, "aten.view_as_complex_copy.default"> {
};
struct view_as_real_copy_default
    : variant_of<view_as_real_default, variant_kind::copy, "aten.view_as_real_copy.default"> {};

}  // namespace qlower::ops::aten
