// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random graphs for the Ethos-U rules and the partitioner: ops that the rule
// set treats differently (the INT list, registered checks, never-supported
// ops, Q/DQ, no-op views, unknown names), mostly quantized dtypes with float,
// bool, int64, uint8 and float64 mixed in, shapes and attributes drawn around
// the Vela limits so that every check both passes and fails.

#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace qlower::harness {

namespace detail {

inline std::int64_t any_dim() {
  return *rc::gen::weightedElement<std::int64_t>({{10, 1},
                                                  {10, 2},
                                                  {10, 3},
                                                  {10, 7},
                                                  {8, 16},
                                                  {4, 64},
                                                  {3, 256},
                                                  {2, 300},
                                                  {2, 65536},
                                                  {2, 65537},
                                                  {1, 0},
                                                  {1, 100000}});
}

inline std::vector<std::int64_t> any_dims(std::size_t rank) {
  std::vector<std::int64_t> dims;
  double elements = 1;
  for (std::size_t k = 0; k < rank; ++k) {
    std::int64_t dim = any_dim();
    // Keep the element count far from int64 overflow, which shape rejects.
    if (elements * static_cast<double>(dim) > 1e15)
      dim = 1;
    elements *= static_cast<double>(std::max<std::int64_t>(dim, 1));
    dims.push_back(dim);
  }
  return dims;
}

inline graph::attribute int_list(std::vector<std::int64_t> values) {
  graph::attribute::list items;
  for (std::int64_t v : values)
    items.emplace_back(v);
  return items;
}

inline graph::attribute small_pair(std::int64_t low, std::int64_t high) {
  if (*rc::gen::inRange(0, 6) == 0)
    return *rc::gen::inRange(low, high + 1);  // an integer, broadcast by the schema
  return int_list({*rc::gen::inRange(low, high + 1), *rc::gen::inRange(low, high + 1)});
}

inline dtype any_type() {
  return *rc::gen::weightedElement<dtype>({{24, dtype::int8},
                                           {4, dtype::int16},
                                           {5, dtype::int32},
                                           {8, dtype::float32},
                                           {2, dtype::bool_},
                                           {2, dtype::int64},
                                           {1, dtype::uint8},
                                           {1, dtype::float64},
                                           {1, dtype::bfloat16}});
}

}  // namespace detail

/// The ops the generator draws, by the rule that decides them.
inline const std::vector<std::string>& u55_palette() {
  static const std::vector<std::string> ops{
      // On the INT list, no limits.
      "aten.add.Tensor", "aten.mul.Tensor", "aten.relu.default", "aten.sigmoid.default",
      "aten.linear.default", "aten.mean.dim", "aten.cat.default", "aten.abs.default",
      // INT list plus the U55 dtype table, reverse, quick test.
      "aten.permute_copy.default", "aten.view_copy.default", "aten.expand_copy.default",
      "aten.flip.default", "aten.mm.default", "aten.bmm.default", "aten.amax.default",
      // Registered checks.
      "aten.convolution.default", "aten.avg_pool2d.default", "aten.max_pool2d.default",
      "aten.max_pool2d_with_indices.default", "aten.sum.dim_IntList",
      "dim_order_ops._to_dim_order_copy.default", "aten.upsample_nearest2d.vec",
      "aten.slice_copy.Tensor", "dim_order_ops._clone_dim_order.default", "aten.where.self",
      // Never supported on U55, off the list, special.
      "aten.eq.Tensor", "aten.index_select.default", "aten.bitwise_and.Tensor",
      "aten.argmax.default", "aten.squeeze_copy.dims", "aten.alias_copy.default",
      "aten.softmax.int", "aten.permute.default", "vendor.custom_op.default",
      // Quantization.
      "quantized_decomposed.quantize_per_tensor.default",
      "quantized_decomposed.dequantize_per_tensor.default",
      "quantized_decomposed.quantize_per_channel.default",
      "quantized_decomposed.dequantize_per_channel.default"};
  return ops;
}

