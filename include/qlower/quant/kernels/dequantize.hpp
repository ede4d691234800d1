// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/block_runs.hpp"
#include "qlower/quant/kernels/detail/isa_namespace.hpp"
#include "qlower/quant/kernels/lanes.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::quant {

/// How dequantize_affine writes its output.
struct dequantize_options {
  /// Non-temporal stores from this many output bytes on (when the blocks are
  /// long): an output that does not fit in cache then costs one write instead
  /// of a read for ownership plus a write. 0 never streams.
  std::int64_t stream_from_bytes = std::int64_t{16} << 20;
};

namespace kernels {

/// Blocks at least this long may stream; a shorter block would spend its
/// time in the scalar head that aligns the destination.
inline constexpr std::int64_t stream_block_minimum = 4096;

inline namespace QLOWER_KERNEL_NAMESPACE {

/// Dequantizes n elements that share one scale and zero point.
template <class Arch, quantized_storage Q>
void dequantize_run(const Q* input, float* output, std::int64_t n, float scale, float zero_point,
                    bool stream) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  const batch scales(scale), zero_points(zero_point);
  std::int64_t i = 0;
  if (stream) {
    // a scalar head up to the alignment that streaming stores need
    for (; i < n && reinterpret_cast<std::uintptr_t>(output + i) % Arch::alignment() != 0; ++i)
      output[i] = dequantize_value(static_cast<float>(input[i]), zero_point, scale);
    for (; i + lanes <= n; i += lanes) {
      const batch q = xsimd::to_float(load_widened<Arch>(input + i));
      store_streaming<Arch>(output + i, dequantize_value(q, zero_points, scales));
    }
    streaming_fence<Arch>();
  } else {
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      const batch first = xsimd::to_float(load_widened<Arch>(input + i));
      const batch second = xsimd::to_float(load_widened<Arch>(input + i + lanes));
      dequantize_value(first, zero_points, scales).store_unaligned(output + i);
      dequantize_value(second, zero_points, scales).store_unaligned(output + i + lanes);
    }
    for (; i + lanes <= n; i += lanes) {
      const batch q = xsimd::to_float(load_widened<Arch>(input + i));
      dequantize_value(q, zero_points, scales).store_unaligned(output + i);
    }
  }
  for (; i < n; ++i)
    output[i] = dequantize_value(static_cast<float>(input[i]), zero_point, scale);
}

/// Dequantizes n elements with per-position scales and zero points.
template <class Arch, quantized_storage Q>
void dequantize_run_expanded(const Q* input, float* output, std::int64_t n, const float* scales,
                             const float* zero_points) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  std::int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const batch q = xsimd::to_float(load_widened<Arch>(input + i));
    dequantize_value(q, batch::load_unaligned(zero_points + i), batch::load_unaligned(scales + i))
        .store_unaligned(output + i);
  }
  for (; i < n; ++i)
    output[i] = dequantize_value(static_cast<float>(input[i]), zero_points[i], scales[i]);
}

/// Dequantizes whole blocks of a few vectors each (groups of 16 to 128):
/// returns false, doing nothing, for any other range (see
/// quantize_short_blocks for why).
template <class Arch, quantized_storage Q>
bool dequantize_short_blocks(const Q* input, float* output, const affine_call& call,
                             std::int64_t scale_base, std::int64_t begin, std::int64_t n) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  const std::int64_t block = call.runs.axis_block * call.runs.inner;
  if (block % lanes != 0 || block > 8 * lanes || begin % block != 0 || n % block != 0)
    return false;
  const std::int64_t blocks = n / block;
  const float* scales = call.scale + scale_base + begin / block;
  const std::int32_t* zero_points =
      call.zero_point == nullptr ? nullptr : call.zero_point + scale_base + begin / block;
  for (std::int64_t k = 0; k < blocks; ++k) {
    const batch scale(scales[k]);
    const batch zero(zero_points == nullptr ? 0.0f : static_cast<float>(zero_points[k]));
    const std::int64_t start = k * block;
    for (std::int64_t j = 0; j < block; j += lanes) {
      const batch q = xsimd::to_float(load_widened<Arch>(input + start + j));
      dequantize_value(q, zero, scale).store_unaligned(output + begin + start + j);
    }
  }
  return true;
}

