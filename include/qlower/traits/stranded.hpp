// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "qlower/ops/op_table.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/target.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/quantizer.hpp"

namespace qlower::traits {

/// A quantizer's rules and a target's dtype restrictions as plain tables
/// indexed by op_id: the form compile-time policies and targets fold into,
/// and the form `qlower lint` reads a user's rule file into.
struct rule_set {
  std::array<qspec_rule, ops::op_count> rules{};
  std::array<std::optional<targets::dtype_set>, ops::op_count> dtypes{};
  /// The specs the quantizer gives activations, weights and biases.
  quantization_config config = int8_config;
};

template <quantizer_policy Policy, targets::target Target>
constexpr rule_set rule_set_of() {
  return rule_set{ops::rule_table<Policy>, targets::dtype_table<Target>, Policy::config};
}

/// An op the quantizer leaves float although the op it lowers to runs on the
/// target only in integer types: it is stranded on the host, splitting the
/// model around it (seeds 000 and 001).
struct stranded_op {
  ops::op_id op;
  ops::op_id lowered_as;  ///< its decomposition, an alias's canonical op, or the op itself
  targets::dtype_set target_dtypes;

  friend constexpr bool operator==(const stranded_op&, const stranded_op&) = default;
};

/// Whether `id` is stranded under `set`: its rule is `none` and the op it
/// lowers to is restricted to integer dtypes.
constexpr std::optional<stranded_op> check_stranded(const rule_set& set, ops::op_id id) {
  if (set.rules[id] != qspec_rule::none)
    return std::nullopt;
  const ops::op_info& row = ops::op_table[id];
  // What the decompose pass turns it into: its decomposition, or an alias's canonical op.
  const ops::op_id lowered = row.decomposes_to != ops::unknown_op   ? row.decomposes_to
                             : row.kind == ops::variant_kind::alias ? row.canonical
                                                                    : id;
  const std::optional<targets::dtype_set>& dtypes = set.dtypes[lowered];
  if (!dtypes || !dtypes->integer_only())
    return std::nullopt;
  return stranded_op{id, lowered, *dtypes};
}

/// Every stranded op of the set, in op_id order.
inline std::vector<stranded_op> find_stranded(const rule_set& set) {
  std::vector<stranded_op> found;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    if (auto stranded = check_stranded(set, static_cast<ops::op_id>(id)))
      found.push_back(*stranded);
  }
  return found;
}

constexpr std::size_t count_stranded(const rule_set& set) {
  std::size_t count = 0;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    count += check_stranded(set, static_cast<ops::op_id>(id)) ? 1 : 0;
  }
  return count;
}

//===--- The library's own defaults ---===//

static_assert(count_stranded(rule_set_of<arm_quantizer, targets::ethos_u55>()) == 0,
              "the default Arm quantizer leaves an op float that the Ethos-U55 runs only in "
              "integer types: find it with `qlower lint`");
static_assert(count_stranded(rule_set_of<arm_quantizer_a16w8, targets::ethos_u55>()) == 0,
              "the a16w8 Arm quantizer strands an op on the Ethos-U55");
static_assert(count_stranded(rule_set_of<arm_quantizer_v2, targets::ethos_u55>()) == 0,
              "the composable (V2) Arm quantizer strands an op on the Ethos-U55");

}  // namespace qlower::traits
