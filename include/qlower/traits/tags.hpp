// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/traits/qspec_rule.hpp"

/// The trait tags an op declaration lists: semantic facts about the op, from
/// which qlower derives its rules, and explicit rules where no fact decides.

namespace qlower::traits {

/// The op moves elements to other positions and changes none (permute,
/// transpose, moveaxis, t, pixel_shuffle).
// without this, moveaxis stays float and strands a permute on the host (seed 000)
struct axis_permutation {};

/// The op's output elements are some of its input's elements, unchanged
/// (view, reshape, squeeze, select, slice, expand, clone ...).
struct pure_view {};

/// The op's output is its input's values with no computation, so any
/// representation that can hold its input can hold its output: a GPU backend
/// lets it keep whatever memory layout its producer chose (view_copy, clone,
/// alias_copy, _clone_dim_order). Implies pure_view.
// without this, an identity op between two int8 ops forces a layout copy on both sides (seed 003)
struct layout_agnostic {};

/// The op joins its inputs into one tensor (cat, stack), so one scale must
/// hold for every input and the output.
// without this, concat gets a scale per input and one CONCAT cannot express it (seed 001)
struct concatenation {};

/// An explicit quantization-spec rule, for ops whose semantics do not decide
/// it (clamp shares its input's spec, neg is forced to share it, relu shares
/// the producer's when it has one).
template <qspec_rule Rule>
struct qspec {
  static constexpr qspec_rule rule = Rule;
};

/// The rule ExecuTorch's composable quantizer (V2, arm-quantizer.md 1.2)
/// gives the op where it is not V1's rule carried over (traits::qspec_v2_rule_v):
/// the ops V2 quantizes and V1 leaves float (softmax, div, layer_norm, ...),
/// and the ops V2 gives independent qparams (moveaxis, neg) or an output
/// shared with the input (pools, mean, upsample).
template <qspec_rule Rule>
struct qspec_v2 {
  static constexpr qspec_rule rule = Rule;
};

/// The op is lowered as `Target`, with its attributes rewritten by
/// `Rewrite::attributes(attrs, input_rank)`; checked: a composite whose
/// decomposition is pass-through is pass-through itself.
template <class Target, class Rewrite>
struct decomposes_to {
  using target = Target;
  using rewrite = Rewrite;
};

/// Where `Pattern::match(g, n)` finds the op's node in a pattern that is
/// another op's spelling across several nodes (make_fx's `t` + `addmm` is a
/// linear; a max_pool2d_with_indices whose indices nothing reads is a
/// max_pool2d), the pipeline's first stage rewrites it as `Target`. Unlike a
/// spelling the op stays an op of its own, with its own traits, wherever the
/// pattern does not hold.
// without this, make_fx's classifier (t + addmm) is an addmm the TOSA INT profile rejects
template <class Target, class Pattern>
struct recomposes_to {
  using target = Target;
  using pattern = Pattern;
};

}  // namespace qlower::traits
