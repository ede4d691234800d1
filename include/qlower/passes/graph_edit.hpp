// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"

namespace qlower::passes {

/// A reference, in a replacement's nodes, to node k of the same replacement
/// (inputs that are not such references are node indices of the source graph).
constexpr graph::node_index replacement_value(std::size_t k) noexcept {
  return static_cast<graph::node_index>(0x80000000U | static_cast<std::uint32_t>(k));
}

/// The nodes that take one source node's place; `nodes[value]` carries its value.
struct replacement {
  std::vector<graph::node> nodes;
  std::size_t value = 0;
};

/// The edits of one rewriting pass, decided over the source graph and then
/// applied at once: each node is kept, replaced by new nodes, or forwarded
/// (its readers read another node's value instead). A node that loses its last
/// reader to the edits is dropped; one that had no reader before is kept, so
/// nothing a user wrote is dropped unless a rewrite consumed it.
class edit_plan {
 public:
  explicit edit_plan(const graph::plain_graph& g)
      : replaced_(g.node_count()), forwarded_(g.node_count(), graph::no_node), ids_(g) {}

  void replace(graph::node_index n, replacement with) { replaced_[n] = std::move(with); }
  /// The readers of `n` read `to` instead.
  void forward(graph::node_index n, graph::node_index to) { forwarded_[n] = to; }
  bool edited(graph::node_index n) const {
    return replaced_[n].has_value() || forwarded_[n] != graph::no_node;
  }
  /// An id no node of the graph or of this plan has (graph::unique_ids).
  std::string fresh_id(const std::string& base) { return ids_.fresh(base); }

  /// The edited graph. Throws qlower::error when the edits are inconsistent
  /// (a forward cycle, a reference past a replacement's nodes).
  graph::plain_graph apply(const graph::plain_graph& g) const {
    using graph::no_node;
    using graph::node_index;
    const std::size_t count = g.node_count();
    auto resolve = [&](node_index n) {
      for (std::size_t steps = 0; n != no_node && forwarded_[n] != no_node; ++steps) {
        if (steps > count)
          throw error("a forward cycle at node '" + g[n].id + "'");
        n = forwarded_[n];
      }
      return n;
    };
    auto is_local = [](node_index input) { return input != no_node && (input & 0x80000000U) != 0; };

    // Readers in the edited graph, so that a node whose last reader an edit
    // removed can go too; reverse order reaches a chain's sources last.
    std::vector<std::uint32_t> readers(count, 0);
    std::vector<bool> had_readers(count, false);
    for (node_index n = 0; n < count; ++n)
      had_readers[n] = !g.users(n).empty();
    for (node_index output : g.graph_outputs()) {
      const node_index source = resolve(output);
      ++readers[source];
      had_readers[output] = true;
    }
    auto inputs_of = [&](node_index n, auto&& visit) {
      if (replaced_[n]) {
        for (const graph::node& made : replaced_[n]->nodes) {
          for (node_index input : made.inputs) {
            if (input != no_node && !is_local(input))
              visit(input);
          }
        }
      } else {
        for (node_index input : g[n].inputs) {
          if (input != no_node)
            visit(input);
        }
      }
    };
    for (node_index n = 0; n < count; ++n) {
      if (forwarded_[n] != no_node)
        continue;
      inputs_of(n, [&](node_index input) { ++readers[resolve(input)]; });
    }
    std::vector<bool> dropped(count, false);
    for (node_index n = static_cast<node_index>(count); n-- > 0;) {
      if (forwarded_[n] != no_node) {
        dropped[n] = true;
        continue;
      }
      if (readers[n] == 0 && had_readers[n]) {
        dropped[n] = true;
        inputs_of(n, [&](node_index input) { --readers[resolve(input)]; });
      }
    }

    graph::plain_graph result(g.name());
    std::vector<node_index> mapped(count, no_node);
    auto map_input = [&](node_index input) -> node_index {
      if (input == no_node)
        return no_node;
      const node_index source = resolve(input);
      if (mapped[source] == no_node)
        throw error("node '" + g[source].id + "' is read after the edits removed it");
      return mapped[source];
    };
    for (node_index n = 0; n < count; ++n) {
      if (dropped[n])
        continue;
      if (!replaced_[n]) {
        graph::node copy = g[n];
        for (node_index& input : copy.inputs)
          input = map_input(input);
        mapped[n] = result.add_node(std::move(copy));
        continue;
      }
      const replacement& with = *replaced_[n];
      std::vector<node_index> made;
      for (const graph::node& original : with.nodes) {
        graph::node copy = original;
        for (node_index& input : copy.inputs) {
          if (is_local(input)) {
            const std::size_t k = input & 0x7fffffffU;
            if (k >= made.size())
              throw error("a replacement of '" + g[n].id + "' reads its own later node");
            input = made[k];
          } else {
            input = map_input(input);
          }
        }
        made.push_back(result.add_node(std::move(copy)));
      }
      if (with.value >= made.size())
        throw error("the replacement of '" + g[n].id + "' has no node carrying its value");
      mapped[n] = made[with.value];
    }
    std::vector<node_index> outputs;
    for (node_index output : g.graph_outputs())
      outputs.push_back(map_input(output));
    result.set_outputs(std::move(outputs));
    return result;
  }

