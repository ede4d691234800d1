// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/passes/graph_edit.hpp"

namespace qlower::passes {

namespace detail {

inline bool is_op(const graph::plain_graph& g, graph::node_index n, ops::op_id id) {
  return n != graph::no_node && ops::canonical(ops::find_op(g.op_name(n))) == id;
}

inline bool is_constant(const graph::plain_graph& g, graph::node_index n) {
  return n != graph::no_node && ops::find_op(g.op_name(n)) == ops::op_id_of<ops::graph_const>();
}

inline const std::vector<double>* float_data(const graph::plain_graph& g, graph::node_index n) {
  return n == graph::no_node ? nullptr : std::get_if<std::vector<double>>(&g[n].data);
}

/// The getitems through which `bn` is read, when every reader takes output 0
/// and `bn` is no graph output; otherwise why not. A node with one output may
/// also be read directly (and be a graph output): those readers need no getitem.
inline std::variant<std::vector<graph::node_index>, std::string> first_output_readers(
    const graph::plain_graph& g, graph::node_index bn) {
  const bool one_output = g.output_count(bn) == 1;
  for (graph::node_index output : g.graph_outputs()) {
    if (output == bn && !one_output)
      return std::string("it is a graph output");
  }
  std::vector<graph::node_index> readers;
  for (graph::node_index user : g.users(bn)) {
    const bool is_getitem = ops::find_op(g.op_name(user)) == ops::op_id_of<ops::getitem>();
    if (!is_getitem && one_output)
      continue;
    const graph::attribute* index = g.attribute_of(user, "index");
    if (!is_getitem || index == nullptr || index->as_int() == nullptr || *index->as_int() != 0)
      return "'" + g[user].id + "' reads its saved statistics";
    readers.push_back(user);
  }
  return readers;
}

/// An inference batch norm's per-channel parameters, read from its constants.
struct batch_norm_parameters {
  std::array<graph::node_index, 4> constants;  ///< weight, bias, running_mean, running_var
  float eps;
};

/// The parameters of `bn` for `channels` channels, or why they do not fit.
inline std::variant<batch_norm_parameters, std::string> read_batch_norm(const graph::plain_graph& g,
                                                                        graph::node_index bn,
                                                                        std::int64_t channels) {
  const auto inputs = g.inputs(bn);
  if (inputs.size() != 5)
    return "it takes " + std::to_string(inputs.size()) + " inputs, not 5";
  const graph::attribute* eps = g.attribute_of(bn, "eps");
  const std::optional<double> eps_value = eps == nullptr ? std::nullopt : eps->as_number();
  if (!eps_value || !(*eps_value >= 0.0) || *eps_value > std::numeric_limits<float>::max())
    return std::string("its eps is not a non-negative float32 number");
  constexpr std::array<const char*, 4> names{"weight", "bias", "running_mean", "running_var"};
  for (std::size_t k = 1; k < 5; ++k) {
    const graph::node_index p = inputs[k];
    if (p == graph::no_node) {
      if (k >= 3)
        return std::string(names[k - 1]) + " is absent";
      continue;
    }
    if (!is_constant(g, p))
      return std::string(names[k - 1]) + " '" + g[p].id + "' is not a constant";
    const auto dims = g.output_dims(p, 0);
    if (dims.size() != 1 || dims[0] != channels) {
      return std::string(names[k - 1]) + " '" + g[p].id + "' has shape " +
             g[p].outputs.front().dims.to_string() + " for " + std::to_string(channels) +
             " channels";
    }
  }
  return batch_norm_parameters{{inputs[1], inputs[2], inputs[3], inputs[4]},
                               static_cast<float>(*eps_value)};
}

/// The values of `constants` as float32 (empty for an absent input), when
/// every present one carries values float32 holds; otherwise why not: empty
/// when none carries any (a graph without weights), else the reason.
inline std::variant<std::vector<std::vector<float>>, std::string> float32_values(
    const graph::plain_graph& g, std::span<const graph::node_index> constants) {
  std::vector<std::vector<float>> values(constants.size());
  std::size_t with_data = 0;
  std::size_t present = 0;
  for (std::size_t k = 0; k < constants.size(); ++k) {
    if (constants[k] == graph::no_node)
      continue;
    ++present;
    const std::vector<double>* data = float_data(g, constants[k]);
    if (data == nullptr)
      continue;
    ++with_data;
    for (double value : *data) {
      // A double beyond float32's range has no float32 value: the cast would be undefined.
      if (std::isfinite(value) && std::abs(value) > std::numeric_limits<float>::max()) {
        std::ostringstream text;
        text << "'" << g[constants[k]].id << "' holds " << value << ", outside float32's range";
        return text.str();
      }
      values[k].push_back(static_cast<float>(value));
    }
  }
  if (with_data == 0)
    return std::string();
  if (with_data != present)
    return std::string("some of its constants carry data and some do not");
  return values;
}

/// Per channel c of a batch norm with float32 `values` of its weight, bias,
/// mean and var (an empty weight is 1, an empty bias 0): scale[c] = gamma[c] /
/// sqrt(var[c] + eps) and shift[c] = beta[c] - mean[c] * scale[c], in float32
/// in torch's fuse_conv_bn_weights order.
struct channel_affine {
  std::vector<float> var_rsqrt, gamma, beta, mean;

