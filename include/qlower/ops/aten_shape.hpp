// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/ops/patterns.hpp"
#include "qlower/ops/rewrites.hpp"
#include "qlower/ops/spellings.hpp"
#include "qlower/traits/tags.hpp"

/// ATen ops that move, select, reshape or join elements without computing new
/// values: permutations, views, slicing, concatenation, padding and resizing.

namespace qlower::ops::dim_order_ops {
struct _clone_dim_order_default;  // ops/other_namespaces.hpp
}  // namespace qlower::ops::dim_order_ops

namespace qlower::ops::aten {

using traits::axis_permutation;
using traits::concatenation;
using traits::decomposes_to;
using traits::layout_agnostic;
using traits::pure_view;
using traits::qspec;
using traits::qspec_v2;
using enum traits::qspec_rule;

//===--- Permutations ---===//

// Set E: permute shares the producer's spec when it has one.
struct permute_default
    : op<"aten.permute.default", axis_permutation, qspec<pass_through_or_input_act>> {};
struct permute_copy_default
    : variant_of<permute_default, variant_kind::copy, "aten.permute_copy.default"> {};

struct transpose_int : op<"aten.transpose.int", axis_permutation,
                          decomposes_to<permute_copy_default, rewrites::transpose_to_permute>> {};
struct transpose_copy_int
    : variant_of<transpose_int, variant_kind::copy, "aten.transpose_copy.int"> {};

struct t_default : op<"aten.t.default", axis_permutation,
                      decomposes_to<permute_copy_default, rewrites::t_to_permute>> {};
struct t_copy_default : variant_of<t_default, variant_kind::copy, "aten.t_copy.default"> {};

struct moveaxis_int : op<"aten.moveaxis.int", qspec_v2<independent>, axis_permutation,
                         decomposes_to<permute_copy_default, rewrites::moveaxis_to_permute>> {};
struct movedim_int : alias_of<moveaxis_int, "aten.movedim.int"> {};
struct moveaxis_intlist : op<"aten.moveaxis.intlist", qspec_v2<independent>, axis_permutation,
                             decomposes_to<permute_copy_default, rewrites::moveaxis_to_permute>> {};
struct movedim_intlist : alias_of<moveaxis_intlist, "aten.movedim.intlist"> {};

// Set E: a pixel (un)shuffle is a reshape and a permute.
struct pixel_shuffle_default
    : op<"aten.pixel_shuffle.default", axis_permutation, qspec<pass_through_or_input_act>> {};
struct pixel_unshuffle_default
    : op<"aten.pixel_unshuffle.default", axis_permutation, qspec<pass_through_or_input_act>> {};

//===--- Views and reshapes ---===//

struct view_default : op<"aten.view.default", pure_view, layout_agnostic> {};
struct view_copy_default : variant_of<view_default, variant_kind::copy, "aten.view_copy.default"> {
};
struct view_as_default : op<"aten.view_as.default", pure_view> {};
struct _unsafe_view_default
    : spelling_of<view_default, "aten._unsafe_view.default", spellings::same_attributes> {};
// make_fx (torch 1.13) writes a reshape of a contiguous tensor as _reshape_alias.
struct _reshape_alias_default
    : spelling_of<view_default, "aten._reshape_alias.default", spellings::reshape_alias_as_view> {};
struct _reshape_alias_copy_default
    : spelling_of<view_copy_default, "aten._reshape_alias_copy.default",
                  spellings::reshape_alias_as_view> {};
struct reshape_default : op<"aten.reshape.default", pure_view> {};
struct unflatten_int : op<"aten.unflatten.int", pure_view> {};
// Set E.
struct flatten_using_ints
    : op<"aten.flatten.using_ints", pure_view, qspec<pass_through_or_input_act>> {};

struct squeeze_default : op<"aten.squeeze.default", pure_view> {};
struct squeeze_copy_default
    : variant_of<squeeze_default, variant_kind::copy, "aten.squeeze_copy.default"> {};
struct squeeze_dim : op<"aten.squeeze.dim", pure_view> {};
struct squeeze__dim : variant_of<squeeze_dim, variant_kind::inplace, "aten.squeeze_.dim"> {};
struct squeeze_copy_dim : variant_of<squeeze_dim, variant_kind::copy, "aten.squeeze_copy.dim"> {};
struct squeeze_dims : op<"aten.squeeze.dims", pure_view> {};
struct squeeze_copy_dims : variant_of<squeeze_dims, variant_kind::copy, "aten.squeeze_copy.dims"> {
};
struct unsqueeze_default : op<"aten.unsqueeze.default", pure_view> {};
struct unsqueeze_copy_default
    : variant_of<unsqueeze_default, variant_kind::copy, "aten.unsqueeze_copy.default"> {};

struct expand_default : op<"aten.expand.default", pure_view> {};
struct expand_copy_default
    : variant_of<expand_default, variant_kind::copy, "aten.expand_copy.default"> {};
struct repeat_default : op<"aten.repeat.default", pure_view> {};
struct repeat_interleave_self_int : op<"aten.repeat_interleave.self_int", pure_view> {};
struct tile_default : op<"aten.tile.default", pure_view> {};
struct flip_default : op<"aten.flip.default", pure_view> {};
struct contiguous_default : op<"aten.contiguous.default", pure_view> {};
struct as_strided_default : op<"aten.as_strided.default", pure_view,
                               traits::recomposes_to<view_default, patterns::identity_restride>> {};
struct as_strided__default
    : variant_of<as_strided_default, variant_kind::inplace, "aten.as_strided_.default"> {};
struct as_strided_copy_default
    : variant_of<as_strided_default, variant_kind::copy, "aten.as_strided_copy.default"> {};
struct unfold_default : op<"aten.unfold.default", pure_view> {};
struct unfold_copy_default
    : variant_of<unfold_default, variant_kind::copy, "aten.unfold_copy.default"> {};

// Set E: identity ops share the producer's spec when it has one.
struct alias_default
    : op<"aten.alias.default", pure_view, layout_agnostic, qspec<pass_through_or_input_act>> {};
struct alias_copy_default
    : variant_of<alias_default, variant_kind::copy, "aten.alias_copy.default"> {};
// to_edge writes clone as dim_order_ops._clone_dim_order, the op the targets check.
struct clone_default
    : op<"aten.clone.default", pure_view, layout_agnostic, qspec<pass_through_or_input_act>,
         decomposes_to<dim_order_ops::_clone_dim_order_default, rewrites::clone_to_dim_order>> {};
struct detach_default : op<"aten.detach.default", pure_view> {};
struct detach__default : variant_of<detach_default, variant_kind::inplace, "aten.detach_.default"> {
};
struct detach_copy_default
    : variant_of<detach_default, variant_kind::copy, "aten.detach_copy.default"> {};
struct lift_fresh_copy_default : op<"aten.lift_fresh_copy.default", qspec_v2<shared_cluster>> {
};  // V1: never annotated

//===--- Selection and splitting ---===//

struct select_int : op<"aten.select.int", pure_view> {};
struct select_copy_int : variant_of<select_int, variant_kind::copy, "aten.select_copy.int"> {};
struct slice_Tensor : op<"aten.slice.Tensor", pure_view> {};
struct slice_copy_Tensor : variant_of<slice_Tensor, variant_kind::copy, "aten.slice_copy.Tensor"> {
};
struct split_Tensor : op<"aten.split.Tensor", pure_view> {};
struct split_copy_Tensor : variant_of<split_Tensor, variant_kind::copy, "aten.split_copy.Tensor"> {
};
struct split_with_sizes_default : op<"aten.split_with_sizes.default", pure_view> {};
struct split_with_sizes_copy_default : variant_of<split_with_sizes_default, variant_kind::copy,
                                                  "aten.split_with_sizes_copy.default"> {};
struct chunk_default : op<"aten.chunk.default", pure_view> {};
struct unbind_int : op<"aten.unbind.int", pure_view> {};
struct unbind_copy_int : variant_of<unbind_int, variant_kind::copy, "aten.unbind_copy.int"> {};
struct index_select_default : op<"aten.index_select.default", pure_view> {};
struct index_Tensor : op<"aten.index.Tensor", pure_view> {};
struct gather_default : op<"aten.gather.default", pure_view> {};
// Set D although it computes: V1 shares the spec so the data keeps its scale.
struct index_put_default : op<"aten.index_put.default", qspec<shared_across_inputs>> {};
struct index_put__default
    : variant_of<index_put_default, variant_kind::inplace, "aten.index_put_.default"> {};
struct index_copy_default : op<"aten.index_copy.default", qspec_v2<shared_cluster>> {
};  // V1: never annotated
struct index_copy__default
    : variant_of<index_copy_default, variant_kind::inplace, "aten.index_copy_.default"> {};

//===--- Concatenation ---===//

struct cat_default : op<"aten.cat.default", concatenation> {};
struct concat_default : alias_of<cat_default, "aten.concat.default"> {};
struct concatenate_default : alias_of<cat_default, "aten.concatenate.default"> {};
struct stack_default : op<"aten.stack.default", concatenation> {};

//===--- Padding and resizing: values kept, positions added ---===//

// Set D: padding and resizing keep the input's range, so they share its spec.
struct pad_default : op<"aten.pad.default", qspec<pass_through>> {};
// V1 never annotates constant_pad_nd, but the Ethos-U55 runs it only in int8/16/32: `qlower lint`
// finds it stranded. Like pad (its front-end form), it keeps its input's range.
struct constant_pad_nd_default : op<"aten.constant_pad_nd.default", qspec<pass_through>> {};
struct upsample_bilinear2d_vec
    : op<"aten.upsample_bilinear2d.vec", qspec_v2<pass_through>, qspec<pass_through>> {};
struct upsample_nearest2d_vec
    : op<"aten.upsample_nearest2d.vec", qspec_v2<pass_through>, qspec<pass_through>> {};
struct upsample_bilinear2d_default : op<"aten.upsample_bilinear2d.default"> {};
struct upsample_nearest2d_default : op<"aten.upsample_nearest2d.default"> {};

}  // namespace qlower::ops::aten
