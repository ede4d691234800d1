// SPDX-License-Identifier: Apache-2.0
// Adapting another compiler's IR to qlower's graph concept, then running a
// qlower analysis on it without copying the graph.

#include <cstdint>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "qlower/graph/concept.hpp"
#include "qlower/graph/summary.hpp"

namespace my_compiler {

// The IR of some compiler: operations hold pointers to their operands.
struct operation {
  std::string mnemonic;
  std::vector<const operation*> operands;
  std::vector<std::int64_t> result_shape;
};

}  // namespace my_compiler

/// Numbers the operations (already in program order) and answers the concept's queries.
class my_compiler_view {
 public:
  explicit my_compiler_view(std::span<const my_compiler::operation> ops) : ops_(ops) {
    inputs_.resize(ops.size());
    users_.resize(ops.size());
    for (qlower::graph::node_index n = 0; n < ops.size(); ++n) {
      for (const my_compiler::operation* operand : ops[n].operands) {
        const auto input = static_cast<qlower::graph::node_index>(operand - ops.data());
        inputs_[n].push_back(input);
        if (users_[input].empty() || users_[input].back() != n)
          users_[input].push_back(n);
      }
    }
    outputs_.push_back(static_cast<qlower::graph::node_index>(ops.size() - 1));
  }

  std::size_t node_count() const { return ops_.size(); }
  std::span<const qlower::graph::node_index> inputs(qlower::graph::node_index n) const {
    return inputs_[n];
  }
  std::span<const qlower::graph::node_index> users(qlower::graph::node_index n) const {
    return users_[n];
  }
  std::string_view op_name(qlower::graph::node_index n) const { return ops_[n].mnemonic; }
  std::string_view node_name(qlower::graph::node_index n) const { return ops_[n].mnemonic; }
  std::size_t output_count(qlower::graph::node_index) const { return 1; }
  qlower::dtype output_dtype(qlower::graph::node_index, std::size_t) const {
    return qlower::dtype::int8;
  }
  std::span<const std::int64_t> output_dims(qlower::graph::node_index n, std::size_t) const {
    return ops_[n].result_shape;
  }
  const qlower::graph::attribute* attribute_of(qlower::graph::node_index, std::string_view) const {
    return nullptr;
  }
  std::span<const qlower::graph::node_index> graph_outputs() const { return outputs_; }

 private:
  std::span<const my_compiler::operation> ops_;
  std::vector<std::vector<qlower::graph::node_index>> inputs_;
  std::vector<std::vector<qlower::graph::node_index>> users_;
  std::vector<qlower::graph::node_index> outputs_;
};
static_assert(qlower::graph::graph<my_compiler_view>);

int main() {
  std::vector<my_compiler::operation> program(3);
  program[0] = {"input", {}, {1, 8}};
  program[1] = {"aten.moveaxis.int", {&program[0]}, {8, 1}};
  program[2] = {"aten.add.Tensor", {&program[1], &program[1]}, {8, 1}};

  const my_compiler_view view(program);
  qlower::graph::check_graph_laws(view);  // an adaptor's first test
  const auto summary = qlower::graph::summarize(view);
  std::cout << "nodes: " << summary.node_count << ", edges: " << summary.edge_count << '\n';
  return summary.node_count == 3 && summary.edge_count == 3 ? 0 : 1;
}
