// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/block_runs.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/quant_dtype.hpp"

/// The entry points of the compiled kernels, one instance per instruction set.
namespace qlower::quant {

namespace kernels::entry {
// Declared only: src/kernels/instances.cpp defines and instantiates them once
// per instruction set, so no translation unit of the consumer instantiates a
// kernel for a set its flags do not enable.
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize(const float* input, Q* output, const affine_call& call) noexcept;
template <class Arch, quantized_storage Q>
void dequantize(const Q* input, float* output, const affine_call& call) noexcept;
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_packed(const float* input, std::uint8_t* packed, const affine_call& call,
                     Q* buffer) noexcept;
template <class Arch, quantized_storage Q>
void dequantize_packed(const std::uint8_t* packed, float* output, const affine_call& call,
                       Q* buffer) noexcept;
template <class Arch>
bool block_min_max(const float* input, const block_runs& runs, float* minima,
                   float* maxima) noexcept;
}  // namespace kernels::entry

}  // namespace qlower::quant
