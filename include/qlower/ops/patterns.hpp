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

}  // namespace qlower::ops::patterns
