// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/stranded.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace {

using namespace qlower;
using traits::qspec_rule;

std::set<std::string> stranded_names(const traits::rule_set& set) {
  std::set<std::string> names;
  for (const traits::stranded_op& found : traits::find_stranded(set)) {
    names.insert(std::string(ops::op_table[found.op].name));
  }
  return names;
}

TEST_CASE("the defaults strand nothing on the Ethos-U55", "[traits][stranded]") {
  CHECK(stranded_names(traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>()).empty());
  CHECK(stranded_names(traits::rule_set_of<traits::arm_quantizer_a16w8, targets::ethos_u55>())
            .empty());
}

TEST_CASE("the lint finds seed 000 when moveaxis and movedim lose their rule",
          "[traits][stranded]") {
  using namespace ops::aten;
  using seed_000 = traits::with_rule<traits::arm_quantizer, qspec_rule::none, moveaxis_int,
                                     movedim_int, moveaxis_intlist, movedim_intlist>;
  const auto set = traits::rule_set_of<seed_000, targets::ethos_u55>();
  CHECK(stranded_names(set) == std::set<std::string>{"aten.moveaxis.int", "aten.movedim.int",
                                                     "aten.moveaxis.intlist",
                                                     "aten.movedim.intlist"});
  for (const auto& found : traits::find_stranded(set)) {
    CHECK(ops::op_table[found.lowered_as].name == "aten.permute_copy.default");
    CHECK(found.target_dtypes.to_string() == "int8, int16, int32");
  }
}

TEST_CASE("the lint finds seed 001 when concat loses its rule", "[traits][stranded]") {
  using seed_001 =
      traits::with_rule<traits::arm_quantizer, qspec_rule::none, ops::aten::concat_default>;
  const auto set = traits::rule_set_of<seed_001, targets::ethos_u55>();
  REQUIRE(stranded_names(set) == std::set<std::string>{"aten.concat.default"});
  CHECK(ops::op_table[traits::find_stranded(set).front().lowered_as].name == "aten.cat.default");
  static_assert(traits::count_stranded(traits::rule_set_of<seed_001, targets::ethos_u55>()) == 1);
}

TEST_CASE("a target without restrictions strands nothing", "[traits][stranded]") {
  traits::rule_set set = traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>();
  set.rules.fill(qspec_rule::none);
  CHECK_FALSE(stranded_names(set).empty());
  set.dtypes.fill(std::nullopt);
  CHECK(stranded_names(set).empty());
}

}  // namespace
