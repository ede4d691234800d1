// SPDX-License-Identifier: Apache-2.0
#include "qlower/repset/repset.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/repset/layout.hpp"

// Expected values are read from the Vulkan spec (vulkan.md 3.2, and the Note of
// 3.4), not from the header. Sets are spelled out here rather than taken from
// named.hpp, so this file depends on repset.hpp alone.

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

constexpr tensor_repr buffer(memory_layout layout) {
  return {storage_type::buffer, layout};
}
constexpr tensor_repr texture(memory_layout layout) {
  return {storage_type::texture_3d, layout};
}

const repset none{};
const repset float_any{{W, H, C}, {W, H, C}};
const repset int8_buffer{{I4W4C, I4H4W, I4W, I4C1W, ICONV}, {}};
const repset universal{{W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}, {W, H, C}};

using sizes = std::vector<std::int64_t>;

TEST_CASE("repset: equality compares both halves as sets", "[repset]") {
  CHECK(repset({W}, {C}) == repset({W}, {C}));
  CHECK(repset({W, C}, {H}) == repset({C, W, C}, {H}));
  CHECK(repset({W}, {C}) != repset({C}, {W}));
  CHECK(repset({W}, {}) != repset({}, {W}));
  CHECK(repset({W}, {}) != repset({W}, {W}));
  CHECK(repset() == repset({}, {}));
}

TEST_CASE("repset: a copy is a new set", "[repset]") {
  const repset original({W, H}, {C});
  repset copy = original;
  copy = copy & repset({W}, {});
  CHECK_SAME(copy, repset({W}, {}));
  CHECK_SAME(original, repset({W, H}, {C}));
}

TEST_CASE("repset: is_empty is both halves empty", "[repset]") {
  CHECK(repset().empty());
  CHECK(!repset({W}, {}).empty());
  CHECK(!repset({}, {W}).empty());
  CHECK(!repset({I4C1W}, {}).empty());
}

TEST_CASE("repset: intersection and union go half by half", "[repset]") {
  const repset a({W, H}, {C});
  const repset b({H, C}, {W, C});
  CHECK_SAME(a & b, repset({H}, {C}));
  CHECK_SAME(a | b, repset({W, H, C}, {W, C}));
  // A buffer layout never meets the same layout as a texture.
  CHECK((repset({W}, {}) & repset({}, {W})).empty());
  CHECK_SAME(repset({W}, {}) | repset({}, {W}), repset({W}, {W}));
  CHECK_SAME(int8_buffer & float_any, none);
  CHECK_SAME(a & none, none);
  CHECK_SAME(a | none, a);
}

TEST_CASE("repset: is_compatible looks in the half the storage selects", "[repset]") {
  const repset set({W, I4W4C}, {C});
  CHECK(set.is_compatible(buffer(W)));
  CHECK(set.is_compatible(buffer(I4W4C)));
  CHECK(set.is_compatible(texture(C)));
  CHECK(!set.is_compatible(buffer(C)));
  CHECK(!set.is_compatible(texture(W)));
  CHECK(!set.is_compatible(texture(I4W4C)));
  CHECK(!none.is_compatible(buffer(W)));
  CHECK(!none.is_compatible(texture(W)));
}

TEST_CASE("repset: is_compatible raises for a storage other than BUFFER and TEXTURE_3D",
          "[repset]") {
  const repset set({W}, {W});
  CHECK_THROWS_AS(set.is_compatible({storage_type::texture_2d, W}), qlower::error);
  CHECK_THROWS_AS(set.is_compatible({storage_type::default_storage, W}), qlower::error);
  CHECK_THROWS_AS(set.is_compatible(tensor_repr{}), qlower::error);
  CHECK_THROWS_AS(none.is_compatible({storage_type::texture_2d, W}), qlower::error);
}

TEST_CASE("repset: any_in_common is a non-empty intersection in either half", "[repset]") {
  CHECK(!repset({W}, {}).any_in_common(repset({}, {W})));
  CHECK(repset({W}, {C}).any_in_common(repset({H}, {C})));
  CHECK(repset({W}, {C}).any_in_common(repset({W}, {})));
  CHECK(!repset({W}, {C}).any_in_common(repset({C}, {W})));
  CHECK(!none.any_in_common(universal));
  CHECK(!universal.any_in_common(none));
  CHECK(int8_buffer.any_in_common(universal));
  CHECK(!int8_buffer.any_in_common(float_any));
}

