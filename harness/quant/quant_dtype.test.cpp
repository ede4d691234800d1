// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/quant_dtype.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

namespace {

using qlower::quant::quant_dtype;
using qlower::quant::quant_dtype_info;

static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::int8>, std::int8_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::uint8>, std::uint8_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::int16>, std::int16_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::uint16>, std::uint16_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::int32>, std::int32_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::int4>, std::int8_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::uint4>, std::uint8_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::int2>, std::int8_t>);
static_assert(std::is_same_v<qlower::quant::storage_t<quant_dtype::uint2>, std::uint8_t>);
static_assert(qlower::quant::quantized_storage<std::int8_t> &&
              qlower::quant::quantized_storage<std::uint16_t> &&
              !qlower::quant::quantized_storage<std::int64_t> &&
              !qlower::quant::quantized_storage<char> && !qlower::quant::quantized_storage<float>);
static_assert(qlower::quant::info(quant_dtype::int4).min == -8, "info() is constexpr");

/// One expected row, written from affine-quant.md 6.1 (torchao's
/// _DTYPE_TO_QVALUE_BOUNDS) and the storage the enum's doc comment promises.
struct row {
  quant_dtype type;
  std::string_view name;
  unsigned bits;
  bool is_signed;
  std::int64_t min;
  std::int64_t max;
  std::size_t storage_bytes;
};
constexpr std::array<row, 9> expected_rows{{
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

TEST_CASE("quant_dtype: each dtype's bounds, width and storage are affine-quant.md 6.1's",
          "[quant][quant_dtype]") {
  REQUIRE(qlower::quant::all_quant_dtypes.size() == expected_rows.size());
  for (std::size_t i = 0; i < expected_rows.size(); ++i) {
    const row& want = expected_rows[i];
    INFO(want.name);
    CHECK(qlower::quant::all_quant_dtypes[i] == want.type);
    const quant_dtype_info& got = qlower::quant::info(want.type);
    CHECK(got.type == want.type);
    CHECK(got.name == want.name);
    CHECK(qlower::quant::to_string(want.type) == want.name);
    CHECK(got.bits == want.bits);
    CHECK(got.is_signed == want.is_signed);
    CHECK(got.min == want.min);
    CHECK(got.max == want.max);
    CHECK(got.storage_bytes == want.storage_bytes);
  }
}

TEST_CASE("quant_dtype: names round-trip and nothing else is a name", "[quant][quant_dtype]") {
  for (quant_dtype type : qlower::quant::all_quant_dtypes) {
    INFO(qlower::quant::to_string(type));
    CHECK(qlower::quant::quant_dtype_from_name(qlower::quant::to_string(type)) == type);
  }
  for (std::string_view name : {"", "int64", "uint32", "float32", "INT8", "int8 ", "int", "qint8",
                                "float8_e4m3fn", "int1", "uint7"}) {
    INFO(name);
    CHECK_FALSE(qlower::quant::quant_dtype_from_name(name).has_value());
  }
}

/// Checks storage_t<Type> against its row: size, signedness, and a range that
/// holds [min, max], exactly the C++ type's range when the width is a whole type.
template <std::size_t I>
void check_storage_of_row() {
  constexpr row want = expected_rows[I];
  using storage = qlower::quant::storage_t<want.type>;
  INFO(want.name);
  CHECK(sizeof(storage) == want.storage_bytes);
  CHECK(std::is_signed_v<storage> == want.is_signed);
  CHECK(std::numeric_limits<storage>::min() <= want.min);
  CHECK(std::numeric_limits<storage>::max() >= want.max);
  if (want.bits == 8 * sizeof(storage)) {
    CHECK(std::numeric_limits<storage>::min() == want.min);
    CHECK(std::numeric_limits<storage>::max() == want.max);
  }
  CHECK(qlower::quant::stores<storage>(want.type));
}

template <std::size_t... I>
void check_storage_of_rows(std::index_sequence<I...>) {
  (check_storage_of_row<I>(), ...);
}

TEST_CASE("quant_dtype: storage_t holds each dtype's range in a type of its signedness",
          "[quant][quant_dtype]") {
  check_storage_of_rows(std::make_index_sequence<expected_rows.size()>{});
}

TEST_CASE("quant_dtype: exactly one storage type stores each dtype", "[quant][quant_dtype]") {
  for (quant_dtype type : qlower::quant::all_quant_dtypes) {
    INFO(qlower::quant::to_string(type));
    const int count = (qlower::quant::stores<std::int8_t>(type) ? 1 : 0) +
                      (qlower::quant::stores<std::uint8_t>(type) ? 1 : 0) +
                      (qlower::quant::stores<std::int16_t>(type) ? 1 : 0) +
                      (qlower::quant::stores<std::uint16_t>(type) ? 1 : 0) +
                      (qlower::quant::stores<std::int32_t>(type) ? 1 : 0);
    CHECK(count == 1);
  }
  CHECK(qlower::quant::stores<std::int8_t>(quant_dtype::int4));
  CHECK(qlower::quant::stores<std::uint8_t>(quant_dtype::uint2));
  CHECK_FALSE(qlower::quant::stores<std::uint8_t>(quant_dtype::int4));
  CHECK_FALSE(qlower::quant::stores<std::int16_t>(quant_dtype::int8));
  CHECK_FALSE(qlower::quant::stores<std::int32_t>(quant_dtype::uint16));
}

}  // namespace
