// SPDX-License-Identifier: Apache-2.0
#include "qlower/repset/layout.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "qlower/core/error.hpp"

// Expected values are read from the Vulkan spec (vulkan.md 3.1, and the
// tie-breaking consequences of 5.1), not from the header.

namespace {

using namespace qlower::repset;

constexpr memory_layout W = memory_layout::width_packed;
constexpr memory_layout H = memory_layout::height_packed;
constexpr memory_layout C = memory_layout::channels_packed;
constexpr memory_layout I4W4C = memory_layout::packed_int8_4w4c;
constexpr memory_layout I4H4W = memory_layout::packed_int8_4h4w;
constexpr memory_layout I4W = memory_layout::packed_int8_4w;
constexpr memory_layout I4C = memory_layout::packed_int8_4c;
constexpr memory_layout I4C1W = memory_layout::packed_int8_4c1w;
constexpr memory_layout ICONV = memory_layout::packed_int8_conv2d;

using sizes = std::vector<std::int64_t>;

/// The layouts of `set` in iteration order.
std::vector<memory_layout> order_of(layout_set set) {
  std::size_t count = 0;
  const auto order = set.iteration_order(count);
  return {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count)};
}

std::vector<memory_layout> layouts(std::initializer_list<memory_layout> list) {
  return list;
}

TEST_CASE("repset layout: storage types and memory layouts keep ExecuTorch's enum values",
          "[repset][layout]") {
  CHECK(static_cast<unsigned>(storage_type::buffer) == 0);
  CHECK(static_cast<unsigned>(storage_type::texture_3d) == 1);
  CHECK(static_cast<unsigned>(storage_type::texture_2d) == 2);
  CHECK(static_cast<unsigned>(storage_type::default_storage) == 255);

  CHECK(static_cast<unsigned>(W) == 0);
  CHECK(static_cast<unsigned>(H) == 1);
  CHECK(static_cast<unsigned>(C) == 2);
  CHECK(static_cast<unsigned>(I4W4C) == 3);
  CHECK(static_cast<unsigned>(I4H4W) == 4);
  CHECK(static_cast<unsigned>(I4W) == 5);
  CHECK(static_cast<unsigned>(I4C) == 6);
  CHECK(static_cast<unsigned>(I4C1W) == 8);
  CHECK(static_cast<unsigned>(ICONV) == 9);
  CHECK(static_cast<unsigned>(memory_layout::default_layout) == 255);
}

TEST_CASE("repset layout: the float, quantized and universal layout sets", "[repset][layout]") {
  CHECK(float_layouts == layout_set{W, H, C});
  CHECK(float_layouts.size() == 3);

  CHECK(quantized_layouts == layout_set{I4W4C, I4H4W, I4W, I4C1W, ICONV});
  CHECK(quantized_layouts.size() == 5);
  CHECK(!quantized_layouts.contains(I4C));  // PACKED_INT8_4C is not in the quantized set
  for (memory_layout layout : {W, H, C})
    CHECK(!quantized_layouts.contains(layout));

  CHECK(all_layouts == (float_layouts | quantized_layouts));
  CHECK(all_layouts == layout_set{W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV});
  CHECK(all_layouts.size() == 8);
  CHECK(!all_layouts.contains(I4C));
  CHECK(!all_layouts.contains(memory_layout::default_layout));
  CHECK((float_layouts & quantized_layouts).empty());
}

TEST_CASE("repset layout: a layout set is a set of values", "[repset][layout]") {
  const layout_set empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK(layout_set{W, W, C} == layout_set{C, W});
  CHECK(layout_set{W, W, C}.size() == 2);
  CHECK((layout_set{W, H} & layout_set{H, C}) == layout_set{H});
  CHECK((layout_set{W, H} | layout_set{H, C}) == layout_set{W, H, C});
  CHECK(layout_set{W} <= layout_set{W, H});
  CHECK(!(layout_set{W, C} <= layout_set{W, H}));
}

TEST_CASE("repset layout: float layouts iterate W, H, C, so ANY_TEXTURE's first is WIDTH_PACKED",
          "[repset][layout][tie_breaking]") {
  CHECK(order_of(layout_set{W, H, C}) == layouts({W, H, C}));
  CHECK(layout_set{W, H, C}.first() == W);
  CHECK(layout_set{H, C}.first() == H);
  CHECK(order_of(layout_set{C, H}) == layouts({H, C}));
  CHECK(layout_set{C}.first() == C);
}

