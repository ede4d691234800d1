// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "qlower/ops/op_table.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/stranded.hpp"

namespace qlower::traits {

/// What `qlower lint` reports, one kind per check.
enum class lint_kind : unsigned char {
  stranded,                    ///< left float, lowered to an op the target runs only in integers
  alias_disagrees,             ///< an alias or variant has another rule than its canonical op
  composite_not_pass_through,  ///< decomposes to a pass-through op but is not pass-through
};

constexpr std::string_view to_string(lint_kind kind) noexcept {
  switch (kind) {
    case lint_kind::stranded:
      return "stranded";
    case lint_kind::alias_disagrees:
      return "alias_disagrees";
    case lint_kind::composite_not_pass_through:
      return "composite_not_pass_through";
  }
  return "unknown";
}

struct lint_finding {
  lint_kind kind;
  ops::op_id op;
  ops::op_id related;  ///< the canonical op, decomposition or lowered op involved
  std::string message;
};

/// The checks traits/implies.hpp and traits/stranded.hpp make at compile time
/// over the library's own op types, run over the tables of a rule set, so a
/// user's hand-kept lists get the same scrutiny. Findings come in op_id order.
inline std::vector<lint_finding> lint(const rule_set& set) {
  std::vector<lint_finding> findings;
  auto name = [](ops::op_id id) { return std::string(ops::op_table[id].name); };
  for (std::size_t index = 0; index < ops::op_count; ++index) {
    const auto id = static_cast<ops::op_id>(index);
    const ops::op_info& row = ops::op_table[id];
    const qspec_rule rule = set.rules[id];
    if (row.kind != ops::variant_kind::canonical && rule != set.rules[row.canonical]) {
      findings.push_back({lint_kind::alias_disagrees, id, row.canonical,
                          name(id) + " is " + std::string(to_string(rule)) +
                              " but its canonical op " + name(row.canonical) + " is " +
                              std::string(to_string(set.rules[row.canonical]))});
    }
    if (row.decomposes_to != ops::unknown_op && is_pass_through(set.rules[row.decomposes_to]) &&
        !is_pass_through(rule)) {
      findings.push_back({lint_kind::composite_not_pass_through, id, row.decomposes_to,
                          name(id) + " decomposes to pass-through " + name(row.decomposes_to) +
                              " but is " + std::string(to_string(rule))});
    }
    if (const auto stranded = check_stranded(set, id)) {
      findings.push_back({lint_kind::stranded, id, stranded->lowered_as,
                          name(id) + " stays float but lowers to " + name(stranded->lowered_as) +
                              ", which the target runs only in " +
                              stranded->target_dtypes.to_string()});
    }
  }
  return findings;
}

}  // namespace qlower::traits
