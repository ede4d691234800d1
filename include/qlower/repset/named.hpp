// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "qlower/repset/laws.hpp"
#include "qlower/repset/layout.hpp"
#include "qlower/repset/repset.hpp"

/// The named repsets of ExecuTorch's Vulkan backend (utils.py), each with the
/// failure its exclusions prevent or cause. Names follow the house rule: only
/// the top is "universal"; a set of float layouts says "float".

namespace qlower::repset::named {

using enum memory_layout;

/// The top: every float layout in either storage and every packed-int8 layout
/// as a buffer (ANY_STORAGE_INCL_PACKED_INT8). There is no quantized texture.
// without this top, an identity op between two int8 ops forces a copy on both sides (seed 003)
inline constexpr repset universal{all_layouts, float_layouts};
/// The bottom (NO_STORAGE): an op that cannot hold the tensor, or "no constraint
/// registered" in an op's argument list.
inline constexpr repset none{};

/// Any float layout in either storage (ANY_STORAGE); excludes PACKED_INT8, so a
/// compute op registered with it never reads quantized layouts.
inline constexpr repset any_float_storage{float_layouts, float_layouts};
/// Any float layout as a texture (ANY_TEXTURE); excludes buffers.
inline constexpr repset any_float_texture{{}, float_layouts};
/// Any float layout as a buffer (ANY_BUFFER); excludes textures.
inline constexpr repset any_float_buffer{float_layouts, {}};
/// Width-packed in either storage (CONTIGUOUS_ANY); excludes H and C packing.
inline constexpr repset contiguous_any{{width_packed}, {width_packed}};
/// A width-packed buffer (CONTIGUOUS_BUFFER); excludes textures.
inline constexpr repset contiguous_buffer{{width_packed}, {}};
/// A width-packed texture (WIDTH_PACKED_TEXTURE).
inline constexpr repset width_packed_texture{{}, {width_packed}};
/// A height-packed texture (HEIGHT_PACKED_TEXTURE).
inline constexpr repset height_packed_texture{{}, {height_packed}};
/// A channels-packed texture (CHANNELS_PACKED_TEXTURE); what 2-D convolution reads.
inline constexpr repset channels_packed_texture{{}, {channels_packed}};
/// Channels-packed in either storage (CHANNELS_PACKED_ANY).
inline constexpr repset channels_packed_any{{channels_packed}, {channels_packed}};
/// A channels-packed texture or a width-packed buffer
/// (CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER): the float side of Q/DQ.
inline constexpr repset channels_packed_texture_or_contiguous_buffer{{width_packed},
                                                                     {channels_packed}};
/// Every packed-int8 buffer layout (PACKED_INT8_BUFFER); excludes every float layout.
inline constexpr repset packed_int8_buffer{quantized_layouts, {}};
/// PACKED_INT8_4W4C_BUFFER: what a pointwise int8 convolution reads.
inline constexpr repset packed_int8_4w4c_buffer{{packed_int8_4w4c}, {}};
/// PACKED_INT8_4H4W_BUFFER: what an int8 linear reads and writes.
inline constexpr repset packed_int8_4h4w_buffer{{packed_int8_4h4w}, {}};
/// PACKED_INT8_4W_BUFFER: what an int8 GEMV reads and writes.
inline constexpr repset packed_int8_4w_buffer{{packed_int8_4w}, {}};
/// PACKED_INT8_4C1W_BUFFER.
inline constexpr repset packed_int8_4c1w_buffer{{packed_int8_4c1w}, {}};
/// PACKED_INT8_CONV2D_BUFFER: what a general int8 convolution reads.
inline constexpr repset packed_int8_conv2d_buffer{{packed_int8_conv2d}, {}};
/// The channels-packed int8 buffers (PACKED_INT8_CHANNELS_PACKED_BUFFER): what an
/// int8 convolution writes; excludes 4H4W and 4W.
inline constexpr repset packed_int8_channels_packed_buffer{
    {packed_int8_4w4c, packed_int8_4c1w, packed_int8_conv2d}, {}};

/// A named set and its ExecuTorch name.
struct named_repset {
  std::string_view name;
  repset value;
};

/// Every named set, for tests, lint and the law checks below.
inline constexpr std::array<named_repset, 19> all{{
    {"ANY_STORAGE_INCL_PACKED_INT8", universal},
    {"NO_STORAGE", none},
    {"ANY_STORAGE", any_float_storage},
    {"ANY_TEXTURE", any_float_texture},
    {"ANY_BUFFER", any_float_buffer},
    {"CONTIGUOUS_ANY", contiguous_any},
    {"CONTIGUOUS_BUFFER", contiguous_buffer},
    {"WIDTH_PACKED_TEXTURE", width_packed_texture},
    {"HEIGHT_PACKED_TEXTURE", height_packed_texture},
    {"CHANNELS_PACKED_TEXTURE", channels_packed_texture},
    {"CHANNELS_PACKED_ANY", channels_packed_any},
    {"CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER", channels_packed_texture_or_contiguous_buffer},
    {"PACKED_INT8_BUFFER", packed_int8_buffer},
    {"PACKED_INT8_4W4C_BUFFER", packed_int8_4w4c_buffer},
    {"PACKED_INT8_4H4W_BUFFER", packed_int8_4h4w_buffer},
    {"PACKED_INT8_4W_BUFFER", packed_int8_4w_buffer},
    {"PACKED_INT8_4C1W_BUFFER", packed_int8_4c1w_buffer},
    {"PACKED_INT8_CONV2D_BUFFER", packed_int8_conv2d_buffer},
    {"PACKED_INT8_CHANNELS_PACKED_BUFFER", packed_int8_channels_packed_buffer},
}};

/// The ExecuTorch name of `set` if it is a named set, else empty.
constexpr std::string_view name_of(repset set) noexcept {
  for (const named_repset& entry : all) {
    if (entry.value == set)
      return entry.name;
  }
  return {};
}

//===--- Laws over the named sets ---===//

namespace detail {
constexpr std::array<repset, all.size()> values() {
  std::array<repset, all.size()> result{};
  for (std::size_t i = 0; i < all.size(); ++i)
    result[i] = all[i].value;
  return result;
}
}  // namespace detail

static_assert(
    [] {
      for (const named_repset& entry : all) {
        if (!(entry.value.texture_layouts() & quantized_layouts).empty())
          return false;
      }
      return true;
    }(),
    "a named repset holds a quantized layout in its texture half; there is no quantized texture");

static_assert(
    [] {
      for (const named_repset& entry : all) {
        if (!(entry.value <= universal) || (entry.value & universal) != entry.value)
          return false;
      }
      return true;
    }(),
    "the universal repset is not the identity of intersection on every named set");

namespace detail {
// One constant evaluation per first operand: 19 x 19 x 19 triples at once
// exceed the compilers' constexpr step limits.
template <std::size_t I>
inline constexpr bool laws_hold_from =
    !broken_lattice_law_over(all[I].value, values(), universal, none);
template <std::size_t... I>
constexpr bool laws_hold(std::index_sequence<I...>) {
  return (laws_hold_from<I> && ...);
}
}  // namespace detail

static_assert(detail::laws_hold(std::make_index_sequence<all.size()>{}),
              "a lattice law fails over the named repsets (see broken_lattice_law_over)");

}  // namespace qlower::repset::named
