// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/lanes.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

/// 4-bit values packed two per byte: element 2i in the low nibble of byte i,
/// element 2i + 1 in its high nibble; an odd count leaves the last high
/// nibble 0. This is torchao's and ExecuTorch's order for int4 weights.
namespace qlower::quant {
namespace kernels {

/// The bytes a packed tensor of `count` 4-bit values occupies.
constexpr std::int64_t packed_int4_bytes(std::int64_t count) noexcept {
  return count / 2 + count % 2;
}

inline namespace QLOWER_KERNEL_NAMESPACE {

/// Packs values[0, count) (the low nibble of each byte is kept) into
/// packed[0, packed_int4_bytes(count)).
template <class Arch>
void pack_nibbles(const std::uint8_t* values, std::int64_t count, std::uint8_t* packed) noexcept {
  using bytes = xsimd::batch<std::uint8_t, Arch>;
  using ints = int_batch<Arch>;
  constexpr std::int64_t step = static_cast<std::int64_t>(bytes::size);
  std::int64_t i = 0;
  alignas(64) std::uint16_t words[ints::size];
  for (; i + step <= count; i += step) {
    // each int32 lane holds four values v0..v3 (little endian); the two
    // packed bytes (v0 | v1 << 4) and (v2 | v3 << 4) end in its low 16 bits
    const ints lanes = xsimd::bitwise_cast<ints>(bytes::load_unaligned(values + i));
    const ints nibbles = lanes & ints(0x0F0F0F0F);
    const ints merged = nibbles | (nibbles >> 4);
    const ints pair = (merged & ints(0xFF)) | ((merged >> 8) & ints(0xFF00));
    store_narrowed<Arch>(words, pair);
    std::memcpy(packed + i / 2, words, sizeof(words));
  }
  for (; i + 1 < count; i += 2)
    packed[i / 2] = static_cast<std::uint8_t>((values[i] & 0x0F) | ((values[i + 1] & 0x0F) << 4));
  if (i < count)
    packed[i / 2] = static_cast<std::uint8_t>(values[i] & 0x0F);
}

/// Unpacks `count` values from packed[0, packed_int4_bytes(count)) into
/// values[0, count), sign-extending each nibble when Signed (int4 in [-8, 7])
/// and zero-extending it otherwise (uint4 in [0, 15]).
template <class Arch, bool Signed>
void unpack_nibbles(const std::uint8_t* packed, std::int64_t count, std::uint8_t* values) noexcept {
  using bytes = xsimd::batch<std::uint8_t, Arch>;
  using ints = int_batch<Arch>;
  constexpr std::int64_t step = static_cast<std::int64_t>(bytes::size);
  std::int64_t i = 0;
  alignas(64) std::uint16_t words[ints::size];
  for (; i + step <= count; i += step) {
    std::memcpy(words, packed + i / 2, sizeof(words));
    const ints pair = load_widened<Arch>(static_cast<const std::uint16_t*>(words));
    // spread the four nibbles of the low 16 bits into the four bytes
    const ints spread = (pair & ints(0x0F)) | ((pair << 4) & ints(0x0F00)) |
                        ((pair << 8) & ints(0x0F0000)) | ((pair << 12) & ints(0x0F000000));
    ints result = spread;
    if constexpr (Signed) {
      // a byte b with bit 3 set becomes b | 0xF0; 30 * 8 = 0xF0 fits in the byte
      // (in unsigned lanes: 0xF0F0F0F0 does not fit an int32)
      using words_t = xsimd::batch<std::uint32_t, Arch>;
      const words_t unsigned_spread = xsimd::bitwise_cast<words_t>(spread);
      const words_t sign = unsigned_spread & words_t(0x08080808u);
      result = xsimd::bitwise_cast<ints>(unsigned_spread | (sign * words_t(30u)));
    }
    xsimd::bitwise_cast<bytes>(result).store_unaligned(values + i);
  }
  for (; i < count; ++i) {
    const unsigned nibble = (packed[i / 2] >> ((i % 2) * 4)) & 0x0Fu;
    values[i] = static_cast<std::uint8_t>(Signed && (nibble & 0x08u) ? (nibble | 0xF0u) : nibble);
  }
}

/// Values quantized or unpacked per piece of a row: small enough for L1.
inline constexpr std::int64_t packed_piece = 4096;

/// The kernel: quantizes every row piece into `buffer` (packed_piece + 1
/// values), then packs it behind what the previous piece wrote.
template <class Arch, arithmetic_mode Mode, quantized_storage Q>
void quantize_rows_packed(const float* input, std::uint8_t* packed, const affine_call& call,
                          Q* buffer) noexcept {
  static_assert(sizeof(Q) == 1);
  const std::int64_t row = call.runs.axis_size * call.runs.inner;
  expansion_cache cache;
  call.runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
    for (std::int64_t position = 0; position < row; position += packed_piece) {
      const std::int64_t n = smaller(packed_piece, row - position);
      const std::int64_t element = offset + position;
      // an odd first element completes the byte whose low nibble is written
      const std::int64_t carry = element % 2;
      quantize_row_range<Arch, Mode>(input + offset, buffer + carry, call, scale_base, position, n,
                                     cache);
      if (carry != 0)
        buffer[0] = static_cast<Q>(packed[element / 2] & 0x0F);
      pack_nibbles<Arch>(reinterpret_cast<const std::uint8_t*>(buffer), n + carry,
                         packed + element / 2);
    }
  });
}

/// The kernel: unpacks every row piece into `buffer`, then dequantizes it.
template <class Arch, quantized_storage Q>
void dequantize_rows_packed(const std::uint8_t* packed, float* output, const affine_call& call,
                            Q* buffer) noexcept {
  static_assert(sizeof(Q) == 1);
  const std::int64_t row = call.runs.axis_size * call.runs.inner;
  expansion_cache cache;
  call.runs.for_each_row([&](std::int64_t offset, std::int64_t scale_base) {
    for (std::int64_t position = 0; position < row; position += packed_piece) {
      const std::int64_t n = smaller(packed_piece, row - position);
      const std::int64_t element = offset + position;
      const std::int64_t carry = element % 2;
      unpack_nibbles<Arch, std::is_signed_v<Q>>(packed + element / 2, n + carry,
                                                reinterpret_cast<std::uint8_t*>(buffer));
      dequantize_row_range<Arch>(buffer + carry, output + offset, call, scale_base, position, n,
                                 cache);
    }
  });
}

}  // namespace QLOWER_KERNEL_NAMESPACE

