// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/quantizer.hpp"

namespace qlower::passes {

/// What an observer group quantizes, and so which spec of the config it takes.
enum class spec_kind : std::uint8_t { activation, weight, bias, fixed };

/// One observer: every point of a group shares its scale and zero point.
struct observer_group {
  spec_kind kind;
  traits::quant_spec spec;

  friend constexpr bool operator==(const observer_group&, const observer_group&) = default;
};

/// The result of annotation, for any graph: which values are quantized, which
/// share an observer, which nodes run quantized. A quantization point is a
/// node's output or one input slot of a node.
///
/// Group ids are numbered by first appearance in point order (outputs of
/// nodes 0..n-1, then input slots node by node), so two plans of the same
/// graph compare equal exactly when they quantize the same points and share
/// the same observers.
class annotation_plan {
 public:
  static constexpr std::uint32_t no_group = std::numeric_limits<std::uint32_t>::max();

  annotation_plan() = default;
  /// `input_offset` has node_count + 1 entries (CSR offsets of the input
  /// slots); `point_group` one per point, outputs first.
  annotation_plan(std::vector<std::uint32_t> input_offset, std::vector<std::uint32_t> point_group,
                  std::vector<observer_group> groups, std::vector<bool> runs_quantized)
      : input_offset_(std::move(input_offset)),
        point_group_(std::move(point_group)),
        groups_(std::move(groups)),
        runs_quantized_(std::move(runs_quantized)) {}

  std::size_t node_count() const noexcept { return runs_quantized_.size(); }
  /// The group of node n's output (all its outputs), or no_group when it stays float.
  std::uint32_t output_group(graph::node_index n) const noexcept { return point_group_[n]; }
  /// The group of input slot k of node n, or no_group when that input is taken in float.
  std::uint32_t input_group(graph::node_index n, std::size_t k) const noexcept {
    return point_group_[node_count() + input_offset_[n] + k];
  }
  std::size_t input_count(graph::node_index n) const noexcept {
    return input_offset_[n + 1] - input_offset_[n];
  }
  bool output_quantized(graph::node_index n) const noexcept { return output_group(n) != no_group; }
  /// Whether node n computes on quantized values (its output, or for a
  /// comparison its inputs, are quantized).
  bool runs_quantized(graph::node_index n) const noexcept { return runs_quantized_[n]; }
  std::span<const observer_group> groups() const noexcept { return groups_; }

  friend bool operator==(const annotation_plan&, const annotation_plan&) = default;

 private:
  std::vector<std::uint32_t> input_offset_;
  std::vector<std::uint32_t> point_group_;
  std::vector<observer_group> groups_;
  std::vector<bool> runs_quantized_;
};

/// The op id of every node of `g`: the one place a pass compares names.
template <graph::graph G>
std::vector<ops::op_id> op_ids(const G& g) {
  std::vector<ops::op_id> ids(g.node_count());
  for (graph::node_index n = 0; n < ids.size(); ++n)
    ids[n] = ops::find_op(g.op_name(n));
  return ids;
}

namespace detail {

/// Union-find over quantization points; a root carries its group's spec.
class point_sets {
 public:
  explicit point_sets(std::size_t count) : parent_(count), annotated_(count, false), kind_(count) {
    std::iota(parent_.begin(), parent_.end(), std::uint32_t{0});
  }

  bool annotated(std::uint32_t point) const { return annotated_[point]; }
  void fresh(std::uint32_t point, spec_kind kind) {
    annotated_[point] = true;
    kind_[point] = kind;
  }
  /// `point` joins the group of `other` (which must be annotated).
  void share(std::uint32_t point, std::uint32_t other) {
    annotated_[point] = true;
    const std::uint32_t a = find(point);
    const std::uint32_t b = find(other);
    if (a != b)
      parent_[a] = b;
  }
  std::uint32_t find(std::uint32_t point) {
    while (parent_[point] != point) {
      parent_[point] = parent_[parent_[point]];
      point = parent_[point];
    }
    return point;
  }
  spec_kind kind(std::uint32_t point) { return kind_[find(point)]; }

