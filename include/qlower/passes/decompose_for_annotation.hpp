// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/passes/canonicalize.hpp"
#include "qlower/passes/fuse_batch_norm.hpp"
#include "qlower/passes/graph_edit.hpp"

/// The decompositions ExecuTorch's Arm quantizer runs before it annotates
/// (transform_for_annotation, lowering.md 1.2.3), so that the quantizer and
/// the partitioner see the ops ExecuTorch's do. Each is stated on its op type
/// as a specialisation of annotation_decomposition<Op>.

namespace qlower::passes {

/// `static std::variant<replacement, std::string> decompose(g, n, plan)`: the
/// nodes that compute `n`'s value, or why `n` stays. The primary template
/// declares none: an op the quantizer sees as it is.
template <class Op>
struct annotation_decomposition {};

/// DecomposeAddmm: addmm(bias, a, b) -> add(mm(a, b), bias), for the addmm that
/// is no linear (canonicalize made those linear), with alpha = beta = 1.
template <>
struct annotation_decomposition<ops::aten::addmm_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    for (const char* factor : {"alpha", "beta"}) {
      if (!ops::patterns::detail::is_one(g.attribute_of(n, factor)))
        return std::string(factor) + " is not 1";
    }
    // add(mm(a, b), bias) has one output: a getitem of another would lose its value.
    if (g.output_count(n) != 1)
      return "it has " + std::to_string(g.output_count(n)) + " outputs, not addmm's one";
    const auto inputs = g.inputs(n);
    if (inputs.size() != 3 || inputs[0] == graph::no_node || inputs[1] == graph::no_node ||
        inputs[2] == graph::no_node) {
      return std::string("it does not take three tensors");
    }
    const graph::node& source = g[n];
    graph::node product{plan.fresh_id(source.id + ".mm"), "aten.mm.default",
                        {inputs[1], inputs[2]},           {},
                        {source.outputs.front()},         {}};
    graph::node sum{source.id,
                    "aten.add.Tensor",
                    {replacement_value(0), inputs[0]},
                    {{"alpha", std::int64_t{1}}},
                    {source.outputs.front()},
                    {}};
    return replacement{{std::move(product), std::move(sum)}, 1};
  }
};

/// A batch norm left after fuse_batch_norm (no conv or linear before it):
/// x * scale + shift with one scale and shift per channel (axis 1), as
/// constants broadcast over the other axes; with data when the batch norm's
/// constants carry it.
template <>
struct annotation_decomposition<ops::aten::_native_batch_norm_legit_no_training_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto readers = detail::first_output_readers(g, n);
    if (const auto* why = std::get_if<std::string>(&readers))
      return *why;
    const graph::node_index input = g.inputs(n).empty() ? graph::no_node : g.inputs(n)[0];
    if (input == graph::no_node || g.output_dims(input, 0).size() < 2)
      return std::string("its input has no channel axis");
    const auto dims = g.output_dims(input, 0);
    const std::int64_t channels = dims[1];
    const auto parameters = detail::read_batch_norm(g, n, channels);
    if (const auto* why = std::get_if<std::string>(&parameters))
      return *why;
    const auto& bn = std::get<detail::batch_norm_parameters>(parameters);
    const graph::node& source = g[n];
    const graph::tensor_type value = source.outputs.front();
    if (!is_floating_point(value.type))
      return "its output is " + std::string(to_string(value.type)) + ", not floating point";
    std::vector<std::int64_t> broadcast(dims.size(), 1);
    broadcast[1] = channels;
    const graph::tensor_type per_channel{value.type, shape{broadcast}};
    graph::node scale{plan.fresh_id(source.id + ".scale"), "const", {}, {}, {per_channel}, {}};
    graph::node shift{plan.fresh_id(source.id + ".shift"), "const", {}, {}, {per_channel}, {}};
    const auto count = static_cast<std::size_t>(channels);
    const auto values = detail::float32_values(g, bn.constants);
    if (const auto* found = std::get_if<std::vector<std::vector<float>>>(&values)) {
      const detail::channel_affine affine(*found, bn.eps, count);
      std::vector<double> scales(count);
      std::vector<double> shifts(count);
      for (std::size_t c = 0; c < count; ++c) {
        scales[c] = affine.scale(c);
        shifts[c] = affine.beta[c] - affine.mean[c] * affine.scale(c);
      }
      scale.data = std::move(scales);
      shift.data = std::move(shifts);
    } else if (const auto& why = std::get<std::string>(values); !why.empty()) {
      return why;
    }
    graph::node product{plan.fresh_id(source.id + ".mul"),
                        "aten.mul.Tensor",
                        {input, replacement_value(0)},
                        {},
                        {value},
                        {}};
    graph::node sum{source.id,
                    "aten.add.Tensor",
                    {replacement_value(2), replacement_value(1)},
                    {{"alpha", std::int64_t{1}}},
                    {value},
                    {}};
    for (graph::node_index reader : std::get<std::vector<graph::node_index>>(readers))
      plan.forward(reader, n);
    return replacement{{std::move(scale), std::move(shift), std::move(product), std::move(sum)}, 3};
  }
};