TEST_CASE("repset layout: {4W4C, 4C1W, CONV2D} iterates 4C1W, CONV2D, 4W4C",
          "[repset][layout][tie_breaking]") {
  const layout_set channels_packed_int8{I4W4C, I4C1W, ICONV};
  CHECK(order_of(channels_packed_int8) == layouts({I4C1W, ICONV, I4W4C}));
  CHECK(channels_packed_int8.first() == I4C1W);
  // The order is by value, not by how the set was written.
  CHECK(order_of(layout_set{ICONV, I4W4C, I4C1W}) == layouts({I4C1W, ICONV, I4W4C}));
}

TEST_CASE("repset layout: the 5-element PACKED_INT8_BUFFER iterates ascending",
          "[repset][layout][tie_breaking]") {
  const layout_set all_int8{I4W4C, I4H4W, I4W, I4C1W, ICONV};
  CHECK(order_of(all_int8) == layouts({I4W4C, I4H4W, I4W, I4C1W, ICONV}));
  CHECK(all_int8.first() == I4W4C);
}

TEST_CASE("repset layout: {4W4C, 4H4W, 4W, 4C1W} iterates 4C1W, 4W4C, 4H4W, 4W",
          "[repset][layout][tie_breaking]") {
  const layout_set four{I4W4C, I4H4W, I4W, I4C1W};
  CHECK(order_of(four) == layouts({I4C1W, I4W4C, I4H4W, I4W}));
  CHECK(four.first() == I4C1W);
}

TEST_CASE("repset layout: small sets iterate by value mod 8, larger ones ascending",
          "[repset][layout][tie_breaking]") {
  // Up to 4 elements: slot = value mod 8, so 8 and 9 come before 0..6 unless they collide.
  CHECK(order_of(layout_set{C, I4C1W}) == layouts({I4C1W, C}));
  CHECK(order_of(layout_set{C, ICONV}) == layouts({ICONV, C}));
  CHECK(order_of(layout_set{I4C1W, ICONV}) == layouts({I4C1W, ICONV}));
  CHECK(order_of(layout_set{I4H4W, I4C1W, ICONV}) == layouts({I4C1W, ICONV, I4H4W}));
  // A collision keeps the smaller value first: 0 and 8 share slot 0, 1 and 9 slot 1.
  CHECK(order_of(layout_set{W, I4C1W}) == layouts({W, I4C1W}));
  CHECK(order_of(layout_set{H, ICONV}) == layouts({H, ICONV}));
  CHECK(layout_set{W, I4C1W, ICONV}.first() == W);
  CHECK(layout_set{H, I4C1W}.first() == I4C1W);  // no collision: 8 mod 8 = 0 < 1
  // Collisions whose displaced value lands after another element: CPython 3.11
  // (list({1, 3, 9}) == [1, 3, 9], list({0, 1, 4, 8}) == [0, 1, 4, 8]).
  CHECK(order_of(layout_set{H, I4W4C, ICONV}) == layouts({H, I4W4C, ICONV}));
  CHECK(order_of(layout_set{W, H, I4H4W, I4C1W}) == layouts({W, H, I4H4W, I4C1W}));

  // 5 or more elements: ascending.
  CHECK(order_of(layout_set{W, H, C, I4W4C, I4C1W}) == layouts({W, H, C, I4W4C, I4C1W}));
  CHECK(order_of(layout_set{W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}) ==
        layouts({W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}));
  CHECK(layout_set{W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}.first() == W);

  // The empty set has no first element; a singleton's is its element.
  CHECK(order_of(layout_set{}).empty());
  CHECK(!layout_set{}.first().has_value());
  for (memory_layout layout : {W, H, C, I4W4C, I4H4W, I4W, I4C, I4C1W, ICONV})
    CHECK(layout_set{layout}.first() == layout);
}

