// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/block_runs.hpp"
#include "qlower/quant/kernels/choose_qparams.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/detail/entry.hpp"
#include "qlower/quant/kernels/pack_int4.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

/// The kernels on the best instruction set of the machine they run on,
/// chosen at run time. Link the compiled target qlower::kernels: it builds the
/// kernels once per instruction set of `architectures` (xsimd 8 needs a
/// translation unit per set) and defines the entry points declared here.
///
/// Without qlower::kernels, call the header-only functions of quantize.hpp,
/// dequantize.hpp, pack_int4.hpp and choose_qparams.hpp; they run on
/// xsimd::default_arch, the best set your compiler flags allow.
namespace qlower::quant {

/// The compiled kernels on the best instruction set of ArchList that the
/// machine has (ArchList: best first, a subset of dispatched::architectures,
/// the sets qlower::kernels is built for). A list of one set pins the kernels
/// to it; the machine must have it (machine_has<Arch>()).
/// Whether the machine this runs on has `Arch`, an x86 set of
/// dispatched::architectures. (xsimd's Arch::available() says only that xsimd
/// supports the set, not that the CPU does.) x86's sets nest, so the best set
/// the CPU has is at least `Arch` exactly when the CPU has `Arch`.
template <class Arch>
bool machine_has() noexcept {
  return xsimd::available_architectures().best >= Arch::version();
}

template <class ArchList>
struct compiled_kernels {
  /// The name of the instruction set these kernels run on here.
  static std::string_view isa() noexcept {
    return xsimd::dispatch<ArchList>(
        [](auto arch) noexcept { return std::string_view(decltype(arch)::name()); })();
  }

  template <arithmetic_mode Mode = torchao_arithmetic, quantized_storage Q>
  static void quantize_affine(std::span<const float> input, const qlower::shape& shape,
                              const affine_qparams& qparams, std::span<Q> output) {
    kernels::quantize_checked(
        input, shape, qparams, output,
        xsimd::dispatch<ArchList>(
            [](auto arch, const float* in, Q* out, const kernels::affine_call& call) noexcept {
              kernels::entry::quantize<decltype(arch), Mode>(in, out, call);
            }));
  }

  template <quantized_storage Q>
  static void dequantize_affine(std::span<const Q> input, const qlower::shape& shape,
                                const affine_qparams& qparams, std::span<float> output,
                                dequantize_options options = {}) {
    kernels::dequantize_checked(
        input, shape, qparams, output, options,
        xsimd::dispatch<ArchList>(
            [](auto arch, const Q* in, float* out, const kernels::affine_call& call) noexcept {
              kernels::entry::dequantize<decltype(arch)>(in, out, call);
            }));
  }

  template <arithmetic_mode Mode = torchao_arithmetic>
  static void quantize_affine_packed(std::span<const float> input, const qlower::shape& shape,
                                     const affine_qparams& qparams,
                                     std::span<std::uint8_t> packed) {
    kernels::quantize_packed_checked(
        input, shape, qparams, packed,
        xsimd::dispatch<ArchList>([](auto arch, const float* in, std::uint8_t* out,
                                     const kernels::affine_call& call, auto* buffer) noexcept {
          kernels::entry::quantize_packed<decltype(arch), Mode>(in, out, call, buffer);
        }));
  }

  static void dequantize_affine_packed(std::span<const std::uint8_t> packed,
                                       const qlower::shape& shape, const affine_qparams& qparams,
                                       std::span<float> output) {
    kernels::dequantize_packed_checked(
        packed, shape, qparams, output,
        xsimd::dispatch<ArchList>([](auto arch, const std::uint8_t* in, float* out,
                                     const kernels::affine_call& call, auto* buffer) noexcept {
          kernels::entry::dequantize_packed<decltype(arch)>(in, out, call, buffer);
        }));
  }

  static affine_qparams choose_qparams_affine(std::span<const float> input,
                                              const qlower::shape& shape,
                                              std::span<const std::int64_t> block_size,
                                              mapping_type mapping, quant_dtype type,
                                              choose_qparams_options options = {}) {
    return kernels::choose_qparams_using(
        [](const float* data, const kernels::block_runs& runs, float* minima, float* maxima) {
          return xsimd::dispatch<ArchList>([](auto arch, const float* in,
                                              const kernels::block_runs& prepared, float* low,
                                              float* high) noexcept {
            return kernels::entry::block_min_max<decltype(arch)>(in, prepared, low, high);
          })(data, runs, minima, maxima);
        },
        input, shape, block_size, mapping, type, options);
  }
};

namespace dispatched {

/// The instruction sets qlower::kernels is built for, best first; SSE2 is the
/// x86-64 baseline, so one of them always runs.
using architectures =
    xsimd::arch_list<xsimd::avx512bw, xsimd::fma3<xsimd::avx2>, xsimd::sse4_2, xsimd::sse2>;
using best_kernels = compiled_kernels<architectures>;

/// The name of the instruction set the dispatched kernels run on here.
inline std::string_view active_isa() noexcept {
  return best_kernels::isa();
}

/// quantize_affine (quantize.hpp) on the machine's best instruction set.
template <arithmetic_mode Mode = torchao_arithmetic, quantized_storage Q>
void quantize_affine(std::span<const float> input, const qlower::shape& shape,
                     const affine_qparams& qparams, std::span<Q> output) {
  best_kernels::quantize_affine<Mode>(input, shape, qparams, output);
}

/// dequantize_affine (dequantize.hpp) on the machine's best instruction set.
template <quantized_storage Q>
void dequantize_affine(std::span<const Q> input, const qlower::shape& shape,
                       const affine_qparams& qparams, std::span<float> output,
                       dequantize_options options = {}) {
  best_kernels::dequantize_affine(input, shape, qparams, output, options);
}

/// quantize_affine_packed (pack_int4.hpp) on the machine's best instruction set.
template <arithmetic_mode Mode = torchao_arithmetic>
void quantize_affine_packed(std::span<const float> input, const qlower::shape& shape,
                            const affine_qparams& qparams, std::span<std::uint8_t> packed) {
  best_kernels::quantize_affine_packed<Mode>(input, shape, qparams, packed);
}

/// dequantize_affine_packed (pack_int4.hpp) on the machine's best instruction set.
inline void dequantize_affine_packed(std::span<const std::uint8_t> packed,
                                     const qlower::shape& shape, const affine_qparams& qparams,
                                     std::span<float> output) {
  best_kernels::dequantize_affine_packed(packed, shape, qparams, output);
}

/// choose_qparams_affine (choose_qparams.hpp) on the machine's best instruction set.
inline affine_qparams choose_qparams_affine(std::span<const float> input,
                                            const qlower::shape& shape,
                                            std::span<const std::int64_t> block_size,
                                            mapping_type mapping, quant_dtype type,
                                            choose_qparams_options options = {}) {
  return best_kernels::choose_qparams_affine(input, shape, block_size, mapping, type, options);
}

}  // namespace dispatched
}  // namespace qlower::quant