/// DecomposeLayerNorm: over the last k axes (normalized_shape),
/// mean = mean(x), d = x - mean, var = mean(d * d), y = d * rsqrt(var + eps),
/// then y * weight and + bias where given; each mean keeps its dims.
template <>
struct annotation_decomposition<ops::aten::native_layer_norm_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto readers = detail::first_output_readers(g, n);
    if (const auto* why = std::get_if<std::string>(&readers))
      return *why;
    const auto inputs = g.inputs(n);
    if (inputs.size() != 3 || inputs[0] == graph::no_node)
      return std::string("it does not take an input, a weight and a bias");
    const graph::node& source = g[n];
    const graph::tensor_type value = source.outputs.front();
    if (!is_floating_point(value.type))
      return "its output is " + std::string(to_string(value.type)) + ", not floating point";
    const graph::attribute* normalized = g.attribute_of(n, "normalized_shape");
    const auto normalized_shape = normalized ? normalized->as_int_list() : std::nullopt;
    const auto dims = g.output_dims(inputs[0], 0);
    if (!normalized_shape || normalized_shape->empty() || normalized_shape->size() > dims.size())
      return std::string("normalized_shape is not a non-empty list of at most its input's rank");
    const std::size_t k = normalized_shape->size();
    for (std::size_t i = 0; i < k; ++i) {
      if ((*normalized_shape)[i] != dims[dims.size() - k + i]) {
        return "normalized_shape " + shape{*normalized_shape}.to_string() +
               " is not the last axes of its input " +
               shape{{dims.begin(), dims.end()}}.to_string();
      }
    }
    const graph::attribute* eps_attribute = g.attribute_of(n, "eps");
    const std::optional<double> eps = eps_attribute ? eps_attribute->as_number() : std::nullopt;
    if (!eps || !(*eps >= 0.0) || *eps > std::numeric_limits<float>::max())
      return std::string("its eps is not a non-negative float32 number");

    graph::attribute::list axes;
    for (std::size_t i = 0; i < k; ++i)
      axes.emplace_back(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(k));
    std::vector<std::int64_t> reduced(dims.begin(), dims.end());
    for (std::size_t i = dims.size() - k; i < dims.size(); ++i)
      reduced[i] = 1;
    const graph::tensor_type full = value;
    const graph::tensor_type per_row{value.type, shape{reduced}};
    const graph::attribute_map mean_attrs{{"dim", graph::attribute(axes)},
                                          {"keepdim", graph::attribute(true)},
                                          {"dtype", graph::attribute(nullptr)}};
    const graph::attribute_map unit_alpha{{"alpha", std::int64_t{1}}};
    replacement with;
    auto add = [&](std::string suffix, std::string op, std::vector<graph::node_index> node_inputs,
                   graph::attribute_map attrs, graph::tensor_type type) {
      with.nodes.push_back({plan.fresh_id(source.id + "." + suffix),
                            std::move(op),
                            std::move(node_inputs),
                            std::move(attrs),
                            {std::move(type)},
                            {}});
      return replacement_value(with.nodes.size() - 1);
    };
    const auto x = inputs[0];
    const auto mean = add("mean", "aten.mean.dim", {x}, mean_attrs, per_row);
    const auto centered = add("sub", "aten.sub.Tensor", {x, mean}, unit_alpha, full);
    const auto squared = add("square", "aten.mul.Tensor", {centered, centered}, {}, full);
    const auto variance = add("var", "aten.mean.dim", {squared}, mean_attrs, per_row);
    graph::node epsilon{plan.fresh_id(source.id + ".eps"),
                        "const",
                        {},
                        {},
                        {{value.type, shape{std::vector<std::int64_t>{1}}}},
                        std::vector<double>{static_cast<float>(*eps)}};
    with.nodes.push_back(std::move(epsilon));
    const auto eps_value = replacement_value(with.nodes.size() - 1);
    const auto shifted =
        add("var_eps", "aten.add.Tensor", {variance, eps_value}, unit_alpha, per_row);
    const auto inverse = add("rsqrt", "aten.rsqrt.default", {shifted}, {}, per_row);
    auto result = add("normalized", "aten.mul.Tensor", {centered, inverse}, {}, full);
    if (inputs[1] != graph::no_node)
      result = add("scaled", "aten.mul.Tensor", {result, inputs[1]}, {}, full);
    if (inputs[2] != graph::no_node)
      result = add("shifted", "aten.add.Tensor", {result, inputs[2]}, unit_alpha, full);
    // The last node carries the value under the layer norm's own id.
    with.nodes.back().id = source.id;
    with.value = with.nodes.size() - 1;
    for (graph::node_index reader : std::get<std::vector<graph::node_index>>(readers))
      plan.forward(reader, n);
    return with;
  }
};

