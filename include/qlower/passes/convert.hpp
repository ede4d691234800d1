// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/passes/annotate.hpp"

namespace qlower::passes {

/// The op names convert inserts, as the quantized_decomposed ops of the specs.
inline constexpr std::string_view quantize_op_name =
    "quantized_decomposed.quantize_per_tensor.default";
inline constexpr std::string_view dequantize_op_name =
    "quantized_decomposed.dequantize_per_tensor.default";
inline constexpr std::string_view quantize_per_channel_op_name =
    "quantized_decomposed.quantize_per_channel.default";

/// Applies `plan` to `g`, in the folded form a backend lowers: every quantized
/// value takes its group's integer dtype (int8 activations and weights, int32
/// bias), constants quantized in place (weights, and any float constant every
/// reader takes in one group, as convert_pt2e's fold_quantize folds their
/// quantize nodes); a quantize node where a float value
/// enters a quantized input, a dequantize where a quantized value enters a
/// float input or leaves the graph, and a dequantize-quantize pair where a
/// value moves between two observer groups. Inserted nodes carry
/// `quant_min`, `quant_max`, `dtype` and `observer` (the group id) attributes;
/// scales come from calibration, which is not qlower's business.
///
/// Throws qlower::error when `plan` was not made for `g`.
inline graph::plain_graph convert(const graph::plain_graph& g, const annotation_plan& plan) {
  using graph::node;
  using graph::node_index;
  if (plan.node_count() != g.node_count()) {
    throw error("the plan covers " + std::to_string(plan.node_count()) + " nodes, the graph " +
                std::to_string(g.node_count()));
  }
  graph::plain_graph result(g.name());
  std::vector<node_index> converted(g.node_count(), graph::no_node);
  graph::unique_ids ids(g);
  auto fresh_id = [&](const std::string& base) { return ids.fresh(base); };
  auto group_attrs = [&](std::uint32_t group, dtype type) {
    const traits::quant_spec& spec = plan.groups()[group].spec;
    return graph::attribute_map{{"quant_min", spec.quant_min},
                                {"quant_max", spec.quant_max},
                                {"dtype", std::string(to_string(type))},
                                {"observer", static_cast<std::int64_t>(group)}};
  };

  // Inserted nodes are shared by every user that needs the same conversion.
  std::map<node_index, node_index> dequantized;
  std::map<std::pair<node_index, std::uint32_t>, node_index> quantized;
  auto dequantize = [&](node_index source) {
    const auto found = dequantized.find(source);
    if (found != dequantized.end())
      return found->second;
    const node& value = g[source];
    const std::uint32_t group = plan.output_group(source);
    node dq{fresh_id(value.id + ".dq"),
            std::string(dequantize_op_name),
            {converted[source]},
            group_attrs(group, plan.groups()[group].spec.type),
            {{dtype::float32, value.outputs.front().dims}},
            {}};
    return dequantized[source] = result.add_node(std::move(dq));
  };
  auto quantize = [&](node_index source, std::uint32_t group) {
    const auto key = std::make_pair(source, group);
    const auto found = quantized.find(key);
    if (found != quantized.end())
      return found->second;
    const node& value = g[source];
    const node_index float_value =
        plan.output_quantized(source) ? dequantize(source) : converted[source];
    const observer_group& target = plan.groups()[group];
    const bool per_channel = target.kind == spec_kind::weight && target.spec.per_channel;
    node q{fresh_id(value.id + ".q" + std::to_string(group)),
           std::string(per_channel ? quantize_per_channel_op_name : quantize_op_name),
           {float_value},
           group_attrs(group, target.spec.type),
           {{target.spec.type, value.outputs.front().dims}},
           {}};
    if (per_channel)
      q.attrs["axis"] = static_cast<std::int64_t>(target.spec.channel_axis);
    return quantized[key] = result.add_node(std::move(q));
  };

  // convert_pt2e's fold_quantize: a float constant that every reader takes in one
  // observer group becomes a constant of that group, where a quantize node would
  // otherwise stand outside every partition (a decomposed batch norm's scale).
  std::vector<std::uint32_t> folded_group(g.node_count(), annotation_plan::no_group);
  for (node_index n = 0; n < g.node_count(); ++n) {
    if (g[n].op != "const" || plan.output_quantized(n) ||
        g[n].outputs.front().type != dtype::float32)
      continue;
    std::uint32_t group = annotation_plan::no_group;
    bool one_group = true;
    for (node_index user : g.users(n)) {
      for (std::size_t k = 0; k < g[user].inputs.size(); ++k) {
        if (g[user].inputs[k] != n)
          continue;
        const std::uint32_t wanted = plan.input_group(user, k);
        one_group = one_group && wanted != annotation_plan::no_group &&
                    (group == annotation_plan::no_group || group == wanted);
        group = wanted;
      }
    }
    for (node_index output : g.graph_outputs())
      one_group = one_group && output != n;
    if (one_group)
      folded_group[n] = group;
  }
  auto held_group = [&](node_index n) {
    return plan.output_quantized(n) ? plan.output_group(n) : folded_group[n];
  };

  for (node_index n = 0; n < g.node_count(); ++n) {
    node copy = g[n];
    for (std::size_t k = 0; k < copy.inputs.size(); ++k) {
      const node_index source = copy.inputs[k];
      if (source == graph::no_node)
        continue;
      const std::uint32_t wanted = plan.input_group(n, k);
      const std::uint32_t held = held_group(source);
      if (wanted == held) {
        copy.inputs[k] = converted[source];
      } else if (wanted == annotation_plan::no_group) {
        copy.inputs[k] = dequantize(source);
      } else {
        copy.inputs[k] = quantize(source, wanted);
      }
    }
    if (held_group(n) != annotation_plan::no_group) {
      const dtype type = plan.groups()[held_group(n)].spec.type;
      for (graph::tensor_type& output : copy.outputs) {
        if (output.type == dtype::float32)
          output.type = type;
      }
      // Constant data is float until calibration gives the scale to round it with.
      copy.data = {};
    }
    converted[n] = result.add_node(std::move(copy));
  }
  std::vector<node_index> outputs;
  for (node_index output : g.graph_outputs()) {
    outputs.push_back(plan.output_quantized(output) ? dequantize(output) : converted[output]);
  }
  result.set_outputs(std::move(outputs));
  return result;
}

}  // namespace qlower::passes
