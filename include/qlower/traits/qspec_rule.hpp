// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace qlower::traits {

/// How a quantizer gives quantization specs to an op's inputs and output: one
/// value per row of the Arm V1 decision table (arm-quantizer.md 1.1), and the
/// two ways of the composable V2 quantizer (1.2) that V1 has no row for.
enum class qspec_rule : std::uint8_t {
  none,                       ///< not annotated: the op runs in float
  independent,                ///< set A: input-act on the input, a fresh output-act
  pass_through,               ///< set D: input-act on the input, the output shares it
  pass_through_or_input_act,  ///< set E: the input shares the producer's spec when it has one
  shared_across_inputs,       ///< cat-like: every float input and the output share one spec
  binary,                     ///< add/sub/mul/mm/bmm, minimum/maximum: independent inputs
  weighted,                   ///< conv/linear: input-act, weight, int32 bias, output-act
  comparison,                 ///< eq/ge/gt/le/lt.Tensor: shared inputs, bool output unquantized
  fixed,                      ///< acos/asin/atanh, grid_sampler, to.dtype: fixed input qparams
  output_only,                ///< full/zeros/ones/fill_/scalar_tensor: an output-act only
  copy,                       ///< copy_: input-acts on both, the output shares the source's
  getitem,                    ///< shares its producer's spec when the producer is annotated
  every_input,  ///< V2's single-op pattern: each floating-point input its own spec, a fresh output
  shared_cluster,  ///< V2's shared list: a connected cluster takes the first spec next to it
};

/// How many rules there are (the enumerators run from 0 to this minus one).
inline constexpr int qspec_rule_count = static_cast<int>(qspec_rule::shared_cluster) + 1;

constexpr std::string_view to_string(qspec_rule rule) noexcept {
  switch (rule) {
    case qspec_rule::none:
      return "none";
    case qspec_rule::independent:
      return "independent";
    case qspec_rule::pass_through:
      return "pass_through";
    case qspec_rule::pass_through_or_input_act:
      return "pass_through_or_input_act";
    case qspec_rule::shared_across_inputs:
      return "shared_across_inputs";
    case qspec_rule::binary:
      return "binary";
    case qspec_rule::weighted:
      return "weighted";
    case qspec_rule::comparison:
      return "comparison";
    case qspec_rule::fixed:
      return "fixed";
    case qspec_rule::output_only:
      return "output_only";
    case qspec_rule::copy:
      return "copy";
    case qspec_rule::getitem:
      return "getitem";
    case qspec_rule::every_input:
      return "every_input";
    case qspec_rule::shared_cluster:
      return "shared_cluster";
  }
  return "unknown";
}

/// Whether an op under `rule` gives its output the spec of its input, so it
/// stays quantized exactly when its input is (sets D and E).
constexpr bool is_pass_through(qspec_rule rule) noexcept {
  return rule == qspec_rule::pass_through || rule == qspec_rule::pass_through_or_input_act;
}

}  // namespace qlower::traits
