// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/block_runs.hpp"
#include "qlower/quant/kernels/detail/isa_namespace.hpp"
#include "qlower/quant/kernels/lanes.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::quant {
namespace kernels {

/// Everything a quantize or dequantize kernel reads besides the tensors,
/// prepared and checked before any element is touched, so the kernels
/// themselves never allocate, throw or validate.
struct affine_call {
  block_runs runs;
  const float* scale = nullptr;
  const std::int32_t* zero_point = nullptr;  ///< null in the NONE domain
  float_bounds bounds{0.0f, 0.0f};           ///< quantize only
  /// Per-position factors and zero points of one row piece, 2 * capacity
  /// floats; empty when blocks are long enough to broadcast one scale.
  float* scratch = nullptr;
  std::int64_t scratch_capacity = 0;
  bool stream_stores = false;  ///< dequantize only: non-temporal stores
};

/// Blocks shorter than this many elements are expanded per position.
///
/// Rationale: a block of fewer than a few vectors spends its time in the
/// scalar tail and the per-block setup; groups of 32 still broadcast (two
/// full AVX-512 vectors), per-channel on the last axis expands.
inline constexpr std::int64_t expand_below = 32;
inline constexpr std::int64_t scratch_positions = 4096;

inline namespace QLOWER_KERNEL_NAMESPACE {

inline float zero_point_at(const affine_call& call, std::int64_t index) noexcept {
  return call.zero_point == nullptr ? 0.0f : static_cast<float>(call.zero_point[index]);
}
inline std::int64_t smaller(std::int64_t a, std::int64_t b) noexcept {
  return a < b ? a : b;
}

/// Quantizes n elements that share one factor and zero point.
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_run(const float* input, Q* output, std::int64_t n, float factor, float zero_point,
                  float_bounds bounds) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  std::int64_t i = 0;
  if constexpr (sizeof(Q) <= 2) {
    // the clamp-then-round form (arithmetic.hpp): exact for ranges of 16 bits
    const float low = bounds.low - zero_point;
    const float high = bounds.high - zero_point;
    const auto zero = static_cast<std::int32_t>(zero_point);
    const batch factors(factor), lows(low), highs(high);
    const int_batch<Arch> zeros(zero);
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      const int_batch<Arch> first =
          quantize_value_shifted<Mode>(batch::load_unaligned(input + i), factors, lows, highs);
      const int_batch<Arch> second = quantize_value_shifted<Mode>(
          batch::load_unaligned(input + i + lanes), factors, lows, highs);
      store_narrowed<Arch>(output + i, first + zeros);
      store_narrowed<Arch>(output + i + lanes, second + zeros);
    }
    for (; i + lanes <= n; i += lanes) {
      const int_batch<Arch> q =
          quantize_value_shifted<Mode>(batch::load_unaligned(input + i), factors, lows, highs);
      store_narrowed<Arch>(output + i, q + zeros);
    }
    for (; i < n; ++i)
      output[i] = static_cast<Q>(quantize_value_shifted<Mode>(input[i], factor, low, high) + zero);
  } else {
    const batch factors(factor), zero_points(zero_point), low(bounds.low), high(bounds.high);
    for (; i + lanes <= n; i += lanes) {
      const batch q =
          quantize_value<Mode>(batch::load_unaligned(input + i), factors, zero_points, low, high);
      store_narrowed<Arch>(output + i, xsimd::to_int(q));
    }
    // the scalar tail: the same formula on floats; the value is integral and in range
    for (; i < n; ++i)
      output[i] = static_cast<Q>(
          quantize_value<Mode>(input[i], factor, zero_point, bounds.low, bounds.high));
  }
}

/// Quantizes n elements with per-position factors and zero points.
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_run_expanded(const float* input, Q* output, std::int64_t n, const float* factors,
                           const float* zero_points, float_bounds bounds) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  const batch low(bounds.low), high(bounds.high);
  std::int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const batch q =
        quantize_value<Mode>(batch::load_unaligned(input + i), batch::load_unaligned(factors + i),
                             batch::load_unaligned(zero_points + i), low, high);
    store_narrowed<Arch>(output + i, xsimd::to_int(q));
  }
  for (; i < n; ++i)
    output[i] = static_cast<Q>(
        quantize_value<Mode>(input[i], factors[i], zero_points[i], bounds.low, bounds.high));
}