TEST_CASE("repset: texture_is_valid and buffer_is_valid say a half is non-empty", "[repset]") {
  CHECK(repset({}, {W}).texture_is_valid());
  CHECK(!repset({}, {W}).buffer_is_valid());
  CHECK(repset({W}, {}).buffer_is_valid());
  CHECK(!repset({W}, {}).texture_is_valid());
  CHECK(!none.texture_is_valid());
  CHECK(!none.buffer_is_valid());
  CHECK(float_any.texture_is_valid());
  CHECK(float_any.buffer_is_valid());
}

TEST_CASE("repset: the first valid layouts follow Python's set iteration order",
          "[repset][tie_breaking]") {
  CHECK(float_any.first_valid_texture_layout() == W);
  CHECK(float_any.first_valid_buffer_layout() == W);
  CHECK(repset({H, C}, {C, H}).first_valid_texture_layout() == H);
  CHECK(repset({I4W4C, I4C1W, ICONV}, {}).first_valid_buffer_layout() == I4C1W);
  CHECK(int8_buffer.first_valid_buffer_layout() == I4W4C);
  CHECK(repset({I4W4C, I4H4W, I4W, I4C1W}, {}).first_valid_buffer_layout() == I4C1W);
  CHECK(universal.first_valid_buffer_layout() == W);
  CHECK(universal.first_valid_texture_layout() == W);
}

TEST_CASE("repset: make_tensor_repr prefers a texture, then a buffer, else the placeholder",
          "[repset][tie_breaking]") {
  CHECK(float_any.make_tensor_repr() == texture(W));
  CHECK(universal.make_tensor_repr() == texture(W));
  CHECK(repset({W}, {C}).make_tensor_repr() == texture(C));
  CHECK(repset({W, H, C}, {H, C}).make_tensor_repr() == texture(H));
  CHECK(repset({}, {W, H, C}).make_tensor_repr() == texture(W));
  CHECK(repset({C}, {}).make_tensor_repr() == buffer(C));
  CHECK(repset({I4W4C, I4C1W, ICONV}, {}).make_tensor_repr() == buffer(I4C1W));
  CHECK(int8_buffer.make_tensor_repr() == buffer(I4W4C));
  CHECK(repset({I4W4C, I4H4W, I4W, I4C1W}, {}).make_tensor_repr() == buffer(I4C1W));

  const tensor_repr placeholder = none.make_tensor_repr();
  CHECK(placeholder.storage == storage_type::default_storage);
  CHECK(placeholder.layout == memory_layout::default_layout);
  CHECK(static_cast<unsigned>(placeholder.storage) == 255);
  CHECK(static_cast<unsigned>(placeholder.layout) == 255);
  CHECK(placeholder.is_placeholder());
  CHECK(!texture(W).is_placeholder());
}

TEST_CASE("repset: constrained means empty or exactly one representation", "[repset]") {
  CHECK(none.is_constrained());
  CHECK(!none.is_ambiguous());
  CHECK(repset({}, {C}).is_constrained());
  CHECK(repset({W}, {}).is_constrained());
  CHECK(repset({I4C1W}, {}).is_constrained());
  // One texture and one buffer layout are two representations.
  CHECK(repset({W}, {W}).is_ambiguous());
  CHECK(!repset({W}, {W}).is_constrained());
  CHECK(repset({}, {W, H}).is_ambiguous());
  CHECK(repset({W, H}, {}).is_ambiguous());
  CHECK(repset({I4W4C, I4C1W, ICONV}, {}).is_ambiguous());
  CHECK(float_any.is_ambiguous());
  CHECK(universal.is_ambiguous());
}

