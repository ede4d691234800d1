// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <ranges>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/ops/aten_shape.hpp"
#include "qlower/ops/graph_nodes.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/ops/other_namespaces.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/targets/rejection.hpp"

namespace qlower::passes {

struct arm_post_process_options {
  /// An INT-only TOSA spec (all Ethos-U targets): de-tag boundary Q/DQ nodes
  /// and first nodes fed in floating point, then split what that leaves cyclic.
  bool int_only = true;
};

namespace detail {

/// Union-find over node indices.
class node_sets {
 public:
  explicit node_sets(std::size_t count) : parent_(count) {
    std::iota(parent_.begin(), parent_.end(), graph::node_index{0});
  }
  graph::node_index find(graph::node_index n) {
    while (parent_[n] != n) {
      parent_[n] = parent_[parent_[n]];
      n = parent_[n];
    }
    return n;
  }
  void join(graph::node_index a, graph::node_index b) {
    a = find(a);
    b = find(b);
    if (a != b)
      parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<graph::node_index> parent_;
};

template <graph::graph G>
bool same_dims(const G& g, graph::node_index a, graph::node_index b) {
  const auto x = g.output_dims(a, 0);
  const auto y = g.output_dims(b, 0);
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

/// A node that moves no data once lowered (ethos-u55.md 2.4, step 6).
template <graph::graph G>
bool is_no_op(const G& g, graph::node_index n, ops::op_id id) {
  using namespace ops::aten;
  using namespace ops::dim_order_ops;
  if (ops::is_quantize(id) || ops::is_dequantize(id))
    return true;
  const ops::op_id base = ops::canonical(id);
  if (base == ops::op_id_of<_clone_dim_order_default>() || base == ops::op_id_of<alias_default>() ||
      base == ops::op_id_of<detach_default>() || base == ops::op_id_of<view_default>()) {
    return true;
  }
  const auto inputs = g.inputs(n);
  const auto input = inputs.empty() ? graph::no_node : static_cast<graph::node_index>(inputs[0]);
  if (input == graph::no_node)
    return false;
  if (base == ops::op_id_of<expand_default>() || base == ops::op_id_of<squeeze_dims>())
    return same_dims(g, n, input);
  if (base == ops::op_id_of<_to_dim_order_copy_default>())
    return g.output_dtype(n, 0) == g.output_dtype(input, 0);
  if (base == ops::op_id_of<flip_default>()) {
    const graph::attribute* dims = g.attribute_of(n, "dims");
    const auto list = dims != nullptr ? dims->as_int_list() : std::nullopt;
    return list && list->empty();
  }
  if (base == ops::op_id_of<as_strided_default>()) {
    if (!same_dims(g, n, input))
      return false;
    const graph::attribute* stride = g.attribute_of(n, "stride");
    const auto strides = stride != nullptr ? stride->as_int_list() : std::nullopt;
    const auto dims = g.output_dims(input, 0);
    if (!strides || strides->size() != dims.size())
      return false;
    std::int64_t contiguous = 1;
    for (std::size_t k = dims.size(); k-- > 0;) {
      if (dims[k] != 1 && (*strides)[k] != contiguous)
        return false;
      if (__builtin_mul_overflow(contiguous, dims[k], &contiguous))
        return false;
    }
    const graph::attribute* offset = g.attribute_of(n, "storage_offset");
    return offset == nullptr || offset->is_null() ||
           (offset->as_int() != nullptr && *offset->as_int() == 0);
  }
  return false;
}

}  // namespace detail

/// The post-processing of the Arm partitioner (ethos-u55.md 2.4) applied to
/// `plan`, a capability partitioning of `g`:
/// 1. INT-only specs, in node order with membership as it changes: de-tag a
///    quantize whose input is outside its partition, a dequantize with a user
///    outside it (a graph output counts as outside), and any other node with
///    a floating-point input from outside;
/// 2. a partition left with a cycle (a path out through a de-tagged node and
///    back in) is split into its connected components, as Arm does; where a
///    component would still hold a cycle, which Arm's split misses, it is
///    split further into convex parts, so every partition stays convex;
/// 3. a partition with a uint8 node (other than Q/DQ) or whose every node is
///    a no-op (view, clone, alias, detach, identity expand/squeeze/cast/flip/
///    as_strided, Q, DQ) is rejected whole.
/// A de-tagged or rejected node keeps the first reason: the rule that moved it.
/// Unlike Arm, which runs the steps once, they repeat until nothing changes,
/// so that a split or rejection cannot leave a boundary Q/DQ or a cycle behind.
template <graph::graph G>
partition_plan arm_post_process(const G& g, const partition_plan& plan,
                                arm_post_process_options options = {}) {
  using targets::reason;
  using targets::rejection;
  const std::size_t count = g.node_count();
  if (plan.node_count() != count) {
    throw error("the plan covers " + std::to_string(plan.node_count()) + " nodes, the graph " +
                std::to_string(count));
  }
  constexpr std::uint32_t host = partition_plan::host;
  std::vector<std::uint32_t> current(count);
  constexpr std::uint32_t no_reason = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> reason_slot(count, no_reason);
  std::vector<rejection> rejections;
  for (graph::node_index n = 0; n < count; ++n) {
    current[n] = plan.partition_of(n);
    if (const rejection* why = plan.reason(n)) {
      reason_slot[n] = static_cast<std::uint32_t>(rejections.size());
      rejections.push_back(*why);
    }
  }
  std::vector<std::uint32_t> tag;
  const std::vector<ops::op_id> ids = op_ids(g);
  std::vector<bool> graph_output(count, false);
  for (const auto output : g.graph_outputs())
    graph_output[static_cast<graph::node_index>(output)] = true;
  auto name = [&](graph::node_index n) { return "'" + std::string(g.node_name(n)) + "'"; };
  auto detag = [&](graph::node_index n, reason code, std::string message) {
    tag[n] = host;
    reason_slot[n] = static_cast<std::uint32_t>(rejections.size());
    rejections.push_back(rejection{code, std::move(message)});
  };

  // A split or a rejection can leave a new boundary Q/DQ or cycle: rounds run
  // until one changes nothing. A round only moves nodes to the host or splits
  // partitions, never joins them, so the rounds end; usually the second
  // changes nothing.
  for (;;) {
    tag = current;

    if (options.int_only) {
      for (graph::node_index n = 0; n < count; ++n) {
        if (tag[n] == host)
          continue;
        const auto inputs = g.inputs(n);
        if (ops::is_quantize(ids[n])) {
          const auto input =
              inputs.empty() ? graph::no_node : static_cast<graph::node_index>(inputs[0]);
          if (input != graph::no_node && tag[input] != tag[n]) {
            detag(n, reason::boundary_quantize,
                  "quantize of " + name(input) + ", which is outside the partition");
          }
          continue;
        }
        if (ops::is_dequantize(ids[n])) {
          if (graph_output[n]) {
            detag(n, reason::boundary_dequantize, "dequantize that is a graph output");
            continue;
          }
          for (const auto user : g.users(n)) {
            if (tag[user] != tag[n]) {
              detag(n, reason::boundary_dequantize,
                    "dequantize with user " + name(user) + " outside the partition");
              break;
            }
          }
          continue;
        }
        for (const auto input : inputs) {
          const auto p = static_cast<graph::node_index>(input);
          if (p != graph::no_node && tag[p] != tag[n] && is_floating_point(g.output_dtype(p, 0))) {
            detag(n, reason::boundary_float_input,
                  "first node in the partition, and its input " + name(p) + " is " +
                      std::string(to_string(g.output_dtype(p, 0))));
            break;
          }
        }
      }

      // A surviving node above level 0 is reached from its own partition
      // through a de-tagged node: that partition now holds a cycle.
      std::vector<bool> surviving(count);
      for (graph::node_index n = 0; n < count; ++n)
        surviving[n] = tag[n] != host;
      const std::vector<std::uint32_t> level = exit_levels(g, surviving, &current);
      std::vector<bool> cyclic(count, false);
      for (graph::node_index n = 0; n < count; ++n) {
        if (surviving[n] && level[n] > 0)
          cyclic[current[n]] = true;
      }
      // Arm's split: the connected components of what survives.
      detail::node_sets components(count);
      for (graph::node_index n = 0; n < count; ++n) {
        if (!surviving[n] || !cyclic[current[n]])
          continue;
        for (const auto input : g.inputs(n)) {
          const auto p = static_cast<graph::node_index>(input);
          if (p != graph::no_node && surviving[p] && current[p] == current[n])
            components.join(p, n);
        }
      }
      // A component can still hold a cycle (a path out through a de-tagged node
      // and back into the same component), which Arm's split misses. Each is
      // checked by levels over its partition with only itself selected, and a
      // cyclic one is split by them; past max_checked components in one
      // partition, the levels of all survivors stand in (convex, maybe finer).
      constexpr std::size_t max_checked = 64;
      std::vector<std::vector<graph::node_index>> members(count);
      std::vector<std::vector<graph::node_index>> roots(count);
      for (graph::node_index n = 0; n < count; ++n) {
        if (current[n] == host || !cyclic[current[n]])
          continue;
        members[current[n]].push_back(n);
        if (surviving[n] && components.find(n) == n)
          roots[current[n]].push_back(n);
      }
      std::vector<std::uint32_t> part_level(count, 0);
      std::vector<std::uint32_t> local(count, 0);
      for (std::size_t p = 0; p < count; ++p) {
        if (!cyclic[p])
          continue;
        if (roots[p].size() > max_checked) {
          for (graph::node_index n : members[p])
            part_level[n] = level[n];
          continue;
        }
        for (graph::node_index root : roots[p]) {
          bool split = false;
          for (graph::node_index n : members[p]) {
            const bool selected = surviving[n] && components.find(n) == root;
            std::uint32_t value = 0;
            for (const auto input : g.inputs(n)) {
              const auto q = static_cast<graph::node_index>(input);
              if (q == graph::no_node || current[q] != current[n])
                continue;
              const bool from_selected = surviving[q] && components.find(q) == root;
              value = std::max(value, local[q] + (from_selected && !selected ? 1U : 0U));
            }
            local[n] = value;
            split = split || (selected && value > 0);
          }
          for (graph::node_index n : members[p]) {
            if (split && surviving[n] && components.find(n) == root)
              part_level[n] = local[n];
          }
        }
      }
      // Keys: an untouched partition keeps its number; a part of a split one is
      // named by its component and level, above every partition number.
      std::map<std::pair<graph::node_index, std::uint32_t>, std::uint32_t> parts;
      for (graph::node_index n = 0; n < count; ++n) {
        if (!surviving[n] || !cyclic[current[n]])
          continue;
        const auto key = std::pair{components.find(n), part_level[n]};
        const auto found = parts.try_emplace(key, static_cast<std::uint32_t>(count + parts.size()));
        tag[n] = found.first->second;
      }
    }

    // Step 3: rejection of whole partitions.
    std::vector<std::uint32_t> key = detail::number_by_first_node(tag);
    std::uint32_t groups = 0;
    for (std::uint32_t k : key) {
      if (k != host)
        groups = std::max(groups, k + 1);
    }
    std::vector<bool> all_no_op(groups, true);
    std::vector<graph::node_index> uint8_node(groups, graph::no_node);
    for (graph::node_index n = 0; n < count; ++n) {
      if (key[n] == host)
        continue;
      all_no_op[key[n]] = all_no_op[key[n]] && detail::is_no_op(g, n, ids[n]);
      const bool quant = ops::is_quantize(ids[n]) || ops::is_dequantize(ids[n]);
      bool uint8_valued = false;
      for (std::size_t k = 0; k < g.output_count(n); ++k)
        uint8_valued = uint8_valued || g.output_dtype(n, k) == dtype::uint8;
      // A getitem that only feeds the graph's outputs is exempt, as Arm exempts outputs.
      const bool output_getitem = ids[n] == ops::op_id_of<ops::getitem>() && graph_output[n] &&
                                  std::ranges::empty(g.users(n));
      if (!quant && !output_getitem && uint8_valued && uint8_node[key[n]] == graph::no_node)
        uint8_node[key[n]] = n;
    }
    for (graph::node_index n = 0; n < count; ++n) {
      if (key[n] == host)
        continue;
      const std::uint32_t k = key[n];
      if (uint8_node[k] != graph::no_node) {
        detag(n, reason::uint8_partition,
              "its partition holds " + name(uint8_node[k]) + ", a uint8 node");
        key[n] = host;
      } else if (all_no_op[k]) {
        detag(n, reason::no_op_partition,
              "every node of its partition is a no-op or a quantize/dequantize");
        key[n] = host;
      }
    }
    std::vector<std::uint32_t> next = detail::number_by_first_node(key);
    if (next == current)
      break;
    current = std::move(next);
  }
  return partition_plan(std::move(current), std::move(reason_slot), std::move(rejections));
}

/// The Arm partitioner for an Ethos-U target type (ethos_u55, ethos_u85):
/// capability partitioning with `Target::check`, then arm_post_process.
template <class Target, graph::graph G>
partition_plan partition_arm(const G& g, arm_post_process_options options = {}) {
  const auto check = [](const G& graph, graph::node_index n) { return Target::check(graph, n); };
  return arm_post_process(g, partition(g, check), options);
}

}  // namespace qlower::passes