/// Fills factors[0, n) and zero_points[0, n) for row positions [begin,
/// begin + n) of a row whose first scale is scale_base; the factor is the
/// scale's float32 reciprocal when Reciprocal, the scale itself otherwise.
template <bool Reciprocal>
void expand_row(const affine_call& call, std::int64_t scale_base, std::int64_t begin,
                std::int64_t n, float* factors, float* zero_points) noexcept {
  const std::int64_t block = call.runs.axis_block * call.runs.inner;
  for (std::int64_t position = begin; position < begin + n;) {
    const std::int64_t block_index = position / block;
    const std::int64_t block_end = smaller((block_index + 1) * block, begin + n);
    const float scale = call.scale[scale_base + block_index];
    const float factor = Reciprocal ? 1.0f / scale : scale;
    const float zero_point = zero_point_at(call, scale_base + block_index);
    for (; position < block_end; ++position) {
      factors[position - begin] = factor;
      zero_points[position - begin] = zero_point;
    }
  }
}

/// The expansion a kernel call reuses while rows share their scales.
struct expansion_cache {
  std::int64_t scale_base = -1;
  std::int64_t begin = -1;
  std::int64_t length = -1;

  /// Whether the buffers already hold positions [begin, begin + n) of a row
  /// with this scale base; records them as held otherwise.
  bool holds(std::int64_t base, std::int64_t from, std::int64_t n) noexcept {
    if (base == scale_base && from == begin && n == length)
      return true;
    scale_base = base;
    begin = from;
    length = n;
    return false;
  }
};

/// Quantizes whole blocks of a few vectors each (groups of 16 to 128):
/// returns false, doing nothing, for any other range.
///
/// Rationale: with one block per call of quantize_run, a group of 32 spent
/// most of its time on the block's setup (a reciprocal, the shifted bounds,
/// four broadcasts, the loop tests). Here the setup of 64 blocks is one
/// loop the compiler vectorizes, and each block only broadcasts its four
/// prepared values.
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
bool quantize_short_blocks(const float* input, Q* output, const affine_call& call,
                           std::int64_t scale_base, std::int64_t begin, std::int64_t n) noexcept {
  using batch = float_batch<Arch>;
  constexpr std::int64_t lanes = batch::size;
  const std::int64_t block = call.runs.axis_block * call.runs.inner;
  if (block % lanes != 0 || block > 8 * lanes || begin % block != 0 || n % block != 0)
    return false;
  constexpr std::int64_t chunk = 64;
  alignas(64) float factors[chunk];
  alignas(64) float lows[chunk];
  alignas(64) float highs[chunk];
  alignas(64) std::int32_t zeros[chunk];
  const std::int64_t blocks = n / block;
  const float* scales = call.scale + scale_base + begin / block;
  const std::int32_t* zero_points =
      call.zero_point == nullptr ? nullptr : call.zero_point + scale_base + begin / block;
  for (std::int64_t first = 0; first < blocks; first += chunk) {
    const std::int64_t count = smaller(chunk, blocks - first);
    for (std::int64_t k = 0; k < count; ++k) {
      const std::int32_t zero = zero_points == nullptr ? 0 : zero_points[first + k];
      const auto zero_float = static_cast<float>(zero);
      factors[k] = block_factor<Mode>(scales[first + k]);
      lows[k] = call.bounds.low - zero_float;
      highs[k] = call.bounds.high - zero_float;
      zeros[k] = zero;
    }
    for (std::int64_t k = 0; k < count; ++k) {
      const batch factor(factors[k]), low(lows[k]), high(highs[k]);
      const int_batch<Arch> zero(zeros[k]);
      const std::int64_t start = (first + k) * block;
      for (std::int64_t j = 0; j < block; j += lanes) {
        const int_batch<Arch> q = quantize_value_shifted<Mode>(
            batch::load_unaligned(input + begin + start + j), factor, low, high);
        store_narrowed<Arch>(output + start + j, q + zero);
      }
    }
  }
  return true;
}

/// Quantizes positions [begin, begin + n) of the row at `input` (indexed by
/// position) into output[0, n).
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_row_range(const float* input, Q* output, const affine_call& call,
                        std::int64_t scale_base, std::int64_t begin, std::int64_t n,
                        expansion_cache& cache) noexcept {
  const std::int64_t end = begin + n;
  if constexpr (sizeof(Q) <= 2) {
    if (call.scratch == nullptr &&
        quantize_short_blocks<Arch, Mode>(input, output, call, scale_base, begin, n))
      return;
  }
  if (call.scratch == nullptr) {
    const std::int64_t block = call.runs.axis_block * call.runs.inner;
    // one division per row range; the block index then steps with the position
    std::int64_t index = begin / block;
    for (std::int64_t position = begin; position < end; ++index) {
      const std::int64_t block_end = smaller((index + 1) * block, end);
      quantize_run<Arch, Mode>(input + position, output + (position - begin), block_end - position,
                               block_factor<Mode>(call.scale[scale_base + index]),
                               zero_point_at(call, scale_base + index), call.bounds);
      position = block_end;
    }
    return;
  }
  float* factors = call.scratch;
  float* zero_points = call.scratch + call.scratch_capacity;
  for (std::int64_t position = begin; position < end; position += call.scratch_capacity) {
    const std::int64_t piece = smaller(call.scratch_capacity, end - position);
    if (!cache.holds(scale_base, position, piece))
      expand_row<!Mode::divides>(call, scale_base, position, piece, factors, zero_points);
    quantize_run_expanded<Arch, Mode>(input + position, output + (position - begin), piece, factors,
                                      zero_points, call.bounds);
  }
}

