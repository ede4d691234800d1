// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/ops/graph_nodes.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/targets/rejection.hpp"

namespace qlower::passes {

/// The result of partitioning: for every node, the partition that delegates
/// it or, for a host node, the first rule that kept it off the accelerator.
///
/// Partitions are numbered by their first node, their nodes listed by
/// ascending node index.
class partition_plan {
 public:
  static constexpr std::uint32_t host = std::numeric_limits<std::uint32_t>::max();

  partition_plan() = default;
  /// `partition_of` holds a partition number or `host` per node, numbers
  /// dense from 0; `reasons` one entry per node, a value exactly for host nodes.
  partition_plan(std::vector<std::uint32_t> partition_of,
                 std::vector<std::optional<targets::rejection>> reasons)
      : partition_of_(std::move(partition_of)), reasons_(std::move(reasons)) {
    if (reasons_.size() != partition_of_.size())
      throw error("a partition plan needs one reason slot per node");
    std::uint32_t count = 0;
    for (std::size_t n = 0; n < partition_of_.size(); ++n) {
      const bool hosted = partition_of_[n] == host;
      if (hosted != reasons_[n].has_value()) {
        throw error("node " + std::to_string(n) +
                    (hosted ? " is on the host without a reason" : " is delegated with a reason"));
      }
      if (!hosted)
        count = std::max(count, partition_of_[n] + 1);
    }
    offsets_.assign(count + 1, 0);
    for (std::uint32_t p : partition_of_) {
      if (p != host)
        ++offsets_[p + 1];
    }
    for (std::size_t p = 0; p < count; ++p) {
      if (offsets_[p + 1] == 0)
        throw error("partition " + std::to_string(p) + " is empty: numbers must be dense");
      offsets_[p + 1] += offsets_[p];
    }
    members_.resize(offsets_.back());
    std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
    for (std::size_t n = 0; n < partition_of_.size(); ++n) {
      if (partition_of_[n] != host)
        members_[next[partition_of_[n]]++] = static_cast<graph::node_index>(n);
    }
  }

  std::size_t node_count() const noexcept { return partition_of_.size(); }
  std::size_t partition_count() const noexcept {
    return offsets_.empty() ? 0 : offsets_.size() - 1;
  }
  /// The partition of node n, or `host`.
  std::uint32_t partition_of(graph::node_index n) const noexcept { return partition_of_[n]; }
  bool delegated(graph::node_index n) const noexcept { return partition_of_[n] != host; }
  /// The nodes of partition p, ascending.
  std::span<const graph::node_index> nodes_of(std::uint32_t p) const noexcept {
    return std::span<const graph::node_index>(members_).subspan(offsets_[p],
                                                                offsets_[p + 1] - offsets_[p]);
  }
  /// Why node n runs on the host; null for a delegated node.
  const targets::rejection* reason(graph::node_index n) const noexcept {
    return reasons_[n] ? &*reasons_[n] : nullptr;
  }
  std::size_t delegated_count() const noexcept { return members_.size(); }

  friend bool operator==(const partition_plan& a, const partition_plan& b) {
    return a.partition_of_ == b.partition_of_ && a.reasons_ == b.reasons_;
  }

