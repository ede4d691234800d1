// SPDX-License-Identifier: Apache-2.0
#include "qlower/repset/op_repsets.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

#include "qlower/repset/layout.hpp"
#include "qlower/repset/named.hpp"
#include "qlower/repset/repset.hpp"

// Expected values are read from the Vulkan spec (vulkan.md 3.4, with the
// propagation rule of 5.1), not from the header. Ops are built directly, with
// identity filters unless a test needs a shape to drop representations.

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
constexpr memory_layout I4C1W = memory_layout::packed_int8_4c1w;
constexpr memory_layout ICONV = memory_layout::packed_int8_conv2d;

constexpr arg_kind T = arg_kind::tensor;
constexpr arg_kind NT = arg_kind::non_tensor;

constexpr tensor_repr buffer(memory_layout layout) {
  return {storage_type::buffer, layout};
}
constexpr tensor_repr texture(memory_layout layout) {
  return {storage_type::texture_3d, layout};
}

// The named sets, spelled out (3.3).
const repset none{};
const repset any_storage{{W, H, C}, {W, H, C}};
const repset any_texture{{}, {W, H, C}};
const repset any_buffer{{W, H, C}, {}};
const repset c_texture{{}, {C}};
const repset c_any{{C}, {C}};
const repset w_texture{{}, {W}};
const repset w_buffer{{W}, {}};
const repset int8_buffer{
    {I4W4C, memory_layout::packed_int8_4h4w, memory_layout::packed_int8_4w, I4C1W, ICONV}, {}};
const repset int8_4w4c{{I4W4C}, {}};
const repset int8_channels{{I4W4C, I4C1W, ICONV}, {}};
const repset universal{
    {W, H, C, I4W4C, memory_layout::packed_int8_4h4w, memory_layout::packed_int8_4w, I4C1W, ICONV},
    {W, H, C}};

constexpr auto identity = [](std::size_t, repset set) { return set; };
constexpr auto buffer_only = [](repset set) { return repset(set.buffer_layouts(), {}); };
constexpr auto texture_only = [](repset set) { return repset({}, set.texture_layouts()); };

/// An op with identity filters and the given kinds of positional args.
op_repsets make(const repset_list& inputs, const repset_list& outputs,
                const std::vector<arg_kind>& kinds, std::size_t output_count = 1) {
  return op_repsets(
      inputs, outputs, kinds.size(), output_count, [&kinds](std::size_t i) { return kinds[i]; },
      identity, identity);
}

//===--- TensorRepSetList ---===//

TEST_CASE("op repsets: a one-element repset list serves every index", "[repset][op_repsets]") {
  const repset_list one{c_texture};
  CHECK(one.size() == 1);
  CHECK_SAME(one[0], c_texture);
  CHECK_SAME(one[1], c_texture);
  CHECK_SAME(one[16], c_texture);
  CHECK_SAME(one[1000], c_texture);
}

TEST_CASE("op repsets: a longer repset list reads empty past its end", "[repset][op_repsets]") {
  const repset_list two{c_texture, any_buffer};
  CHECK(two.size() == 2);
  CHECK_SAME(two[0], c_texture);
  CHECK_SAME(two[1], any_buffer);
  CHECK_SAME(two[2], none);
  CHECK_SAME(two[16], none);
  const repset_list empty;
  CHECK(empty.size() == 0);
  CHECK_SAME(empty[0], none);
  const repset_list listed = repset_list::repeated(c_texture, none, 2);
  CHECK(listed.size() == 3);
  CHECK_SAME(listed[0], c_texture);
  CHECK_SAME(listed[1], none);
  CHECK_SAME(listed[2], none);
  CHECK_SAME(listed[3], none);
}

//===--- Construction ---===//

