// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naive model of layout tagging: the fewest layout transitions any
// assignment of representations can have, found by trying every assignment.
// It knows nothing of repsets or targets: a problem lists, for each op, the
// representations it may read and write, as small integers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace qlower::reference {

/// A layout-assignment problem. Values are numbered 0..value_count-1; an op
/// reads some values and produces at most one.
struct layout_problem {
  struct op_node {
    /// The value read at each input position; -1 for a position that needs
    /// no representation (a constant, an absent tensor).
    std::vector<int> inputs;
    /// The value the op produces, or -1.
    int output = -1;
    /// The assignments the op allows: each lists one representation per input
    /// position (ignored where inputs[i] is -1), then one for the output.
    std::vector<std::vector<int>> choices;
  };
  int value_count = 0;
  std::vector<op_node> ops;
};

/// The transitions an assignment needs: for each value, one per distinct
/// representation its readers ask for other than the one it is produced in;
/// a value no op produces (a graph input) takes one of the asked-for
/// representations for free.
inline int transitions_of(const layout_problem& problem, const std::vector<std::size_t>& picks) {
  std::vector<int> produced(static_cast<std::size_t>(problem.value_count), -1);
  std::vector<std::set<int>> asked(static_cast<std::size_t>(problem.value_count));
  for (std::size_t op = 0; op < problem.ops.size(); ++op) {
    const auto& node = problem.ops[op];
    const auto& choice = node.choices[picks[op]];
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i] >= 0)
        asked[static_cast<std::size_t>(node.inputs[i])].insert(choice[i]);
    }
    if (node.output >= 0)
      produced[static_cast<std::size_t>(node.output)] = choice.back();
  }
  int transitions = 0;
  for (std::size_t v = 0; v < asked.size(); ++v) {
    if (produced[v] < 0) {
      transitions += asked[v].empty() ? 0 : static_cast<int>(asked[v].size()) - 1;
    } else {
      transitions += static_cast<int>(asked[v].size()) - (asked[v].count(produced[v]) ? 1 : 0);
    }
  }
  return transitions;
}

/// The fewest transitions over every assignment, or nothing when there are
/// more than `budget` assignments to try (or an op allows none).
inline std::optional<int> minimum_transitions(const layout_problem& problem,
                                              std::size_t budget = 200000) {
  std::size_t total = 1;
  for (const auto& node : problem.ops) {
    if (node.choices.empty())
      return std::nullopt;
    total *= node.choices.size();
    if (total > budget)
      return std::nullopt;
  }
  std::vector<std::size_t> picks(problem.ops.size(), 0);
  std::optional<int> best;
  for (std::size_t tried = 0; tried < total; ++tried) {
    const int cost = transitions_of(problem, picks);
    if (!best || cost < *best)
      best = cost;
    // The next assignment, as an odometer over the ops' choices.
    for (std::size_t op = 0; op < picks.size(); ++op) {
      if (++picks[op] < problem.ops[op].choices.size())
        break;
      picks[op] = 0;
    }
  }
  return best;
}

}  // namespace qlower::reference
