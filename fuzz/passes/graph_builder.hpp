// SPDX-License-Identifier: Apache-2.0
#pragma once

// A graph built from a fuzzer's bytes, for reaching deep into the passes
// where mutations of a JSON document would mostly break its syntax: ops drawn
// from the op table (and a list of the ones the targets care about), inputs
// wired to earlier nodes, attributes of the forms the op's schema names,
// dtypes and small shapes mostly taken from the first input, multi-output
// nodes with their getitems, constants with and without data.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/byte_reader.hpp"
#include "fuzz/check.hpp"
#include "qlower/core/dtype.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/attribute_schema.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"

namespace qlower::fuzz {

/// Ops the quantizer, the Ethos-U checks, decompose and the Vulkan registry
/// treat specially, drawn more often than the whole table would draw them.
inline constexpr std::array<std::string_view, 40> favoured_ops{
    "aten.convolution.default",
    "aten.conv2d.default",
    "aten.linear.default",
    "aten.relu.default",
    "aten.hardtanh.default",
    "aten.add.Tensor",
    "aten.mul.Tensor",
    "aten.cat.default",
    "aten.concat.default",
    "aten.moveaxis.int",
    "aten.movedim.int",
    "aten.permute.default",
    "aten.permute_copy.default",
    "aten.transpose.int",
    "aten.t.default",
    "aten.view.default",
    "aten.view_copy.default",
    "aten.clone.default",
    "aten.alias.default",
    "aten.expand_copy.default",
    "aten.copy.default",
    "dim_order_ops._clone_dim_order.default",
    "dim_order_ops._to_dim_order_copy.default",
    "aten._to_copy.default",
    "aten.mean.dim",
    "aten.sum.dim_IntList",
    "aten.avg_pool2d.default",
    "aten.max_pool2d.default",
    "aten.layer_norm.default",
    "aten.softmax.int",
    "aten.max.dim",
    "aten.split.Tensor",
    "aten.upsample_nearest2d.vec",
    "aten.pixel_shuffle.default",
    "quantized_decomposed.quantize_per_tensor.default",
    "quantized_decomposed.dequantize_per_tensor.default",
    "et_vk.q8ta_conv2d.default",
    "et_vk.q8ta_add.default",
    "et_vk.q8ta_relu.default",
    "et_vk.q8ta_linear.default",
};

/// float32 most often: annotation has work to do only on float values.
inline constexpr std::array<dtype, 16> dtype_choices{
    dtype::float32, dtype::float32, dtype::float32, dtype::float32,  dtype::float32, dtype::float32,
    dtype::int8,    dtype::int8,    dtype::int32,   dtype::int64,    dtype::bool_,   dtype::float16,
    dtype::uint8,   dtype::int16,   dtype::float64, dtype::bfloat16,
};

inline constexpr std::array<std::int64_t, 12> dim_choices{1, 1, 2, 2, 3, 4, 4, 8, 16, 5, 0, 64};
inline constexpr std::array<std::int64_t, 14> int_choices{0,  1, 2, 3,  4,  -1,           -2,
                                                          -3, 5, 8, 16, 64, 2147483648LL, -1000};
inline constexpr std::array<double, 10> number_choices{0.0, 1.0, -1.0,  0.5,   1e-5,
                                                       2.0, 6.0, 0.125, 1e300, -3.5};
inline constexpr std::array<std::string_view, 12> string_choices{
    "same", "valid", "float32",           "int8", "channels_last", "none",
    "tanh", "",      "contiguous_format", "cpu",  "floor",         "trunc"};
/// Attribute names outside any schema (not checked by the reader) that passes read.
inline constexpr std::array<std::string_view, 10> loose_attribute_names{
    "dim", "dims", "source", "destination", "keepdim", "size", "index", "axis", "groups", "x"};

inline graph::attribute int_list(byte_reader& in) {
  graph::attribute::list items;
  const auto length = in.in_range<std::size_t>(0, 4);
  for (std::size_t i = 0; i < length; ++i)
    items.emplace_back(in.pick(int_choices));
  return graph::attribute(std::move(items));
}

/// A value of one of the forms in `forms` (any form when `forms` is empty).
inline graph::attribute attribute_value(byte_reader& in, graph::attribute_form forms) {
  using graph::attribute_form;
  constexpr std::array<attribute_form, 7> all{attribute_form::int_list,   attribute_form::integer,
                                              attribute_form::boolean,    attribute_form::number,
                                              attribute_form::string,     attribute_form::null,
                                              attribute_form::number_list};
  std::vector<attribute_form> allowed;
  for (attribute_form form : all) {
    if (static_cast<std::uint8_t>(forms) == 0 || graph::allows(forms, form))
      allowed.push_back(form);
  }
  switch (allowed[in.in_range<std::size_t>(0, allowed.size() - 1)]) {
    case attribute_form::int_list:
      return int_list(in);
    case attribute_form::integer:
      return graph::attribute(in.pick(int_choices));
    case attribute_form::boolean:
      return graph::attribute(in.boolean());
    case attribute_form::number:
      return graph::attribute(in.pick(number_choices));
    case attribute_form::string:
      return graph::attribute(std::string(in.pick(string_choices)));
    case attribute_form::null:
      return graph::attribute(nullptr);
    case attribute_form::number_list: {
      graph::attribute::list items;
      const auto length = in.in_range<std::size_t>(0, 3);
      for (std::size_t i = 0; i < length; ++i)
        items.emplace_back(in.pick(number_choices));
      return graph::attribute(std::move(items));
    }
  }
  return graph::attribute(nullptr);
}

/// The attributes of `op`: each argument its schema names, present or not,
/// and now and then one it does not name.
inline graph::attribute_map attributes_for(byte_reader& in, std::string_view op) {
  graph::attribute_map attrs;
  const auto& specs = graph::detail::sorted_attribute_specs;
  for (const graph::attribute_spec& spec : specs) {
    if (spec.op != op)
      continue;
    if (in.in_range<int>(0, 3) != 0)  // mostly present
      attrs.insert_or_assign(std::string(spec.name), attribute_value(in, spec.forms));
  }
  if (in.in_range<int>(0, 7) == 0) {
    const std::string name(in.pick(loose_attribute_names));
    if (!graph::expected_attribute_form(op, name))
      attrs.insert_or_assign(name, attribute_value(in, graph::attribute_form{}));
  }
  return attrs;
}

inline std::vector<std::int64_t> random_dims(byte_reader& in) {
  std::vector<std::int64_t> dims(in.pick(std::array<std::size_t, 8>{4, 4, 4, 2, 3, 1, 0, 5}));
  for (std::int64_t& dim : dims)
    dim = in.pick(dim_choices);
  return dims;
}

/// Constant data for `type`: in range for integer dtypes, finite for floats.
inline graph::const_data const_values(byte_reader& in, dtype type, std::int64_t count) {
  if (is_floating_point(type)) {
    std::vector<double> values(static_cast<std::size_t>(count));
    for (double& value : values)
      value = in.pick(number_choices);
    return values;
  }
  const integer_range range = *range_of(type);
  std::vector<std::int64_t> values(static_cast<std::size_t>(count));
  for (std::int64_t& value : values)
    value = in.boolean() ? in.in_range<std::int64_t>(-2, 2) : in.in_range(range.min, range.max);
  for (std::int64_t& value : values)
    value = std::min(std::max(value, range.min), range.max);
  return values;
}

/// Builds a graph of 1 to 48 nodes from `in`. Nodes add_node rejects are left out.
inline graph::plain_graph build_graph(byte_reader& in) {
  graph::plain_graph g("fuzz");
  const auto count = in.in_range<std::size_t>(1, 48);
  std::vector<graph::node_index> multi_output;
  for (std::size_t i = 0; i < count && (i == 0 || !in.empty()); ++i) {
    graph::node n;
    n.id = "n" + std::to_string(i);
    const std::size_t available = g.node_count();
    const auto kind = in.in_range<int>(0, 15);
    if (available == 0 || kind == 0) {
      n.op = "input";
    } else if (kind == 1) {
      n.op = "const";
    } else if (kind == 2 && !multi_output.empty()) {
      const graph::node_index source =
          multi_output[in.in_range<std::size_t>(0, multi_output.size() - 1)];
      n.op = "getitem";
      n.inputs = {source};
      const auto outputs = static_cast<std::int64_t>(g[source].outputs.size());
      n.attrs["index"] = in.in_range<int>(0, 15) == 0 ? in.pick(int_choices)
                                                      : in.in_range<std::int64_t>(0, outputs - 1);
    } else if (kind == 3) {
      n.op = "vendor.unknown.default";
    } else if (kind <= 9) {
      n.op = std::string(in.pick(favoured_ops));
    } else {
      n.op = std::string(ops::op_table[in.in_range<std::size_t>(0, ops::op_count - 1)].name);
      if (n.op == "input" || n.op == "const" || n.op == "getitem")
        n.op = "aten.relu.default";
    }
    const bool is_source = n.op == "input" || n.op == "const";
    if (!is_source && n.op != "getitem") {
      const auto arity = in.in_range<std::size_t>(0, 4);
      for (std::size_t k = 0; k < arity; ++k) {
        const std::uint8_t choice = in.u8();
        if (k > 0 && choice == 0xff) {
          n.inputs.push_back(graph::no_node);  // an absent optional tensor
        } else if ((choice & 0x80U) != 0) {    // a recent value: chains and fan-out
          n.inputs.push_back(
              static_cast<graph::node_index>(available - 1 - (choice & 0x3U) % available));
        } else {
          n.inputs.push_back(static_cast<graph::node_index>(choice % available));
        }
      }
      n.attrs = attributes_for(in, n.op);
    }
    // Outputs: mostly the first input's type and shape, as most ops keep them.
    graph::tensor_type type{in.pick(dtype_choices), shape(random_dims(in))};
    if (!n.inputs.empty() && n.inputs.front() != graph::no_node && in.in_range<int>(0, 3) != 0) {
      const graph::tensor_type& first = g[n.inputs.front()].outputs.front();
      type = in.boolean() ? first : graph::tensor_type{type.type, first.dims};
    }
    if (n.op == "getitem") {
      const auto index = n.attrs["index"].as_int();
      const auto& outputs = g[n.inputs.front()].outputs;
      if (index != nullptr && *index >= 0 && static_cast<std::size_t>(*index) < outputs.size())
        type = outputs[static_cast<std::size_t>(*index)];
    }
    n.outputs.push_back(type);
    if (!is_source && n.op != "getitem" && in.in_range<int>(0, 7) == 0) {
      const auto extra = in.in_range<std::size_t>(1, 2);
      for (std::size_t k = 0; k < extra; ++k)
        n.outputs.push_back({in.pick(dtype_choices), shape(random_dims(in))});
    }
    if (n.op == "const" && type.dims.element_count() <= 32 && in.boolean())
      n.data = const_values(in, type.type, type.dims.element_count());

    const bool multi = n.outputs.size() > 1;
    graph::node_index added = graph::no_node;
    // add_node's own checks (a getitem index out of range ...) leave a node out
    typed_error_or_success("plain_graph::add_node", [&] { added = g.add_node(std::move(n)); });
    if (added != graph::no_node && multi)
      multi_output.push_back(added);
  }
  std::vector<graph::node_index> outputs{static_cast<graph::node_index>(g.node_count() - 1)};
  const auto extra = in.in_range<std::size_t>(0, 2);
  for (std::size_t k = 0; k < extra; ++k)
    outputs.push_back(
        in.in_range<graph::node_index>(0, static_cast<graph::node_index>(g.node_count() - 1)));
  g.set_outputs(std::move(outputs));
  return g;
}

}  // namespace qlower::fuzz
