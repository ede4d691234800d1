// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "qlower/core/error.hpp"

/// The storage types and memory layouts of a GPU tensor (ExecuTorch's Vulkan
/// VkStorageType and VkMemoryLayout, with their enum values), the packed-dim
/// information of each layout and the texture extents a shape needs.

namespace qlower::repset {

/// Where a tensor lives; values as ExecuTorch serialises them.
enum class storage_type : std::uint8_t {
  buffer = 0,
  texture_3d = 1,
  texture_2d = 2,
  default_storage = 255,  ///< the placeholder of weights and non-tensors
};

/// How a tensor's elements are ordered in its storage; values as ExecuTorch
/// serialises them (7 is unused).
enum class memory_layout : std::uint8_t {
  width_packed = 0,
  height_packed = 1,
  channels_packed = 2,
  packed_int8_4w4c = 3,
  packed_int8_4h4w = 4,
  packed_int8_4w = 5,
  packed_int8_4c = 6,
  packed_int8_4c1w = 8,
  packed_int8_conv2d = 9,
  default_layout = 255,  ///< the placeholder of weights and non-tensors
};

constexpr std::string_view to_string(storage_type storage) noexcept {
  switch (storage) {
    case storage_type::buffer:
      return "BUFFER";
    case storage_type::texture_3d:
      return "TEXTURE_3D";
    case storage_type::texture_2d:
      return "TEXTURE_2D";
    case storage_type::default_storage:
      return "DEFAULT_STORAGE";
  }
  return "?";
}

constexpr std::string_view to_string(memory_layout layout) noexcept {
  switch (layout) {
    case memory_layout::width_packed:
      return "TENSOR_WIDTH_PACKED";
    case memory_layout::height_packed:
      return "TENSOR_HEIGHT_PACKED";
    case memory_layout::channels_packed:
      return "TENSOR_CHANNELS_PACKED";
    case memory_layout::packed_int8_4w4c:
      return "PACKED_INT8_4W4C";
    case memory_layout::packed_int8_4h4w:
      return "PACKED_INT8_4H4W";
    case memory_layout::packed_int8_4w:
      return "PACKED_INT8_4W";
    case memory_layout::packed_int8_4c:
      return "PACKED_INT8_4C";
    case memory_layout::packed_int8_4c1w:
      return "PACKED_INT8_4C1W";
    case memory_layout::packed_int8_conv2d:
      return "PACKED_INT8_CONV2D";
    case memory_layout::default_layout:
      return "DEFAULT_LAYOUT";
  }
  return "?";
}

/// The largest layout value a layout_set holds.
inline constexpr unsigned max_layout_value = 9;

/// Whether `layout` is one of the concrete layouts (not the placeholder, not the unused 7).
constexpr bool is_concrete(memory_layout layout) noexcept {
  const auto value = static_cast<unsigned>(layout);
  return value <= max_layout_value && value != 7;
}

/// Whether `layout` packs int8 values four to a 32-bit word.
constexpr bool is_quantized(memory_layout layout) noexcept {
  return is_concrete(layout) && static_cast<unsigned>(layout) >= 3;
}

/// A set of memory layouts as a bitmask over their enum values, iterated in
/// the order CPython iterates a set of the same IntEnum values, because
/// ExecuTorch picks "the first element" of such a set.
class layout_set {
 public:
  constexpr layout_set() = default;
  constexpr layout_set(std::initializer_list<memory_layout> layouts) {
    for (memory_layout layout : layouts)
      bits_ = static_cast<std::uint16_t>(bits_ | bit(layout));
  }
  /// The set whose bitmask is `bits`, keeping only concrete layouts.
  static constexpr layout_set from_bits(std::uint16_t bits) noexcept {
    layout_set set;
    set.bits_ = static_cast<std::uint16_t>(bits & concrete_mask);
    return set;
  }