 private:
  std::vector<std::optional<replacement>> replaced_;
  std::vector<graph::node_index> forwarded_;
  graph::unique_ids ids_;
};

/// Something a pass left as it was, or did, that a user should know: the node
/// and why ("not folded: its weight is also read by 'conv2'").
struct pass_note {
  std::string stage;
  std::string node;
  std::string message;

  friend bool operator==(const pass_note&, const pass_note&) = default;
};

/// Collects the nodes of one replacement; the last node added carries the
/// source's value under the source's own id.
class replacement_builder {
 public:
  replacement_builder(edit_plan& plan, std::string source_id)
      : plan_(plan), source_id_(std::move(source_id)) {}

  graph::node_index add(const std::string& suffix, std::string op,
                        std::vector<graph::node_index> inputs, graph::attribute_map attrs,
                        graph::tensor_type type) {
    made_.nodes.push_back({plan_.fresh_id(source_id_ + "." + suffix),
                           std::move(op),
                           std::move(inputs),
                           std::move(attrs),
                           {std::move(type)},
                           {}});
    return replacement_value(made_.nodes.size() - 1);
  }
  graph::node_index constant(const std::string& suffix, graph::tensor_type type,
                             graph::const_data data) {
    made_.nodes.push_back({plan_.fresh_id(source_id_ + "." + suffix),
                           "const",
                           {},
                           {},
                           {std::move(type)},
                           std::move(data)});
    return replacement_value(made_.nodes.size() - 1);
  }
  replacement finish() && {
    made_.nodes.back().id = source_id_;
    made_.value = made_.nodes.size() - 1;
    return std::move(made_);
  }

 private:
  edit_plan& plan_;
  std::string source_id_;
  replacement made_;
};

/// How one op's node is rewritten: the nodes that compute its value (added
/// to `plan` through a replacement), or why it stays.
using decompose_function = std::variant<replacement, std::string> (*)(const graph::plain_graph&,
                                                                      graph::node_index,
                                                                      edit_plan&);

/// `Decomposition::decompose` when the specialisation declares one, else null.
template <class Decomposition>
constexpr decompose_function decompose_function_of() {
  if constexpr (requires { &Decomposition::decompose; }) {
    return &Decomposition::decompose;
  } else {
    return nullptr;
  }
}

/// Decomposition<Op>::decompose for every op, indexed by op_id (null where
/// the specialisation declares none): the table decompose_until_settled runs.
template <template <class> class Decomposition>
inline constexpr std::array<decompose_function, ops::op_count> decompose_table =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<decompose_function, ops::op_count>{
          decompose_function_of<Decomposition<Ops>>()...};
    });

/// Applies `decompositions` (one per op id, null for an op kept as it is) to
/// `g` until none applies, since one's nodes may decompose in turn (attention
/// makes a softmax). A node that stays gets a note under `stage`, once, its
/// reason after `left_as_it_was` ("not decomposed: ").
inline graph::plain_graph decompose_until_settled(
    const graph::plain_graph& g,
    const std::array<decompose_function, ops::op_count>& decompositions, std::string_view stage,
    std::string_view left_as_it_was, std::vector<pass_note>* notes) {
  // Every decomposition in qlower makes ops strictly lower in the chain
  // attention -> softmax -> primitives, so a few rounds reach the end.
  constexpr int max_rounds = 8;
  graph::plain_graph current = g;
  for (int round = 0; round < max_rounds; ++round) {
    edit_plan plan(current);
    std::vector<pass_note> stays;
    bool replaced = false;
    for (graph::node_index n = 0; n < current.node_count(); ++n) {
      const ops::op_id id = ops::find_op(current.op_name(n));
      if (id == ops::unknown_op || decompositions[id] == nullptr)
        continue;
      auto result = decompositions[id](current, n, plan);
      if (auto* why = std::get_if<std::string>(&result)) {
        stays.push_back({std::string(stage), current[n].id, std::string(left_as_it_was) + *why});
        continue;
      }
      plan.replace(n, std::move(std::get<replacement>(result)));
      replaced = true;
    }
    if (!replaced) {
      if (notes != nullptr)
        notes->insert(notes->end(), stays.begin(), stays.end());
      return current;
    }
    current = plan.apply(current);
  }
  throw error(std::string(stage) + " did not settle in " + std::to_string(max_rounds) + " rounds");
}

}  // namespace qlower::passes
