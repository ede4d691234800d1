// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace qlower {

/// The element type of a tensor, named as PyTorch names it without `torch.`.
///
/// The list is graph-format.md's plus float64, which the Ethos-U55 and Vulkan
/// rule sets ban or accept by name, so a graph must be able to carry it.
enum class dtype : std::uint8_t {
  bool_,
  uint8,
  int8,
  int16,
  int32,
  int64,
  float16,
  bfloat16,
  float32,
  float64,
};

/// The closed range of values an integer dtype holds.
struct integer_range {
  std::int64_t min;
  std::int64_t max;

  constexpr bool contains(std::int64_t value) const noexcept {
    return min <= value && value <= max;
  }
  friend constexpr bool operator==(integer_range, integer_range) = default;
};

/// Everything qlower knows of a dtype, in one row per dtype.
struct dtype_info {
  dtype type;
  std::string_view name;
  std::size_t size_bytes;
  bool is_floating_point;
  bool is_signed;
  /// Empty for floating-point dtypes.
  std::optional<integer_range> range;
};

namespace detail {
inline constexpr std::array<dtype_info, 10> dtype_table{{
    {dtype::bool_, "bool", 1, false, false, integer_range{0, 1}},
    {dtype::uint8, "uint8", 1, false, false, integer_range{0, 255}},
    {dtype::int8, "int8", 1, false, true, integer_range{-128, 127}},
    {dtype::int16, "int16", 2, false, true, integer_range{-32768, 32767}},
    {dtype::int32, "int32", 4, false, true, integer_range{-2147483648LL, 2147483647LL}},
    {dtype::int64, "int64", 8, false, true,
     integer_range{-9223372036854775807LL - 1, 9223372036854775807LL}},
    {dtype::float16, "float16", 2, true, true, std::nullopt},
    {dtype::bfloat16, "bfloat16", 2, true, true, std::nullopt},
    {dtype::float32, "float32", 4, true, true, std::nullopt},
    {dtype::float64, "float64", 8, true, true, std::nullopt},
}};
}  // namespace detail

/// Every dtype, in declaration order.
inline constexpr std::array<dtype, detail::dtype_table.size()> all_dtypes = [] {
  std::array<dtype, detail::dtype_table.size()> result{};
  for (std::size_t i = 0; i < result.size(); ++i)
    result[i] = detail::dtype_table[i].type;
  return result;
}();

constexpr const dtype_info& info(dtype type) noexcept {
  return detail::dtype_table[static_cast<std::size_t>(type)];
}

constexpr std::string_view to_string(dtype type) noexcept {
  return info(type).name;
}
constexpr std::size_t size_bytes(dtype type) noexcept {
  return info(type).size_bytes;
}
constexpr bool is_floating_point(dtype type) noexcept {
  return info(type).is_floating_point;
}
constexpr bool is_integral(dtype type) noexcept {
  return !info(type).is_floating_point;
}
constexpr bool is_signed(dtype type) noexcept {
  return info(type).is_signed;
}

/// The value range of an integer dtype (bool counts as {0, 1}); empty for floats.
constexpr std::optional<integer_range> range_of(dtype type) noexcept {
  return info(type).range;
}

/// The dtype PyTorch calls `name` ("float32", not "torch.float32"), if any.
constexpr std::optional<dtype> dtype_from_name(std::string_view name) noexcept {
  for (const dtype_info& row : detail::dtype_table) {
    if (row.name == name)
      return row.type;
  }
  return std::nullopt;
}

//===--- Table verification ---===//

static_assert(
    [] {
      for (std::size_t i = 0; i < detail::dtype_table.size(); ++i) {
        if (static_cast<std::size_t>(detail::dtype_table[i].type) != i)
          return false;
      }
      return true;
    }(),
    "dtype_table rows must be in enum order: info() indexes it by the enum value");
static_assert(
    [] {
      for (const dtype_info& row : detail::dtype_table) {
        if (row.is_floating_point == row.range.has_value())
          return false;
      }
      return true;
    }(),
    "exactly the integer dtypes have a value range");

}  // namespace qlower