  channel_affine(const std::vector<std::vector<float>>& values, float eps, std::size_t channels) {
    for (std::size_t c = 0; c < channels; ++c) {
      var_rsqrt.push_back(1.0F / std::sqrt(values[3][c] + eps));
      gamma.push_back(values[0].empty() ? 1.0F : values[0][c]);
      beta.push_back(values[1].empty() ? 0.0F : values[1][c]);
      mean.push_back(values[2][c]);
    }
  }
  float scale(std::size_t c) const { return gamma[c] * var_rsqrt[c]; }
};

}  // namespace detail

/// Folds each inference batch norm whose input is a convolution's or a
/// linear's output into that op's weight and bias, as prepare_pt2e's
/// _fuse_conv_bn_ and _fuse_linear_bn_ do. The folded op keeps its id and
/// takes new constants (`<weight>.bn_folded`, `<op>.bn_bias`); its readers
/// read it where they read the batch norm. When the weight, the conv bias and
/// the batch norm's constants carry data, the new constants carry
/// w' = w * gamma / sqrt(var + eps) per output channel and
/// b' = (b - mean) * gamma / sqrt(var + eps) + beta, computed in float32 as
/// torch does; otherwise they carry none (a structural fold).
///
/// A batch norm that cannot be folded stays, with a note in `notes`: its
/// input is no conv or linear, the conv's output has other readers, the conv
/// is transposed, a parameter is not a constant of one value per channel.
/// Expects the canonical form (passes/canonicalize.hpp).
inline graph::plain_graph fuse_batch_norm(const graph::plain_graph& g,
                                          std::vector<pass_note>* notes = nullptr) {
  using graph::no_node;
  using graph::node_index;
  const ops::op_id batch_norm =
      ops::op_id_of<ops::aten::_native_batch_norm_legit_no_training_default>();
  const ops::op_id convolution = ops::op_id_of<ops::aten::convolution_default>();
  const ops::op_id linear = ops::op_id_of<ops::aten::linear_default>();
  edit_plan plan(g);
  auto note = [&](node_index n, std::string message) {
    if (notes != nullptr)
      notes->push_back({"fuse_batch_norm", g[n].id, "not folded: " + std::move(message)});
  };
  for (node_index bn = 0; bn < g.node_count(); ++bn) {
    if (!detail::is_op(g, bn, batch_norm))
      continue;
    const node_index producer = g.inputs(bn).empty() ? no_node : g.inputs(bn)[0];
    const bool after_conv = detail::is_op(g, producer, convolution);
    if (!after_conv && !detail::is_op(g, producer, linear)) {
      note(bn, producer == no_node
                   ? "it has no input"
                   : "its input '" + g[producer].id + "' is no convolution or linear");
      continue;
    }
    if (plan.edited(producer)) {
      note(bn, "'" + g[producer].id + "' is already folded with another batch norm");
      continue;
    }
    const auto readers = detail::first_output_readers(g, bn);
    if (const auto* why = std::get_if<std::string>(&readers)) {
      note(bn, *why);
      continue;
    }
    if (g.users(producer).size() != 1) {
      note(bn, "the output of '" + g[producer].id + "' is also read elsewhere");
      continue;
    }
    bool producer_is_output = false;
    for (node_index output : g.graph_outputs())
      producer_is_output = producer_is_output || output == producer;
    if (producer_is_output) {
      note(bn, "'" + g[producer].id + "' is a graph output");
      continue;
    }
    const graph::attribute* transposed = g.attribute_of(producer, "transposed");
    if (after_conv &&
        (transposed == nullptr || transposed->as_bool() == nullptr || *transposed->as_bool())) {
      note(bn, "'" + g[producer].id + "' is a transposed convolution");
      continue;
    }
    if (!after_conv && g.output_dims(producer, 0).size() != 2) {
      note(bn, "the linear '" + g[producer].id + "' has a rank-" +
                   std::to_string(g.output_dims(producer, 0).size()) +
                   " output, whose axis 1 is not its feature axis");
      continue;
    }
    const auto producer_inputs = g.inputs(producer);
    const node_index weight = producer_inputs.size() > 1 ? producer_inputs[1] : no_node;
    const node_index bias = producer_inputs.size() > 2 ? producer_inputs[2] : no_node;
    if (!detail::is_constant(g, weight) || g.output_dims(weight, 0).empty()) {
      note(bn, "the weight of '" + g[producer].id + "' is not a constant");
      continue;
    }
    const std::int64_t channels = g.output_dims(weight, 0)[0];
    if (bias != no_node && (!detail::is_constant(g, bias) || g.output_dims(bias, 0).size() != 1 ||
                            g.output_dims(bias, 0)[0] != channels)) {
      note(bn, "the bias of '" + g[producer].id + "' is not a constant of " +
                   std::to_string(channels) + " values");
      continue;
    }
    const auto parameters = detail::read_batch_norm(g, bn, channels);
    if (const auto* why = std::get_if<std::string>(&parameters)) {
      note(bn, *why);
      continue;
    }
    const auto& bn_parameters = std::get<detail::batch_norm_parameters>(parameters);

    graph::node folded_weight{plan.fresh_id(g[weight].id + ".bn_folded"),
                              "const",
                              {},
                              {},
                              {g[weight].outputs.front()},
                              {}};
    graph::node folded_bias{plan.fresh_id(g[producer].id + ".bn_bias"),
                            "const",
                            {},
                            {},
                            {graph::tensor_type{g[weight].outputs.front().type,
                                                shape{std::vector<std::int64_t>{channels}}}},
                            {}};
    const auto count = static_cast<std::size_t>(channels);
    const std::array<node_index, 6> constants{bn_parameters.constants[0],
                                              bn_parameters.constants[1],
                                              bn_parameters.constants[2],
                                              bn_parameters.constants[3],
                                              weight,
                                              bias};
    const auto values = detail::float32_values(g, constants);
    if (const auto* found = std::get_if<std::vector<std::vector<float>>>(&values)) {
      const detail::channel_affine affine(*found, bn_parameters.eps, count);
      const std::vector<float>& old_weight = (*found)[4];
      const std::vector<float>& old_bias = (*found)[5];
      std::vector<double> new_weight(old_weight.size());
      const std::size_t per_channel = count == 0 ? 0 : old_weight.size() / count;
      for (std::size_t c = 0; c < count; ++c) {
        for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i)
          new_weight[i] = old_weight[i] * affine.scale(c);
      }
      std::vector<double> new_bias(count);
      for (std::size_t c = 0; c < count; ++c) {
        const float b = old_bias.empty() ? 0.0F : old_bias[c];
        new_bias[c] = (b - affine.mean[c]) * affine.var_rsqrt[c] * affine.gamma[c] + affine.beta[c];
      }
      folded_weight.data = std::move(new_weight);
      folded_bias.data = std::move(new_bias);
    } else if (const auto& why = std::get<std::string>(values); !why.empty() && notes != nullptr) {
      notes->push_back({"fuse_batch_norm", g[bn].id, "folded structurally only: " + why});
    }
    graph::node folded = g[producer];
    folded.inputs[1] = replacement_value(0);
    if (folded.inputs.size() < 3)
      folded.inputs.resize(3, no_node);
    folded.inputs[2] = replacement_value(1);
    plan.replace(producer,
                 {{std::move(folded_weight), std::move(folded_bias), std::move(folded)}, 2});
    for (node_index reader : std::get<std::vector<node_index>>(readers))
      plan.forward(reader, producer);
  }
  return plan.apply(g);
}

}  // namespace qlower::passes
