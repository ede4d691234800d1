// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/concept.hpp"

namespace qlower::graph {

/// The element type and dimensions of one output of a node.
struct tensor_type {
  dtype type = dtype::float32;
  shape dims;

  friend bool operator==(const tensor_type&, const tensor_type&) = default;
};

/// The values of a constant, flat and row-major: integers for integer and bool
/// dtypes, doubles for floating-point ones; monostate when the file carries none.
using const_data = std::variant<std::monostate, std::vector<std::int64_t>, std::vector<double>>;

/// One node as a plain value, the unit plain_graph::add_node takes.
struct node {
  std::string id;
  /// "input", "const", "getitem", or an operator overload such as "aten.cat.default".
  std::string op;
  /// Schema order; no_node for an absent optional tensor.
  std::vector<node_index> inputs;
  attribute_map attrs;
  /// One entry per output; at least one.
  std::vector<tensor_type> outputs;
  const_data data;

  friend bool operator==(const node&, const node&) = default;
};

/// A graph held as plain vectors; models the graph concept.
///
/// Invariants, kept by add_node: ids are unique and non-empty; every input was
/// added before its user (so node order is topological and there is no cycle);
/// every node has at least one output; input and const nodes take no inputs;
/// a getitem takes one input and an `index` attribute within that input's outputs.
class plain_graph {
 public:
  explicit plain_graph(std::string name = {}) : name_(std::move(name)) {}

  const std::string& name() const noexcept { return name_; }

  /// Appends `n` and returns its index; throws graph_error naming the node and
  /// the field when `n` would break an invariant, leaving the graph unchanged.
  node_index add_node(node n) {
    validate(n);
    const auto index = static_cast<node_index>(nodes_.size());
    index_of_id_.emplace(n.id, index);
    users_.emplace_back();
    for (node_index input : n.inputs) {
      // A node that takes one input twice is still one user of it.
      if (input != no_node && (users_[input].empty() || users_[input].back() != index)) {
        users_[input].push_back(index);
      }
    }
    nodes_.push_back(std::move(n));
    return index;
  }

