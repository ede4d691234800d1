// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/ops/patterns.hpp"
#include "qlower/traits/tags.hpp"

/// ATen ops that compute each output element from the elements at the same
/// position: unary math, activations, binary arithmetic, comparisons, clamps.

namespace qlower::ops::aten {

using traits::qspec;
using traits::qspec_v2;
using enum traits::qspec_rule;

//===--- Set A: independent input and output specs ---===//

struct abs_default : op<"aten.abs.default", qspec<independent>> {};
struct ceil_default : op<"aten.ceil.default", qspec<independent>> {};
struct erf_default : op<"aten.erf.default", qspec<independent>> {};
struct erfinv_default : op<"aten.erfinv.default", qspec<independent>> {};
struct exp_default : op<"aten.exp.default", qspec<independent>> {};
struct expm1_default : op<"aten.expm1.default", qspec<independent>> {};
struct elu_default : op<"aten.elu.default", qspec<independent>> {};
struct selu_default : op<"aten.selu.default", qspec<independent>> {};
struct celu_default : op<"aten.celu.default", qspec<independent>> {};
struct floor_default : op<"aten.floor.default", qspec<independent>> {};
struct round_default : op<"aten.round.default", qspec<independent>> {};
struct log_default : op<"aten.log.default", qspec<independent>> {};
struct reciprocal_default : op<"aten.reciprocal.default", qspec<independent>> {};
struct rsqrt_default : op<"aten.rsqrt.default", qspec<independent>> {};
struct sigmoid_default : op<"aten.sigmoid.default", qspec<independent>> {};
struct cos_default : op<"aten.cos.default", qspec<independent>> {};
struct sin_default : op<"aten.sin.default", qspec<independent>> {};
struct tanh_default : op<"aten.tanh.default", qspec<independent>> {};
struct hardsigmoid_default : op<"aten.hardsigmoid.default", qspec<independent>> {};
struct hardswish_default : op<"aten.hardswish.default", qspec<independent>> {};
struct hardswish__default
    : variant_of<hardswish_default, variant_kind::inplace, "aten.hardswish_.default"> {};
struct leaky_relu_default : op<"aten.leaky_relu.default", qspec<independent>> {};
struct leaky_relu__default
    : variant_of<leaky_relu_default, variant_kind::inplace, "aten.leaky_relu_.default"> {};
struct full_like_default : op<"aten.full_like.default", qspec<independent>> {};
struct zeros_like_default : op<"aten.zeros_like.default", qspec<independent>> {};
struct pow_Tensor_Scalar : op<"aten.pow.Tensor_Scalar", qspec<independent>> {};
struct gelu_default : op<"aten.gelu.default", qspec<independent>> {};
struct silu_default : op<"aten.silu.default", qspec<independent>> {};
struct silu__default : variant_of<silu_default, variant_kind::inplace, "aten.silu_.default"> {};
struct sinh_default : op<"aten.sinh.default", qspec<independent>> {};
struct atan_default : op<"aten.atan.default", qspec<independent>> {};
struct log1p_default : op<"aten.log1p.default", qspec<independent>> {};
struct log10_default : op<"aten.log10.default", qspec<independent>> {};
struct acosh_default : op<"aten.acosh.default", qspec<independent>> {};
struct sign_default : op<"aten.sign.default", qspec<independent>> {};
struct asinh_default : op<"aten.asinh.default", qspec<independent>> {};
struct cosh_default : op<"aten.cosh.default", qspec<independent>> {};
struct tan_default : op<"aten.tan.default", qspec<independent>> {};
struct remainder_Scalar : op<"aten.remainder.Scalar", qspec<independent>> {};

//===--- Fixed input qparams (the input range is known) ---===//

struct acos_default : op<"aten.acos.default", qspec<fixed>> {};
struct asin_default : op<"aten.asin.default", qspec<fixed>> {};
struct atanh_default : op<"aten.atanh.default", qspec<fixed>> {};

//===--- Set D: value-changing ops that keep their input's scale ---===//

// neg is forced to share so that its range flip keeps the same magnitude.
struct neg_default : op<"aten.neg.default", qspec_v2<independent>, qspec<pass_through>> {};
struct clamp_default : op<"aten.clamp.default", qspec<pass_through>> {};
struct clamp_Tensor : op<"aten.clamp.Tensor", qspec<pass_through>> {};

//===--- Set E: activations that share the producer's spec ---===//

struct relu_default : op<"aten.relu.default", qspec<pass_through_or_input_act>> {};
struct relu__default : variant_of<relu_default, variant_kind::inplace, "aten.relu_.default"> {};
struct hardtanh_default : op<"aten.hardtanh.default", qspec<pass_through_or_input_act>> {};
struct hardtanh__default
    : variant_of<hardtanh_default, variant_kind::inplace, "aten.hardtanh_.default"> {};
struct dropout_default : op<"aten.dropout.default", qspec<pass_through_or_input_act>> {};
struct dropout__default
    : variant_of<dropout_default, variant_kind::inplace, "aten.dropout_.default"> {};

//===--- Binary arithmetic: independent input specs ---===//

struct add_Tensor : op<"aten.add.Tensor", qspec<binary>> {};
struct add__Tensor : variant_of<add_Tensor, variant_kind::inplace, "aten.add_.Tensor"> {};
struct sub_Tensor : op<"aten.sub.Tensor", qspec<binary>> {};
struct sub__Tensor : variant_of<sub_Tensor, variant_kind::inplace, "aten.sub_.Tensor"> {};
struct mul_Tensor : op<"aten.mul.Tensor", qspec<binary>> {};
struct mul__Tensor : variant_of<mul_Tensor, variant_kind::inplace, "aten.mul_.Tensor"> {};
struct linear_default;  // ops/aten_nn.hpp
// make_fx writes a linear without bias as t + mm.
struct mm_default : op<"aten.mm.default", qspec<binary>,
                       traits::recomposes_to<linear_default, patterns::mm_of_transposed_weight>> {};
struct bmm_default : op<"aten.bmm.default", qspec<binary>> {};
struct minimum_default : op<"aten.minimum.default", qspec<binary>> {};
struct maximum_default : op<"aten.maximum.default", qspec<binary>> {};

//===--- Comparisons: shared input specs, unquantized bool output ---===//

struct eq_Tensor : op<"aten.eq.Tensor", qspec<comparison>> {};
struct ge_Tensor : op<"aten.ge.Tensor", qspec<comparison>> {};
struct gt_Tensor : op<"aten.gt.Tensor", qspec<comparison>> {};
struct le_Tensor : op<"aten.le.Tensor", qspec<comparison>> {};
struct lt_Tensor : op<"aten.lt.Tensor", qspec<comparison>> {};
// V1 leaves ne.Tensor and every .Scalar comparison unannotated.
struct ne_Tensor : op<"aten.ne.Tensor", qspec_v2<comparison>> {};
struct eq_Scalar : op<"aten.eq.Scalar", qspec_v2<comparison>> {};
struct ne_Scalar : op<"aten.ne.Scalar", qspec_v2<comparison>> {};
struct ge_Scalar : op<"aten.ge.Scalar", qspec_v2<comparison>> {};
struct gt_Scalar : op<"aten.gt.Scalar", qspec_v2<comparison>> {};
struct le_Scalar : op<"aten.le.Scalar", qspec_v2<comparison>> {};
struct lt_Scalar : op<"aten.lt.Scalar", qspec_v2<comparison>> {};

//===--- Selection by a condition ---===//

// V1 row 8: both branches and the output share one spec; the bool condition is not quantized.
struct where_self : op<"aten.where.self", qspec<shared_across_inputs>> {};

//===--- Constants: an output spec only ---===//

struct full_default : op<"aten.full.default", qspec<output_only>> {};
struct zeros_default : op<"aten.zeros.default", qspec<output_only>> {};
struct ones_default : op<"aten.ones.default", qspec<output_only>> {};
struct fill__Scalar : op<"aten.fill_.Scalar", qspec_v2<independent>, qspec<output_only>> {};
struct scalar_tensor_default : op<"aten.scalar_tensor.default", qspec<output_only>> {};

//===--- Never annotated by V1 (first rewritten into primitives) ---===//

struct div_Tensor : op<"aten.div.Tensor", qspec_v2<every_input>> {};
struct div__Tensor : variant_of<div_Tensor, variant_kind::inplace, "aten.div_.Tensor"> {};
struct div_Scalar : op<"aten.div.Scalar", qspec_v2<independent>> {};
struct div_Tensor_mode : op<"aten.div.Tensor_mode", qspec_v2<every_input>> {};
struct sqrt_default : op<"aten.sqrt.default", qspec_v2<independent>> {};
struct logit_default : op<"aten.logit.default", qspec_v2<independent>> {};
struct prelu_default : op<"aten.prelu.default", qspec_v2<every_input>> {};
struct glu_default : op<"aten.glu.default", qspec_v2<independent>> {};
struct remainder_Tensor : op<"aten.remainder.Tensor", qspec_v2<every_input>> {};
struct floor_divide_default : op<"aten.floor_divide.default", qspec_v2<every_input>> {};
struct bitwise_and_Tensor : op<"aten.bitwise_and.Tensor"> {};
struct bitwise_or_Tensor : op<"aten.bitwise_or.Tensor"> {};
struct bitwise_not_default : op<"aten.bitwise_not.default"> {};
struct logical_and_default : op<"aten.logical_and.default"> {};
struct logical_or_default : op<"aten.logical_or.default"> {};
struct logical_not_default : op<"aten.logical_not.default"> {};

}  // namespace qlower::ops::aten
