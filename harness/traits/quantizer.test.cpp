// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/quantizer.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace qlower;
using traits::qspec_rule;

TEST_CASE("the configs hold arm-quantizer.md's defaults", "[traits][quantizer]") {
  constexpr auto int8 = traits::arm_quantizer::config;
  CHECK(int8.activation == traits::quant_spec{dtype::int8, -128, 127, false});
  CHECK(int8.weight.quant_min == -127);
  CHECK(int8.weight.per_channel);
  CHECK(int8.weight.channel_axis == 0);
  CHECK(int8.bias.type == dtype::int32);
  constexpr auto a16w8 = traits::arm_quantizer_a16w8::config;
  CHECK(a16w8.activation == traits::quant_spec{dtype::int16, -32767, 32767, true});
  CHECK(a16w8.weight == int8.weight);
}

TEST_CASE("with_rule changes exactly the named overloads", "[traits][quantizer]") {
  using seed_001 =
      traits::with_rule<traits::arm_quantizer, qspec_rule::none, ops::aten::concat_default>;
  constexpr auto& rules = ops::rule_table<seed_001>;
  CHECK(rules[ops::find_op("aten.concat.default")] == qspec_rule::none);
  // The list had cat and concatenate; only concat was missing.
  CHECK(rules[ops::find_op("aten.cat.default")] == qspec_rule::shared_across_inputs);
  CHECK(rules[ops::find_op("aten.concatenate.default")] == qspec_rule::shared_across_inputs);
  static_assert(seed_001::config == traits::int8_config);
  static_assert(traits::quantizer_policy<seed_001>);
}

}  // namespace