 private:
  std::vector<std::uint32_t> parent_;
  std::vector<bool> annotated_;
  std::vector<spec_kind> kind_;
};

inline bool is_conv(ops::op_id id) {
  using namespace ops::aten;
  const ops::op_id base = ops::canonical(id);
  for (ops::op_id conv :
       {ops::op_id_of<conv1d_default>(), ops::op_id_of<conv1d_padding>(),
        ops::op_id_of<conv2d_default>(), ops::op_id_of<conv2d_padding>(),
        ops::op_id_of<conv3d_default>(), ops::op_id_of<conv3d_padding>(),
        ops::op_id_of<conv_transpose2d_input>(), ops::op_id_of<convolution_default>()}) {
    if (base == conv)
      return true;
  }
  return false;
}

}  // namespace detail

/// Annotates `g` as the Arm V1 annotator does (arm-quantizer.md 1.1), with the
/// rules of `Policy`, and returns the plan; `g` is read through the graph
/// concept only. Nodes are visited in index order, which is topological, so
/// a producer is always decided before its users.
///
/// Where qlower differs from V1, by design: aliases and variants take their
/// canonical op's rule (V1 lists overloads one by one); a conv followed by
/// batch_norm, relu or hardtanh shares one observer with them instead of
/// leaving the conv output unobserved (the same grouping, one observer fewer
/// to calibrate); integer inputs of a shared-spec op (where's condition,
/// index_put's indices) are skipped instead of rejecting the op; large-scalar
/// constants are not detected (the graph concept carries no constant data).
///
/// The rules and config come from a policy type at compile time (annotate)
/// or from tables at run time (annotate_with, as a user's rule file gives them).
template <graph::graph G>
annotation_plan annotate_with(const G& g,
                              const std::array<traits::qspec_rule, ops::op_count>& rules,
                              const traits::quantization_config& config) {
  using traits::qspec_rule;
  const std::size_t node_count = g.node_count();
  const std::vector<ops::op_id> ids = op_ids(g);

  std::vector<std::uint32_t> input_offset(node_count + 1, 0);
  for (graph::node_index n = 0; n < node_count; ++n) {
    input_offset[n + 1] = input_offset[n] + static_cast<std::uint32_t>(g.inputs(n).size());
  }
  const std::size_t point_count = node_count + input_offset[node_count];
  detail::point_sets points(point_count);
  std::vector<bool> done(node_count, false);

  auto out = [](graph::node_index n) { return static_cast<std::uint32_t>(n); };
  auto in = [&](graph::node_index n, std::size_t k) {
    return static_cast<std::uint32_t>(node_count + input_offset[n] + k);
  };
  auto producer = [&](graph::node_index n, std::size_t k) -> graph::node_index {
    const auto inputs = g.inputs(n);
    return k < inputs.size() ? static_cast<graph::node_index>(inputs[k]) : graph::no_node;
  };
  auto all_outputs_float32 = [&](graph::node_index n) {
    for (std::size_t k = 0; k < g.output_count(n); ++k) {
      if (g.output_dtype(n, k) != dtype::float32)
        return false;
    }
    return true;
  };
  auto input_float32 = [&](graph::node_index n, std::size_t k) {
    const graph::node_index p = producer(n, k);
    return p == graph::no_node || all_outputs_float32(p);
  };
  auto present = [&](graph::node_index n, std::size_t k) {
    return producer(n, k) != graph::no_node;
  };

  for (graph::node_index n = 0; n < node_count; ++n) {
    if (done[n] || ids[n] == ops::unknown_op)
      continue;
    const qspec_rule rule = rules[ids[n]];
    const std::size_t arity = g.inputs(n).size();

    if (rule == qspec_rule::getitem) {
      const graph::node_index p = producer(n, 0);
      if (p != graph::no_node && points.annotated(out(p))) {
        points.share(in(n, 0), out(p));
        points.share(out(n), out(p));
      }
      done[n] = true;
      continue;
    }
    // V2's shared clusters are decided after every other node, below.
    if (rule == qspec_rule::none || rule == qspec_rule::shared_cluster)
      continue;

    // _is_ok_for_quantization: every annotated input and an annotated output are float32.
    std::vector<std::size_t> slots;
    bool output_annotated = rule != qspec_rule::comparison;
    switch (rule) {
      case qspec_rule::binary:
      case qspec_rule::comparison:
      case qspec_rule::copy:
        for (std::size_t k = 0; k < arity && k < 2; ++k) {
          if (present(n, k))
            slots.push_back(k);
        }
        break;
      case qspec_rule::weighted:
        for (std::size_t k = 0; k < arity && k < 3; ++k) {
          if (present(n, k))
            slots.push_back(k);
        }
        break;
      case qspec_rule::shared_across_inputs:
      case qspec_rule::every_input:
        for (std::size_t k = 0; k < arity; ++k) {
          const graph::node_index p = producer(n, k);
          if (p != graph::no_node && is_floating_point(g.output_dtype(p, 0)))
            slots.push_back(k);
        }
        break;
      case qspec_rule::output_only:
        break;
      case qspec_rule::fixed:
        if (ids[n] == ops::op_id_of<ops::aten::to_dtype>()) {
          const graph::node_index p = producer(n, 0);
          const bool integer_input = p != graph::no_node && (g.output_dtype(p, 0) == dtype::int8 ||
                                                             g.output_dtype(p, 0) == dtype::int16 ||
                                                             g.output_dtype(p, 0) == dtype::int32);
          if (!integer_input)
            continue;
          break;
        }
        if (present(n, 0))
          slots.push_back(0);
        break;
      default:
        if (present(n, 0))
          slots.push_back(0);
    }
    bool float_ok = !output_annotated || all_outputs_float32(n);
    for (std::size_t k : slots)
      float_ok = float_ok && input_float32(n, k);
    if (!float_ok)
      continue;
    // grid_sampler has no 16-bit fixed qparams: with 16-bit activations V1 leaves it float.
    if (ids[n] == ops::op_id_of<ops::aten::grid_sampler_default>() &&
        size_bytes(config.activation.type) != 1) {
      continue;
    }

    switch (rule) {
      case qspec_rule::independent:
      case qspec_rule::binary:
      case qspec_rule::every_input:
      case qspec_rule::output_only:
        for (std::size_t k : slots)
          points.fresh(in(n, k), spec_kind::activation);
        points.fresh(out(n), spec_kind::activation);
        break;
      case qspec_rule::copy:
        for (std::size_t k : slots)
          points.fresh(in(n, k), spec_kind::activation);
        if (present(n, 1)) {
          points.share(out(n), in(n, 1));
        } else {
          points.fresh(out(n), spec_kind::activation);
        }
        break;
      case qspec_rule::pass_through:
        if (slots.empty())
          break;
        points.fresh(in(n, 0), spec_kind::activation);
        points.share(out(n), in(n, 0));
        break;
      case qspec_rule::pass_through_or_input_act: {
        if (slots.empty())
          break;
        const graph::node_index p = producer(n, 0);
        if (points.annotated(out(p))) {
          points.share(in(n, 0), out(p));
        } else {
          points.fresh(in(n, 0), spec_kind::activation);
        }
        points.share(out(n), in(n, 0));
        break;
      }
      case qspec_rule::shared_across_inputs:
        if (slots.empty())
          break;
        points.fresh(in(n, slots.front()), spec_kind::activation);
        for (std::size_t k : slots)
          points.share(in(n, k), in(n, slots.front()));
        points.share(out(n), in(n, slots.front()));
        break;
      case qspec_rule::comparison:
        if (slots.empty())
          break;
        points.fresh(in(n, slots.front()), spec_kind::activation);
        if (slots.size() > 1) {
          if (producer(n, 0) == producer(n, 1)) {
            points.fresh(in(n, 1), spec_kind::activation);
          } else {
            points.share(in(n, 1), in(n, 0));
          }
        }
        break;
      case qspec_rule::fixed:
        for (std::size_t k : slots)
          points.fresh(in(n, k), spec_kind::fixed);
        points.fresh(out(n), ids[n] == ops::op_id_of<ops::aten::grid_sampler_default>() ||
                                     ids[n] == ops::op_id_of<ops::aten::to_dtype>()
                                 ? spec_kind::fixed
                                 : spec_kind::activation);
        break;
      case qspec_rule::weighted: {
        constexpr spec_kind kinds[3] = {spec_kind::activation, spec_kind::weight, spec_kind::bias};
        for (std::size_t k : slots) {
          points.fresh(in(n, k), kinds[k]);
          const graph::node_index p = producer(n, k);
          // A weight or bias constant is quantized in place ("mark annotated" in V1).
          if (k > 0 && ids[p] == ops::op_id_of<ops::graph_const>() && !points.annotated(out(p))) {
            points.share(out(p), in(n, k));
            done[p] = true;
          }
        }
        points.fresh(out(n), spec_kind::activation);
        // V1 rows 1-2: a conv followed by batch_norm gives the batch_norm its output spec.
        const auto users = g.users(n);
        if (detail::is_conv(ids[n]) && !users.empty()) {
          const graph::node_index first_user = *users.begin();
          // V1 matches torch.export's batch_norm by name; the pipeline has folded it by now.
          if (ids[first_user] == ops::op_id_of<ops::aten::batch_norm_default>() &&
              producer(first_user, 0) == n && all_outputs_float32(first_user)) {
            points.share(in(first_user, 0), out(n));
            points.share(out(first_user), out(n));
            done[first_user] = true;
          }
        }
        break;
      }
      case qspec_rule::none:
      case qspec_rule::getitem:
      case qspec_rule::shared_cluster:
        break;
    }
    done[n] = true;
  }

  // V2's SharedQspecQuantizer runs after its patterns: each connected cluster
  // of shared-list nodes takes one spec, the first annotated point next to it
  // (a producer's output, else a reader's input, members in graph order), on
  // every floating-point input and float32 output; a cluster with none next
  // to it stays float. A node with neither a float input nor a float output
  // joins no cluster. (ExecuTorch takes the first spec of its BFS; which
  // neighbour comes first there is an order qlower does not copy.)
  auto float_input = [&](graph::node_index n, std::size_t k) {
    const graph::node_index p = producer(n, k);
    return p != graph::no_node && is_floating_point(g.output_dtype(p, 0));
  };
  auto joins_cluster = [&](graph::node_index n) {
    if (done[n] || ids[n] == ops::unknown_op || rules[ids[n]] != qspec_rule::shared_cluster)
      return false;
    bool any_float = is_floating_point(g.output_dtype(n, 0));
    for (std::size_t k = 0; k < g.inputs(n).size(); ++k)
      any_float = any_float || float_input(n, k);
    return any_float;
  };
  std::vector<bool> in_cluster(node_count, false);
  std::vector<graph::node_index> cluster;
  std::vector<graph::node_index> frontier;
  for (graph::node_index root = 0; root < node_count; ++root) {
    if (in_cluster[root] || !joins_cluster(root))
      continue;
    cluster.assign(1, root);
    frontier.assign(1, root);
    in_cluster[root] = true;
    while (!frontier.empty()) {
      const graph::node_index m = frontier.back();
      frontier.pop_back();
      auto visit = [&](graph::node_index other) {
        if (other != graph::no_node && !in_cluster[other] && joins_cluster(other)) {
          in_cluster[other] = true;
          cluster.push_back(other);
          frontier.push_back(other);
        }
      };
      for (const auto input : g.inputs(m))
        visit(static_cast<graph::node_index>(input));
      for (const auto user : g.users(m))
        visit(static_cast<graph::node_index>(user));
    }
    std::sort(cluster.begin(), cluster.end());
    std::optional<std::uint32_t> adjacent;
    for (graph::node_index m : cluster) {
      const auto inputs = g.inputs(m);
      for (std::size_t k = 0; k < inputs.size() && !adjacent; ++k) {
        const graph::node_index p = producer(m, k);
        if (p != graph::no_node && !in_cluster[p] && points.annotated(out(p)))
          adjacent = out(p);
      }
      for (const auto reader : g.users(m)) {
        const auto u = static_cast<graph::node_index>(reader);
        if (adjacent || in_cluster[u])
          continue;
        const auto reader_inputs = g.inputs(u);
        for (std::size_t k = 0; k < reader_inputs.size() && !adjacent; ++k) {
          if (static_cast<graph::node_index>(reader_inputs[k]) == m && points.annotated(in(u, k)))
            adjacent = in(u, k);
        }
      }
      if (adjacent)
        break;
    }
    for (graph::node_index m : cluster) {
      done[m] = true;
      if (!adjacent)
        continue;
      for (std::size_t k = 0; k < g.inputs(m).size(); ++k) {
        if (float_input(m, k))
          points.share(in(m, k), *adjacent);
      }
      if (all_outputs_float32(m))
        points.share(out(m), *adjacent);
    }
  }
  // A getitem whose producer a cluster annotated takes its producer's spec too.
  for (graph::node_index n = 0; n < node_count; ++n) {
    if (ids[n] == ops::unknown_op || rules[ids[n]] != qspec_rule::getitem)
      continue;
    const graph::node_index p = producer(n, 0);
    if (p != graph::no_node && points.annotated(out(p)) && !points.annotated(out(n))) {
      points.share(in(n, 0), out(p));
      points.share(out(n), out(p));
    }
  }

  // Number the groups by first appearance, so equal plans compare equal.
  std::vector<std::uint32_t> point_group(point_count, annotation_plan::no_group);
  std::vector<observer_group> groups;
  std::vector<std::uint32_t> group_of_root(point_count, annotation_plan::no_group);
  for (std::uint32_t point = 0; point < point_count; ++point) {
    if (!points.annotated(point))
      continue;
    const std::uint32_t root = points.find(point);
    if (group_of_root[root] == annotation_plan::no_group) {
      group_of_root[root] = static_cast<std::uint32_t>(groups.size());
      const spec_kind kind = points.kind(root);
      const traits::quant_spec spec = kind == spec_kind::weight ? config.weight
                                      : kind == spec_kind::bias ? config.bias
                                                                : config.activation;
      groups.push_back({kind, spec});
    }
    point_group[point] = group_of_root[root];
  }
  std::vector<bool> runs_quantized(node_count, false);
  for (graph::node_index n = 0; n < node_count; ++n) {
    bool quantized = point_group[out(n)] != annotation_plan::no_group;
    const bool is_comparison = ids[n] != ops::unknown_op && rules[ids[n]] == qspec_rule::comparison;
    for (std::size_t k = 0; is_comparison && k < g.inputs(n).size(); ++k) {
      quantized = quantized || point_group[in(n, k)] != annotation_plan::no_group;
    }
    runs_quantized[n] = quantized;
  }
  return annotation_plan(std::move(input_offset), std::move(point_group), std::move(groups),
                         std::move(runs_quantized));
}

/// annotate_with the rules and config of `Policy`.
template <traits::quantizer_policy Policy = traits::arm_quantizer, graph::graph G>
annotation_plan annotate(const G& g) {
  return annotate_with(g, ops::rule_table<Policy>, Policy::config);
}

}  // namespace qlower::passes
