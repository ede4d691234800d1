// SPDX-License-Identifier: Apache-2.0
#pragma once

// Streaming limits: loops with exactly a kernel's memory traffic and as
// little arithmetic as the narrowing or widening needs, so the rate they
// reach is what memory allows that traffic. Each kernel row is measured
// against the limit of its traffic, in the same run.
//
// A measurement instrument, not product code: plain intrinsics in functions
// compiled for AVX-512BW or AVX2 through target attributes (the benchmark is
// built without -march), chosen by a CPU check at run time, with a scalar
// loop where neither exists. The values written are not quantized values
// (the float bits are narrowed as integers); only the traffic is the
// kernel's.

#include <cstdint>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QLOWER_BENCH_X86 1
#else
#define QLOWER_BENCH_X86 0
#endif

namespace qlower::bench::quant {

/// The instruction set the streaming loops use on this machine.
enum class stream_isa { avx512bw, avx2, scalar };

inline stream_isa best_stream_isa() noexcept {
#if QLOWER_BENCH_X86
  static const stream_isa best = [] {
    // rows are registered from static constructors, which may run before
    // libgcc has read the CPU's features
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
      return stream_isa::avx512bw;
    return __builtin_cpu_supports("avx2") ? stream_isa::avx2 : stream_isa::scalar;
  }();
  return best;
#else
  return stream_isa::scalar;
#endif
}

constexpr std::string_view name_of(stream_isa isa) noexcept {
  switch (isa) {
    case stream_isa::avx512bw:
      return "avx512bw";
    case stream_isa::avx2:
      return "avx2";
    case stream_isa::scalar:
      return "scalar";
  }
  return "?";
}

/// Ordinary stores, or non-temporal ones that bypass the cache (the
/// destination must then be 64-byte aligned).
enum class store_kind { temporal, non_temporal };

constexpr std::string_view name_of(store_kind kind) noexcept {
  return kind == store_kind::temporal ? "temporal" : "non_temporal";
}

namespace detail {

#if QLOWER_BENCH_X86
//===--- AVX-512BW: 64 elements per iteration ---===//
//
// The store kind is a template parameter and the loops are unrolled by hand:
// a run-time branch on it inside the loop halved the 1 B -> 4 B rate in L2.

#define QLOWER_BENCH_AVX512 __attribute__((target("avx512f,avx512bw")))
#define QLOWER_BENCH_AVX2 __attribute__((target("avx2")))

template <bool Stream>
QLOWER_BENCH_AVX512 inline void store_512(void* destination, __m512i values) {
  if constexpr (Stream)
    _mm512_stream_si512(static_cast<__m512i*>(destination), values);
  else
    _mm512_storeu_si512(destination, values);
}

// The conversions are written in their zero-masked forms with a full mask
// (the same instructions): g++ 12 reports the _mm*_undefined_*() operand of
// the unmasked intrinsics as uninitialized once inlined (GCC bug 105593).

/// 16 float lanes, their bits narrowed to bytes (vpmovdb truncates).
QLOWER_BENCH_AVX512 inline __m128i narrow_16(const float* source) {
  return _mm512_maskz_cvtepi32_epi8(0xFFFF, _mm512_castps_si512(_mm512_loadu_ps(source)));
}

/// 16 bytes sign-extended to 16 int32 lanes.
QLOWER_BENCH_AVX512 inline __m512i widen_16(const std::int8_t* source) {
  return _mm512_maskz_cvtepi8_epi32(0xFFFF,
                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(source)));
}

/// 32 floats narrowed to nibbles, packed two per byte into 16 bytes.
QLOWER_BENCH_AVX512 inline __m128i pack_nibbles_32(const float* source) {
  const __m128i low_nibbles = _mm_set1_epi8(0x0F);
  const __m128i even = _mm_and_si128(narrow_16(source), low_nibbles);
  const __m128i odd = _mm_and_si128(narrow_16(source + 16), low_nibbles);
  return _mm_or_si128(even, _mm_slli_epi16(odd, 4));
}

/// Reads 4 B, writes 1 B per element: f32 -> 8-bit traffic.
template <bool Stream>
QLOWER_BENCH_AVX512 void narrow_4_to_1_avx512(const float* input, std::uint8_t* output,
                                              std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    // one 64-byte store per line: a non-temporal store then writes a whole line
    __m512i line = _mm512_castsi128_si512(narrow_16(input + i));
    line = _mm512_inserti32x4(line, narrow_16(input + i + 16), 1);
    line = _mm512_inserti32x4(line, narrow_16(input + i + 32), 2);
    line = _mm512_inserti32x4(line, narrow_16(input + i + 48), 3);
    store_512<Stream>(output + i, line);
  }
  for (; i < n; ++i)
    output[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(input[i]));
  if constexpr (Stream)
    _mm_sfence();
}

