// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <type_traits>

#include "qlower/core/dtype.hpp"
#include "qlower/core/type_list.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/traits/qspec.hpp"
#include "qlower/traits/qspec_rule.hpp"

namespace qlower::traits {

/// The integer form of one kind of quantized value.
struct quant_spec {
  dtype type;
  std::int64_t quant_min;
  std::int64_t quant_max;
  bool symmetric;
  bool per_channel = false;
  int channel_axis = 0;

  friend constexpr bool operator==(const quant_spec&, const quant_spec&) = default;
};

/// The specs a quantizer gives activations, weights and biases (arm-quantizer.md 1.3).
struct quantization_config {
  quant_spec activation;
  quant_spec weight;
  quant_spec bias;

  friend constexpr bool operator==(const quantization_config&,
                                   const quantization_config&) = default;
};

/// get_symmetric_quantization_config(): int8 per-tensor affine activations in
/// [-128, 127]; int8 per-channel symmetric weights in [-127, 127] on axis 0;
/// int32 bias with scale act_scale * weight_scale.
inline constexpr quantization_config int8_config{
    {dtype::int8, -128, 127, false},
    {dtype::int8, -127, 127, true, true, 0},
    {dtype::int32, -2147483647LL, 2147483647LL, true, true, 0},
};

/// get_symmetric_a16w8_quantization_config(): int16 symmetric activations in
/// [-32767, 32767]; weights and bias as in the int8 config.
inline constexpr quantization_config a16w8_config{
    {dtype::int16, -32767, 32767, true},
    int8_config.weight,
    int8_config.bias,
};

/// The default quantizer policy: the Arm V1 decision table, as the rules the
/// op types carry, with the int8 config.
///
/// A policy is a type with a `config` and a `rule<Op>` for every op; derive
/// one to change a rule (with_rule) or the config (arm_quantizer_a16w8).
struct arm_quantizer {
  static constexpr quantization_config config = int8_config;
  template <class Op>
  static constexpr qspec_rule rule = qspec_rule_v<Op>;
};

/// The Arm quantizer with 16-bit activations and 8-bit weights.
struct arm_quantizer_a16w8 : arm_quantizer {
  static constexpr quantization_config config = a16w8_config;
};

/// ExecuTorch's composable Arm quantizer (`_TOSAQuantizerV2`, its default
/// since 2026-07-17; arm-quantizer.md 1.2) with the int8 config: the pipeline's
/// and the tool's default. It quantizes softmax, div, layer_norm, group_norm,
/// sdpa, var and more that V1 leaves float, gives moveaxis/movedim and neg
/// independent qparams, pools, mean and upsample an output shared with their
/// input, and lets each connected cluster of shared-list ops take the spec
/// next to it, leaving a cluster with no quantized neighbour float.
struct arm_quantizer_v2 {
  static constexpr quantization_config config = int8_config;
  template <class Op>
  static constexpr qspec_rule rule = qspec_v2_rule_v<Op>;
};

/// `Base` with `Rule` for exactly the overloads `Ops` (not their aliases):
/// how a user states "my quantizer's list has no entry for these", which is
/// how the seed regressions are written.
///
/// Example: `with_rule<arm_quantizer, qspec_rule::none, aten::concat_default>`
/// is ExecuTorch's annotator before seed 001 fixed it.
template <class Base, qspec_rule Rule, class... Ops>
struct with_rule : Base {
  template <class Op>
  static constexpr qspec_rule rule =
      contains_v<Op, type_list<Ops...>> ? Rule : Base::template rule<Op>;
};

/// A quantizer policy: a config and a rule for every op of the set.
template <class Policy>
concept quantizer_policy = requires {
  { Policy::config } -> std::convertible_to<quantization_config>;
  ops::rule_table<Policy>;
};

static_assert(quantizer_policy<arm_quantizer> && quantizer_policy<arm_quantizer_a16w8> &&
              quantizer_policy<arm_quantizer_v2>);

}  // namespace qlower::traits