  constexpr std::uint16_t bits() const noexcept { return bits_; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr std::size_t size() const noexcept {
    return static_cast<std::size_t>(std::popcount(bits_));
  }
  constexpr bool contains(memory_layout layout) const noexcept {
    return is_concrete(layout) && (bits_ & bit(layout)) != 0;
  }

  friend constexpr layout_set operator&(layout_set a, layout_set b) noexcept {
    return from_bits(static_cast<std::uint16_t>(a.bits_ & b.bits_));
  }
  friend constexpr layout_set operator|(layout_set a, layout_set b) noexcept {
    return from_bits(static_cast<std::uint16_t>(a.bits_ | b.bits_));
  }
  /// Subset.
  friend constexpr bool operator<=(layout_set a, layout_set b) noexcept {
    return (a.bits_ & ~b.bits_) == 0;
  }
  friend constexpr bool operator==(layout_set, layout_set) = default;

  /// The layouts in CPython's iteration order for a set built by inserting
  /// them in ascending order: a set of at most 4 ints lives in an 8-slot table
  /// (slot = value mod 8, probing i -> 5i + 1 mod 8 on a collision, so the
  /// smaller value keeps the slot); a larger one in a 32-slot table, which
  /// holds every layout value at its own slot, so ascending.
  constexpr std::array<memory_layout, 10> iteration_order(std::size_t& count) const noexcept {
    std::array<memory_layout, 10> order{};
    count = 0;
    if (size() > 4) {
      for (unsigned value = 0; value <= max_layout_value; ++value) {
        if ((bits_ >> value) & 1U)
          order[count++] = static_cast<memory_layout>(value);
      }
      return order;
    }
    std::array<int, 8> slots{-1, -1, -1, -1, -1, -1, -1, -1};
    for (unsigned value = 0; value <= max_layout_value; ++value) {
      if (((bits_ >> value) & 1U) == 0)
        continue;
      // CPython's perturbation is hash >> 5, which is 0 for every layout value.
      unsigned slot = value % 8;
      while (slots[slot] != -1)
        slot = (5 * slot + 1) % 8;
      slots[slot] = static_cast<int>(value);
    }
    for (int value : slots) {
      if (value != -1)
        order[count++] = static_cast<memory_layout>(value);
    }
    return order;
  }

  /// The first layout in iteration order; empty for the empty set.
  constexpr std::optional<memory_layout> first() const noexcept {
    std::size_t count = 0;
    const auto order = iteration_order(count);
    if (count == 0)
      return std::nullopt;
    return order[0];
  }

  /// "{TENSOR_WIDTH_PACKED, PACKED_INT8_4W4C}" in iteration order.
  std::string to_string() const {
    std::size_t count = 0;
    const auto order = iteration_order(count);
    std::string text = "{";
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0)
        text += ", ";
      text += qlower::repset::to_string(order[i]);
    }
    return text + "}";
  }

 private:
  static constexpr std::uint16_t concrete_mask = 0b11'0111'1111;
  static constexpr std::uint16_t bit(memory_layout layout) noexcept {
    return is_concrete(layout) ? static_cast<std::uint16_t>(1U << static_cast<unsigned>(layout))
                               : 0;
  }
  std::uint16_t bits_ = 0;
};

/// The float layouts: {W, H, C} (`all_memory_layouts`).
inline constexpr layout_set float_layouts{memory_layout::width_packed, memory_layout::height_packed,
                                          memory_layout::channels_packed};
/// The quantized layouts a repset may hold (`all_quantized_memory_layouts`);
/// PACKED_INT8_4C is not among them, as in ExecuTorch.
inline constexpr layout_set quantized_layouts{
    memory_layout::packed_int8_4w4c, memory_layout::packed_int8_4h4w, memory_layout::packed_int8_4w,
    memory_layout::packed_int8_4c1w, memory_layout::packed_int8_conv2d};
/// Every layout a repset may hold (`universal_memory_layout_set`).
inline constexpr layout_set all_layouts = float_layouts | quantized_layouts;

/// A (storage, layout) pair: how one tensor is represented.
struct tensor_repr {
  storage_type storage = storage_type::default_storage;
  memory_layout layout = memory_layout::default_layout;

  /// Whether this is the placeholder of weights and non-tensors.
  constexpr bool is_placeholder() const noexcept {
    return storage == storage_type::default_storage;
  }
  /// "TEXTURE_3D/TENSOR_CHANNELS_PACKED"
  std::string to_string() const {
    return std::string(repset::to_string(storage)) + "/" + std::string(repset::to_string(layout));
  }
  friend constexpr bool operator==(tensor_repr, tensor_repr) = default;
};

/// The dim a layout packs (WHCN order: 0 = W, 1 = H, 2 = C) and the block of
/// elements per texel or word along it.
struct packed_dim_info {
  std::uint8_t packed_dim = 0;
  std::uint8_t block = 1;

  friend constexpr bool operator==(packed_dim_info, packed_dim_info) = default;
};

/// The packed-dim info of `layout` stored as `storage` (buffer, or texture for
/// anything else). PACKED_INT8_4C, which ExecuTorch leaves out of its table,
/// packs channels in blocks of 4 as its name says.
constexpr packed_dim_info packed_dim_info_of(memory_layout layout, storage_type storage) noexcept {
  const bool texture = storage != storage_type::buffer;
  switch (layout) {
    case memory_layout::width_packed:
      return {0, static_cast<std::uint8_t>(texture ? 4 : 1)};
    case memory_layout::height_packed:
      return {1, static_cast<std::uint8_t>(texture ? 4 : 1)};
    case memory_layout::channels_packed:
      return {2, static_cast<std::uint8_t>(texture ? 4 : 1)};
    case memory_layout::packed_int8_4w:
    case memory_layout::packed_int8_4h4w:
      return {0, 4};
    case memory_layout::packed_int8_4w4c:
    case memory_layout::packed_int8_4c:
    case memory_layout::packed_int8_conv2d:
      return {2, 4};
    case memory_layout::packed_int8_4c1w:
      return {2, static_cast<std::uint8_t>(texture ? 16 : 4)};
    case memory_layout::default_layout:
      break;
  }
  return {0, 0};
}

