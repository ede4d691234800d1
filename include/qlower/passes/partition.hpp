// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ranges>
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
      : partition_of_(std::move(partition_of)) {
    if (reasons.size() != partition_of_.size())
      throw error("a partition plan needs one reason slot per node");
    reason_slot_.assign(reasons.size(), no_reason);
    for (std::size_t n = 0; n < reasons.size(); ++n) {
      if (reasons[n]) {
        reason_slot_[n] = static_cast<std::uint32_t>(rejections_.size());
        rejections_.push_back(std::move(*reasons[n]));
      }
    }
    index();
  }
  /// The compact form: `reason_slot[n]` indexes `rejections` exactly for host nodes.
  partition_plan(std::vector<std::uint32_t> partition_of, std::vector<std::uint32_t> reason_slot,
                 std::vector<targets::rejection> rejections)
      : partition_of_(std::move(partition_of)),
        reason_slot_(std::move(reason_slot)),
        rejections_(std::move(rejections)) {
    if (reason_slot_.size() != partition_of_.size())
      throw error("a partition plan needs one reason slot per node");
    for (std::uint32_t slot : reason_slot_) {
      if (slot != no_reason && slot >= rejections_.size())
        throw error("reason slot " + std::to_string(slot) + " names no rejection");
    }
    index();
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
    return reason_slot_[n] == no_reason ? nullptr : &rejections_[reason_slot_[n]];
  }
  std::size_t delegated_count() const noexcept { return members_.size(); }

  friend bool operator==(const partition_plan& a, const partition_plan& b) {
    if (a.partition_of_ != b.partition_of_)
      return false;
    for (std::size_t n = 0; n < a.partition_of_.size(); ++n) {
      if (a.partition_of_[n] == host && *a.reason(static_cast<graph::node_index>(n)) !=
                                            *b.reason(static_cast<graph::node_index>(n)))
        return false;
    }
    return true;
  }

 private:
  static constexpr std::uint32_t no_reason = std::numeric_limits<std::uint32_t>::max();

  /// Checks the tables against each other and lists each partition's nodes.
  void index() {
    std::uint32_t count = 0;
    for (std::size_t n = 0; n < partition_of_.size(); ++n) {
      const bool hosted = partition_of_[n] == host;
      if (!hosted && partition_of_[n] >= partition_of_.size()) {
        throw error("node " + std::to_string(n) + " is in partition " +
                    std::to_string(partition_of_[n]) + ", more partitions than nodes");
      }
      if (hosted != (reason_slot_[n] != no_reason)) {
        throw error("node " + std::to_string(n) +
                    (hosted ? " is on the host without a reason" : " is delegated with a reason"));
      }
      if (!hosted)
        count = std::max(count, partition_of_[n] + 1);
    }
    offsets_.assign(static_cast<std::size_t>(count) + 1, 0);
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

  std::vector<std::uint32_t> partition_of_;
  std::vector<std::uint32_t> reason_slot_;
  std::vector<targets::rejection> rejections_;
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
  /// getitems (a graph output is used by the graph's output node too) goes
  /// where its producer goes, whatever its own check says.
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

/// On large graphs the level of a random earlier node is a cache miss, and
/// so is a node's input list: ask for both a few nodes ahead, where the graph
/// keeps its inputs contiguous.
template <graph::graph G>
void prefetch_ahead(const G& g, graph::node_index n, const std::vector<std::uint32_t>& level) {
  using inputs_type = decltype(g.inputs(n));
  if constexpr (std::ranges::contiguous_range<inputs_type>) {
    constexpr graph::node_index lists_ahead = 64;
    constexpr graph::node_index levels_ahead = 32;
    if (n + lists_ahead < g.node_count())
      __builtin_prefetch(std::ranges::data(g.inputs(n + lists_ahead)));
    if (n + levels_ahead < g.node_count()) {
      for (const auto input : g.inputs(n + levels_ahead)) {
        const auto p = static_cast<graph::node_index>(input);
        if (p != graph::no_node)
          __builtin_prefetch(level.data() + p);
      }
    }
  }
}

}  // namespace detail

/// For each node, how many times a path ending at it has left the set
/// `selected` (when `restrict_to` is given, only paths inside the nodes whose
/// restrict_to entry equals the node's own entry): two selected nodes of
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
  // One pass in node order: the check, getitem re-homing (a producer comes
  // first) and the exit level, so the graph is read once.
  const std::size_t count = g.node_count();
  std::vector<std::uint32_t> reason_slot(count, std::numeric_limits<std::uint32_t>::max());
  std::vector<targets::rejection> rejections;
  std::vector<bool> supported(count);
  std::vector<std::uint32_t> level(count, 0);
  // Whether every user of a producer is a getitem, decided once per producer;
  // a graph output has torch's output node as a user that is not.
  enum class getitem_users : std::uint8_t { unknown, all, not_all };
  std::vector<getitem_users> users_of(options.rehome_getitems ? count : 0, getitem_users::unknown);
  std::vector<bool> graph_output(options.rehome_getitems ? count : 0, false);
  if (options.rehome_getitems) {
    for (const auto output : g.graph_outputs())
      graph_output[static_cast<graph::node_index>(output)] = true;
  }
  auto follows_producer = [&](graph::node_index n, graph::node_index producer) {
    if (!options.rehome_getitems || producer == graph::no_node ||
        g.op_name(n) != ops::getitem::name)
      return false;
    if (users_of[producer] == getitem_users::unknown) {
      bool all = !graph_output[producer];
      for (const auto user : g.users(producer))
        all = all && g.op_name(user) == ops::getitem::name;
      users_of[producer] = all ? getitem_users::all : getitem_users::not_all;
    }
    return users_of[producer] == getitem_users::all;
  };
  for (graph::node_index n = 0; n < count; ++n) {
    detail::prefetch_ahead(g, n, level);
    targets::support_result refused = check(g, n);
    const auto inputs = g.inputs(n);
    if (inputs.size() == 1) {
      const auto producer = static_cast<graph::node_index>(inputs[0]);
      if (follows_producer(n, producer) && refused.has_value() == supported[producer]) {
        if (supported[producer]) {
          refused.reset();
        } else {
          refused = targets::rejection{targets::reason::producer_not_delegated,
                                       "a getitem goes where its producer '" +
                                           std::string(g.node_name(producer)) +
                                           "' goes, and that runs on the host"};
        }
      }
    }
    supported[n] = !refused.has_value();
    if (refused) {
      reason_slot[n] = static_cast<std::uint32_t>(rejections.size());
      rejections.push_back(std::move(*refused));
    }
    std::uint32_t value = 0;
    for (const auto input : inputs) {
      const auto p = static_cast<graph::node_index>(input);
      if (p != graph::no_node)
        value = std::max(value, level[p] + (supported[p] && !supported[n] ? 1U : 0U));
    }
    level[n] = value;
  }
  for (graph::node_index n = 0; n < count; ++n) {
    if (!supported[n])
      level[n] = partition_plan::host;
  }
  return partition_plan(detail::number_by_first_node(level), std::move(reason_slot),
                        std::move(rejections));
}

}  // namespace qlower::passes