inline void check_packed(const affine_qparams& qparams, const char* what) {
  if (qparams.dtype() != quant_dtype::int4 && qparams.dtype() != quant_dtype::uint4)
    throw qparams_error(std::string(what) + ": only int4 and uint4 pack two per byte, not " +
                        std::string(to_string(qparams.dtype())));
}

inline void check_packed_size(std::size_t packed_bytes, const qlower::shape& shape) {
  if (static_cast<std::int64_t>(packed_bytes) != packed_int4_bytes(shape.element_count()))
    throw qparams_error("the packed input holds " + std::to_string(packed_bytes) +
                        " bytes but shape " + shape.to_string() + " packs into " +
                        std::to_string(packed_int4_bytes(shape.element_count())));
}

/// Calls run(buffer) with a piece buffer of int4's or uint4's storage type.
template <class Run>
void with_piece_buffer(quant_dtype type, Run&& run) {
  if (type == quant_dtype::int4) {
    std::vector<std::int8_t> buffer(packed_piece + 1);
    run(buffer.data());
  } else {
    std::vector<std::uint8_t> buffer(packed_piece + 1);
    run(buffer.data());
  }
}

/// Checks a packed quantize call, prepares it, and hands it to
/// run(input, packed, call, buffer); the one front end of both builds.
template <class Run>
void quantize_packed_checked(std::span<const float> input, const qlower::shape& shape,
                             const affine_qparams& qparams, std::span<std::uint8_t> packed,
                             Run&& run) {
  check_packed(qparams, "quantize_affine_packed");
  std::vector<float> scratch;
  const affine_call call = prepare_affine_call(
      static_cast<std::int64_t>(input.size()), static_cast<std::int64_t>(packed.size()),
      packed_int4_bytes(shape.element_count()), shape, qparams, scratch);
  with_piece_buffer(qparams.dtype(),
                    [&](auto* buffer) { run(input.data(), packed.data(), call, buffer); });
}

/// Checks a packed dequantize call, prepares it, and hands it to
/// run(packed, output, call, buffer); the one front end of both builds.
template <class Run>
void dequantize_packed_checked(std::span<const std::uint8_t> packed, const qlower::shape& shape,
                               const affine_qparams& qparams, std::span<float> output, Run&& run) {
  check_packed(qparams, "dequantize_affine_packed");
  check_packed_size(packed.size(), shape);
  std::vector<float> scratch;
  const affine_call call =
      prepare_affine_call(shape.element_count(), static_cast<std::int64_t>(output.size()),
                          shape.element_count(), shape, qparams, scratch);
  with_piece_buffer(qparams.dtype(),
                    [&](auto* buffer) { run(packed.data(), output.data(), call, buffer); });
}

}  // namespace kernels

/// Quantizes like quantize_affine into int4 or uint4 values packed two per
/// byte (low nibble first); `packed` holds ceil(n / 2) bytes.
template <arithmetic_mode Mode = torchao_arithmetic, class Arch = xsimd::default_arch>
void quantize_affine_packed(std::span<const float> input, const qlower::shape& shape,
                            const affine_qparams& qparams, std::span<std::uint8_t> packed) {
  kernels::quantize_packed_checked(
      input, shape, qparams, packed,
      [](const float* in, std::uint8_t* out, const kernels::affine_call& call, auto* buffer) {
        kernels::quantize_rows_packed<Arch, Mode>(in, out, call, buffer);
      });
}

/// Dequantizes int4 or uint4 values packed two per byte (low nibble first).
template <class Arch = xsimd::default_arch>
void dequantize_affine_packed(std::span<const std::uint8_t> packed, const qlower::shape& shape,
                              const affine_qparams& qparams, std::span<float> output) {
  kernels::dequantize_packed_checked(
      packed, shape, qparams, output,
      [](const std::uint8_t* in, float* out, const kernels::affine_call& call, auto* buffer) {
        kernels::dequantize_rows_packed<Arch>(in, out, call, buffer);
      });
}

}  // namespace qlower::quant
