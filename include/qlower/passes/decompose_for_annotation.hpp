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
    replacement_builder with(plan, source.id);
    const auto x = inputs[0];
    const auto mean = with.add("mean", "aten.mean.dim", {x}, mean_attrs, per_row);
    const auto centered = with.add("sub", "aten.sub.Tensor", {x, mean}, unit_alpha, full);
    const auto squared = with.add("square", "aten.mul.Tensor", {centered, centered}, {}, full);
    const auto variance = with.add("var", "aten.mean.dim", {squared}, mean_attrs, per_row);
    const auto eps_value = with.constant("eps", {value.type, shape{std::vector<std::int64_t>{1}}},
                                         std::vector<double>{static_cast<float>(*eps)});
    const auto shifted =
        with.add("var_eps", "aten.add.Tensor", {variance, eps_value}, unit_alpha, per_row);
    const auto inverse = with.add("rsqrt", "aten.rsqrt.default", {shifted}, {}, per_row);
    auto result = with.add("normalized", "aten.mul.Tensor", {centered, inverse}, {}, full);
    if (inputs[1] != graph::no_node)
      result = with.add("scaled", "aten.mul.Tensor", {result, inputs[1]}, {}, full);
    if (inputs[2] != graph::no_node)
      result = with.add("shifted", "aten.add.Tensor", {result, inputs[2]}, unit_alpha, full);
    for (graph::node_index reader : std::get<std::vector<graph::node_index>>(readers))
      plan.forward(reader, n);
    return std::move(with).finish();
  }
};

/// DecomposeSoftmax (the stable form ExecuTorch quantizes): along `dim`,
/// e = exp(x - amax(x)), y = e * reciprocal(sum(e)); amax and sum keep the axis.
template <>
struct annotation_decomposition<ops::aten::_softmax_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto inputs = g.inputs(n);
    if (inputs.size() != 1 || inputs[0] == graph::no_node)
      return std::string("it does not take one tensor");
    const graph::node& source = g[n];
    const graph::tensor_type value = source.outputs.front();
    if (g.output_count(n) != 1 || !is_floating_point(value.type))
      return std::string("it does not give one floating-point tensor");
    const graph::attribute* half = g.attribute_of(n, "half_to_float");
    if (half != nullptr && (half->as_bool() == nullptr || *half->as_bool()))
      return std::string("half_to_float is not false");
    const auto dims = g.output_dims(inputs[0], 0);
    const auto rank = static_cast<std::int64_t>(dims.size());
    const graph::attribute* dim_attribute = g.attribute_of(n, "dim");
    const std::int64_t* dim = dim_attribute ? dim_attribute->as_int() : nullptr;
    if (dim == nullptr || rank == 0 || *dim < -rank || *dim >= rank) {
      return "dim " + (dim ? std::to_string(*dim) : std::string("(missing)")) +
             " is out of range for rank " + std::to_string(rank);
    }
    const std::int64_t axis = *dim < 0 ? *dim + rank : *dim;
    std::vector<std::int64_t> reduced(dims.begin(), dims.end());
    reduced[static_cast<std::size_t>(axis)] = 1;
    const graph::tensor_type per_row{value.type, shape{reduced}};
    const graph::attribute::list axes{graph::attribute(axis)};
    const graph::attribute_map keep{{"dim", graph::attribute(axes)},
                                    {"keepdim", graph::attribute(true)}};
    graph::attribute_map sum_attrs = keep;
    sum_attrs.emplace("dtype", nullptr);
    replacement_builder with(plan, source.id);
    const auto x = inputs[0];
    const auto peak = with.add("amax", "aten.amax.default", {x}, keep, per_row);
    const auto shifted =
        with.add("sub", "aten.sub.Tensor", {x, peak}, {{"alpha", std::int64_t{1}}}, value);
    const auto exponent = with.add("exp", "aten.exp.default", {shifted}, {}, value);
    const auto total = with.add("sum", "aten.sum.dim_IntList", {exponent}, sum_attrs, per_row);
    const auto inverse = with.add("reciprocal", "aten.reciprocal.default", {total}, {}, per_row);
    with.add("mul", "aten.mul.Tensor", {exponent, inverse}, {}, value);
    return std::move(with).finish();
  }
};

namespace detail {
/// The node's single floating-point output, or why it has none.
inline std::variant<graph::tensor_type, std::string> float_value(const graph::plain_graph& g,
                                                                 graph::node_index n) {
  const graph::tensor_type& value = g[n].outputs.front();
  if (g.output_count(n) != 1 || !is_floating_point(value.type))
    return std::string("it does not give one floating-point tensor");
  return value;
}

/// Whether input k of n is present and floating point.
inline bool float_input(const graph::plain_graph& g, graph::node_index n, std::size_t k) {
  const auto inputs = g.inputs(n);
  return k < inputs.size() && inputs[k] != graph::no_node &&
         is_floating_point(g.output_dtype(inputs[k], 0));
}

/// A float32 number attribute of n (bool counts as 0 or 1, as ATen's Scalar).
inline std::optional<double> number_attribute(const graph::plain_graph& g, graph::node_index n,
                                              const char* name) {
  const graph::attribute* found = g.attribute_of(n, name);
  if (found == nullptr)
    return std::nullopt;
  if (const bool* flag = found->as_bool())
    return *flag ? 1.0 : 0.0;
  return found->as_number();
}
}  // namespace detail

