// SPDX-License-Identifier: Apache-2.0
#pragma once

// A second graph type: struct-of-arrays storage, adapted through the graph
// concept alone, as another compiler would hold its IR. Passes must give the
// same answers on it as on plain_graph.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace qlower::harness {

class soa_graph {
 public:
  explicit soa_graph(const graph::plain_graph& g) {
    for (graph::node_index n = 0; n < g.node_count(); ++n) {
      op_.push_back(std::string(g.op_name(n)));
      name_.push_back(std::string(g.node_name(n)));
      input_begin_.push_back(static_cast<std::uint32_t>(input_.size()));
      for (graph::node_index input : g.inputs(n))
        input_.push_back(input);
      user_begin_.push_back(static_cast<std::uint32_t>(user_.size()));
      for (graph::node_index user : g.users(n))
        user_.push_back(user);
      output_begin_.push_back(static_cast<std::uint32_t>(dtype_.size()));
      for (std::size_t k = 0; k < g.output_count(n); ++k) {
        dtype_.push_back(g.output_dtype(n, k));
        dims_.push_back({g.output_dims(n, k).begin(), g.output_dims(n, k).end()});
      }
      attrs_.push_back(g[n].attrs);
    }
    input_begin_.push_back(static_cast<std::uint32_t>(input_.size()));
    user_begin_.push_back(static_cast<std::uint32_t>(user_.size()));
    output_begin_.push_back(static_cast<std::uint32_t>(dtype_.size()));
    outputs_.assign(g.graph_outputs().begin(), g.graph_outputs().end());
  }
  std::size_t node_count() const { return op_.size(); }
  std::span<const graph::node_index> inputs(graph::node_index n) const {
    return std::span(input_).subspan(input_begin_[n], input_begin_[n + 1] - input_begin_[n]);
  }
  std::span<const graph::node_index> users(graph::node_index n) const {
    return std::span(user_).subspan(user_begin_[n], user_begin_[n + 1] - user_begin_[n]);
  }
  std::string_view op_name(graph::node_index n) const { return op_[n]; }
  std::string_view node_name(graph::node_index n) const { return name_[n]; }
  std::size_t output_count(graph::node_index n) const {
    return output_begin_[n + 1] - output_begin_[n];
  }
  dtype output_dtype(graph::node_index n, std::size_t k) const {
    return dtype_[output_begin_[n] + k];
  }
  std::span<const std::int64_t> output_dims(graph::node_index n, std::size_t k) const {
    return dims_[output_begin_[n] + k];
  }
  const graph::attribute* attribute_of(graph::node_index n, std::string_view name) const {
    const auto found = attrs_[n].find(name);
    return found == attrs_[n].end() ? nullptr : &found->second;
  }
  std::span<const graph::node_index> graph_outputs() const { return outputs_; }

 private:
  std::vector<std::string> op_, name_;
  std::vector<graph::node_index> input_, user_, outputs_;
  std::vector<std::uint32_t> input_begin_, user_begin_, output_begin_;
  std::vector<dtype> dtype_;
  std::vector<std::vector<std::int64_t>> dims_;
  std::vector<graph::attribute_map> attrs_;
};
static_assert(graph::graph<soa_graph>);

}  // namespace qlower::harness