TEST_CASE("op repsets: args and outputs are synced when registered with at most one set",
          "[repset][op_repsets]") {
  const auto both = make({any_storage}, {any_storage}, {T, T});
  CHECK(both.sync_args());
  CHECK(both.sync_outputs());
  const auto per_arg = make({any_storage, any_texture}, {any_storage}, {T, T});
  CHECK(!per_arg.sync_args());
  CHECK(per_arg.sync_outputs());
  const auto per_output = make({any_storage}, {any_storage, any_buffer}, {T}, 2);
  CHECK(per_output.sync_args());
  CHECK(!per_output.sync_outputs());
  const auto unregistered = make({}, {}, {T});
  CHECK(unregistered.sync_args());
  CHECK(unregistered.sync_outputs());
  CHECK(both.arg_count() == 2);
  CHECK(per_output.output_count() == 2);
}

TEST_CASE("op repsets: the primary arg is the first tensor arg with a non-empty registration",
          "[repset][op_repsets]") {
  CHECK(make({any_storage}, {any_storage}, {T, T}).primary_arg() == std::size_t{0});
  CHECK(make({any_storage}, {any_storage}, {NT, T, T}).primary_arg() == std::size_t{1});
  CHECK(make({none, any_texture, any_buffer}, {any_storage}, {T, T, T}).primary_arg() ==
        std::size_t{1});
  CHECK(make({any_texture, none, any_buffer}, {any_storage}, {NT, T, T}).primary_arg() ==
        std::size_t{2});
  // No tensor arg, or none registered: no primary, so no primary sync.
  const auto scalars = make({any_storage}, {any_storage}, {NT, NT});
  CHECK(!scalars.primary_arg().has_value());
  CHECK(!scalars.sync_primary_io());
  const auto unregistered = make({none}, {none}, {T, T});
  CHECK(!unregistered.primary_arg().has_value());
  CHECK(!unregistered.sync_primary_io());
  // Past the end of a longer list the registration is empty.
  CHECK(!make({none, none}, {any_storage}, {T, T, T}).primary_arg().has_value());
}

TEST_CASE("op repsets: primary io is synced only when the registered sets are equal",
          "[repset][op_repsets]") {
  CHECK(make({any_storage}, {any_storage}, {T}).sync_primary_io());
  CHECK(!make({any_storage}, {any_texture}, {T}).sync_primary_io());
  // Set equality, not identity.
  CHECK(make({repset({C, W, H}, {H, W, C})}, {named::any_float_storage}, {T}).sync_primary_io());
  // The primary's registration counts, not another arg's.
  CHECK(make({any_texture, any_buffer}, {any_texture}, {T, T}).sync_primary_io());
  CHECK(!make({any_texture, any_buffer}, {any_buffer}, {T, T}).sync_primary_io());
  CHECK(make({any_texture, any_buffer}, {any_buffer}, {NT, T}).sync_primary_io());
  // Out[0] counts, not another output.
  CHECK(make({any_storage}, {any_storage, any_texture}, {T}, 2).sync_primary_io());
  CHECK(!make({any_storage}, {any_texture, any_storage}, {T}, 2).sync_primary_io());
  // The registrations are compared, not the filtered sets.
  const op_repsets filtered(
      {any_storage}, {any_storage}, 1, 1, [](std::size_t) { return T; },
      [](std::size_t, repset set) { return buffer_only(set); }, identity);
  CHECK(filtered.sync_primary_io());
}

TEST_CASE("op repsets: non-tensor and NO_STORAGE args take the universal set, unfiltered",
          "[repset][op_repsets]") {
  std::vector<std::size_t> filtered;
  const std::vector<arg_kind> kinds{T, NT, T};
  const op_repsets op(
      {any_texture, any_texture, none}, {any_buffer}, kinds.size(), 1,
      [&kinds](std::size_t i) { return kinds[i]; },
      [&filtered](std::size_t i, repset set) {
        filtered.push_back(i);
        return set;
      },
      identity);
  CHECK(!op.sync_args());
  CHECK_SAME(op.arg(0), any_texture);
  CHECK_SAME(op.arg(1), universal);
  CHECK_SAME(op.arg(2), universal);
  CHECK(filtered == std::vector<std::size_t>{0});
  CHECK(!op.any_is_empty());
}