/// DecomposeDiv: a / b -> a * reciprocal(b), for floating-point a and b.
template <>
struct annotation_decomposition<ops::aten::div_Tensor> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto value = detail::float_value(g, n);
    if (const auto* why = std::get_if<std::string>(&value))
      return *why;
    if (g.inputs(n).size() != 2 || !detail::float_input(g, n, 0) || !detail::float_input(g, n, 1))
      return std::string("it does not divide two floating-point tensors");
    const auto inputs = g.inputs(n);
    const auto dims = g.output_dims(inputs[1], 0);
    replacement_builder with(plan, g[n].id);
    const auto inverse =
        with.add("reciprocal", "aten.reciprocal.default", {inputs[1]}, {},
                 {g.output_dtype(inputs[1], 0), shape{{dims.begin(), dims.end()}}});
    with.add("mul", "aten.mul.Tensor", {inputs[0], inverse}, {},
             std::get<graph::tensor_type>(value));
    return std::move(with).finish();
  }
};

/// DecomposeDiv on a scalar divisor: x / s -> x * (1 / s), the reciprocal a
/// float32 constant.
template <>
struct annotation_decomposition<ops::aten::div_Scalar> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto value = detail::float_value(g, n);
    if (const auto* why = std::get_if<std::string>(&value))
      return *why;
    if (g.inputs(n).size() != 1 || !detail::float_input(g, n, 0))
      return std::string("it does not divide one floating-point tensor");
    const std::optional<double> divisor = detail::number_attribute(g, n, "other");
    if (!divisor || *divisor == 0.0 || !std::isfinite(1.0 / *divisor) ||
        std::abs(1.0 / *divisor) > std::numeric_limits<float>::max()) {
      return "its divisor " + (divisor ? std::to_string(*divisor) : std::string("(missing)")) +
             " has no finite float32 reciprocal";
    }
    const graph::tensor_type& type = std::get<graph::tensor_type>(value);
    replacement_builder with(plan, g[n].id);
    const auto inverse =
        with.constant("reciprocal", {type.type, shape{std::vector<std::int64_t>{1}}},
                      std::vector<double>{static_cast<float>(1.0 / *divisor)});
    with.add("mul", "aten.mul.Tensor", {g.inputs(n)[0], inverse}, {}, type);
    return std::move(with).finish();
  }
};

/// DecomposeSqrt: sqrt(x) -> pow(x, 0.5).
template <>
struct annotation_decomposition<ops::aten::sqrt_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto value = detail::float_value(g, n);
    if (const auto* why = std::get_if<std::string>(&value))
      return *why;
    if (g.inputs(n).size() != 1 || !detail::float_input(g, n, 0))
      return std::string("it does not take one floating-point tensor");
    replacement_builder with(plan, g[n].id);
    with.add("pow", "aten.pow.Tensor_Scalar", {g.inputs(n)[0]}, {{"exponent", 0.5}},
             std::get<graph::tensor_type>(value));
    return std::move(with).finish();
  }
};

/// DecomposeMaskedFill: masked_fill(x, mask, v) -> where(mask, v, x), v a
/// float32 constant broadcast over x.
template <>
struct annotation_decomposition<ops::aten::masked_fill_Scalar> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto value = detail::float_value(g, n);
    if (const auto* why = std::get_if<std::string>(&value))
      return *why;
    const auto inputs = g.inputs(n);
    if (inputs.size() != 2 || !detail::float_input(g, n, 0) || inputs[1] == graph::no_node ||
        g.output_dtype(inputs[1], 0) != dtype::bool_) {
      return std::string("it does not take a floating-point tensor and a bool mask");
    }
    const std::optional<double> fill = detail::number_attribute(g, n, "value");
    // An infinite fill (an attention mask's -inf) needs ReplaceInfAndLimitValues first.
    if (!fill || !std::isfinite(*fill) || std::abs(*fill) > std::numeric_limits<float>::max())
      return "its value " + (fill ? std::to_string(*fill) : std::string("(missing)")) +
             " is not a finite float32 number";
    const graph::tensor_type& type = std::get<graph::tensor_type>(value);
    replacement_builder with(plan, g[n].id);
    const auto constant = with.constant("value", {type.type, shape{std::vector<std::int64_t>{1}}},
                                        std::vector<double>{static_cast<float>(*fill)});
    with.add("where", "aten.where.self", {inputs[1], constant, inputs[0]}, {}, type);
    return std::move(with).finish();
  }
};

/// Runs every annotation_decomposition on `g` until none applies (a
/// decomposition's nodes may decompose in turn). A node that cannot be
/// decomposed stays, with a note in `notes` saying why. Expects the canonical
/// form with batch norms already folded where they can be.
inline graph::plain_graph decompose_for_annotation(const graph::plain_graph& g,
                                                   std::vector<pass_note>* notes = nullptr) {
  return decompose_until_settled(g, decompose_table<annotation_decomposition>,
                                 "decompose_for_annotation", "not decomposed: ", notes);
}

}  // namespace qlower::passes
