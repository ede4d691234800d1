// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "qlower/quant/kernels/detail/isa_namespace.hpp"
#include "qlower/quant/quant_dtype.hpp"

/// Moving integer lanes between memory and registers: a widening load of
/// quantized values into int32 lanes, a narrowing store of int32 lanes that
/// already hold values of the storage type, and streaming (non-temporal)
/// stores of float lanes.
///
/// These are the only per-instruction-set code of the kernels: xsimd 8 has
/// no converting load or store that compiles to one instruction, and its
/// generic fallback goes through memory one lane at a time. Each operation has
/// a generic overload, so every architecture works, and overloads for the
/// instruction sets where one or two instructions do the job.
namespace qlower::quant::kernels {
inline namespace QLOWER_KERNEL_NAMESPACE {

template <class Arch>
using float_batch = xsimd::batch<float, Arch>;
template <class Arch>
using int_batch = xsimd::batch<std::int32_t, Arch>;

namespace detail {

//===--- generic: through a lane buffer ---===//

template <quantized_storage Q, class Arch>
int_batch<Arch> load_widened(const Q* source, const xsimd::generic&) noexcept {
  constexpr std::size_t lanes = int_batch<Arch>::size;
  alignas(64) std::int32_t buffer[lanes];
  for (std::size_t i = 0; i < lanes; ++i)
    buffer[i] = static_cast<std::int32_t>(source[i]);
  return int_batch<Arch>::load_aligned(buffer);
}

template <quantized_storage Q, class Arch>
void store_narrowed(Q* destination, const int_batch<Arch>& values, const xsimd::generic&) noexcept {
  constexpr std::size_t lanes = int_batch<Arch>::size;
  alignas(64) std::int32_t buffer[lanes];
  values.store_aligned(buffer);
  for (std::size_t i = 0; i < lanes; ++i)
    destination[i] = static_cast<Q>(buffer[i]);
}

template <class Arch>
void store_streaming(float* destination, const float_batch<Arch>& values,
                     const xsimd::generic&) noexcept {
  values.store_unaligned(destination);
}

inline void streaming_fence(const xsimd::generic&) noexcept {}

//===--- SSE4.1: pack / sign-extend instructions on 4 lanes ---===//
#if XSIMD_WITH_SSE4_1

template <quantized_storage Q, class Arch>
int_batch<Arch> load_widened(const Q* source, const xsimd::sse4_1&) noexcept {
  if constexpr (sizeof(Q) == 4) {
    return int_batch<Arch>::load_unaligned(source);
  } else if constexpr (sizeof(Q) == 1) {
    std::int32_t bytes = 0;
    std::memcpy(&bytes, source, 4);
    const __m128i packed = _mm_cvtsi32_si128(bytes);
    return std::is_signed_v<Q> ? _mm_cvtepi8_epi32(packed) : _mm_cvtepu8_epi32(packed);
  } else {
    const __m128i packed = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(source));
    return std::is_signed_v<Q> ? _mm_cvtepi16_epi32(packed) : _mm_cvtepu16_epi32(packed);
  }
}

template <quantized_storage Q, class Arch>
void store_narrowed(Q* destination, const int_batch<Arch>& values, const xsimd::sse4_1&) noexcept {
  const __m128i lanes = values;
  if constexpr (sizeof(Q) == 4) {
    values.store_unaligned(destination);
  } else if constexpr (sizeof(Q) == 1) {
    // the values are in Q's range, so the saturating packs are exact
    const __m128i words = _mm_packs_epi32(lanes, lanes);
    const __m128i bytes =
        std::is_signed_v<Q> ? _mm_packs_epi16(words, words) : _mm_packus_epi16(words, words);
    const std::int32_t four = _mm_cvtsi128_si32(bytes);
    std::memcpy(destination, &four, 4);
  } else {
    const __m128i words =
        std::is_signed_v<Q> ? _mm_packs_epi32(lanes, lanes) : _mm_packus_epi32(lanes, lanes);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(destination), words);
  }
}

template <class Arch>
void store_streaming(float* destination, const float_batch<Arch>& values,
                     const xsimd::sse4_1&) noexcept {
  _mm_stream_ps(destination, values);
}

inline void streaming_fence(const xsimd::sse4_1&) noexcept {
  _mm_sfence();
}

#endif

//===--- AVX2: 8 lanes ---===//
#if XSIMD_WITH_AVX2

template <quantized_storage Q, class Arch>
int_batch<Arch> load_widened(const Q* source, const xsimd::avx2&) noexcept {
  if constexpr (sizeof(Q) == 4) {
    return int_batch<Arch>::load_unaligned(source);
  } else if constexpr (sizeof(Q) == 1) {
    const __m128i packed = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(source));
    return std::is_signed_v<Q> ? _mm256_cvtepi8_epi32(packed) : _mm256_cvtepu8_epi32(packed);
  } else {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source));
    return std::is_signed_v<Q> ? _mm256_cvtepi16_epi32(packed) : _mm256_cvtepu16_epi32(packed);
  }
}