/// A random DAG of up to `max_nodes` nodes over u55_palette().
inline rc::Gen<graph::plain_graph> any_u55_graph(int max_nodes = 40) {
  return rc::gen::exec([max_nodes] {
    graph::plain_graph g("u55");
    const int count = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(1, max_nodes + 1));
    std::vector<graph::node_index> multi_output;
    for (int i = 0; i < count; ++i) {
      graph::node n;
      n.id = "n" + std::to_string(i);
      const int kind = *rc::gen::inRange(0, 10);
      const auto rank = *rc::gen::weightedElement<std::size_t>(
          {{2, 1}, {3, 2}, {3, 3}, {10, 4}, {1, 5}, {1, 6}, {1, 7}});
      const dtype type = detail::any_type();
      auto random_input = [&] {
        return *rc::gen::inRange<graph::node_index>(0, static_cast<graph::node_index>(i));
      };
      if (i == 0 || kind == 0) {
        n.op = "input";
      } else if (kind == 1) {
        n.op = "const";
      } else if (kind == 2 && !multi_output.empty()) {
        const graph::node_index source = *rc::gen::elementOf(multi_output);
        n.op = "getitem";
        n.inputs = {source};
        n.attrs["index"] =
            static_cast<std::int64_t>(*rc::gen::inRange<std::size_t>(0, g[source].outputs.size()));
      } else {
        n.op = *rc::gen::elementOf(u55_palette());
        const int arity = n.op == "aten.convolution.default" ? 3
                          : n.op == "aten.add.Tensor" || n.op == "aten.mul.Tensor" ||
                                  n.op == "aten.mm.default" || n.op == "aten.bmm.default" ||
                                  n.op == "aten.where.self"
                              ? 2
                          : n.op == "aten.cat.default" ? *rc::gen::inRange(1, 4)
                                                       : 1;
        for (int k = 0; k < arity; ++k) {
          const bool absent =
              n.op == "aten.convolution.default" && k == 2 && *rc::gen::inRange(0, 4) == 0;
          n.inputs.push_back(absent ? graph::no_node : random_input());
        }
      }
      // Attributes, drawn around each check's limits.
      if (n.op == "aten.convolution.default") {
        n.attrs["stride"] = detail::small_pair(1, 4);
        n.attrs["padding"] = detail::small_pair(0, 2);
        n.attrs["dilation"] = detail::small_pair(1, 2);
        n.attrs["transposed"] = *rc::gen::inRange(0, 4) == 0;
        n.attrs["output_padding"] = detail::small_pair(0, 1);
        n.attrs["groups"] = *rc::gen::element<std::int64_t>(1, 2, 3, 16);
      } else if (n.op == "aten.avg_pool2d.default" || n.op == "aten.max_pool2d.default" ||
                 n.op == "aten.max_pool2d_with_indices.default") {
        n.attrs["kernel_size"] = detail::small_pair(1, 10);
        if (*rc::gen::inRange(0, 3) != 0)
          n.attrs["stride"] = detail::small_pair(1, 5);
        n.attrs["padding"] = detail::small_pair(0, 1);
        if (n.op == "aten.avg_pool2d.default") {
          n.attrs["count_include_pad"] = *rc::gen::arbitrary<bool>();
          if (*rc::gen::inRange(0, 4) == 0)
            n.attrs["divisor_override"] = std::int64_t{2};
        } else {
          n.attrs["dilation"] = detail::small_pair(1, 2);
        }
      } else if (n.op == "aten.sum.dim_IntList") {
        n.attrs["dim"] = detail::int_list({*rc::gen::inRange<std::int64_t>(-3, 3)});
        n.attrs["keepdim"] = true;
      } else if (n.op == "aten.flip.default") {
        std::vector<std::int64_t> dims;
        const int how_many = *rc::gen::inRange(0, 3);
        for (int k = 0; k < how_many; ++k)
          dims.push_back(*rc::gen::inRange<std::int64_t>(-4, 4));
        n.attrs["dims"] = detail::int_list(dims);
      } else if (n.op == "aten.upsample_nearest2d.vec") {
        if (*rc::gen::arbitrary<bool>()) {
          const double a = *rc::gen::element(1.0, 2.0, 3.0, 4.0, 8.0);
          const double b = *rc::gen::inRange(0, 4) == 0 ? 4.0 : a;
          n.attrs["scale_factors"] = graph::attribute::list{a, b};
        } else {
          n.attrs["scale_factors"] = nullptr;
        }
      } else if (n.op == "dim_order_ops._to_dim_order_copy.default") {
        if (*rc::gen::inRange(0, 4) != 0)
          n.attrs["dtype"] = *rc::gen::element<std::string>("int32", "int8", "float32");
      } else if (n.op == "quantized_decomposed.quantize_per_tensor.default") {
        n.attrs["dtype"] = *rc::gen::element<std::string>("int8", "int16");
      } else if (n.op == "aten.permute_copy.default" || n.op == "aten.permute.default") {
        n.attrs["dims"] = detail::int_list({0});
      }
      if (n.op != "input" && n.op != "const" && n.op != "getitem" && !n.inputs.empty() &&
          n.inputs[0] != graph::no_node && *rc::gen::inRange(0, 3) == 0) {
        // The output shape of the input, as shape-preserving ops give it.
        n.outputs.push_back({type, g[n.inputs[0]].outputs.front().dims});
      } else {
        n.outputs.push_back({type, shape(detail::any_dims(rank))});
      }
      if (n.op == "aten.max_pool2d_with_indices.default")
        n.outputs.push_back({dtype::int64, n.outputs.front().dims});
      if (n.op == "getitem") {
        const auto index = static_cast<std::size_t>(*n.attrs["index"].as_int());
        n.outputs = {g[n.inputs[0]].outputs[index]};
        if (*rc::gen::inRange(0, 3) == 0)
          n.outputs.front().type = type;
      }
      const graph::node_index added = g.add_node(std::move(n));
      if (g[added].outputs.size() > 1)
        multi_output.push_back(added);
    }
    std::vector<graph::node_index> outputs{static_cast<graph::node_index>(count - 1)};
    if (count > 2 && *rc::gen::arbitrary<bool>())
      outputs.push_back(static_cast<graph::node_index>(count / 2));
    g.set_outputs(std::move(outputs));
    return g;
  });
}

}  // namespace qlower::harness