/// Reads 1 B, writes 4 B per element: 8-bit -> f32 traffic.
template <bool Stream>
QLOWER_BENCH_AVX512 void widen_1_to_4_avx512(const std::int8_t* input, float* output,
                                             std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i a = widen_16(input + i);
    const __m512i b = widen_16(input + i + 16);
    const __m512i c = widen_16(input + i + 32);
    const __m512i d = widen_16(input + i + 48);
    store_512<Stream>(output + i, a);
    store_512<Stream>(output + i + 16, b);
    store_512<Stream>(output + i + 32, c);
    store_512<Stream>(output + i + 48, d);
  }
  for (; i < n; ++i)
    output[i] = static_cast<float>(input[i]);
  if constexpr (Stream)
    _mm_sfence();
}

/// Reads 4 B, writes 0.5 B per element: f32 -> packed int4 traffic.
QLOWER_BENCH_AVX512 inline void narrow_4_to_half_avx512(const float* input, std::uint8_t* output,
                                                        std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64)
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(output + i / 2),
        _mm256_set_m128i(pack_nibbles_32(input + i + 32), pack_nibbles_32(input + i)));
  for (; i + 1 < n; i += 2)
    output[i / 2] = static_cast<std::uint8_t>((static_cast<std::int32_t>(input[i]) & 15) |
                                              (static_cast<std::int32_t>(input[i + 1]) & 15) << 4);
}

/// Reads 0.5 B, writes 4 B per element: packed int4 -> f32 traffic.
template <bool Stream>
QLOWER_BENCH_AVX512 void widen_half_to_4_avx512(const std::uint8_t* input, float* output,
                                                std::int64_t n) {
  const __m128i low_nibbles = _mm_set1_epi8(0x0F);
  std::int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(input + i / 2));
    const __m128i low = _mm_and_si128(bytes, low_nibbles);
    const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibbles);
    const __m512i first = _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm_unpacklo_epi8(low, high));
    const __m512i second = _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm_unpackhi_epi8(low, high));
    store_512<Stream>(output + i, first);
    store_512<Stream>(output + i + 16, second);
  }
  for (; i < n; ++i)
    output[i] = static_cast<float>(input[i / 2] >> (4 * (i % 2)) & 15);
  if constexpr (Stream)
    _mm_sfence();
}

/// Reads 4 B per element and writes nothing: choose_qparams' traffic.
QLOWER_BENCH_AVX512 inline float read_4_avx512(const float* input, std::int64_t n) {
  __m512 a = _mm512_set1_ps(-1e30f), b = a, c = a, d = a;
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a = _mm512_mask_max_ps(a, 0xFFFF, a, _mm512_loadu_ps(input + i));
    b = _mm512_mask_max_ps(b, 0xFFFF, b, _mm512_loadu_ps(input + i + 16));
    c = _mm512_mask_max_ps(c, 0xFFFF, c, _mm512_loadu_ps(input + i + 32));
    d = _mm512_mask_max_ps(d, 0xFFFF, d, _mm512_loadu_ps(input + i + 48));
  }
  alignas(64) float lanes[4][16];
  _mm512_store_ps(lanes[0], a);
  _mm512_store_ps(lanes[1], b);
  _mm512_store_ps(lanes[2], c);
  _mm512_store_ps(lanes[3], d);
  float result = lanes[0][0];
  for (const auto& vector : lanes) {
    for (float lane : vector)
      result = lane > result ? lane : result;
  }
  for (; i < n; ++i)
    result = input[i] > result ? input[i] : result;
  return result;
}

//===--- AVX2: 32 or 64 elements per iteration ---===//

template <bool Stream>
QLOWER_BENCH_AVX2 inline void store_256(void* destination, __m256i values) {
  if constexpr (Stream)
    _mm256_stream_si256(static_cast<__m256i*>(destination), values);
  else
    _mm256_storeu_si256(static_cast<__m256i*>(destination), values);
}