TEST_CASE("op repsets: synced args all take the common set, non-tensor positions included",
          "[repset][op_repsets]") {
  std::vector<std::size_t> filtered;
  const std::vector<arg_kind> kinds{T, NT};
  const op_repsets op(
      {c_texture}, {any_storage}, kinds.size(), 1, [&kinds](std::size_t i) { return kinds[i]; },
      [&filtered](std::size_t i, repset set) {
        filtered.push_back(i);
        return set;
      },
      identity);
  CHECK(!op.sync_primary_io());
  CHECK_SAME(op.arg(0), c_texture);
  CHECK_SAME(op.arg(1), c_texture);
  CHECK(filtered == std::vector<std::size_t>{0});
  CHECK_SAME(op.output(0), any_storage);

  // A NO_STORAGE registration for all args leaves every arg universal.
  const auto unregistered = make({none}, {any_storage}, {T, T});
  CHECK_SAME(unregistered.arg(0), universal);
  CHECK_SAME(unregistered.arg(1), universal);
}

TEST_CASE("op repsets: synced args take the intersection of the filtered tensor args",
          "[repset][op_repsets]") {
  // Arg 1 is above rank 4 (no texture); arg 2 is too deep for any texture but C-packed.
  const std::vector<arg_kind> kinds{T, T, T};
  const op_repsets op(
      {any_storage}, {any_texture}, kinds.size(), 1, [&kinds](std::size_t i) { return kinds[i]; },
      [](std::size_t i, repset set) {
        if (i == 1)
          return buffer_only(set);
        if (i == 2)
          return set & repset({W, H, C}, {C});
        return set;
      },
      identity);
  CHECK(!op.sync_primary_io());
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("arg " << i);
    CHECK_SAME(op.arg(i), any_buffer);
  }
  CHECK_SAME(op.output(0), any_texture);
}

TEST_CASE("op repsets: primary sync gives the primary and out[0] the intersection of both",
          "[repset][op_repsets]") {
  SECTION("args and outputs synced") {
    const op_repsets op(
        {any_storage}, {any_storage}, 2, 1, [](std::size_t) { return T; },
        [](std::size_t i, repset set) { return i == 1 ? buffer_only(set) : set; },
        [](std::size_t, repset set) {
          return set & repset({W, C}, {W, C});
        });
    CHECK(op.sync_primary_io());
    CHECK_SAME(op.arg(0), repset({W, C}, {}));
    CHECK_SAME(op.arg(1), repset({W, C}, {}));
    CHECK_SAME(op.output(0), repset({W, C}, {}));
  }
  SECTION("args registered one by one") {
    const op_repsets op(
        {any_storage, any_texture}, {any_storage}, 2, 1, [](std::size_t) { return T; },
        [](std::size_t i, repset set) {
          return i == 0 ? set & repset({W, H, C}, {H, C}) : set;
        },
        [](std::size_t, repset set) { return texture_only(set); });
    CHECK(op.sync_primary_io());
    CHECK_SAME(op.arg(0), repset({}, {H, C}));
    CHECK_SAME(op.output(0), repset({}, {H, C}));
    CHECK_SAME(op.arg(1), any_texture);
  }
  SECTION("outputs registered one by one") {
    const op_repsets op(
        {any_storage}, {any_storage, any_buffer}, 1, 2, [](std::size_t) { return T; },
        [](std::size_t, repset set) { return texture_only(set); }, identity);
    CHECK(op.sync_primary_io());
    CHECK(!op.sync_outputs());
    CHECK_SAME(op.arg(0), any_texture);
    CHECK_SAME(op.output(0), any_texture);
    CHECK_SAME(op.output(1), any_buffer);
  }
  SECTION("several outputs synced: their intersection") {
    const op_repsets op(
        {any_storage}, {any_storage}, 1, 2, [](std::size_t) { return T; }, identity,
        [](std::size_t k, repset set) { return k == 1 ? buffer_only(set) : set; });
    CHECK(op.sync_primary_io());
    CHECK_SAME(op.output(0), any_buffer);
    CHECK_SAME(op.output(1), any_buffer);
    CHECK_SAME(op.arg(0), any_buffer);
  }
  SECTION("no primary sync: the args do not reach the outputs") {
    const op_repsets op(
        {any_storage}, {any_texture}, 1, 1, [](std::size_t) { return T; },
        [](std::size_t, repset set) { return buffer_only(set); }, identity);
    CHECK(!op.sync_primary_io());
    CHECK_SAME(op.arg(0), any_buffer);
    CHECK_SAME(op.output(0), any_texture);
    CHECK(!op.any_is_empty());
  }
}