TEST_CASE("repset: same packed-dim info sets compare the infos, not the layouts", "[repset][pdi]") {
  CHECK(float_any.has_same_packed_dim_info_set(float_any));
  // 4W4C, CONV2D and 4C1W are all (C, 4) as buffers.
  CHECK(repset({I4W4C}, {}).has_same_packed_dim_info_set(repset({ICONV}, {})));
  CHECK(repset({I4W4C}, {}).has_same_packed_dim_info_set(repset({I4C1W}, {})));
  CHECK(repset({I4W4C}, {}).has_same_packed_dim_info_set(repset({I4W4C, I4C1W, ICONV}, {})));
  // 4H4W and 4W are both (W, 4) as buffers.
  CHECK(repset({I4H4W}, {}).has_same_packed_dim_info_set(repset({I4W}, {})));
  // ... but 4C1W is (C, 16) as a texture.
  CHECK(!repset({}, {I4W4C}).has_same_packed_dim_info_set(repset({}, {I4C1W})));
  // A W buffer is (W, 1), a 4W buffer (W, 4).
  CHECK(!repset({W}, {}).has_same_packed_dim_info_set(repset({I4W}, {})));
  // Halves are compared separately: a W texture is (W, 4) like a 4W buffer, yet differs.
  CHECK(!repset({}, {W}).has_same_packed_dim_info_set(repset({I4W}, {})));
  CHECK(!repset({W}, {}).has_same_packed_dim_info_set(repset({}, {W})));
  CHECK(!repset({W, C}, {C}).has_same_packed_dim_info_set(repset({C}, {C})));
  // A fully empty side matches anything.
  CHECK(none.has_same_packed_dim_info_set(float_any));
  CHECK(float_any.has_same_packed_dim_info_set(none));
  CHECK(none.has_same_packed_dim_info_set(none));
  CHECK(int8_buffer.has_same_packed_dim_info_set(none));
}

TEST_CASE("repset: compatible packed-dim info sets are supersets per half", "[repset][pdi]") {
  CHECK(repset({W, C}, {C}).has_compatible_packed_dim_info_set(repset({C}, {C})));
  CHECK(!repset({C}, {C}).has_compatible_packed_dim_info_set(repset({W, C}, {C})));
  CHECK(float_any.has_compatible_packed_dim_info_set(float_any));
  CHECK(repset({I4W4C}, {}).has_compatible_packed_dim_info_set(repset({ICONV, I4C1W}, {})));
  CHECK(!repset({I4W4C}, {}).has_compatible_packed_dim_info_set(repset({I4W}, {})));
  CHECK(int8_buffer.has_compatible_packed_dim_info_set(repset({I4W4C, I4W}, {})));
  CHECK(!repset({}, {C}).has_compatible_packed_dim_info_set(repset({C}, {})));
  CHECK(!repset({C}, {}).has_compatible_packed_dim_info_set(repset({}, {C})));
  CHECK(!repset({}, {I4W4C}).has_compatible_packed_dim_info_set(repset({}, {I4C1W})));
  CHECK(!repset({}, {W}).has_compatible_packed_dim_info_set(repset({I4W}, {})));
  // Other's infos are empty, so any set covers them.
  CHECK(float_any.has_compatible_packed_dim_info_set(none));
  CHECK(none.has_compatible_packed_dim_info_set(none));
}

TEST_CASE("repset: an empty repset's packed-dim infos cover only an empty set's", "[repset][pdi]") {
  // 3.2: "self's PDI sets ⊇ other's, per half", with no exception for an empty
  // self (the "fully empty side matches anything" rule is stated for
  // has_same_packed_dim_info_set only). The empty set's PDI sets are empty.
  CHECK(!none.has_compatible_packed_dim_info_set(repset({}, {C})));
  CHECK(!none.has_compatible_packed_dim_info_set(repset({W}, {})));
  CHECK(!none.has_compatible_packed_dim_info_set(float_any));
}

