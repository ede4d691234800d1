// SPDX-License-Identifier: Apache-2.0
#include "qlower/repset/laws.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "qlower/repset/layout.hpp"
#include "qlower/repset/named.hpp"
#include "qlower/repset/repset.hpp"

namespace {

using namespace qlower::repset;

/// The repset of two raw 16-bit masks (non-layout bits are dropped).
repset from_masks(std::uint16_t buffer, std::uint16_t texture) {
  return {layout_set::from_bits(buffer), layout_set::from_bits(texture)};
}

/// A random subset of the universal set: each half's mask restricted to that half of the top.
repset below_universal(std::uint16_t buffer, std::uint16_t texture) {
  return {layout_set::from_bits(
              static_cast<std::uint16_t>(buffer & named::universal.buffer_layouts().bits())),
          layout_set::from_bits(
              static_cast<std::uint16_t>(texture & named::universal.texture_layouts().bits()))};
}

bool is_top_law(std::string_view law) {
  return law == "top is the identity of meet" || law == "top absorbs join";
}

//===--- Models for the checker itself ---===//

/// A correct bounded lattice: the subsets of 8 bits.
struct bits8 {
  unsigned value = 0;
  friend constexpr bits8 operator&(bits8 a, bits8 b) { return {a.value & b.value}; }
  friend constexpr bits8 operator|(bits8 a, bits8 b) { return {a.value | b.value}; }
  friend constexpr bool operator<=(bits8 a, bits8 b) { return (a.value & ~b.value) == 0; }
  friend constexpr bool operator==(bits8, bits8) = default;
};
constexpr bits8 bits8_top{0xff};
constexpr bits8 bits8_bottom{0};

/// Meet clears bit 0: commutative and associative, but a & a loses bit 0.
struct lossy_meet {
  unsigned value = 0;
  friend constexpr lossy_meet operator&(lossy_meet a, lossy_meet b) {
    return {a.value & b.value & ~1U};
  }
  friend constexpr lossy_meet operator|(lossy_meet a, lossy_meet b) { return {a.value | b.value}; }
  friend constexpr bool operator<=(lossy_meet a, lossy_meet b) { return (a.value & ~b.value) == 0; }
  friend constexpr bool operator==(lossy_meet, lossy_meet) = default;
};

/// Meet returns its left operand.
struct left_meet {
  unsigned value = 0;
  friend constexpr left_meet operator&(left_meet a, left_meet) { return a; }
  friend constexpr left_meet operator|(left_meet a, left_meet b) { return {a.value | b.value}; }
  friend constexpr bool operator<=(left_meet a, left_meet b) { return (a.value & ~b.value) == 0; }
  friend constexpr bool operator==(left_meet, left_meet) = default;
};

/// Join is exclusive or: commutative and associative, but a | a is empty.
struct xor_join {
  unsigned value = 0;
  friend constexpr xor_join operator&(xor_join a, xor_join b) { return {a.value & b.value}; }
  friend constexpr xor_join operator|(xor_join a, xor_join b) { return {a.value ^ b.value}; }
  friend constexpr bool operator<=(xor_join a, xor_join b) { return (a.value & ~b.value) == 0; }
  friend constexpr bool operator==(xor_join, xor_join) = default;
};

/// Correct meet and join, but <= is "superset".
struct reversed_order {
  unsigned value = 0;
  friend constexpr reversed_order operator&(reversed_order a, reversed_order b) {
    return {a.value & b.value};
  }
  friend constexpr reversed_order operator|(reversed_order a, reversed_order b) {
    return {a.value | b.value};
  }
  friend constexpr bool operator<=(reversed_order a, reversed_order b) {
    return (b.value & ~a.value) == 0;
  }
  friend constexpr bool operator==(reversed_order, reversed_order) = default;
};

/// Meet with anything at or above the top clears bit 0, which breaks only the top laws
/// for values holding bit 0: `a & top` loses it.
struct bad_top {
  unsigned value = 0;
  friend constexpr bad_top operator&(bad_top a, bad_top b) {
    const unsigned meet = a.value & b.value;
    return {(a.value == 0xff || b.value == 0xff) && a.value != b.value ? meet & ~1U : meet};
  }
  friend constexpr bad_top operator|(bad_top a, bad_top b) { return {a.value | b.value}; }
  friend constexpr bool operator<=(bad_top a, bad_top b) { return (a.value & ~b.value) == 0; }
  friend constexpr bool operator==(bad_top, bad_top) = default;
};

TEST_CASE("lattice laws: random subsets of the universal repset form a bounded lattice",
          "[repset][laws][property]") {
  rc::prop("broken_lattice_law is empty below the universal set",
           [](std::uint16_t a_buffer, std::uint16_t a_texture, std::uint16_t b_buffer,
              std::uint16_t b_texture, std::uint16_t c_buffer, std::uint16_t c_texture) {
             const repset a = below_universal(a_buffer, a_texture);
             const repset b = below_universal(b_buffer, b_texture);
             const repset c = below_universal(c_buffer, c_texture);
             RC_ASSERT(a <= named::universal);
             const auto broken = broken_lattice_law(a, b, c, named::universal, named::none);
             if (broken)
               RC_FAIL(std::string(*broken) + " fails for " + a.to_string() + ", " + b.to_string() +
                       ", " + c.to_string());
             // The top and bottom laws, restated on the values.
             RC_ASSERT((a & named::universal) == a);
             RC_ASSERT((a | named::universal) == named::universal);
             RC_ASSERT((a | named::none) == a);
             RC_ASSERT((a & named::none) == named::none);
           });
}

TEST_CASE("lattice laws: arbitrary repsets keep every law but the top ones",
          "[repset][laws][property]") {
  rc::prop("only the top laws may fail outside the universal set",
           [](std::uint16_t a_buffer, std::uint16_t a_texture, std::uint16_t b_buffer,
              std::uint16_t b_texture, std::uint16_t c_buffer, std::uint16_t c_texture) {
             const repset a = from_masks(a_buffer, a_texture);
             const repset b = from_masks(b_buffer, b_texture);
             const repset c = from_masks(c_buffer, c_texture);
             RC_CLASSIFY(!(a <= named::universal), "a outside the universal set");
             const auto broken = broken_lattice_law(a, b, c, named::universal, named::none);
             if (broken && !is_top_law(*broken))
               RC_FAIL(std::string(*broken) + " fails for " + a.to_string() + ", " + b.to_string() +
                       ", " + c.to_string());
             // Outside the universal set the universal set is not an identity of meet:
             // a quantized texture or PACKED_INT8_4C is lost.
             RC_ASSERT(((a & named::universal) == a) == (a <= named::universal));
           });
}

TEST_CASE("lattice laws: a quantized texture is outside the universal set", "[repset][laws]") {
  const repset quantized_texture({}, {memory_layout::packed_int8_4w4c});
  CHECK(!(quantized_texture <= named::universal));
  CHECK((quantized_texture & named::universal) == named::none);
  const repset packed_4c({memory_layout::packed_int8_4c}, {});
  CHECK(!(packed_4c <= named::universal));
  const auto broken = broken_lattice_law(quantized_texture, named::universal, named::none,
                                         named::universal, named::none);
  CHECK((!broken || is_top_law(*broken)));
}

TEST_CASE("lattice laws: a correct model passes", "[repset][laws]") {
  const bits8 values[] = {{0}, {1}, {2}, {3}, {0x5a}, {0xa5}, {0xf0}, {0xff}};
  for (bits8 a : values) {
    for (bits8 b : values) {
      for (bits8 c : values) {
        const auto broken = broken_lattice_law(a, b, c, bits8_top, bits8_bottom);
        if (broken) {
          INFO(a.value << ", " << b.value << ", " << c.value << ": " << *broken);
          CHECK(!broken);
        }
      }
    }
  }
  static_assert(!broken_lattice_law(bits8{3}, bits8{5}, bits8{6}, bits8_top, bits8_bottom));
  const bits8 all[] = {{0}, {1}, {6}, {0xff}};
  CHECK(!broken_lattice_law_over(bits8{1}, all, bits8_top, bits8_bottom));
}

TEST_CASE("lattice laws: the checker names the law a broken model breaks", "[repset][laws]") {
  CHECK(broken_lattice_law(lossy_meet{1}, lossy_meet{1}, lossy_meet{1}, lossy_meet{0xff},
                           lossy_meet{0}) == std::optional<std::string_view>("meet is idempotent"));
  CHECK(broken_lattice_law(left_meet{1}, left_meet{2}, left_meet{0}, left_meet{0xff},
                           left_meet{0}) == std::optional<std::string_view>("meet is commutative"));
  CHECK(broken_lattice_law(xor_join{1}, xor_join{1}, xor_join{1}, xor_join{0xff}, xor_join{0}) ==
        std::optional<std::string_view>("join is idempotent"));
  CHECK(broken_lattice_law(reversed_order{1}, reversed_order{3}, reversed_order{0},
                           reversed_order{0xff}, reversed_order{0}) ==
        std::optional<std::string_view>("order agrees with meet"));
  // A correct model with a wrong bottom.
  CHECK(broken_lattice_law(bits8{1}, bits8{2}, bits8{4}, bits8_top, bits8{2}) ==
        std::optional<std::string_view>("bottom is the identity of join"));
  // A correct model with a wrong top: a value below it is unaffected, one above is not checked.
  CHECK(!broken_lattice_law(bits8{0x0f}, bits8{1}, bits8{2}, bits8{0x0f}, bits8_bottom));
  CHECK(!broken_lattice_law(bits8{0xf0}, bits8{1}, bits8{2}, bits8{0x0f}, bits8_bottom));
  // A meet that misbehaves only with the top.
  CHECK(broken_lattice_law(bad_top{1}, bad_top{1}, bad_top{1}, bad_top{0xff}, bad_top{0}) ==
        std::optional<std::string_view>("top is the identity of meet"));
  CHECK(!broken_lattice_law(bad_top{2}, bad_top{2}, bad_top{2}, bad_top{0xff}, bad_top{0}));
  // broken_lattice_law_over finds the failing pair.
  const lossy_meet values[] = {{0}, {2}};
  CHECK(!broken_lattice_law_over(lossy_meet{2}, values, lossy_meet{0xff}, lossy_meet{0}));
  CHECK(broken_lattice_law_over(lossy_meet{3}, values, lossy_meet{0xff}, lossy_meet{0}) ==
        std::optional<std::string_view>("meet is idempotent"));
}

}  // namespace