TEST_CASE("op repsets: any_is_empty is an empty arg or output set", "[repset][op_repsets]") {
  CHECK(!make({any_storage}, {any_storage}, {T, T}).any_is_empty());
  CHECK(!make({none}, {any_storage}, {T, NT}).any_is_empty());
  // An unsynced arg the shape cannot hold.
  const op_repsets arg_empty(
      {any_storage, any_texture}, {any_buffer}, 2, 1, [](std::size_t) { return T; },
      [](std::size_t i, repset set) { return i == 1 ? buffer_only(set) : set; }, identity);
  CHECK_SAME(arg_empty.arg(1), none);
  CHECK(arg_empty.any_is_empty());
  // An output the shape cannot hold.
  const op_repsets output_empty(
      {any_storage}, {any_texture}, 1, 1, [](std::size_t) { return T; }, identity,
      [](std::size_t, repset set) { return buffer_only(set); });
  CHECK(output_empty.any_is_empty());
  // A primary sync that leaves nothing.
  const op_repsets sync_empty(
      {any_storage}, {any_storage}, 1, 1, [](std::size_t) { return T; },
      [](std::size_t, repset set) { return buffer_only(set); },
      [](std::size_t, repset set) { return texture_only(set); });
  CHECK_SAME(sync_empty.arg(0), none);
  CHECK_SAME(sync_empty.output(0), none);
  CHECK(sync_empty.any_is_empty());
}

//===--- try_constrain_with_arg_repset ---===//

TEST_CASE("op repsets: an arg is not narrowed by an equal or disjoint source",
          "[repset][op_repsets][constrain]") {
  auto op = make({any_storage}, {any_storage}, {T, T});
  CHECK(!op.try_constrain_with_arg_repset(0, any_storage));
  CHECK(!op.try_constrain_with_arg_repset(0, int8_buffer));
  CHECK(!op.try_constrain_with_arg_repset(1, none));
  CHECK_SAME(op.arg(0), any_storage);
  CHECK_SAME(op.arg(1), any_storage);
  CHECK_SAME(op.output(0), any_storage);
}

