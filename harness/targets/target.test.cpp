// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/target.hpp"

#include <catch2/catch.hpp>

namespace {

using qlower::dtype;
using qlower::targets::dtype_set;

TEST_CASE("dtype_set is a set of dtypes", "[targets][target]") {
  constexpr dtype_set ints{dtype::int8, dtype::int16};
  static_assert(ints.contains(dtype::int8) && !ints.contains(dtype::int32));
  static_assert(ints.integer_only());
  static_assert(!dtype_set{}.integer_only(), "an empty set restricts nothing to integers");
  static_assert(!dtype_set{dtype::int8, dtype::float32}.integer_only());
  CHECK(ints.to_string() == "int8, int16");
  CHECK(dtype_set{}.empty());
  CHECK(dtype_set{dtype::bool_, dtype::float64}.to_string() == "bool, float64");
}

struct open_target {
  static constexpr std::string_view name = "open";
};

TEST_CASE("a target that declares nothing restricts no op", "[targets][target]") {
  static_assert(qlower::targets::target<open_target>);
  static_assert(qlower::targets::declares_only_canonical_ops<open_target>());
  for (const auto& entry : qlower::targets::dtype_table<open_target>)
    CHECK_FALSE(entry.has_value());
}

}  // namespace
