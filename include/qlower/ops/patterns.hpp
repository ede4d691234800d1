// SPDX-License-Identifier: Apache-2.0
#pragma once

/// The multi-node patterns that `recomposes_to<>` names on op types. Only
/// declared here: an op states which pattern makes it another op, and
/// passes/canonicalize.hpp, which reads graphs, says how each one matches.

namespace qlower::ops::patterns {

/// addmm(bias, x, t(w)) with alpha = beta = 1, w a 2-D constant: linear(x, w, bias).
struct addmm_of_transposed_weight;
/// mm(x, t(w)), w a 2-D constant: linear(x, w).
struct mm_of_transposed_weight;
/// A node with several outputs of which only the first is read (through
/// getitem 0): the single-output op (max_pool2d_with_indices -> max_pool2d).
struct only_first_output_read;
/// Any node of the op, with its inputs and attributes: the op is another op's
/// form at a lower level, and the tracer wrote that form where torch.export
/// writes the op (make_fx's _adaptive_avg_pool2d for adaptive_avg_pool2d,
/// which the edge dialect lowers back).
struct same_operation;
/// as_strided(x, size, stride) with size x's shape, no storage offset, and
/// x's contiguous stride on every axis longer than 1 (the stride of a size-1
/// axis addresses nothing), x being no view of another tensor's storage: the
/// same elements in the same order, a view (make_fx's restride after
/// convnext's pool).
struct identity_restride;

}  // namespace qlower::ops::patterns