template <quantized_storage Q, class Arch>
void store_narrowed(Q* destination, const int_batch<Arch>& values, const xsimd::avx2&) noexcept {
  const __m256i lanes = values;
  if constexpr (sizeof(Q) == 4) {
    values.store_unaligned(destination);
  } else {
    const __m128i low = _mm256_castsi256_si128(lanes);
    const __m128i high = _mm256_extracti128_si256(lanes, 1);
    if constexpr (sizeof(Q) == 1) {
      const __m128i words = _mm_packs_epi32(low, high);
      const __m128i bytes =
          std::is_signed_v<Q> ? _mm_packs_epi16(words, words) : _mm_packus_epi16(words, words);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(destination), bytes);
    } else {
      const __m128i words =
          std::is_signed_v<Q> ? _mm_packs_epi32(low, high) : _mm_packus_epi32(low, high);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(destination), words);
    }
  }
}

#endif

#if XSIMD_WITH_AVX
template <class Arch>
void store_streaming(float* destination, const float_batch<Arch>& values,
                     const xsimd::avx&) noexcept {
  _mm256_stream_ps(destination, values);
}

inline void streaming_fence(const xsimd::avx&) noexcept {
  _mm_sfence();
}
#endif

//===--- AVX-512: 16 lanes, down-converting stores ---===//
#if XSIMD_WITH_AVX512F

template <quantized_storage Q, class Arch>
int_batch<Arch> load_widened(const Q* source, const xsimd::avx512f&) noexcept {
  if constexpr (sizeof(Q) == 4) {
    return int_batch<Arch>::load_unaligned(source);
  } else if constexpr (sizeof(Q) == 1) {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source));
    return std::is_signed_v<Q> ? _mm512_cvtepi8_epi32(packed) : _mm512_cvtepu8_epi32(packed);
  } else {
    const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(source));
    return std::is_signed_v<Q> ? _mm512_cvtepi16_epi32(packed) : _mm512_cvtepu16_epi32(packed);
  }
}

template <quantized_storage Q, class Arch>
void store_narrowed(Q* destination, const int_batch<Arch>& values, const xsimd::avx512f&) noexcept {
  const __m512i lanes = values;
  // truncating down-conversions: exact because the values are in Q's range
  if constexpr (sizeof(Q) == 4)
    values.store_unaligned(destination);
  else if constexpr (sizeof(Q) == 1)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(destination), _mm512_cvtepi32_epi8(lanes));
  else
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(destination), _mm512_cvtepi32_epi16(lanes));
}

template <class Arch>
void store_streaming(float* destination, const float_batch<Arch>& values,
                     const xsimd::avx512f&) noexcept {
  _mm512_stream_ps(destination, values);
}

inline void streaming_fence(const xsimd::avx512f&) noexcept {
  _mm_sfence();
}

#endif

}  // namespace detail

/// Loads int_batch<Arch>::size values of Q and sign- or zero-extends them.
template <class Arch, quantized_storage Q>
int_batch<Arch> load_widened(const Q* source) noexcept {
  return detail::load_widened<Q, Arch>(source, Arch{});
}

/// Stores the lanes as Q. Precondition: every lane holds a value of Q's range.
template <class Arch, quantized_storage Q>
void store_narrowed(Q* destination, const int_batch<Arch>& values) noexcept {
  detail::store_narrowed<Q, Arch>(destination, values, Arch{});
}

/// A non-temporal store where the instruction set has one; `destination` must
/// be aligned to the batch's size (Arch::alignment()).
template <class Arch>
void store_streaming(float* destination, const float_batch<Arch>& values) noexcept {
  detail::store_streaming<Arch>(destination, values, Arch{});
}

/// Orders the streaming stores before any later store; call after the last.
template <class Arch>
void streaming_fence() noexcept {
  detail::streaming_fence(Arch{});
}

}  // namespace QLOWER_KERNEL_NAMESPACE
}  // namespace qlower::quant::kernels
