// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/lint.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>

namespace {

using namespace qlower;
using traits::lint_kind;
using traits::qspec_rule;

std::set<std::pair<std::string, std::string>> kinds_and_ops(const traits::rule_set& set) {
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& finding : traits::lint(set)) {
    found.emplace(std::string(traits::to_string(finding.kind)),
                  std::string(ops::op_table[finding.op].name));
  }
  return found;
}

TEST_CASE("the built-in rule sets lint clean", "[traits][lint]") {
  CHECK(traits::lint(traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>()).empty());
  CHECK(
      traits::lint(traits::rule_set_of<traits::arm_quantizer_a16w8, targets::ethos_u55>()).empty());
}

TEST_CASE("a hand-kept list missing concat is caught twice over", "[traits][lint]") {
  auto set = traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>();
  set.rules[ops::find_op("aten.concat.default")] = qspec_rule::none;
  CHECK(kinds_and_ops(set) ==
        std::set<std::pair<std::string, std::string>>{{"alias_disagrees", "aten.concat.default"},
                                                      {"stranded", "aten.concat.default"}});
}

TEST_CASE("a composite left float is caught even on an unrestricted target", "[traits][lint]") {
  auto set = traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>();
  set.dtypes.fill(std::nullopt);
  set.rules[ops::find_op("aten.transpose.int")] = qspec_rule::independent;
  CHECK(kinds_and_ops(set) == std::set<std::pair<std::string, std::string>>{
                                  {"composite_not_pass_through", "aten.transpose.int"},
                                  {"alias_disagrees", "aten.transpose_copy.int"}});
}

}  // namespace