  /// Sets the graph outputs; throws graph_error if one names no node.
  void set_outputs(std::vector<node_index> outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i] >= nodes_.size()) {
        throw graph_error(graph_errc::dangling_reference,
                          "output index " + std::to_string(outputs[i]) + " names no node",
                          error_location{"", "", "outputs[" + std::to_string(i) + "]"});
      }
    }
    outputs_ = std::move(outputs);
  }

  const node& operator[](node_index n) const noexcept { return nodes_[n]; }
  std::span<const node> nodes() const noexcept { return nodes_; }

  /// The index of the node with this id, if any.
  std::optional<node_index> find(std::string_view id) const {
    const auto found = index_of_id_.find(std::string(id));
    if (found == index_of_id_.end())
      return std::nullopt;
    return found->second;
  }

  //===--- The graph concept ---===//

  std::size_t node_count() const noexcept { return nodes_.size(); }
  std::span<const node_index> inputs(node_index n) const noexcept { return nodes_[n].inputs; }
  std::span<const node_index> users(node_index n) const noexcept { return users_[n]; }
  std::string_view op_name(node_index n) const noexcept { return nodes_[n].op; }
  std::string_view node_name(node_index n) const noexcept { return nodes_[n].id; }
  std::size_t output_count(node_index n) const noexcept { return nodes_[n].outputs.size(); }
  dtype output_dtype(node_index n, std::size_t k) const noexcept {
    return nodes_[n].outputs[k].type;
  }
  std::span<const std::int64_t> output_dims(node_index n, std::size_t k) const noexcept {
    return nodes_[n].outputs[k].dims.dims();
  }
  const attribute* attribute_of(node_index n, std::string_view name) const {
    const auto found = nodes_[n].attrs.find(name);
    return found == nodes_[n].attrs.end() ? nullptr : &found->second;
  }
  std::span<const node_index> graph_outputs() const noexcept { return outputs_; }

  /// Same name, same nodes in the same order, same outputs.
  friend bool operator==(const plain_graph& a, const plain_graph& b) {
    return a.name_ == b.name_ && a.nodes_ == b.nodes_ && a.outputs_ == b.outputs_;
  }

 private:
  void validate(const node& n) const {
    if (n.id.empty())
      raise(n, graph_errc::missing_id, "empty id", "id");
    if (index_of_id_.contains(n.id))
      raise(n, graph_errc::duplicate_id, "duplicate id", "id");
    if (n.op.empty())
      raise(n, graph_errc::missing_field, "empty op name", "op");
    if (n.outputs.empty())
      raise(n, graph_errc::bad_structure, "a node needs an output", "outputs");
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
      if (n.inputs[i] != no_node && n.inputs[i] >= nodes_.size()) {
        raise(n, graph_errc::dangling_reference,
              "input index " + std::to_string(n.inputs[i]) + " names no earlier node",
              "inputs[" + std::to_string(i) + "]");
      }
    }
    const bool is_source = n.op == "input" || n.op == "const";
    if (is_source && !n.inputs.empty()) {
      raise(n, graph_errc::bad_structure, "an " + n.op + " node takes no inputs", "inputs");
    }
    if (!std::holds_alternative<std::monostate>(n.data))
      validate_data(n);
    if (n.op == "getitem")
      validate_getitem(n);
  }

  [[noreturn]] static void raise(const node& n, graph_errc code, std::string message,
                                 std::string field) {
    throw graph_error(code, std::move(message), error_location{"", n.id, std::move(field)});
  }

  void validate_data(const node& n) const {
    if (n.op != "const")
      raise(n, graph_errc::bad_structure, "only a const node carries data", "data");
    if (n.outputs.size() != 1)
      raise(n, graph_errc::bad_structure, "a const has one output", "outputs");
    const tensor_type& type = n.outputs.front();
    const std::size_t length = std::visit(
        [](const auto& values) -> std::size_t {
          if constexpr (std::is_same_v<std::decay_t<decltype(values)>, std::monostate>) {
            return 0;
          } else {
            return values.size();
          }
        },
        n.data);
    if (length != static_cast<std::uint64_t>(type.dims.element_count())) {
      raise(n, graph_errc::bad_data,
            std::to_string(length) + " values for shape " + type.dims.to_string() + " of " +
                std::to_string(type.dims.element_count()) + " elements",
            "data");
    }
    const auto* integers = std::get_if<std::vector<std::int64_t>>(&n.data);
    if (is_floating_point(type.type) != (integers == nullptr)) {
      raise(n, graph_errc::bad_data,
            std::string(integers ? "integer" : "floating-point") + " data for a " +
                std::string(to_string(type.type)) + " const",
            "data");
    }
    if (integers != nullptr) {
      const integer_range range = *range_of(type.type);
      for (std::size_t i = 0; i < integers->size(); ++i) {
        if (!range.contains((*integers)[i])) {
          raise(n, graph_errc::bad_data,
                "value " + std::to_string((*integers)[i]) + " outside " +
                    std::string(to_string(type.type)) + " range [" + std::to_string(range.min) +
                    ", " + std::to_string(range.max) + "]",
                "data[" + std::to_string(i) + "]");
        }
      }
    }
  }

  void validate_getitem(const node& n) const {
    if (n.inputs.size() != 1 || n.inputs.front() == no_node) {
      raise(n, graph_errc::bad_structure,
            "a getitem takes exactly one input, got " + std::to_string(n.inputs.size()), "inputs");
    }
    const auto found = n.attrs.find("index");
    if (found == n.attrs.end())
      raise(n, graph_errc::missing_field, "getitem needs an index", "attrs.index");
    const std::int64_t* index = found->second.as_int();
    if (index == nullptr) {
      raise(n, graph_errc::bad_attribute,
            "index must be an int, got " + std::string(to_string(found->second.kind())),
            "attrs.index");
    }
    const std::size_t available = nodes_[n.inputs.front()].outputs.size();
    if (*index < 0 || static_cast<std::uint64_t>(*index) >= available) {
      raise(n, graph_errc::bad_structure,
            "index " + std::to_string(*index) + " out of range for '" +
                nodes_[n.inputs.front()].id + "' with " + std::to_string(available) + " outputs",
            "attrs.index");
    }
  }

  std::string name_;
  std::vector<node> nodes_;
  std::vector<std::vector<node_index>> users_;
  std::vector<node_index> outputs_;
  std::unordered_map<std::string, node_index> index_of_id_;
};

static_assert(graph<plain_graph>);

/// Ids for the nodes a pass adds to a graph: `base`, or `base_2`, `base_3`...,
/// never one the graph or an earlier call already has.
class unique_ids {
 public:
  explicit unique_ids(const plain_graph& g) {
    for (const node& n : g.nodes())
      taken_.insert(n.id);
  }

  std::string fresh(const std::string& base) {
    std::string id = base;
    for (int suffix = 2; taken_.contains(id); ++suffix)
      id = base + "_" + std::to_string(suffix);
    taken_.insert(id);
    return id;
  }

 private:
  std::unordered_set<std::string> taken_;
};

}  // namespace qlower::graph
