// SPDX-License-Identifier: Apache-2.0
#include "qlower/core/shape.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

using qlower::shape;
// 128-bit arithmetic is the independent oracle for the 64-bit overflow checks.
__extension__ typedef __int128 wide_int;

TEST_CASE("a shape counts its elements", "[core][shape]") {
  CHECK(shape{}.element_count() == 1);
  CHECK(shape{}.rank() == 0);
  CHECK(shape{1, 64, 56, 56}.element_count() == 64 * 56 * 56);
  CHECK(shape{3, 0, 5}.element_count() == 0);
  CHECK(shape{1, 64, 56, 56}.to_string() == "[1, 64, 56, 56]");
  CHECK(shape{2, 3}.byte_size(qlower::dtype::float32) == 24);
}

TEST_CASE("a negative dimension is a shape_error naming it", "[core][shape]") {
  REQUIRE_THROWS_AS(shape({4, -3}), qlower::shape_error);
  CHECK_THROWS_WITH(shape({4, -3}), Catch::Contains("-3") && Catch::Contains("index 1"));
}

TEST_CASE("an element count past int64 is an error, not a wrap", "[core][shape]") {
  const std::int64_t big = std::int64_t{1} << 40;
  CHECK_THROWS_AS(shape({big, big}), qlower::shape_error);
  CHECK_THROWS_WITH(shape({big, big}), Catch::Contains("overflows int64 at dimension 1"));
  // Fits as elements, overflows as bytes.
  const shape near_limit{std::numeric_limits<std::int64_t>::max() / 2};
  CHECK_THROWS_AS(near_limit.byte_size(qlower::dtype::float32), qlower::shape_error);
  // A zero dimension after a huge one is fine: the product never exceeds the limit.
  CHECK(shape({std::numeric_limits<std::int64_t>::max(), 0}).element_count() == 0);
}

TEST_CASE("checked_mul agrees with 128-bit arithmetic", "[core][shape][property]") {
  rc::prop("checked_mul is exact or empty", [](std::int64_t a, std::int64_t b) {
    const wide_int wide = static_cast<wide_int>(a) * b;
    const bool fits = wide >= std::numeric_limits<std::int64_t>::min() &&
                      wide <= std::numeric_limits<std::int64_t>::max();
    const auto product = qlower::checked_mul(a, b);
    RC_ASSERT(product.has_value() == fits);
    if (fits)
      RC_ASSERT(static_cast<wide_int>(*product) == wide);
  });
  rc::prop("a shape is valid exactly when its 128-bit element count fits",
           [](const std::vector<std::int64_t>& raw) {
             std::vector<std::int64_t> dims;
             for (std::int64_t d : raw)
               dims.push_back(d < 0 ? -(d / 2) : d);  // non-negative
             wide_int count = 1;
             bool fits = true;
             for (std::int64_t d : dims) {
               if (!fits)
                 break;
               count *= d;
               fits = count <= std::numeric_limits<std::int64_t>::max();
             }
             // Once an overflowing prefix is seen, a later zero does not rescue it.
             if (fits) {
               RC_ASSERT(shape(dims).element_count() == static_cast<std::int64_t>(count));
             } else {
               RC_ASSERT_THROWS_AS(static_cast<void>(shape(dims)), qlower::shape_error);
             }
           });
}

}  // namespace