TEST_CASE("repset: constrain_to_compatible_packed_dim keeps the layouts whose infos other has",
          "[repset][pdi]") {
  // Other fully empty: a copy of self.
  CHECK_SAME(repset({W, H}, {C}).constrain_to_compatible_packed_dim(none), repset({W, H}, {C}));
  CHECK_SAME(universal.constrain_to_compatible_packed_dim(none), universal);
  CHECK_SAME(none.constrain_to_compatible_packed_dim(none), none);

  // A half other leaves empty is emptied.
  CHECK_SAME(repset({W, C}, {W, C}).constrain_to_compatible_packed_dim(repset({}, {C})),
             repset({}, {C}));
  CHECK_SAME(repset({W, C}, {W, C}).constrain_to_compatible_packed_dim(repset({W}, {})),
             repset({W}, {}));
  CHECK_SAME(repset({W}, {}).constrain_to_compatible_packed_dim(repset({}, {W})), none);

  // By packed-dim info, not by layout: the channels-packed int8 buffers share (C, 4).
  CHECK_SAME(int8_buffer.constrain_to_compatible_packed_dim(repset({I4W4C}, {})),
             repset({I4W4C, I4C1W, ICONV}, {}));
  CHECK_SAME(int8_buffer.constrain_to_compatible_packed_dim(repset({ICONV}, {})),
             repset({I4W4C, I4C1W, ICONV}, {}));
  CHECK_SAME(int8_buffer.constrain_to_compatible_packed_dim(repset({I4W}, {})),
             repset({I4H4W, I4W}, {}));
  // Block size matters: a W buffer is (W, 1), a 4W buffer (W, 4); a W texture is (W, 4).
  CHECK_SAME(repset({W, I4W}, {W}).constrain_to_compatible_packed_dim(repset({I4H4W}, {W})),
             repset({I4W}, {W}));
  // 4C1W as a texture is (C, 16), which a channels-packed texture (C, 4) lacks.
  CHECK_SAME(repset({}, {I4W4C, I4C1W}).constrain_to_compatible_packed_dim(repset({}, {C})),
             repset({}, {I4W4C}));
  // The float layouts have one info each per half, so they narrow to the same layouts.
  CHECK_SAME(float_any.constrain_to_compatible_packed_dim(repset({H}, {C})), repset({H}, {C}));
  // Only self's layouts are kept: nothing is added.
  CHECK_SAME(repset({W}, {}).constrain_to_compatible_packed_dim(repset({W, H, C}, {})),
             repset({W}, {}));
}

TEST_CASE("repset: narrowing to TEXTURE/CHANNELS keeps a buffer CHANNELS only with buffer infos",
          "[repset][pdi]") {
  // The Note of 3.4: a synced partner that allows channels-packed in both storages.
  const repset partner({C}, {C});
  CHECK_SAME(partner.constrain_to_compatible_packed_dim(repset({}, {C})), repset({}, {C}));
  CHECK_SAME(partner.constrain_to_compatible_packed_dim(repset({C}, {C})), repset({C}, {C}));
  CHECK_SAME(float_any.constrain_to_compatible_packed_dim(repset({}, {C})), repset({}, {C}));
  CHECK_SAME(float_any.constrain_to_compatible_packed_dim(repset({C}, {C})), repset({C}, {C}));
  // A buffer PDI of any layout is not enough: it must be the buffer (C, 1).
  CHECK_SAME(partner.constrain_to_compatible_packed_dim(repset({W}, {C})), repset({}, {C}));
}

TEST_CASE("repset: of(repr) is the singleton set", "[repset]") {
  CHECK_SAME(repset::of(buffer(W)), repset({W}, {}));
  CHECK_SAME(repset::of(texture(C)), repset({}, {C}));
  CHECK_SAME(repset::of(buffer(I4C1W)), repset({I4C1W}, {}));
  CHECK_SAME(repset::of(buffer(I4C)), repset({I4C}, {}));
  for (const tensor_repr repr : {buffer(W), buffer(H), texture(H), texture(C), buffer(ICONV)}) {
    INFO(repr.to_string());
    const repset singleton = repset::of(repr);
    CHECK(singleton.is_compatible(repr));
    CHECK(singleton.is_constrained());
    CHECK(singleton.make_tensor_repr() == repr);
  }
}

