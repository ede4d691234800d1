// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/qspec_rule.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string_view>

namespace {

using qlower::traits::qspec_rule;

TEST_CASE("every rule has its own name; sets D and E are the pass-through rules",
          "[traits][qspec_rule]") {
  std::set<std::string_view> names;
  int pass_through = 0;
  for (int value = 0; value < qlower::traits::qspec_rule_count; ++value) {
    const auto rule = static_cast<qspec_rule>(value);
    CAPTURE(value);
    CHECK(qlower::traits::to_string(rule) != "unknown");
    names.insert(qlower::traits::to_string(rule));
    pass_through += qlower::traits::is_pass_through(rule) ? 1 : 0;
  }
  CHECK(names.size() == static_cast<std::size_t>(qlower::traits::qspec_rule_count));
  // The last enumerator has a name, so a rule added after it would show here.
  CHECK(qlower::traits::to_string(qspec_rule::shared_cluster) == "shared_cluster");
  CHECK(pass_through == 2);
  CHECK(qlower::traits::is_pass_through(qspec_rule::pass_through_or_input_act));
  CHECK_FALSE(qlower::traits::is_pass_through(qspec_rule::shared_across_inputs));
}

}  // namespace
