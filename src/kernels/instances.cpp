// SPDX-License-Identifier: Apache-2.0
// The kernels for one instruction set: CMake compiles this file once per set
// of qlower::quant::dispatched::architectures, with that set's flags, its own
// QLOWER_KERNEL_NAMESPACE and one QLOWER_KERNEL_ISA_* macro.
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "qlower/quant/kernels/choose_qparams.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/detail/entry.hpp"
#include "qlower/quant/kernels/pack_int4.hpp"
#include "qlower/quant/kernels/quantize.hpp"

#if defined(QLOWER_KERNEL_ISA_AVX512BW)
using kernel_arch = xsimd::avx512bw;
#elif defined(QLOWER_KERNEL_ISA_AVX2)
using kernel_arch = xsimd::fma3<xsimd::avx2>;
#elif defined(QLOWER_KERNEL_ISA_SSE4_2)
using kernel_arch = xsimd::sse4_2;
#elif defined(QLOWER_KERNEL_ISA_SSE2)
using kernel_arch = xsimd::sse2;
#else
#error "define one QLOWER_KERNEL_ISA_* macro"
#endif
static_assert(kernel_arch::supported(), "this translation unit needs its instruction set's flags");

namespace qlower::quant::kernels::entry {

template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize(const float* input, Q* output, const affine_call& call) noexcept {
  quantize_rows<Arch, Mode>(input, output, call);
}
template <class Arch, quantized_storage Q>
void dequantize(const Q* input, float* output, const affine_call& call) noexcept {
  dequantize_rows<Arch>(input, output, call);
}
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_packed(const float* input, std::uint8_t* packed, const affine_call& call,
                     Q* buffer) noexcept {
  quantize_rows_packed<Arch, Mode>(input, packed, call, buffer);
}
template <class Arch, quantized_storage Q>
void dequantize_packed(const std::uint8_t* packed, float* output, const affine_call& call,
                       Q* buffer) noexcept {
  dequantize_rows_packed<Arch>(packed, output, call, buffer);
}
template <class Arch>
bool block_min_max(const float* input, const block_runs& runs, float* minima,
                   float* maxima) noexcept {
  return kernels::block_min_max<Arch>(input, runs, minima, maxima);
}

#define QLOWER_QUANTIZE(MODE, Q) \
  template void quantize<kernel_arch, MODE, Q>(const float*, Q*, const affine_call&) noexcept;
#define QLOWER_QUANTIZE_EVERY_STORAGE(MODE) \
  QLOWER_QUANTIZE(MODE, std::int8_t)        \
  QLOWER_QUANTIZE(MODE, std::uint8_t)       \
  QLOWER_QUANTIZE(MODE, std::int16_t)       \
  QLOWER_QUANTIZE(MODE, std::uint16_t)      \
  QLOWER_QUANTIZE(MODE, std::int32_t)
QLOWER_QUANTIZE_EVERY_STORAGE(torchao_arithmetic)
QLOWER_QUANTIZE_EVERY_STORAGE(onnx_arithmetic)

#define QLOWER_DEQUANTIZE(Q) \
  template void dequantize<kernel_arch, Q>(const Q*, float*, const affine_call&) noexcept;
QLOWER_DEQUANTIZE(std::int8_t)
QLOWER_DEQUANTIZE(std::uint8_t)
QLOWER_DEQUANTIZE(std::int16_t)
QLOWER_DEQUANTIZE(std::uint16_t)
QLOWER_DEQUANTIZE(std::int32_t)

#define QLOWER_PACKED(MODE, Q)                                                     \
  template void quantize_packed<kernel_arch, MODE, Q>(const float*, std::uint8_t*, \
                                                      const affine_call&, Q*) noexcept;
QLOWER_PACKED(torchao_arithmetic, std::int8_t)
QLOWER_PACKED(torchao_arithmetic, std::uint8_t)
QLOWER_PACKED(onnx_arithmetic, std::int8_t)
QLOWER_PACKED(onnx_arithmetic, std::uint8_t)
template void dequantize_packed<kernel_arch, std::int8_t>(const std::uint8_t*, float*,
                                                          const affine_call&,
                                                          std::int8_t*) noexcept;
template void dequantize_packed<kernel_arch, std::uint8_t>(const std::uint8_t*, float*,
                                                           const affine_call&,
                                                           std::uint8_t*) noexcept;
template bool block_min_max<kernel_arch>(const float*, const block_runs&, float*, float*) noexcept;

}  // namespace qlower::quant::kernels::entry
