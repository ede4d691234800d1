// SPDX-License-Identifier: Apache-2.0
#include "qlower/repset/named.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/repset/laws.hpp"
#include "qlower/repset/layout.hpp"
#include "qlower/repset/repset.hpp"

// The table of 3.3 in the Vulkan spec, written out here independently of
// named.hpp and compared with it.

/// CHECKs two values equal, showing both through to_string() on a failure.
#define CHECK_SAME(actual, expected)                                                        \
  do {                                                                                      \
    INFO("actual:   " << (actual).to_string() << "\nexpected: " << (expected).to_string()); \
    CHECK((actual) == (expected));                                                          \
  } while (false)

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

struct expected_entry {
  std::string_view name;
  layout_set buffer;
  layout_set texture;
};

/// vulkan.md 3.3, row by row.
const std::vector<expected_entry>& spec_table() {
  static const std::vector<expected_entry> table{
      {"CONTIGUOUS_ANY", {W}, {W}},
      {"CONTIGUOUS_BUFFER", {W}, {}},
      {"WIDTH_PACKED_TEXTURE", {}, {W}},
      {"HEIGHT_PACKED_TEXTURE", {}, {H}},
      {"CHANNELS_PACKED_TEXTURE", {}, {C}},
      {"CHANNELS_PACKED_ANY", {C}, {C}},
      {"CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER", {W}, {C}},
      {"ANY_TEXTURE", {}, {W, H, C}},
      {"ANY_BUFFER", {W, H, C}, {}},
      {"ANY_STORAGE", {W, H, C}, {W, H, C}},
      {"PACKED_INT8_BUFFER", {I4W4C, I4H4W, I4W, I4C1W, ICONV}, {}},
      {"PACKED_INT8_4W4C_BUFFER", {I4W4C}, {}},
      {"PACKED_INT8_4H4W_BUFFER", {I4H4W}, {}},
      {"PACKED_INT8_4W_BUFFER", {I4W}, {}},
      {"PACKED_INT8_4C1W_BUFFER", {I4C1W}, {}},
      {"PACKED_INT8_CONV2D_BUFFER", {ICONV}, {}},
      {"PACKED_INT8_CHANNELS_PACKED_BUFFER", {I4W4C, I4C1W, ICONV}, {}},
      {"NO_STORAGE", {}, {}},
      {"ANY_STORAGE_INCL_PACKED_INT8", {W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}, {W, H, C}},
  };
  return table;
}

const named::named_repset* find(std::string_view name) {
  for (const named::named_repset& entry : named::all) {
    if (entry.name == name)
      return &entry;
  }
  return nullptr;
}

TEST_CASE("named repsets: the 19 sets of the table, by name and value", "[repset][named]") {
  REQUIRE(spec_table().size() == 19);
  CHECK(named::all.size() == 19);
  for (const expected_entry& row : spec_table()) {
    INFO(row.name);
    const named::named_repset* entry = find(row.name);
    REQUIRE(entry != nullptr);
    CHECK_SAME(entry->value.buffer_layouts(), row.buffer);
    CHECK_SAME(entry->value.texture_layouts(), row.texture);
  }
  // ... and nothing else.
  std::set<std::string_view> names;
  for (const named::named_repset& entry : named::all) {
    INFO(entry.name);
    names.insert(entry.name);
    bool in_table = false;
    for (const expected_entry& row : spec_table())
      in_table = in_table || row.name == entry.name;
    CHECK(in_table);
  }
  CHECK(names.size() == 19);
  CHECK(find("ALL_STORAGES_REPSET") == nullptr);
}

