// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/rule_file.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qlower/traits/lint.hpp"

namespace {

using namespace qlower;
using traits::qspec_rule;

const std::string examples = QLOWER_EXAMPLES_DIR;

std::string doc(const std::string& body) {
  return R"({"format": "qlower-rules", "version": 1)" + (body.empty() ? "" : ", " + body) + "}";
}

TEST_CASE("a rule file starts from the built-in tables and overrides single overloads",
          "[traits][rule_file]") {
  const auto set = traits::read_rules(doc(R"("rules": {"aten.concat.default": "none"})"));
  CHECK(set.rules[ops::find_op("aten.concat.default")] == qspec_rule::none);
  CHECK(set.rules[ops::find_op("aten.cat.default")] == qspec_rule::shared_across_inputs);
  CHECK(set.dtypes == targets::dtype_table<targets::ethos_u55>);
  CHECK(traits::read_rules(doc("")).rules == ops::rule_table<traits::arm_quantizer>);
  CHECK(traits::read_rules(doc(R"("policy": "arm_quantizer_a16w8")")).rules ==
        ops::rule_table<traits::arm_quantizer_a16w8>);
  CHECK(traits::read_rules(doc(R"("policy": "arm_quantizer_v2")")).rules ==
        ops::rule_table<traits::arm_quantizer_v2>);
  CHECK(traits::read_rules(doc(R"("policy": "arm_quantizer_v2")")).rules !=
        ops::rule_table<traits::arm_quantizer>);
}

TEST_CASE("target dtypes apply to the canonical op and its aliases", "[traits][rule_file]") {
  const auto set = traits::read_rules(doc(
      R"("target": "none", "target_dtypes": {"aten.cat.default": ["int8"], "aten.add.Tensor": null})"));
  CHECK(set.dtypes[ops::find_op("aten.concat.default")]->to_string() == "int8");
  CHECK_FALSE(set.dtypes[ops::find_op("aten.permute.default")].has_value());
  CHECK_FALSE(set.dtypes[ops::find_op("aten.add.Tensor")].has_value());
}

TEST_CASE("every bad input is a config_error naming the field", "[traits][rule_file]") {
  const std::pair<std::string, std::string> cases[] = {
      {"{", ""},
      {doc(R"("x-big": 1e400)"), ""},  // nlohmann's out_of_range, found by fuzzing
      {R"({"format": "qlower-graph", "version": 1})", "format"},
      {R"({"format": "qlower-rules", "version": 2})", "version"},
      {R"({"format": "qlower-rules", "version": 1.0})", "version"},
      {doc(R"("extra": 1)"), "extra"},
      {doc(R"("policy": "tflite")"), "policy"},
      {doc(R"("target": "u85")"), "target"},
      {doc(R"("rules": [])"), "rules"},
      {doc(R"("rules": {"aten.nothing.default": "none"})"), "rules.aten.nothing.default"},
      {doc(R"("rules": {"aten.cat.default": "shared"})"), "rules.aten.cat.default"},
      {doc(R"("rules": {"aten.cat.default": 3})"), "rules.aten.cat.default"},
      {doc(R"("target_dtypes": {"aten.cat.default": ["int9"]})"),
       "target_dtypes.aten.cat.default[0]"},
      {doc(R"("target_dtypes": {"aten.cat.default": "int8"})"), "target_dtypes.aten.cat.default"},
      {doc(R"("target_dtypes": {"aten.concat.default": ["int8"]})"),
       "target_dtypes.aten.concat.default"},
      // A spelling is rewritten before annotation: a rule on it would never apply.
      {doc(R"("rules": {"aten.conv2d.default": "none"})"), "rules.aten.conv2d.default"},
      {doc(R"("target_dtypes": {"aten.layer_norm.default": ["int8"]})"),
       "target_dtypes.aten.layer_norm.default"},
  };
  for (const auto& [text, field] : cases) {
    CAPTURE(text);
    try {
      traits::read_rules(text, "rules.json");
      FAIL("accepted");
    } catch (const config_error& failure) {
      INFO(failure.what());
      CHECK(failure.location().source == "rules.json");
      CHECK(failure.location().field == field);
    }
  }
  CHECK(traits::read_rules(doc(R"("x-note": {"any": 1})")).rules ==
        ops::rule_table<traits::arm_quantizer>);
}

TEST_CASE("the example rule files reproduce the seed defects", "[traits][rule_file]") {
  const auto seed_000 = traits::read_rules_file(std::filesystem::path(examples) / "rules" /
                                                "seed_000_without_moveaxis.json");
  CHECK(traits::find_stranded(seed_000).size() == 4);
  const auto seed_001 = traits::read_rules_file(std::filesystem::path(examples) / "rules" /
                                                "seed_001_without_concat.json");
  REQUIRE(traits::find_stranded(seed_001).size() == 1);
  CHECK(ops::op_table[traits::find_stranded(seed_001).front().op].name == "aten.concat.default");
  CHECK_THROWS_AS(traits::read_rules_file(std::filesystem::path("/nonexistent/rules.json")),
                  config_error);
}

}  // namespace