/// The 32 bytes of four 8-lane vectors, packed with the saturating packs and
/// put back in element order.
QLOWER_BENCH_AVX2 inline __m256i pack_32_avx2(const float* source) {
  const __m256i a = _mm256_castps_si256(_mm256_loadu_ps(source));
  const __m256i b = _mm256_castps_si256(_mm256_loadu_ps(source + 8));
  const __m256i c = _mm256_castps_si256(_mm256_loadu_ps(source + 16));
  const __m256i d = _mm256_castps_si256(_mm256_loadu_ps(source + 24));
  const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

template <bool Stream>
QLOWER_BENCH_AVX2 void narrow_4_to_1_avx2(const float* input, std::uint8_t* output,
                                          std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i first = pack_32_avx2(input + i);
    const __m256i second = pack_32_avx2(input + i + 32);
    store_256<Stream>(output + i, first);
    store_256<Stream>(output + i + 32, second);
  }
  for (; i < n; ++i)
    output[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(input[i]));
  if constexpr (Stream)
    _mm_sfence();
}

/// 8 bytes sign-extended to 8 int32 lanes.
QLOWER_BENCH_AVX2 inline __m256i widen_8_avx2(const std::int8_t* source) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(source)));
}

template <bool Stream>
QLOWER_BENCH_AVX2 void widen_1_to_4_avx2(const std::int8_t* input, float* output, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = widen_8_avx2(input + i);
    const __m256i b = widen_8_avx2(input + i + 8);
    const __m256i c = widen_8_avx2(input + i + 16);
    const __m256i d = widen_8_avx2(input + i + 24);
    store_256<Stream>(output + i, a);
    store_256<Stream>(output + i + 8, b);
    store_256<Stream>(output + i + 16, c);
    store_256<Stream>(output + i + 24, d);
  }
  for (; i < n; ++i)
    output[i] = static_cast<float>(input[i]);
  if constexpr (Stream)
    _mm_sfence();
}

QLOWER_BENCH_AVX2 inline void narrow_4_to_half_avx2(const float* input, std::uint8_t* output,
                                                    std::int64_t n) {
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i even = _mm256_and_si256(pack_32_avx2(input + i), low_nibbles);
    const __m256i odd = _mm256_and_si256(pack_32_avx2(input + i + 32), low_nibbles);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(output + i / 2),
                        _mm256_or_si256(even, _mm256_slli_epi16(odd, 4)));
  }
  for (; i + 1 < n; i += 2)
    output[i / 2] = static_cast<std::uint8_t>((static_cast<std::int32_t>(input[i]) & 15) |
                                              (static_cast<std::int32_t>(input[i + 1]) & 15) << 4);
}

template <bool Stream>
QLOWER_BENCH_AVX2 void widen_half_to_4_avx2(const std::uint8_t* input, float* output,
                                            std::int64_t n) {
  const __m128i low_nibbles = _mm_set1_epi8(0x0F);
  std::int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(input + i / 2));
    const __m128i low = _mm_and_si128(bytes, low_nibbles);
    const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibbles);
    const __m128i first = _mm_unpacklo_epi8(low, high);
    const __m128i second = _mm_unpackhi_epi8(low, high);
    store_256<Stream>(output + i, _mm256_cvtepu8_epi32(first));
    store_256<Stream>(output + i + 8, _mm256_cvtepu8_epi32(_mm_srli_si128(first, 8)));
    store_256<Stream>(output + i + 16, _mm256_cvtepu8_epi32(second));
    store_256<Stream>(output + i + 24, _mm256_cvtepu8_epi32(_mm_srli_si128(second, 8)));
  }
  for (; i < n; ++i)
    output[i] = static_cast<float>(input[i / 2] >> (4 * (i % 2)) & 15);
  if constexpr (Stream)
    _mm_sfence();
}

QLOWER_BENCH_AVX2 inline float read_4_avx2(const float* input, std::int64_t n) {
  __m256 a = _mm256_set1_ps(-1e30f), b = a, c = a, d = a;
  std::int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a = _mm256_max_ps(a, _mm256_loadu_ps(input + i));
    b = _mm256_max_ps(b, _mm256_loadu_ps(input + i + 8));
    c = _mm256_max_ps(c, _mm256_loadu_ps(input + i + 16));
    d = _mm256_max_ps(d, _mm256_loadu_ps(input + i + 24));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_max_ps(_mm256_max_ps(a, b), _mm256_max_ps(c, d)));
  float result = lanes[0];
  for (float lane : lanes)
    result = lane > result ? lane : result;
  for (; i < n; ++i)
    result = input[i] > result ? input[i] : result;
  return result;
}

