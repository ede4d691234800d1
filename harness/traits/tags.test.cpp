// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/tags.hpp"

#include <catch2/catch.hpp>
#include <type_traits>

namespace {

using namespace qlower::traits;

struct target_op {};
struct rewrite {};

static_assert(qspec<qspec_rule::binary>::rule == qspec_rule::binary);
static_assert(std::is_same_v<decomposes_to<target_op, rewrite>::target, target_op>);
static_assert(std::is_same_v<decomposes_to<target_op, rewrite>::rewrite, rewrite>);
static_assert(std::is_empty_v<axis_permutation> && std::is_empty_v<pure_view> &&
                  std::is_empty_v<concatenation>,
              "semantic traits are tags");

TEST_CASE("trait tags are empty types, rules carried in the type", "[traits][tags]") {
  SUCCEED();
}

}  // namespace