TEST_CASE("named repsets: the constants are the table's sets", "[repset][named]") {
  CHECK_SAME(named::universal, find("ANY_STORAGE_INCL_PACKED_INT8")->value);
  CHECK_SAME(named::none, find("NO_STORAGE")->value);
  CHECK_SAME(named::any_float_storage, find("ANY_STORAGE")->value);
  CHECK_SAME(named::any_float_texture, find("ANY_TEXTURE")->value);
  CHECK_SAME(named::any_float_buffer, find("ANY_BUFFER")->value);
  CHECK_SAME(named::contiguous_any, find("CONTIGUOUS_ANY")->value);
  CHECK_SAME(named::contiguous_buffer, find("CONTIGUOUS_BUFFER")->value);
  CHECK_SAME(named::width_packed_texture, find("WIDTH_PACKED_TEXTURE")->value);
  CHECK_SAME(named::height_packed_texture, find("HEIGHT_PACKED_TEXTURE")->value);
  CHECK_SAME(named::channels_packed_texture, find("CHANNELS_PACKED_TEXTURE")->value);
  CHECK_SAME(named::channels_packed_any, find("CHANNELS_PACKED_ANY")->value);
  CHECK_SAME(named::channels_packed_texture_or_contiguous_buffer,
             find("CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER")->value);
  CHECK_SAME(named::packed_int8_buffer, find("PACKED_INT8_BUFFER")->value);
  CHECK_SAME(named::packed_int8_4w4c_buffer, find("PACKED_INT8_4W4C_BUFFER")->value);
  CHECK_SAME(named::packed_int8_4h4w_buffer, find("PACKED_INT8_4H4W_BUFFER")->value);
  CHECK_SAME(named::packed_int8_4w_buffer, find("PACKED_INT8_4W_BUFFER")->value);
  CHECK_SAME(named::packed_int8_4c1w_buffer, find("PACKED_INT8_4C1W_BUFFER")->value);
  CHECK_SAME(named::packed_int8_conv2d_buffer, find("PACKED_INT8_CONV2D_BUFFER")->value);
  CHECK_SAME(named::packed_int8_channels_packed_buffer,
             find("PACKED_INT8_CHANNELS_PACKED_BUFFER")->value);
}

TEST_CASE("named repsets: the universal set has a float-only texture half", "[repset][named]") {
  CHECK_SAME(named::universal.texture_layouts(), (layout_set{W, H, C}));
  CHECK((named::universal.texture_layouts() & layout_set{I4W4C, I4H4W, I4W, I4C, I4C1W, ICONV})
            .empty());
  CHECK_SAME(named::universal.buffer_layouts(),
             (layout_set{W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}));
  CHECK(!named::universal.buffer_layouts().contains(I4C));
  // No named set holds a quantized texture.
  for (const named::named_repset& entry : named::all) {
    INFO(entry.name);
    CHECK(
        (entry.value.texture_layouts() & layout_set{I4W4C, I4H4W, I4W, I4C, I4C1W, ICONV}).empty());
  }
}

TEST_CASE("named repsets: the universal set is the top, ANY_STORAGE is not", "[repset][named]") {
  for (const named::named_repset& entry : named::all) {
    INFO(entry.name);
    CHECK(entry.value <= named::universal);
    CHECK_SAME(entry.value & named::universal, entry.value);
    CHECK_SAME(entry.value | named::none, entry.value);
    CHECK(named::none <= entry.value);
  }
  CHECK(named::any_float_storage != named::universal);
  CHECK(!(named::packed_int8_buffer <= named::any_float_storage));
  CHECK_SAME(named::packed_int8_buffer & named::any_float_storage, named::none);
}

TEST_CASE("named repsets: name_of gives the table's name, or nothing", "[repset][named]") {
  for (const expected_entry& row : spec_table()) {
    INFO(row.name);
    CHECK(named::name_of(repset(row.buffer, row.texture)) == row.name);
  }
  CHECK(named::name_of(named::universal) == "ANY_STORAGE_INCL_PACKED_INT8");
  CHECK(named::name_of(named::none) == "NO_STORAGE");
  CHECK(named::name_of(repset({H}, {H})).empty());
  CHECK(named::name_of(repset({I4W4C}, {W})).empty());
  CHECK(named::name_of(repset({}, {I4W4C})).empty());
  CHECK(named::name_of(repset({I4C}, {})).empty());
}

TEST_CASE("named repsets: every triple of named sets keeps the lattice laws", "[repset][named]") {
  for (const named::named_repset& a : named::all) {
    for (const named::named_repset& b : named::all) {
      for (const named::named_repset& c : named::all) {
        const auto broken =
            broken_lattice_law(a.value, b.value, c.value, named::universal, named::none);
        if (broken) {
          INFO(a.name << ", " << b.name << ", " << c.name << ": " << *broken);
          CHECK(!broken);
        }
      }
    }
  }
}

}  // namespace
