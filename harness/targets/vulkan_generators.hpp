// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random graphs for the Vulkan registry and the layout passes: ops whose
// registered repsets differ (any float storage, textures only, contiguous,
// buffers only, packed int8 in their several layouts, Q/DQ between float and
// int8, identity ops that accept everything, cat's list argument, reductions
// with their storage pick), float32 and int8 values, and shapes that now and
// then exceed a texture limit so that filtering matters.

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace qlower::harness {

struct vulkan_op_kind {
  std::string op;
  dtype output;
  int tensor_inputs;   ///< -1: a list of 1 to 3 tensors (cat)
  int const_inputs;    ///< weights after the tensor inputs
};

inline const std::vector<vulkan_op_kind>& vulkan_palette() {
  static const std::vector<vulkan_op_kind> kinds{
      {"aten.add.Tensor", dtype::float32, 2, 0},
      {"aten.relu.default", dtype::float32, 1, 0},
      {"aten.convolution.default", dtype::float32, 1, 2},
      {"aten.avg_pool2d.default", dtype::float32, 1, 0},
      {"aten.linear.default", dtype::float32, 1, 1},
      {"aten.mean.dim", dtype::float32, 1, 0},
      {"aten.permute.default", dtype::float32, 1, 0},
      {"aten.permute_copy.default", dtype::float32, 1, 0},
      {"dim_order_ops._to_dim_order_copy.default", dtype::float32, 1, 0},
      {"aten.t_copy.default", dtype::float32, 1, 0},
      {"aten.cat.default", dtype::float32, -1, 0},
      {"aten.view_copy.default", dtype::float32, 1, 0},
      {"aten.clone.default", dtype::float32, 1, 0},
      {"quantized_decomposed.quantize_per_tensor.default", dtype::int8, 1, 0},
      {"quantized_decomposed.dequantize_per_tensor.default", dtype::float32, 1, 0},
      {"et_vk.q8ta_conv2d.default", dtype::int8, 1, 2},
      {"et_vk.q8ta_conv2d_pw.default", dtype::int8, 1, 2},
      {"et_vk.q8ta_add.default", dtype::int8, 2, 0},
      {"et_vk.q8ta_relu.default", dtype::int8, 1, 0},
      {"et_vk.q8ta_pixel_shuffle.default", dtype::int8, 1, 0},
      {"et_vk.q8ta_linear.default", dtype::int8, 1, 1},
      {"aten.view_copy.default", dtype::int8, 1, 0},
      {"dim_order_ops._clone_dim_order.default", dtype::int8, 1, 0},
      {"aten.softmax.int", dtype::float32, 1, 0},  // not registered: a host node
  };
  return kinds;
}

/// A random DAG of 1 to `max_ops` op nodes over vulkan_palette(), fed by one
/// or two graph inputs; every op's output takes its first input's shape.
inline rc::Gen<graph::plain_graph> any_vulkan_graph(int max_ops = 12) {
  return rc::gen::exec([max_ops] {
    graph::plain_graph g("vulkan");
    const int inputs = *rc::gen::inRange(1, 3);
    std::vector<graph::node_index> values;
    for (int i = 0; i < inputs; ++i) {
      const auto rank = *rc::gen::weightedElement<std::size_t>({{1, 2}, {1, 3}, {8, 4}, {1, 5}});
      std::vector<std::int64_t> dims;
      for (std::size_t k = 0; k < rank; ++k) {
        dims.push_back(*rc::gen::weightedElement<std::int64_t>(
            {{6, 1}, {6, 4}, {6, 8}, {4, 13}, {2, 64}, {1, 3000}, {1, 20000}}));
      }
      if (rank >= 4)
        dims[0] = 1;
      const dtype type = *rc::gen::weightedElement<dtype>({{3, dtype::float32}, {1, dtype::int8}});
      values.push_back(
          g.add_node({"x" + std::to_string(i), "input", {}, {}, {{type, shape(dims)}}, {}}));
    }
    const int ops = *rc::gen::inRange(1, max_ops + 1);
    for (int i = 0; i < ops; ++i) {
      const vulkan_op_kind kind = *rc::gen::elementOf(vulkan_palette());
      graph::node n{"n" + std::to_string(i), kind.op, {}, {}, {}, {}};
      const int tensors = kind.tensor_inputs < 0 ? *rc::gen::inRange(1, 4) : kind.tensor_inputs;
      for (int k = 0; k < tensors; ++k) {
        // Recent values more often, so chains and fan-out both appear.
        const auto pick = *rc::gen::inRange<std::size_t>(0, values.size());
        const auto recent = values.size() - 1 - (*rc::gen::inRange<std::size_t>(0, values.size()) / 2);
        n.inputs.push_back(values[*rc::gen::arbitrary<bool>() ? pick : recent]);
      }
      const graph::tensor_type first = g[n.inputs.front()].outputs.front();
      for (int k = 0; k < kind.const_inputs; ++k) {
        n.inputs.push_back(g.add_node({n.id + "_w" + std::to_string(k), "const", {}, {},
                                       {{dtype::int8, shape({4, 4})}}, {}}));
      }
      if (kind.op == "aten.mean.dim") {
        n.attrs.emplace("dim", graph::attribute(graph::attribute::list{
                                   graph::attribute(std::int64_t{-1})}));
        n.attrs.emplace("keepdim", graph::attribute(*rc::gen::arbitrary<bool>()));
      }
      n.outputs = {{kind.output, first.dims}};
      values.push_back(g.add_node(std::move(n)));
    }
    g.set_outputs({values.back()});
    return g;
  });
}

}  // namespace qlower::harness