#undef QLOWER_BENCH_AVX512
#undef QLOWER_BENCH_AVX2

#endif  // QLOWER_BENCH_X86

}  // namespace detail

/// Reads n floats and writes n bytes.
inline void stream_f32_to_8bit(const float* input, std::uint8_t* output, std::int64_t n,
                               store_kind kind) {
  const bool stream = kind == store_kind::non_temporal;
#if QLOWER_BENCH_X86
  switch (best_stream_isa()) {
    case stream_isa::avx512bw:
      return stream ? detail::narrow_4_to_1_avx512<true>(input, output, n)
                    : detail::narrow_4_to_1_avx512<false>(input, output, n);
    case stream_isa::avx2:
      return stream ? detail::narrow_4_to_1_avx2<true>(input, output, n)
                    : detail::narrow_4_to_1_avx2<false>(input, output, n);
    case stream_isa::scalar:
      break;
  }
#endif
  (void)stream;
  for (std::int64_t i = 0; i < n; ++i)
    output[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(input[i]));
}

/// Reads n bytes and writes n floats.
inline void stream_8bit_to_f32(const std::int8_t* input, float* output, std::int64_t n,
                               store_kind kind) {
  const bool stream = kind == store_kind::non_temporal;
#if QLOWER_BENCH_X86
  switch (best_stream_isa()) {
    case stream_isa::avx512bw:
      return stream ? detail::widen_1_to_4_avx512<true>(input, output, n)
                    : detail::widen_1_to_4_avx512<false>(input, output, n);
    case stream_isa::avx2:
      return stream ? detail::widen_1_to_4_avx2<true>(input, output, n)
                    : detail::widen_1_to_4_avx2<false>(input, output, n);
    case stream_isa::scalar:
      break;
  }
#endif
  (void)stream;
  for (std::int64_t i = 0; i < n; ++i)
    output[i] = static_cast<float>(input[i]);
}

/// Reads n floats and writes n / 2 bytes.
inline void stream_f32_to_4bit_packed(const float* input, std::uint8_t* output, std::int64_t n) {
#if QLOWER_BENCH_X86
  switch (best_stream_isa()) {
    case stream_isa::avx512bw:
      return detail::narrow_4_to_half_avx512(input, output, n);
    case stream_isa::avx2:
      return detail::narrow_4_to_half_avx2(input, output, n);
    case stream_isa::scalar:
      break;
  }
#endif
  for (std::int64_t i = 0; i + 1 < n; i += 2)
    output[i / 2] = static_cast<std::uint8_t>((static_cast<std::int32_t>(input[i]) & 15) |
                                              (static_cast<std::int32_t>(input[i + 1]) & 15) << 4);
}

/// Reads n / 2 bytes and writes n floats.
inline void stream_4bit_packed_to_f32(const std::uint8_t* input, float* output, std::int64_t n,
                                      store_kind kind) {
  const bool stream = kind == store_kind::non_temporal;
#if QLOWER_BENCH_X86
  switch (best_stream_isa()) {
    case stream_isa::avx512bw:
      return stream ? detail::widen_half_to_4_avx512<true>(input, output, n)
                    : detail::widen_half_to_4_avx512<false>(input, output, n);
    case stream_isa::avx2:
      return stream ? detail::widen_half_to_4_avx2<true>(input, output, n)
                    : detail::widen_half_to_4_avx2<false>(input, output, n);
    case stream_isa::scalar:
      break;
  }
#endif
  (void)stream;
  for (std::int64_t i = 0; i < n; ++i)
    output[i] = static_cast<float>(input[i / 2] >> (4 * (i % 2)) & 15);
}

/// Reads n floats; returns their maximum so the loads cannot be dropped.
inline float stream_read_f32(const float* input, std::int64_t n) {
#if QLOWER_BENCH_X86
  switch (best_stream_isa()) {
    case stream_isa::avx512bw:
      return detail::read_4_avx512(input, n);
    case stream_isa::avx2:
      return detail::read_4_avx2(input, n);
    case stream_isa::scalar:
      break;
  }
#endif
  float result = -1e30f;
  for (std::int64_t i = 0; i < n; ++i)
    result = input[i] > result ? input[i] : result;
  return result;
}

}  // namespace qlower::bench::quant