namespace detail {
using annotation_decompose_function = std::variant<replacement, std::string> (*)(
    const graph::plain_graph&, graph::node_index, edit_plan&);

template <class Op>
constexpr annotation_decompose_function annotation_decomposition_of() {
  if constexpr (requires { &annotation_decomposition<Op>::decompose; }) {
    return &annotation_decomposition<Op>::decompose;
  } else {
    return nullptr;
  }
}

/// Each op's annotation_decomposition, indexed by op_id (canonical ops only:
/// the canonical form is all this pass meets).
inline constexpr std::array<annotation_decompose_function, ops::op_count>
    annotation_decompositions = unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<annotation_decompose_function, ops::op_count>{
          annotation_decomposition_of<Ops>()...};
    });
}  // namespace detail

/// Runs every annotation_decomposition on `g` once. A node that cannot be
/// decomposed stays, with a note in `notes` saying why. Expects the canonical
/// form with batch norms already folded where they can be.
inline graph::plain_graph decompose_for_annotation(const graph::plain_graph& g,
                                                   std::vector<pass_note>* notes = nullptr) {
  edit_plan plan(g);
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    const ops::op_id id = ops::find_op(g.op_name(n));
    if (id == ops::unknown_op)
      continue;
    const detail::annotation_decompose_function decompose = detail::annotation_decompositions[id];
    if (decompose == nullptr)
      continue;
    auto result = decompose(g, n, plan);
    if (auto* why = std::get_if<std::string>(&result)) {
      if (notes != nullptr)
        notes->push_back({"decompose_for_annotation", g[n].id, "not decomposed: " + *why});
      continue;
    }
    plan.replace(n, std::move(std::get<replacement>(result)));
  }
  return plan.apply(g);
}

}  // namespace qlower::passes
