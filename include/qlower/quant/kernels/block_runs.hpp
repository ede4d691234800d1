// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "qlower/quant/qparams.hpp"

namespace qlower::quant::kernels {

/// A block layout seen as rows of contiguous elements: the kernels' view.
///
/// Let k be the innermost dimension with more than one scale. A row is one
/// index of the dimensions before k: d[k] * inner contiguous elements, where
/// inner is the product of the dimensions after k (they share every scale).
/// Inside a row, block c of dimension k covers positions [c * b[k] * inner,
/// min((c + 1) * b[k], d[k]) * inner) and uses scale row_scale_base + c. A
/// per-tensor layout is one row of one block.
///
/// Rationale: the scale only changes at block boundaries inside a row, so a
/// kernel runs its vector loop over a whole block with one broadcast scale;
/// where blocks are shorter than a few vectors (per channel on the last axis,
/// small groups) it expands the row's scales once instead.
struct block_runs {
  // plain arrays: kernels read them from their own instruction-set namespace
  // and must not share an inline std:: function with another (isa_namespace.hpp)
  std::int64_t element_count = 0;
  std::size_t depth = 0;                               ///< k
  std::int64_t outer_dims[max_quantized_rank] = {};    ///< d[0..k)
  std::int64_t outer_blocks[max_quantized_rank] = {};  ///< b[0..k)
  std::int64_t outer_scale_strides[max_quantized_rank] =
      {};                       ///< row-major scale strides of d[0..k)
  std::int64_t axis_size = 1;   ///< d[k]
  std::int64_t axis_block = 1;  ///< b[k]
  std::int64_t inner = 1;       ///< product of d(k..n)

  std::int64_t row_length() const noexcept { return axis_size * inner; }
  std::int64_t block_length() const noexcept { return axis_block * inner; }

  /// The rows of `layout`.
  /// Precondition: layout's rank is at most max_quantized_rank (layout_for checks it).
  static block_runs of(const block_layout& layout) {
    block_runs runs;
    const std::size_t rank = layout.input_dims.size();
    runs.element_count = 1;
    for (std::int64_t dim : layout.input_dims)
      runs.element_count *= dim;
    std::size_t k = rank;  // rank means "no blocked dimension": one row of one block
    for (std::size_t i = rank; i-- > 0;) {
      if (layout.scale_dims[i] > 1) {
        k = i;
        break;
      }
    }
    if (k == rank) {
      runs.axis_size = 1;
      runs.axis_block = 1;
      runs.inner = runs.element_count;
      return runs;
    }
    runs.axis_size = layout.input_dims[k];
    runs.axis_block = layout.block_size[k];
    for (std::size_t i = k + 1; i < rank; ++i)
      runs.inner *= layout.input_dims[i];
    runs.depth = k;
    for (std::size_t i = 0; i < k; ++i) {
      runs.outer_dims[i] = layout.input_dims[i];
      runs.outer_blocks[i] = layout.block_size[i];
    }
    std::int64_t stride = layout.scale_dims[k];
    for (std::size_t i = k; i-- > 0;) {
      runs.outer_scale_strides[i] = stride;
      stride *= layout.scale_dims[i];
    }
    return runs;
  }

  /// Calls visit(row_offset, row_scale_base) for every row in order.
  ///
  /// Kernels call this from their own instruction-set namespace; it uses
  /// nothing from std:: (see detail/isa_namespace.hpp).
  template <class Visit>
  void for_each_row(Visit&& visit) const noexcept {
    if (element_count == 0)
      return;
    // an odometer over the outer dimensions that carries each index's
    // position in its block, so the scale base needs no division
    std::int64_t index[max_quantized_rank] = {};
    std::int64_t in_block[max_quantized_rank] = {};
    const std::int64_t* dims = outer_dims;
    const std::int64_t* blocks = outer_blocks;
    const std::int64_t* strides = outer_scale_strides;
    std::int64_t scale_base = 0;
    const std::int64_t length = axis_size * inner;
    for (std::int64_t offset = 0; offset < element_count; offset += length) {
      visit(offset, scale_base);
      for (std::size_t i = depth; i-- > 0;) {
        ++index[i];
        if (++in_block[i] == blocks[i]) {
          in_block[i] = 0;
          scale_base += strides[i];
        }
        if (index[i] < dims[i])
          break;
        // this dimension wraps: undo its contribution and carry (it advanced
        // once per completed block; a partial last block did not complete)
        scale_base -= (dims[i] / blocks[i]) * strides[i];
        index[i] = 0;
        in_block[i] = 0;
      }
    }
  }
};

}  // namespace qlower::quant::kernels
