// SPDX-License-Identifier: Apache-2.0
#include "qlower/core/dtype.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace {

using qlower::dtype;

TEST_CASE("every dtype round-trips through its PyTorch name", "[core][dtype]") {
  std::set<std::string_view> names;
  for (dtype type : qlower::all_dtypes) {
    CAPTURE(qlower::to_string(type));
    REQUIRE(qlower::dtype_from_name(qlower::to_string(type)) == type);
    names.insert(qlower::to_string(type));
  }
  CHECK(names.size() == qlower::all_dtypes.size());
}

TEST_CASE("graph-format.md's dtype names are the accepted ones", "[core][dtype]") {
  for (const char* name : {"float32", "float16", "bfloat16", "int8", "uint8", "int16", "int32",
                           "int64", "bool", "float64"}) {
    CAPTURE(name);
    CHECK(qlower::dtype_from_name(name).has_value());
  }
  for (const char* name : {"torch.float32", "Float32", "float", "int4", "", "qint8", "float8"}) {
    CAPTURE(name);
    CHECK_FALSE(qlower::dtype_from_name(name).has_value());
  }
}

TEST_CASE("integer ranges are those of the C++ types", "[core][dtype]") {
  auto range = [](dtype type) { return *qlower::range_of(type); };
  CHECK(range(dtype::int8) == qlower::integer_range{std::numeric_limits<std::int8_t>::min(),
                                                    std::numeric_limits<std::int8_t>::max()});
  CHECK(range(dtype::uint8) == qlower::integer_range{0, 255});
  CHECK(range(dtype::int16) == qlower::integer_range{-32768, 32767});
  CHECK(range(dtype::int32) == qlower::integer_range{std::numeric_limits<std::int32_t>::min(),
                                                     std::numeric_limits<std::int32_t>::max()});
  CHECK(range(dtype::int64) == qlower::integer_range{std::numeric_limits<std::int64_t>::min(),
                                                     std::numeric_limits<std::int64_t>::max()});
  CHECK(range(dtype::bool_) == qlower::integer_range{0, 1});
  CHECK_FALSE(qlower::range_of(dtype::float32).has_value());
  CHECK_FALSE(qlower::range_of(dtype::bfloat16).has_value());
}

TEST_CASE("size and signedness match PyTorch", "[core][dtype]") {
  CHECK(qlower::size_bytes(dtype::bool_) == 1);
  CHECK(qlower::size_bytes(dtype::int16) == 2);
  CHECK(qlower::size_bytes(dtype::bfloat16) == 2);
  CHECK(qlower::size_bytes(dtype::float32) == 4);
  CHECK(qlower::size_bytes(dtype::int64) == 8);
  CHECK(qlower::size_bytes(dtype::float64) == 8);
  CHECK(qlower::is_signed(dtype::int8));
  CHECK_FALSE(qlower::is_signed(dtype::uint8));
  CHECK_FALSE(qlower::is_signed(dtype::bool_));
  CHECK(qlower::is_floating_point(dtype::float16));
  CHECK(qlower::is_integral(dtype::int32));
  CHECK_FALSE(qlower::is_integral(dtype::float64));
}

TEST_CASE("integer_range::contains is closed at both ends", "[core][dtype]") {
  const qlower::integer_range int8 = *qlower::range_of(dtype::int8);
  CHECK(int8.contains(-128));
  CHECK(int8.contains(127));
  CHECK_FALSE(int8.contains(-129));
  CHECK_FALSE(int8.contains(128));
}

static_assert(qlower::dtype_from_name("int8") == dtype::int8, "lookups are constexpr");
static_assert(qlower::size_bytes(dtype::int32) == 4);

}  // namespace