/// The kernel: every row of `call.runs`, block by block. Instantiated per
/// instruction set by the optional qlower::kernels target (dispatch.hpp).
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_rows(const float* input, Q* output, const affine_call& call) noexcept {
  const std::int64_t row = call.runs.axis_size * call.runs.inner;
  expansion_cache cache;
  call.runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
    quantize_row_range<Arch, Mode>(input + offset, output + offset, call, scale_base, 0, row,
                                   cache);
  });
}

}  // namespace QLOWER_KERNEL_NAMESPACE

/// Checks a quantize or dequantize call and prepares its affine_call;
/// `scratch` receives the expansion buffer when blocks are short.
inline affine_call prepare_affine_call(std::int64_t input_size, std::int64_t output_size,
                                       std::int64_t output_units, const qlower::shape& shape,
                                       const affine_qparams& qparams, std::vector<float>& scratch) {
  if (input_size != shape.element_count())
    throw qparams_error("the input holds " + std::to_string(input_size) + " elements but shape " +
                        shape.to_string() + " has " + std::to_string(shape.element_count()));
  if (output_size != output_units)
    throw qparams_error("the output holds " + std::to_string(output_size) + " values but " +
                        std::to_string(output_units) + " are needed for shape " +
                        shape.to_string());
  affine_call call;
  if (qparams.is_per_tensor() && !qparams.explicit_block_size() &&
      shape.rank() <= max_quantized_rank) {
    // one row of one block, without building the layout: small tensors pay
    // for every allocation (1,024 elements take tens of nanoseconds)
    call.runs.element_count = shape.element_count();
    call.runs.inner = shape.element_count();
  } else {
    call.runs = block_runs::of(qparams.layout_for(shape));
  }
  call.scale = qparams.scale().data();
  call.zero_point = qparams.zero_point().empty() ? nullptr : qparams.zero_point().data();
  call.bounds = float_bounds::of(qparams.qmin(), qparams.qmax());
  if (call.runs.block_length() < expand_below) {
    call.scratch_capacity = std::min(call.runs.row_length(), scratch_positions);
    scratch.assign(static_cast<std::size_t>(2 * call.scratch_capacity), 0.0f);
    call.scratch = scratch.data();
  }
  return call;
}

template <quantized_storage Q>
void check_storage(const affine_qparams& qparams, const char* what) {
  if (!stores<Q>(qparams.dtype()))
    throw qparams_error(std::string(what) + ": " + std::string(to_string(qparams.dtype())) +
                        " values are not stored in a " + std::to_string(sizeof(Q)) + "-byte " +
                        (std::is_signed_v<Q> ? "signed" : "unsigned") + " integer");
}

/// Checks a quantize call, prepares it, and hands it to
/// run(input, output, call): the one front end of the header-only and the
/// dispatched quantize_affine.
template <quantized_storage Q, class Run>
void quantize_checked(std::span<const float> input, const qlower::shape& shape,
                      const affine_qparams& qparams, std::span<Q> output, Run&& run) {
  check_storage<Q>(qparams, "quantize_affine");
  std::vector<float> scratch;
  const affine_call call = prepare_affine_call(static_cast<std::int64_t>(input.size()),
                                               static_cast<std::int64_t>(output.size()),
                                               shape.element_count(), shape, qparams, scratch);
  run(input.data(), output.data(), call);
}

}  // namespace kernels

/// Quantizes `input` (row-major, of `shape`) into `output`:
/// q = clamp(round(x * (1 / scale)) + zero_point, qmin, qmax) with torchao's
/// arithmetic (the default) or round(x / scale) with ONNX's, each element with
/// the scale of its block. Bit for bit torchao's quantize_affine for float32.
///
/// Throws qparams_error, before touching any element, when the sizes or the
/// storage type do not fit the parameters. Runs on `Arch`, by default the
/// best instruction set of the compiler's flags; kernels/dispatch.hpp picks
/// the best of the machine at run time instead.
template <arithmetic_mode Mode = torchao_arithmetic, class Arch = xsimd::default_arch,
          quantized_storage Q>
void quantize_affine(std::span<const float> input, const qlower::shape& shape,
                     const affine_qparams& qparams, std::span<Q> output) {
  kernels::quantize_checked(input, shape, qparams, output,
                            [](const float* in, Q* out, const kernels::affine_call& call) {
                              kernels::quantize_rows<Arch, Mode>(in, out, call);
                            });
}

}  // namespace qlower::quant