/// A set of packed-dim infos, as a bitmask of the 9 (dim, block) pairs.
class pdi_set {
 public:
  constexpr pdi_set() = default;
  constexpr void insert(packed_dim_info info) noexcept {
    bits_ = static_cast<std::uint16_t>(bits_ | (1U << index(info)));
  }
  constexpr bool contains(packed_dim_info info) const noexcept {
    return (bits_ >> index(info)) & 1U;
  }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  friend constexpr bool operator<=(pdi_set a, pdi_set b) noexcept {
    return (a.bits_ & ~b.bits_) == 0;
  }
  friend constexpr bool operator==(pdi_set, pdi_set) = default;

 private:
  static constexpr unsigned index(packed_dim_info info) noexcept {
    const unsigned block = info.block == 1 ? 0 : info.block == 4 ? 1 : 2;
    return static_cast<unsigned>(info.packed_dim % 3) * 3 + block;
  }
  std::uint16_t bits_ = 0;
};

/// The packed-dim infos of the layouts of `layouts` stored as `storage`.
constexpr pdi_set packed_dim_infos(layout_set layouts, storage_type storage) noexcept {
  pdi_set infos;
  for (unsigned value = 0; value <= max_layout_value; ++value) {
    if ((layouts.bits() >> value) & 1U)
      infos.insert(packed_dim_info_of(static_cast<memory_layout>(value), storage));
  }
  return infos;
}

//===--- Texture and buffer limits ---===//

/// The (W, H, C*N) extents of a 3-D texture.
using image_extents = std::array<std::int64_t, 3>;

/// The largest 3-D texture the GPU supports.
inline constexpr image_extents default_texture_limits{16384, 16384, 2048};
/// The limits of a small GPU.
inline constexpr image_extents small_texture_limits{2048, 2048, 2048};
/// The largest buffer, in elements.
inline constexpr std::int64_t buffer_limit = std::int64_t{128} << 20;

/// Whether `layout` has a texture form (the float layouts, 4W4C, 4H4W and CONV2D).
constexpr bool has_texture_form(memory_layout layout) noexcept {
  switch (layout) {
    case memory_layout::width_packed:
    case memory_layout::height_packed:
    case memory_layout::channels_packed:
    case memory_layout::packed_int8_4w4c:
    case memory_layout::packed_int8_4h4w:
    case memory_layout::packed_int8_conv2d:
      return true;
    default:
      return false;
  }
}

/// The extents of the texture holding a tensor of `sizes` in `layout`: (W, H,
/// C*N) with the packed dims divided by 4, rounding up, and 1 for a missing
/// dim. Throws qlower::error naming the layout when it has no texture form.
/// Saturates at INT64_MAX rather than overflow on untrusted sizes. `Sizes`
/// is any sized random-access range of integers (a span, a vector, a graph's dims).
template <class Sizes>
constexpr image_extents required_image_extents(const Sizes& sizes, memory_layout layout) {
  if (!has_texture_form(layout)) {
    throw error(std::string(to_string(layout)) + " has no texture form");
  }
  const std::size_t rank = sizes.size();
  auto dim_from_end = [&](std::size_t k) {
    return rank >= k ? static_cast<std::int64_t>(sizes[rank - k]) : std::int64_t{1};
  };
  std::int64_t width = dim_from_end(1);
  std::int64_t height = dim_from_end(2);
  std::int64_t channels = dim_from_end(3);
  const std::int64_t batch = rank >= 4 ? static_cast<std::int64_t>(sizes[0]) : 1;
  auto quarter = [](std::int64_t extent) { return extent / 4 + (extent % 4 != 0 ? 1 : 0); };
  switch (layout) {
    case memory_layout::width_packed:
      width = quarter(width);
      break;
    case memory_layout::height_packed:
      height = quarter(height);
      break;
    case memory_layout::channels_packed:
      channels = quarter(channels);
      break;
    case memory_layout::packed_int8_4w4c:
    case memory_layout::packed_int8_conv2d:
      width = quarter(width);
      channels = quarter(channels);
      break;
    case memory_layout::packed_int8_4h4w:
      height = quarter(height);
      width = quarter(width);
      break;
    default:
      break;
  }
  std::int64_t depth = 0;
  if (__builtin_mul_overflow(channels, batch, &depth))
    depth = std::numeric_limits<std::int64_t>::max();
  return {width, height, depth};
}

/// Whether every extent is within its limit.
constexpr bool extents_are_valid(const image_extents& extents,
                                 const image_extents& limits) noexcept {
  return extents[0] <= limits[0] && extents[1] <= limits[1] && extents[2] <= limits[2];
}

}  // namespace qlower::repset