 private:
  std::vector<std::uint32_t> partition_of_;
  std::vector<std::optional<targets::rejection>> reasons_;
  std::vector<std::uint32_t> offsets_;
  std::vector<graph::node_index> members_;
};

/// A support check over graphs of type G: given a node, no value when the
/// target runs it, else the rejection.
template <class Check, class G>
concept support_check = graph::graph<G> &&
    requires(const Check& check, const G& g, graph::node_index n) {
  { check(g, n) } -> std::convertible_to<targets::support_result>;
};

struct partition_options {
  /// torch's getitem re-homing: a getitem of a node whose users are all
  /// getitems goes where its producer goes, whatever its own check says.
  bool rehome_getitems = true;
};

namespace detail {

/// Numbers the partitions by their first node, from keys that are equal
/// exactly for the nodes of one partition (`host` for host nodes).
inline std::vector<std::uint32_t> number_by_first_node(const std::vector<std::uint32_t>& key) {
  std::uint32_t top = 0;
  for (std::uint32_t k : key) {
    if (k != partition_plan::host)
      top = std::max(top, k);
  }
  std::vector<std::uint32_t> number(key.empty() ? 0 : static_cast<std::size_t>(top) + 1,
                                    partition_plan::host);
  std::vector<std::uint32_t> result(key.size(), partition_plan::host);
  std::uint32_t next = 0;
  for (std::size_t n = 0; n < key.size(); ++n) {
    if (key[n] == partition_plan::host)
      continue;
    if (number[key[n]] == partition_plan::host)
      number[key[n]] = next++;
    result[n] = number[key[n]];
  }
  return result;
}

}  // namespace detail

/// For each node, how many times a path ending at it has left the set
/// `selected` (when `restrict_to` is given, only paths inside the nodes whose
/// restrict_to entry equals the node's own count): two selected nodes of
/// equal level are never joined by a path through an unselected node, and a
/// path between them runs only through selected nodes of the same level.
///
/// This is what makes partitioning linear: the selected nodes of one level
/// form a convex set, edges between levels all point upwards, and the
/// number of levels is the least number of convex sets that can hold the
/// selected nodes (a path that leaves the set k times meets k + 1 of them).
template <graph::graph G>
std::vector<std::uint32_t> exit_levels(const G& g, const std::vector<bool>& selected,
                                       const std::vector<std::uint32_t>* restrict_to = nullptr) {
  const std::size_t count = g.node_count();
  std::vector<std::uint32_t> level(count, 0);
  for (graph::node_index n = 0; n < count; ++n) {
    std::uint32_t value = 0;
    for (const auto input : g.inputs(n)) {
      const auto p = static_cast<graph::node_index>(input);
      if (p == graph::no_node)
        continue;
      if (restrict_to != nullptr && (*restrict_to)[p] != (*restrict_to)[n])
        continue;
      const std::uint32_t leaving = selected[p] && !selected[n] ? 1U : 0U;
      value = std::max(value, level[p] + leaving);
    }
    level[n] = value;
  }
  return level;
}

/// Partitions `g` for a target whose support check is `check`: every
/// supported node in exactly one partition, every other node on the host
/// with the check's rejection. Partitions are convex (no path leaves one and
/// re-enters it), the partitions form a DAG, and their number is the least
/// possible, so never more than torch's CapabilityBasedPartitioner gives
/// with allows_single_node_partition=True (partitioner.md). Like torch's
/// horizontal fusion, a partition need not be connected.
///
/// Cost: one support check per node and O(nodes + edges) more.
template <graph::graph G, support_check<G> Check>
partition_plan partition(const G& g, const Check& check, partition_options options = {}) {
  const std::size_t count = g.node_count();
  std::vector<std::optional<targets::rejection>> reasons(count);
  std::vector<bool> supported(count);
  for (graph::node_index n = 0; n < count; ++n) {
    reasons[n] = check(g, n);
    supported[n] = !reasons[n].has_value();
  }
  if (options.rehome_getitems) {
    static constexpr ops::op_id getitem_id = ops::op_id_of<ops::getitem>();
    for (graph::node_index n = 0; n < count; ++n) {
      const auto inputs = g.inputs(n);
      if (inputs.size() != 1 || ops::find_op(g.op_name(n)) != getitem_id)
        continue;
      const auto producer = static_cast<graph::node_index>(inputs[0]);
      if (producer == graph::no_node)
        continue;
      bool all_getitems = true;
      for (const auto user : g.users(producer))
        all_getitems = all_getitems && ops::find_op(g.op_name(user)) == getitem_id;
      if (!all_getitems || supported[n] == supported[producer])
        continue;
      supported[n] = supported[producer];
      if (supported[n]) {
        reasons[n].reset();
      } else {
        reasons[n] = targets::rejection{targets::reason::producer_not_delegated,
                                        "a getitem goes where its producer '" +
                                            std::string(g.node_name(producer)) +
                                            "' goes, and that runs on the host"};
      }
    }
  }
  std::vector<std::uint32_t> level = exit_levels(g, supported);
  for (graph::node_index n = 0; n < count; ++n) {
    if (!supported[n])
      level[n] = partition_plan::host;
  }
  return partition_plan(detail::number_by_first_node(level), std::move(reasons));
}

}  // namespace qlower::passes