TEST_CASE("repset: of(repr) raises for a storage other than BUFFER and TEXTURE_3D", "[repset]") {
  CHECK_THROWS_AS(repset::of({storage_type::texture_2d, W}), qlower::error);
  CHECK_THROWS_AS(repset::of({storage_type::default_storage, W}), qlower::error);
  CHECK_THROWS_AS(repset::of(tensor_repr{}), qlower::error);
}

TEST_CASE("repset: filter_invalid_reprs keeps only the buffer half above rank 4",
          "[repset][filter]") {
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 1, 1, 4}, float_any, default_texture_limits),
             repset({W, H, C}, {}));
  CHECK_SAME(filter_invalid_reprs(sizes{1, 2, 3, 4, 5, 6}, universal, default_texture_limits),
             repset({W, H, C, I4W4C, I4H4W, I4W, I4C1W, ICONV}, {}));
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 1, 1, 4}, repset({}, {C}), default_texture_limits),
             none);
  // Rank 4 keeps its textures.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 1, 4}, float_any, default_texture_limits), float_any);
}

TEST_CASE("repset: filter_invalid_reprs drops the textures whose extents exceed the limits",
          "[repset][filter]") {
  // Small tensors keep everything.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 8, 16, 16}, universal, default_texture_limits),
             universal);
  // Many channels: W- and H-packed need a depth of 4096 > 2048; C-packed 1024.
  CHECK_SAME(filter_invalid_reprs(sizes{4096, 4, 4}, float_any, default_texture_limits),
             repset({W, H, C}, {C}));
  // A width of 20000: only width-packed divides it, to 5000 <= 16384.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 20000}, float_any, default_texture_limits),
             repset({W, H, C}, {W}));
  // A width of 70000: even width-packed needs 17500 > 16384, so no texture is left.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 70000}, float_any, default_texture_limits),
             repset({W, H, C}, {}));
  // The limits decide: a height of 3000 fits the default limits but only H-packed fits small ones.
  CHECK_SAME(filter_invalid_reprs(sizes{4, 3000, 4}, float_any, default_texture_limits), float_any);
  CHECK_SAME(filter_invalid_reprs(sizes{4, 3000, 4}, float_any, small_texture_limits),
             repset({W, H, C}, {H}));
  // The boundary: extents equal to the limits are valid.
  CHECK_SAME(filter_invalid_reprs(sizes{2048, 2048, 2048}, float_any, small_texture_limits),
             float_any);
  CHECK_SAME(filter_invalid_reprs(sizes{2048, 2048, 8192}, float_any, small_texture_limits),
             repset({W, H, C}, {W}));
  CHECK_SAME(filter_invalid_reprs(sizes{2048, 2048, 8193}, float_any, small_texture_limits),
             repset({W, H, C}, {}));
  CHECK_SAME(filter_invalid_reprs(sizes{8192, 2048, 2048}, float_any, small_texture_limits),
             repset({W, H, C}, {C}));
  CHECK_SAME(filter_invalid_reprs(sizes{8193, 2048, 2048}, float_any, small_texture_limits),
             repset({W, H, C}, {}));
  // The buffer half is not filtered, even above the buffer limit.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 1, 200000000}, int8_buffer, default_texture_limits),
             int8_buffer);
  // Nothing is added: an empty set stays empty.
  CHECK_SAME(filter_invalid_reprs(sizes{1, 4, 4}, none, default_texture_limits), none);
}

TEST_CASE("repset: filter_invalid_reprs raises for a texture layout without a texture form",
          "[repset][filter]") {
  // The extents of PACKED_INT8_4W and 4C1W are an error (3.1), so filtering one is too.
  CHECK_THROWS_AS(filter_invalid_reprs(sizes{4, 4, 4}, repset({}, {I4W}), default_texture_limits),
                  qlower::error);
  CHECK_THROWS_AS(filter_invalid_reprs(sizes{4, 4, 4}, repset({}, {I4C1W}), default_texture_limits),
                  qlower::error);
  // Those with one are filtered like float layouts.
  CHECK_SAME(filter_invalid_reprs(sizes{4, 4, 4}, repset({}, {I4W4C, I4H4W, ICONV}),
                                  default_texture_limits),
             repset({}, {I4W4C, I4H4W, ICONV}));
}

}  // namespace
