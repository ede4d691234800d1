// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small graphs written node by node for the tests of the rewriting passes.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace qlower::harness {

class graph_builder {
 public:
  explicit graph_builder(std::string name = "test") : g_(std::move(name)) {}

  graph::node_index input(const std::string& id, std::vector<std::int64_t> dims,
                          dtype type = dtype::float32) {
    return g_.add_node({id, "input", {}, {}, {{type, shape{std::move(dims)}}}, {}});
  }
  graph::node_index constant(const std::string& id, std::vector<std::int64_t> dims,
                             std::vector<double> data = {}) {
    graph::node n{id, "const", {}, {}, {{dtype::float32, shape{std::move(dims)}}}, {}};
    if (!data.empty())
      n.data = std::move(data);
    return g_.add_node(std::move(n));
  }
  /// An op with one float32 output of `dims`; `no_node` inputs are absent optionals.
  graph::node_index op(const std::string& id, const std::string& name,
                       std::vector<graph::node_index> inputs, graph::attribute_map attrs,
                       std::vector<std::int64_t> dims, std::size_t outputs = 1) {
    std::vector<graph::tensor_type> types{{dtype::float32, shape{dims}}};
    while (types.size() < outputs)
      types.push_back({dtype::float32, shape{std::vector<std::int64_t>{0}}});
    return g_.add_node({id, name, std::move(inputs), std::move(attrs), std::move(types), {}});
  }
  graph::node_index getitem(const std::string& id, graph::node_index source, std::int64_t index) {
    return g_.add_node({id,
                        "getitem",
                        {source},
                        {{"index", index}},
                        {g_[source].outputs[static_cast<std::size_t>(index)]},
                        {}});
  }
  /// A batch norm's inputs: `input`, then constants `<prefix>gamma`, `beta`,
  /// `mean`, `var` of one value per channel, without data.
  std::vector<graph::node_index> batch_norm_inputs(graph::node_index input,
                                                   const std::string& prefix,
                                                   std::int64_t channels) {
    std::vector<graph::node_index> inputs{input};
    for (const char* name : {"gamma", "beta", "mean", "var"})
      inputs.push_back(constant(prefix + name, {channels}));
    return inputs;
  }
  graph::plain_graph done(std::vector<graph::node_index> outputs) {
    g_.set_outputs(std::move(outputs));
    return std::move(g_);
  }

 private:
  graph::plain_graph g_;
};

inline graph::attribute ints(std::vector<std::int64_t> values) {
  graph::attribute::list items;
  for (std::int64_t value : values)
    items.emplace_back(value);
  return graph::attribute(std::move(items));
}

/// The attributes of a 2-D convolution with stride 1, no padding, one group.
inline graph::attribute_map conv_attrs(std::int64_t groups = 1) {
  return {{"stride", ints({1, 1})},         {"padding", ints({0, 0})},
          {"dilation", ints({1, 1})},       {"transposed", graph::attribute(false)},
          {"output_padding", ints({0, 0})}, {"groups", groups}};
}

}  // namespace qlower::harness
