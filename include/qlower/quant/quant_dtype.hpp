// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace qlower::quant {

/// The integer type a tensor is quantized to, torchao's `target_dtype`.
///
/// The sub-byte types live unpacked in a byte of storage, one value per byte
/// (torchao keeps int4 in int8 storage with the range [-8, 7]); the 4-bit
/// types can also be packed two per byte (see kernels/pack_int4.hpp).
enum class quant_dtype : std::uint8_t {
  int8,
  uint8,
  int16,
  uint16,
  int32,
  int4,
  uint4,
  int2,
  uint2,
};

/// Everything the kernels need of a quantized dtype, in one row per dtype.
struct quant_dtype_info {
  quant_dtype type;
  std::string_view name;
  unsigned bits;
  bool is_signed;
  std::int64_t min;  ///< torchao's _DTYPE_TO_QVALUE_BOUNDS
  std::int64_t max;
  std::size_t storage_bytes;  ///< of one unpacked value
};

namespace detail {
inline constexpr std::array<quant_dtype_info, 9> quant_dtype_table{{
    {quant_dtype::int8, "int8", 8, true, -128, 127, 1},
    {quant_dtype::uint8, "uint8", 8, false, 0, 255, 1},
    {quant_dtype::int16, "int16", 16, true, -32768, 32767, 2},
    {quant_dtype::uint16, "uint16", 16, false, 0, 65535, 2},
    {quant_dtype::int32, "int32", 32, true, -2147483648LL, 2147483647LL, 4},
    {quant_dtype::int4, "int4", 4, true, -8, 7, 1},
    {quant_dtype::uint4, "uint4", 4, false, 0, 15, 1},
    {quant_dtype::int2, "int2", 2, true, -2, 1, 1},
    {quant_dtype::uint2, "uint2", 2, false, 0, 3, 1},
}};
}  // namespace detail

inline constexpr std::array<quant_dtype, detail::quant_dtype_table.size()> all_quant_dtypes = [] {
  std::array<quant_dtype, detail::quant_dtype_table.size()> result{};
  for (std::size_t i = 0; i < result.size(); ++i)
    result[i] = detail::quant_dtype_table[i].type;
  return result;
}();

constexpr const quant_dtype_info& info(quant_dtype type) noexcept {
  return detail::quant_dtype_table[static_cast<std::size_t>(type)];
}
constexpr std::string_view to_string(quant_dtype type) noexcept {
  return info(type).name;
}

/// The dtype called `name` ("int4"), if any.
constexpr std::optional<quant_dtype> quant_dtype_from_name(std::string_view name) noexcept {
  for (const quant_dtype_info& row : detail::quant_dtype_table) {
    if (row.name == name)
      return row.type;
  }
  return std::nullopt;
}

/// The C++ type one unpacked value of `Type` is stored in.
template <quant_dtype Type>
using storage_t = std::conditional_t<
    Type == quant_dtype::int8 || Type == quant_dtype::int4 || Type == quant_dtype::int2,
    std::int8_t,
    std::conditional_t<
        Type == quant_dtype::uint8 || Type == quant_dtype::uint4 || Type == quant_dtype::uint2,
        std::uint8_t,
        std::conditional_t<
            Type == quant_dtype::int16, std::int16_t,
            std::conditional_t<Type == quant_dtype::uint16, std::uint16_t, std::int32_t>>>>;

/// The storage types the kernels write and read, one per unpacked width and sign.
template <class T>
concept quantized_storage = std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t> ||
    std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::uint16_t> ||
    std::is_same_v<T, std::int32_t>;

/// Whether values of `type` can be stored in `Storage` (int4 in int8_t, ...).
template <quantized_storage Storage>
constexpr bool stores(quant_dtype type) noexcept {
  const quant_dtype_info& row = info(type);
  return row.storage_bytes == sizeof(Storage) && row.is_signed == std::is_signed_v<Storage>;
}

//===--- Table verification ---===//

static_assert(
    [] {
      for (std::size_t i = 0; i < detail::quant_dtype_table.size(); ++i) {
        const quant_dtype_info& row = detail::quant_dtype_table[i];
        if (static_cast<std::size_t>(row.type) != i)
          return false;
        // the bounds are exactly those of a two's-complement or unsigned `bits`-bit integer
        const std::int64_t span = std::int64_t{1} << (row.bits - (row.is_signed ? 1 : 0));
        if (row.is_signed ? (row.min != -span || row.max != span - 1)
                          : (row.min != 0 || row.max != span - 1))
          return false;
      }
      return true;
    }(),
    "quant_dtype_table rows must be in enum order and hold each dtype's two's-complement bounds");
static_assert(stores<std::int8_t>(quant_dtype::int4) && stores<std::uint8_t>(quant_dtype::uint4) &&
                  stores<std::int32_t>(quant_dtype::int32) &&
                  !stores<std::int8_t>(quant_dtype::uint8),
              "the sub-byte types live in a byte of their own signedness");

}  // namespace qlower::quant