TEST_CASE("repset layout: the packed-dim info of each layout as a buffer and as a texture",
          "[repset][layout][pdi]") {
  struct row {
    memory_layout layout;
    unsigned packed_dim;
    unsigned buffer_block;
    unsigned texture_block;
  };
  const row table[] = {
      {W, 0, 1, 4},     {H, 1, 1, 4},     {C, 2, 1, 4},      {I4W, 0, 4, 4},
      {I4W4C, 2, 4, 4}, {I4H4W, 0, 4, 4}, {I4C1W, 2, 4, 16}, {ICONV, 2, 4, 4},
  };
  for (const row& r : table) {
    INFO(to_string(r.layout));
    const packed_dim_info buffer = packed_dim_info_of(r.layout, storage_type::buffer);
    const packed_dim_info texture = packed_dim_info_of(r.layout, storage_type::texture_3d);
    CHECK(static_cast<unsigned>(buffer.packed_dim) == r.packed_dim);
    CHECK(static_cast<unsigned>(buffer.block) == r.buffer_block);
    CHECK(static_cast<unsigned>(texture.packed_dim) == r.packed_dim);
    CHECK(static_cast<unsigned>(texture.block) == r.texture_block);
  }
}

TEST_CASE("repset layout: the limits of textures and buffers", "[repset][layout][extents]") {
  CHECK(default_texture_limits == image_extents{16384, 16384, 2048});
  CHECK(small_texture_limits == image_extents{2048, 2048, 2048});
  CHECK(buffer_limit == 128 * (std::int64_t{1} << 20));
  CHECK(buffer_limit == 134217728);
}

TEST_CASE("repset layout: required extents of a rank-1 tensor", "[repset][layout][extents]") {
  // W = 10; H, C, N are missing, so 1.
  const sizes s{10};
  CHECK(required_image_extents(s, W) == image_extents{3, 1, 1});
  CHECK(required_image_extents(s, H) == image_extents{10, 1, 1});
  CHECK(required_image_extents(s, C) == image_extents{10, 1, 1});
  CHECK(required_image_extents(s, I4W4C) == image_extents{3, 1, 1});
  CHECK(required_image_extents(s, ICONV) == image_extents{3, 1, 1});
  CHECK(required_image_extents(s, I4H4W) == image_extents{3, 1, 1});
}

TEST_CASE("repset layout: required extents of a rank-2 tensor", "[repset][layout][extents]") {
  // H = 5, W = 10.
  const sizes s{5, 10};
  CHECK(required_image_extents(s, W) == image_extents{3, 5, 1});
  CHECK(required_image_extents(s, H) == image_extents{10, 2, 1});
  CHECK(required_image_extents(s, C) == image_extents{10, 5, 1});
  CHECK(required_image_extents(s, I4W4C) == image_extents{3, 5, 1});
  CHECK(required_image_extents(s, ICONV) == image_extents{3, 5, 1});
  CHECK(required_image_extents(s, I4H4W) == image_extents{3, 2, 1});
}

TEST_CASE("repset layout: required extents of a rank-3 tensor", "[repset][layout][extents]") {
  // C = 6, H = 5, W = 10.
  const sizes s{6, 5, 10};
  CHECK(required_image_extents(s, W) == image_extents{3, 5, 6});
  CHECK(required_image_extents(s, H) == image_extents{10, 2, 6});
  CHECK(required_image_extents(s, C) == image_extents{10, 5, 2});
  CHECK(required_image_extents(s, I4W4C) == image_extents{3, 5, 2});
  CHECK(required_image_extents(s, ICONV) == image_extents{3, 5, 2});
  CHECK(required_image_extents(s, I4H4W) == image_extents{3, 2, 6});
}

TEST_CASE("repset layout: required extents of a rank-4 tensor multiply C by N",
          "[repset][layout][extents]") {
  // N = 2, C = 6, H = 5, W = 10.
  const sizes s{2, 6, 5, 10};
  CHECK(required_image_extents(s, W) == image_extents{3, 5, 12});
  CHECK(required_image_extents(s, H) == image_extents{10, 2, 12});
  CHECK(required_image_extents(s, C) == image_extents{10, 5, 4});
  CHECK(required_image_extents(s, I4W4C) == image_extents{3, 5, 4});
  CHECK(required_image_extents(s, ICONV) == image_extents{3, 5, 4});
  CHECK(required_image_extents(s, I4H4W) == image_extents{3, 2, 12});
  // N = sizes[0] for any rank >= 4; C is still sizes[-3].
  CHECK(required_image_extents(sizes{3, 2, 6, 5, 10}, W) == image_extents{3, 5, 18});
}

