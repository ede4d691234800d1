// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/ops/patterns.hpp"
#include "qlower/ops/rewrites.hpp"
#include "qlower/ops/spellings.hpp"
#include "qlower/traits/tags.hpp"

/// ATen ops with weights, windows or reductions: convolution, linear,
/// normalisation, pooling, reductions, softmax, casts, recurrent layers.

namespace qlower::ops::aten {

using traits::qspec;
using traits::qspec_v2;
using traits::recomposes_to;
using enum traits::qspec_rule;

//===--- Weighted ops: input-act, per-channel weight, int32 bias ---===//

// The edge-dialect form every conv lowers to, and qlower's canonical convolution;
// V2 lists it among the weighted targets.
struct convolution_default : op<"aten.convolution.default", qspec<weighted>> {};
// torch.export's spellings of it (lowering.md 3).
struct conv1d_default
    : spelling_of<convolution_default, "aten.conv1d.default", spellings::conv_as_convolution> {};
struct conv2d_default
    : spelling_of<convolution_default, "aten.conv2d.default", spellings::conv_as_convolution> {};
struct conv1d_padding : op<"aten.conv1d.padding", qspec<weighted>> {};
struct conv2d_padding : op<"aten.conv2d.padding", qspec<weighted>> {};
struct conv3d_default : op<"aten.conv3d.default", qspec<weighted>> {};
struct conv3d_padding : op<"aten.conv3d.padding", qspec<weighted>> {};
struct conv_transpose2d_input : op<"aten.conv_transpose2d.input", qspec<weighted>> {};
struct linear_default : op<"aten.linear.default", qspec<weighted>> {};

// The inference batch norm, as the edge dialect names it: (input, weight, bias,
// running_mean, running_var) -> (output, save_mean, save_invstd), the last two
// empty. Annotated only after a conv (V1 rows 1-2), never on its own; the
// pipeline folds it into a preceding conv or linear as prepare_pt2e does.
struct _native_batch_norm_legit_no_training_default
    : op<"aten._native_batch_norm_legit_no_training.default", qspec_v2<independent>> {};
struct batch_norm_default
    : spelling_of<_native_batch_norm_legit_no_training_default, "aten.batch_norm.default",
                  spellings::batch_norm_as_inference> {};
struct native_batch_norm_default
    : spelling_of<_native_batch_norm_legit_no_training_default, "aten.native_batch_norm.default",
                  spellings::batch_norm_as_inference> {};

//===--- Pooling and means: set E, the output shares the producer's spec ---===//

struct avg_pool2d_default
    : op<"aten.avg_pool2d.default", qspec_v2<pass_through>, qspec<pass_through_or_input_act>> {};
struct max_pool2d_default
    : op<"aten.max_pool2d.default", qspec_v2<pass_through>, qspec<pass_through_or_input_act>> {};
struct max_pool2d_with_indices_default
    : op<"aten.max_pool2d_with_indices.default",
         recomposes_to<max_pool2d_default, patterns::only_first_output_read>> {};
// torch.export writes adaptive_avg_pool2d, which the quantizers annotate and
// to_edge lowers to _adaptive_avg_pool2d, the op the TOSA INT profile lists;
// make_fx writes _adaptive_avg_pool2d, which the first stage makes
// adaptive_avg_pool2d again so that the quantizer sees it.
struct _adaptive_avg_pool2d_default;
struct adaptive_avg_pool2d_default
    : op<"aten.adaptive_avg_pool2d.default", qspec_v2<pass_through>,
         qspec<pass_through_or_input_act>,
         traits::decomposes_to<_adaptive_avg_pool2d_default, rewrites::same_attributes>> {};
struct _adaptive_avg_pool2d_default
    : op<"aten._adaptive_avg_pool2d.default",
         recomposes_to<adaptive_avg_pool2d_default, patterns::same_operation>> {};
struct mean_default
    : op<"aten.mean.default", qspec_v2<pass_through>, qspec<pass_through_or_input_act>> {};
struct mean_dim : op<"aten.mean.dim", qspec_v2<pass_through>, qspec<pass_through_or_input_act>> {};

//===--- Reductions ---===//

struct sum_dim_IntList : op<"aten.sum.dim_IntList", qspec<independent>> {};
struct sum_default : op<"aten.sum.default", qspec<independent>> {};
struct cumsum_default : op<"aten.cumsum.default", qspec<independent>> {};
// Set D: a max or min of the input stays within its range.
struct amax_default : op<"aten.amax.default", qspec<pass_through>> {};
struct amin_default : op<"aten.amin.default", qspec<pass_through>> {};
struct max_dim : op<"aten.max.dim", qspec_v2<shared_cluster>> {};  // V1: never annotated
struct min_dim : op<"aten.min.dim", qspec_v2<shared_cluster>> {};  // V1: never annotated
struct argmax_default : op<"aten.argmax.default"> {};
struct any_default : op<"aten.any.default"> {};
struct any_dim : op<"aten.any.dim"> {};
struct any_dims : op<"aten.any.dims"> {};
struct var_dim : op<"aten.var.dim", qspec_v2<independent>> {};
struct var_correction : op<"aten.var.correction", qspec_v2<independent>> {};

//===--- Normalisation and attention: never annotated by V1 ---===//

struct _softmax_default : op<"aten._softmax.default", qspec_v2<independent>> {};
struct softmax_int
    : spelling_of<_softmax_default, "aten.softmax.int", spellings::softmax_as_internal_softmax> {};
struct log_softmax_int : op<"aten.log_softmax.int", qspec_v2<independent>> {};
struct _log_softmax_default : op<"aten._log_softmax.default"> {};
// The layer norm as make_fx and the edge dialect name it: (input, weight, bias)
// -> (output, mean, rstd); the quantizer's DecomposeLayerNorm runs on it.
struct native_layer_norm_default : op<"aten.native_layer_norm.default", qspec_v2<every_input>> {};
struct layer_norm_default : spelling_of<native_layer_norm_default, "aten.layer_norm.default",
                                        spellings::layer_norm_as_native> {};
struct group_norm_default : op<"aten.group_norm.default", qspec_v2<every_input>> {};
struct addmm_default : op<"aten.addmm.default", qspec_v2<every_input>,
                          recomposes_to<linear_default, patterns::addmm_of_transposed_weight>> {};
struct matmul_default : op<"aten.matmul.default", qspec_v2<binary>> {};
struct einsum_default : op<"aten.einsum.default", qspec_v2<every_input>> {};
struct scaled_dot_product_attention_default
    : op<"aten.scaled_dot_product_attention.default", qspec_v2<every_input>> {};
struct embedding_default : op<"aten.embedding.default", qspec_v2<independent>> {};
struct linalg_vector_norm_default : op<"aten.linalg_vector_norm.default", qspec_v2<independent>> {};
struct cosine_similarity_default : op<"aten.cosine_similarity.default", qspec_v2<every_input>> {};
struct lstm_input : op<"aten.lstm.input", qspec_v2<every_input>> {};
struct gru_input : op<"aten.gru.input", qspec_v2<every_input>> {};
struct rnn_tanh_input : op<"aten.rnn_tanh.input", qspec_v2<every_input>> {};
struct rnn_relu_input : op<"aten.rnn_relu.input", qspec_v2<every_input>> {};

//===--- Sampling ---===//

// V1 row 7: fixed 1/127 qparams on the image and the output.
struct grid_sampler_default : op<"aten.grid_sampler.default", qspec<fixed>> {};
struct grid_sampler_2d_default : op<"aten.grid_sampler_2d.default"> {};

//===--- Casts and copies ---===//

// V1 row 19: a fixed scale-1 spec on the output when the input is an integer.
struct to_dtype : op<"aten.to.dtype", qspec<fixed>> {};
struct _to_copy_default : op<"aten._to_copy.default"> {};
// V1 row 15: copy_(self, src) takes input-acts on both; the output shares src's spec.
struct copy_default : op<"aten.copy.default", qspec<copy>> {};
struct copy__default : variant_of<copy_default, variant_kind::inplace, "aten.copy_.default"> {};

//===--- Ranges and constants never annotated by V1 ---===//

struct arange_start_step : op<"aten.arange.start_step", qspec_v2<output_only>> {};
struct linspace_default : op<"aten.linspace.default", qspec_v2<output_only>> {};
struct eye_default : op<"aten.eye.default", qspec_v2<output_only>> {};

}  // namespace qlower::ops::aten