TEST_CASE("op repsets: narrowing an arg narrows its synced args and out[0]",
          "[repset][op_repsets][constrain]") {
  SECTION("the primary, args synced") {
    auto op = make({any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_arg_repset(0, c_texture));
    CHECK_SAME(op.arg(0), c_texture);
    CHECK_SAME(op.arg(1), c_texture);
    CHECK_SAME(op.output(0), c_texture);
    CHECK(op.arg_repr(1) == texture(C));
    CHECK(op.output_repr(0) == texture(C));
  }
  SECTION("another arg, args synced: it reaches out[0] too") {
    auto op = make({any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_arg_repset(1, w_buffer));
    CHECK_SAME(op.arg(0), w_buffer);
    CHECK_SAME(op.arg(1), w_buffer);
    CHECK_SAME(op.output(0), w_buffer);
  }
  SECTION("the primary, args unsynced") {
    auto op = make({any_storage, any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_arg_repset(0, c_texture));
    CHECK_SAME(op.arg(0), c_texture);
    CHECK_SAME(op.arg(1), any_storage);
    CHECK_SAME(op.output(0), c_texture);
  }
  SECTION("another arg, args unsynced: out[0] stays") {
    auto op = make({any_storage, any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_arg_repset(1, w_texture));
    CHECK_SAME(op.arg(1), w_texture);
    CHECK_SAME(op.arg(0), any_storage);
    CHECK_SAME(op.output(0), any_storage);
  }
  SECTION("no primary sync: out[0] stays") {
    auto op = make({any_storage}, {any_texture}, {T, T});
    CHECK(op.try_constrain_with_arg_repset(0, c_any));
    CHECK_SAME(op.arg(0), c_any);
    CHECK_SAME(op.arg(1), c_any);
    CHECK_SAME(op.output(0), any_texture);
  }
  SECTION("outputs synced: every output follows out[0]") {
    auto op = make({any_storage}, {any_storage}, {T}, 3);
    CHECK(op.try_constrain_with_arg_repset(0, c_texture));
    for (std::size_t k = 0; k < 3; ++k) {
      INFO("output " << k);
      CHECK_SAME(op.output(k), c_texture);
    }
  }
  SECTION("outputs unsynced: only out[0] follows") {
    auto op = make({any_storage}, {any_storage, any_storage}, {T}, 2);
    CHECK(op.try_constrain_with_arg_repset(0, c_texture));
    CHECK_SAME(op.output(0), c_texture);
    CHECK_SAME(op.output(1), any_storage);
  }
}

TEST_CASE("op repsets: narrowing to TEXTURE/CHANNELS keeps buffer CHANNELS only with buffer infos",
          "[repset][op_repsets][constrain]") {
  // The Note of 3.4, through the op: the synced partners follow by packed-dim info.
  auto texture_only_source = make({any_storage}, {any_storage}, {T, T});
  CHECK(texture_only_source.try_constrain_with_arg_repset(0, c_texture));
  CHECK(!texture_only_source.arg(1).buffer_layouts().contains(C));
  CHECK(!texture_only_source.output(0).buffer_layouts().contains(C));

  auto both_storages_source = make({any_storage}, {any_storage}, {T, T});
  CHECK(both_storages_source.try_constrain_with_arg_repset(0, c_any));
  CHECK_SAME(both_storages_source.arg(1), c_any);
  CHECK_SAME(both_storages_source.output(0), c_any);
}

TEST_CASE("op repsets: an int8 arg narrows out[0] by packed-dim info, not by layout",
          "[repset][op_repsets][constrain]") {
  auto op = make({int8_buffer}, {int8_buffer}, {T});
  REQUIRE(op.sync_primary_io());
  CHECK(op.arg_repr(0) == buffer(I4W4C));
  CHECK(op.try_constrain_with_arg_repset(0, int8_4w4c));
  CHECK_SAME(op.arg(0), int8_4w4c);
  // 4W4C, 4C1W and CONV2D are all (C, 4) as buffers.
  CHECK_SAME(op.output(0), int8_channels);
  CHECK(op.arg_repr(0) == buffer(I4W4C));
  CHECK(op.output_repr(0) == buffer(I4C1W));
}

TEST_CASE("op repsets: synced args share one broadcast set, so narrowing one narrows all",
          "[repset][op_repsets][constrain]") {
  // 3.4 step 6: with synced args every position becomes P, held as a one-element
  // TensorRepSetList, which broadcasts (3.4): writing arg[i] writes the shared set, so
  // step 4's "constrain every other arg to N's PDIs" reads N back and keeps it. The
  // primary output follows by packed-dim info: every (C, 4) buffer layout.
  auto op = make({int8_buffer}, {int8_buffer}, {T, T});
  CHECK(op.try_constrain_with_arg_repset(0, int8_4w4c));
  CHECK_SAME(op.arg(0), int8_4w4c);
  CHECK_SAME(op.arg(1), int8_4w4c);
  CHECK(op.arg_repr(1) == buffer(I4W4C));
  CHECK_SAME(op.output(0), int8_channels);
}

TEST_CASE("op repsets: synced outputs share one broadcast set", "[repset][op_repsets][constrain]") {
  // try_constrain_with_out_repset step 1 writes out[0], the one shared set of a synced
  // output list; step 2 then reads it back for the other outputs.
  auto op = make({int8_buffer}, {int8_buffer}, {T}, 2);
  CHECK(op.try_constrain_with_out_repset(int8_4w4c));
  CHECK_SAME(op.output(0), int8_4w4c);
  CHECK_SAME(op.output(1), int8_4w4c);
  CHECK(op.output_repr(1) == buffer(I4W4C));
}

TEST_CASE("op repsets: a narrowing out[0] cannot follow by packed-dim info is refused",
          "[repset][op_repsets][constrain]") {
  // Primary io synced: out[0] must be a PDI superset of the narrowed set, whichever arg.
  auto op = make({any_texture, any_buffer}, {any_texture}, {T, T});
  REQUIRE(op.sync_primary_io());
  REQUIRE(op.primary_arg() == std::size_t{0});
  CHECK(!op.try_constrain_with_arg_repset(1, w_buffer));
  CHECK_SAME(op.arg(1), any_buffer);
  CHECK_SAME(op.output(0), any_texture);
  // Without primary sync there is no check.
  auto unsynced = make({any_texture, any_buffer}, {any_storage}, {T, T});
  REQUIRE(!unsynced.sync_primary_io());
  CHECK(unsynced.try_constrain_with_arg_repset(1, w_buffer));
  CHECK_SAME(unsynced.arg(1), w_buffer);
  CHECK_SAME(unsynced.output(0), any_storage);
}

TEST_CASE("op repsets: an empty out[0] under primary sync refuses every arg narrowing",
          "[repset][op_repsets][constrain]") {
  // The primary's shape fits nothing, so P = ∅ and out[0] = ∅. Narrowing arg 1 to a
  // channels-packed texture needs out[0] to be a PDI superset of {texture: (C, 4)}, and
  // the empty set's PDI sets are empty (3.2 has_compatible_packed_dim_info_set).
  const op_repsets built(
      {any_storage, any_storage}, {any_storage}, 2, 1, [](std::size_t) { return T; },
      [](std::size_t i, repset set) { return i == 0 ? none : set; }, identity);
  auto op = built;
  REQUIRE(op.sync_primary_io());
  REQUIRE(op.output(0).empty());
  CHECK(!op.try_constrain_with_arg_repset(1, c_texture));
  CHECK_SAME(op.arg(1), any_storage);
}

//===--- try_constrain_with_out_repset ---===//

TEST_CASE("op repsets: out[0] is not narrowed by an equal or disjoint requirement",
          "[repset][op_repsets][constrain]") {
  auto op = make({any_storage}, {any_storage}, {T, T});
  CHECK(!op.try_constrain_with_out_repset(any_storage));
  CHECK(!op.try_constrain_with_out_repset(int8_buffer));
  CHECK(!op.try_constrain_with_out_repset(none));
  CHECK_SAME(op.output(0), any_storage);
  CHECK_SAME(op.arg(0), any_storage);
}

TEST_CASE("op repsets: narrowing out[0] narrows the primary and its synced args",
          "[repset][op_repsets][constrain]") {
  SECTION("everything synced") {
    auto op = make({any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_out_repset(c_texture));
    CHECK_SAME(op.output(0), c_texture);
    CHECK_SAME(op.arg(0), c_texture);
    CHECK_SAME(op.arg(1), c_texture);
  }
  SECTION("int8: the args keep every layout with out[0]'s packed-dim info") {
    auto op = make({int8_buffer}, {int8_buffer}, {T, T});
    CHECK(op.try_constrain_with_out_repset(int8_4w4c));
    CHECK_SAME(op.output(0), int8_4w4c);
    CHECK_SAME(op.arg(0), int8_channels);
    CHECK_SAME(op.arg(1), int8_channels);
    CHECK(op.output_repr(0) == buffer(I4W4C));
    CHECK(op.arg_repr(0) == buffer(I4C1W));
  }
  SECTION("args unsynced: only the primary") {
    auto op = make({any_storage, any_storage}, {any_storage}, {T, T});
    CHECK(op.try_constrain_with_out_repset(c_texture));
    CHECK_SAME(op.arg(0), c_texture);
    CHECK_SAME(op.arg(1), any_storage);
  }
  SECTION("the primary after a non-tensor arg") {
    auto op = make({any_texture, any_storage}, {any_storage}, {NT, T});
    REQUIRE(op.primary_arg() == std::size_t{1});
    CHECK(op.try_constrain_with_out_repset(w_buffer));
    CHECK_SAME(op.arg(1), w_buffer);
    CHECK_SAME(op.arg(0), universal);
  }
  SECTION("no primary sync: the args stay") {
    auto op = make({any_storage}, {any_texture}, {T});
    CHECK(op.try_constrain_with_out_repset(c_texture));
    CHECK_SAME(op.output(0), c_texture);
    CHECK_SAME(op.arg(0), any_storage);
  }
  SECTION("outputs synced: every output follows") {
    auto op = make({any_storage}, {any_storage}, {T}, 2);
    CHECK(op.try_constrain_with_out_repset(c_texture));
    CHECK_SAME(op.output(0), c_texture);
    CHECK_SAME(op.output(1), c_texture);
  }
  SECTION("outputs unsynced: only out[0]") {
    auto op = make({any_storage}, {any_storage, any_storage}, {T}, 2);
    CHECK(op.try_constrain_with_out_repset(c_texture));
    CHECK_SAME(op.output(0), c_texture);
    CHECK_SAME(op.output(1), any_storage);
    CHECK_SAME(op.arg(0), c_texture);
  }
}

//===--- Propagation and picks ---===//

TEST_CASE(
    "op repsets: an arg propagates to the output when primary io is synced and it is the "
    "primary or args are synced",
    "[repset][op_repsets]") {
  const auto synced = make({any_storage}, {any_storage}, {T, T});
  CHECK(synced.propagates_to_output(0));
  CHECK(synced.propagates_to_output(1));
  const auto per_arg = make({any_storage, any_storage}, {any_storage}, {T, T});
  CHECK(per_arg.propagates_to_output(0));
  CHECK(!per_arg.propagates_to_output(1));
  const auto no_io = make({any_storage}, {any_texture}, {T, T});
  CHECK(!no_io.propagates_to_output(0));
  CHECK(!no_io.propagates_to_output(1));
  const auto later_primary = make({any_texture, any_storage}, {any_storage}, {NT, T});
  CHECK(later_primary.propagates_to_output(1));
  CHECK(!later_primary.propagates_to_output(0));
  const auto no_primary = make({any_storage}, {any_storage}, {NT});
  CHECK(!no_primary.propagates_to_output(0));
}

TEST_CASE("op repsets: arg_repr and output_repr pick from each set", "[repset][op_repsets]") {
  const auto op = make({any_storage, none}, {int8_channels}, {T, NT});
  CHECK(op.arg_repr(0) == texture(W));
  CHECK(op.arg_repr(1) == texture(W));  // universal: a texture is preferred
  CHECK(op.output_repr(0) == buffer(I4C1W));

  const auto int8 = make({int8_buffer}, {int8_buffer}, {T});
  CHECK(int8.arg_repr(0) == buffer(I4W4C));
  CHECK(int8.output_repr(0) == buffer(I4W4C));

  const op_repsets empty(
      {any_storage}, {any_storage}, 1, 1, [](std::size_t) { return T; },
      [](std::size_t, repset set) { return buffer_only(set); },
      [](std::size_t, repset set) { return texture_only(set); });
  CHECK(empty.arg_repr(0) ==
        tensor_repr{storage_type::default_storage, memory_layout::default_layout});
  CHECK(empty.output_repr(0) ==
        tensor_repr{storage_type::default_storage, memory_layout::default_layout});
}

}  // namespace