TEST_CASE("repset layout: the packed dims round up to a multiple of 4",
          "[repset][layout][extents]") {
  CHECK(required_image_extents(sizes{1}, W) == image_extents{1, 1, 1});
  CHECK(required_image_extents(sizes{4}, W) == image_extents{1, 1, 1});
  CHECK(required_image_extents(sizes{5}, W) == image_extents{2, 1, 1});
  CHECK(required_image_extents(sizes{8}, W) == image_extents{2, 1, 1});
  CHECK(required_image_extents(sizes{9}, W) == image_extents{3, 1, 1});
  CHECK(required_image_extents(sizes{8, 8, 8}, C) == image_extents{8, 8, 2});
  CHECK(required_image_extents(sizes{7, 7, 7}, I4W4C) == image_extents{2, 7, 2});
  CHECK(required_image_extents(sizes{7, 7, 7}, I4H4W) == image_extents{2, 2, 7});
  // A rank-0 tensor: every dim is missing.
  CHECK(required_image_extents(sizes{}, W) == image_extents{1, 1, 1});
  CHECK(required_image_extents(sizes{}, C) == image_extents{1, 1, 1});
}

TEST_CASE("repset layout: a layout without a texture form has no extents",
          "[repset][layout][extents]") {
  const sizes s{1, 4, 4, 4};
  CHECK_THROWS_AS(required_image_extents(s, I4W), qlower::error);
  CHECK_THROWS_AS(required_image_extents(s, I4C1W), qlower::error);
  CHECK_THROWS_AS(required_image_extents(s, I4C), qlower::error);
  CHECK_THROWS_AS(required_image_extents(s, memory_layout::default_layout), qlower::error);
  CHECK_NOTHROW(required_image_extents(s, I4W4C));
  CHECK_NOTHROW(required_image_extents(s, I4H4W));
  CHECK_NOTHROW(required_image_extents(s, ICONV));
}

TEST_CASE("repset layout: extents are valid up to and including the limits",
          "[repset][layout][extents]") {
  CHECK(extents_are_valid({1, 1, 1}, default_texture_limits));
  CHECK(extents_are_valid({16384, 16384, 2048}, default_texture_limits));
  CHECK(!extents_are_valid({16385, 1, 1}, default_texture_limits));
  CHECK(!extents_are_valid({1, 16385, 1}, default_texture_limits));
  CHECK(!extents_are_valid({1, 1, 2049}, default_texture_limits));
  CHECK(extents_are_valid({16384, 1, 2048}, default_texture_limits));

  CHECK(extents_are_valid({2048, 2048, 2048}, small_texture_limits));
  CHECK(!extents_are_valid({2049, 1, 1}, small_texture_limits));
  CHECK(!extents_are_valid({1, 2049, 1}, small_texture_limits));
  CHECK(!extents_are_valid({1, 1, 2049}, small_texture_limits));
  CHECK(!extents_are_valid({16384, 16384, 2048}, small_texture_limits));

  // Through the extents: a width-packed row of 65536 needs 16384 texels, one more does not fit.
  CHECK(extents_are_valid(required_image_extents(sizes{1, 65536}, W), default_texture_limits));
  CHECK(!extents_are_valid(required_image_extents(sizes{1, 65537}, W), default_texture_limits));
  CHECK(!extents_are_valid(required_image_extents(sizes{1, 65536}, W), small_texture_limits));
  CHECK(extents_are_valid(required_image_extents(sizes{1, 8192}, W), small_texture_limits));
  // Depth is C * N: 2 x 1024 fits, 3 x 1024 does not.
  CHECK(extents_are_valid(required_image_extents(sizes{2, 1024, 1, 1}, W), default_texture_limits));
  CHECK(
      !extents_are_valid(required_image_extents(sizes{3, 1024, 1, 1}, W), default_texture_limits));
  CHECK(extents_are_valid(required_image_extents(sizes{3, 1024, 1, 1}, C), default_texture_limits));
}

}  // namespace