/// Dequantizes positions [begin, begin + n) of a row from input[0, n) into
/// the row at `output` (indexed by position).
template <class Arch, quantized_storage Q>
void dequantize_row_range(const Q* input, float* output, const affine_call& call,
                          std::int64_t scale_base, std::int64_t begin, std::int64_t n,
                          expansion_cache& cache) noexcept {
  const std::int64_t end = begin + n;
  if (call.scratch == nullptr && !call.stream_stores &&
      dequantize_short_blocks<Arch>(input, output, call, scale_base, begin, n))
    return;
  if (call.scratch == nullptr) {
    const std::int64_t block = call.runs.axis_block * call.runs.inner;
    // one division per row range; the block index then steps with the position
    std::int64_t index = begin / block;
    for (std::int64_t position = begin; position < end; ++index) {
      const std::int64_t block_end = smaller((index + 1) * block, end);
      dequantize_run<Arch>(input + (position - begin), output + position, block_end - position,
                           call.scale[scale_base + index], zero_point_at(call, scale_base + index),
                           call.stream_stores);
      position = block_end;
    }
    return;
  }
  float* scales = call.scratch;
  float* zero_points = call.scratch + call.scratch_capacity;
  for (std::int64_t position = begin; position < end; position += call.scratch_capacity) {
    const std::int64_t piece = smaller(call.scratch_capacity, end - position);
    if (!cache.holds(scale_base, position, piece))
      expand_row<false>(call, scale_base, position, piece, scales, zero_points);
    dequantize_run_expanded<Arch>(input + (position - begin), output + position, piece, scales,
                                  zero_points);
  }
}

/// The kernel: every row of `call.runs`, block by block.
template <class Arch, quantized_storage Q>
void dequantize_rows(const Q* input, float* output, const affine_call& call) noexcept {
  const std::int64_t row = call.runs.axis_size * call.runs.inner;
  expansion_cache cache;
  call.runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
    dequantize_row_range<Arch>(input + offset, output + offset, call, scale_base, 0, row, cache);
  });
}

}  // namespace QLOWER_KERNEL_NAMESPACE

/// Whether a dequantization streams its output (see dequantize_options).
inline bool should_stream(const affine_call& call, const qlower::shape& shape,
                          const dequantize_options& options) noexcept {
  return options.stream_from_bytes > 0 &&
         shape.element_count() * std::int64_t{4} >= options.stream_from_bytes &&
         call.runs.block_length() >= stream_block_minimum;
}

/// Checks a dequantize call, prepares it, and hands it to
/// run(input, output, call): the one front end of the header-only and the
/// dispatched dequantize_affine.
template <quantized_storage Q, class Run>
void dequantize_checked(std::span<const Q> input, const qlower::shape& shape,
                        const affine_qparams& qparams, std::span<float> output,
                        dequantize_options options, Run&& run) {
  check_storage<Q>(qparams, "dequantize_affine");
  std::vector<float> scratch;
  affine_call call = prepare_affine_call(static_cast<std::int64_t>(input.size()),
                                         static_cast<std::int64_t>(output.size()),
                                         shape.element_count(), shape, qparams, scratch);
  call.stream_stores = should_stream(call, shape, options);
  run(input.data(), output.data(), call);
}

}  // namespace kernels

/// Dequantizes `input` (row-major, of `shape`) into `output`:
/// y = (float(q) - float(zero_point)) * scale in float32, each element with
/// the scale of its block. Bit for bit torchao's dequantize_affine (and ONNX's
/// DequantizeLinear) for float32 output.
///
/// Throws qparams_error, before touching any element, when the sizes or the
/// storage type do not fit the parameters.
template <class Arch = xsimd::default_arch, quantized_storage Q>
void dequantize_affine(std::span<const Q> input, const qlower::shape& shape,
                       const affine_qparams& qparams, std::span<float> output,
                       dequantize_options options = {}) {
  kernels::dequantize_checked(input, shape, qparams, output, options,
                              [](const Q* in, float* out, const kernels::affine_call& call) {
                                kernels::dequantize_rows<Arch>(in, out, call);
                              });
}

}  // namespace qlower::quant
