// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/repset/layout.hpp"
#include "qlower/repset/named.hpp"
#include "qlower/repset/op_repsets.hpp"
#include "qlower/repset/repset.hpp"
#include "qlower/targets/vulkan.hpp"

namespace qlower::passes {

/// A representation change inserted before a consumer: an `aten.clone.default`
/// of `source` in `repr`, read by the consumers listed in the plan's uses.
struct layout_transition {
  graph::node_index source;
  std::uint32_t partition;       ///< the delegate the clone belongs to
  repset::tensor_repr repr;      ///< what the clone produces
  graph::node_index first_user;  ///< the op before which the clone is inserted

  friend bool operator==(const layout_transition&, const layout_transition&) = default;
};

/// One input of one consumer that reads a transition instead of its source.
struct redirected_use {
  graph::node_index user;
  std::uint32_t input;       ///< position in the user's inputs
  std::uint32_t transition;  ///< index into layout_plan::transitions

  friend bool operator==(const redirected_use&, const redirected_use&) = default;
};

/// A value read by a delegate but produced outside it (a graph input, or
/// another delegate's or the host's output), and the representation the
/// delegate's first consumer gave it.
struct boundary_value {
  graph::node_index source;
  std::uint32_t partition;
  repset::tensor_repr repr;

  friend bool operator==(const boundary_value&, const boundary_value&) = default;
};

/// The result of tag_layouts: a representation per output of every tagged op
/// node, per boundary value, and the transitions to insert.
struct layout_plan {
  /// reprs[first_repr[n] .. first_repr[n + 1]) are node n's outputs; empty
  /// for a node that was not tagged (host nodes, constants, graph inputs).
  std::vector<std::uint32_t> first_repr;
  std::vector<repset::tensor_repr> reprs;
  std::vector<boundary_value> boundary;
  std::vector<layout_transition> transitions;
  std::vector<redirected_use> uses;
  /// How many nodes the downstream searches visited in all: the pass's work
  /// beyond one step per node, at most max_trace_search_depth per search.
  std::size_t searched_nodes = 0;

  /// The representation of output k of node n, if the pass tagged it.
  std::optional<repset::tensor_repr> repr_of(graph::node_index n, std::size_t k = 0) const {
    if (n + 1 >= first_repr.size() || first_repr[n] + k >= first_repr[n + 1])
      return std::nullopt;
    return reprs[first_repr[n] + k];
  }

  friend bool operator==(const layout_plan&, const layout_plan&) = default;
};

/// Which delegate a node belongs to, for tagging one delegate at a time.
inline constexpr std::uint32_t not_delegated = std::numeric_limits<std::uint32_t>::max();

/// Every node in one delegate: tag the whole graph as the Vulkan delegate's own.
struct whole_graph {
  constexpr std::uint32_t operator()(graph::node_index) const noexcept { return 0; }
};

/// Options of tag_layouts.
struct tag_layouts_options {
  repset::image_extents texture_limits = repset::default_texture_limits;
  /// How many nodes the downstream search may visit per constraint.
  int max_trace_search_depth = 64;
};

namespace detail {

template <class Target, graph::graph G, class Scope>
class layout_tagger {
 public:
  layout_tagger(const G& g, Scope scope, const tag_layouts_options& options)
      : g_(g), scope_(scope), options_(options) {}

  layout_plan run() {
    const std::size_t count = g_.node_count();
    plan_.first_repr.assign(count + 1, 0);
    own_repr_.assign(count, no_repr);
    ids_.resize(count);
    for (graph::node_index n = 0; n < count; ++n)
      ids_[n] = ops::find_op(g_.op_name(n));
    cache_initial_repsets();
    for (graph::node_index n = 0; n < count; ++n) {
      plan_.first_repr[n] = static_cast<std::uint32_t>(plan_.reprs.size());
      if (is_valid_op_node(n, scope_(n)))
        tag(n);
    }
    plan_.first_repr[count] = static_cast<std::uint32_t>(plan_.reprs.size());
    plan_.searched_nodes = searched_nodes_;
    for (const auto& [key, repr] : boundary_) {
      plan_.boundary.push_back({static_cast<graph::node_index>(key >> 32),
                                static_cast<std::uint32_t>(key & 0xffffffffU), repr});
    }
    std::sort(plan_.boundary.begin(), plan_.boundary.end(),
              [](const boundary_value& a, const boundary_value& b) {
                return std::pair(a.partition, a.source) < std::pair(b.partition, b.source);
              });
    return std::move(plan_);
  }

 private:
  static constexpr std::uint32_t no_repr = std::numeric_limits<std::uint32_t>::max();

  /// The node's registration, or null when it has none or more arguments
  /// or outputs than a repset list holds (such a node is never tagged).
  const targets::op_features* features(graph::node_index n) const {
    const targets::op_features* found = targets::vulkan_features<Target>(ids_[n]);
    if (found == nullptr)
      return nullptr;
    const std::size_t args = found->list_input ? 1 : g_.inputs(n).size();
    if (args > repset::repset_list::capacity || g_.output_count(n) > repset::repset_list::capacity)
      return nullptr;
    return found;
  }
  bool is_const(graph::node_index n) const { return g_.op_name(n) == "const"; }
  bool is_getitem(graph::node_index n) const { return g_.op_name(n) == "getitem"; }

  /// The output a getitem selects, if its source and index are well formed.
  std::optional<std::size_t> getitem_index(graph::node_index n) const {
    const auto inputs = g_.inputs(n);
    const graph::attribute* index = g_.attribute_of(n, "index");
    if (inputs.size() != 1 || inputs[0] == graph::no_node || index == nullptr ||
        index->as_int() == nullptr || *index->as_int() < 0 ||
        static_cast<std::uint64_t>(*index->as_int()) >= g_.output_count(inputs[0]))
      return std::nullopt;
    return static_cast<std::size_t>(*index->as_int());
  }

  /// A registered op node of delegate `partition` (constants are tensor
  /// references, never op nodes).
  bool is_valid_op_node(graph::node_index n, std::uint32_t partition) const {
    return partition != not_delegated && scope_(n) == partition && !is_const(n) &&
           features(n) != nullptr;
  }

  repset::op_repsets initial_repsets(graph::node_index n) const {
    return targets::make_op_repsets(g_, n, *features(n), options_.texture_limits);
  }

  /// What the search and the upstream fallback ask of other nodes' initial
  /// repsets, computed once per node (ExecuTorch keeps them in node meta):
  /// the repset each input position requires, every output's repset, and
  /// whether an input's constraint passes to the output.
  struct cached_node {
    std::uint32_t first_input = 0;   ///< into input_sets_
    std::uint32_t first_output = 0;  ///< into output_sets_
    std::uint8_t primary = 0xff;
    bool sync_args = false;
    bool sync_primary_io = false;
    bool sync_outputs = true;
  };

  void cache_initial_repsets() {
    const std::size_t count = g_.node_count();
    cached_.resize(count);
    for (graph::node_index n = 0; n < count; ++n) {
      cached_node& entry = cached_[n];
      entry.first_input = static_cast<std::uint32_t>(input_sets_.size());
      entry.first_output = static_cast<std::uint32_t>(output_sets_.size());
      if (scope_(n) == not_delegated || is_const(n) || features(n) == nullptr)
        continue;
      const repset::op_repsets repsets = initial_repsets(n);
      const bool list = features(n)->list_input;
      for (std::size_t i = 0; i < g_.inputs(n).size(); ++i)
        input_sets_.push_back(repsets.arg(list ? 0 : i));
      for (std::size_t k = 0; k < g_.output_count(n); ++k)
        output_sets_.push_back(repsets.output(k));
      entry.primary =
          repsets.primary_arg() ? static_cast<std::uint8_t>(*repsets.primary_arg()) : 0xff;
      entry.sync_args = repsets.sync_args();
      entry.sync_primary_io = repsets.sync_primary_io();
      entry.sync_outputs = repsets.sync_outputs();
    }
    // Each node's users as the search reads them, one contiguous run per node:
    // a user that is an op node of some delegate and reads the node through a
    // plain (not list) argument, with what it requires there.
    partition_of_.resize(count);
    unsynced_outputs_.assign(count, false);
    first_edge_.assign(count + 1, 0);
    for (graph::node_index n = 0; n < count; ++n) {
      partition_of_[n] = scope_(n);
      unsynced_outputs_[n] = g_.output_count(n) > 1 && partition_of_[n] != not_delegated &&
                             !is_const(n) && features(n) != nullptr && !cached_[n].sync_outputs;
    }
    for (graph::node_index n = 0; n < count; ++n) {
      first_edge_[n] = static_cast<std::uint32_t>(edges_.size());
      for (const auto user_value : g_.users(n)) {
        const auto user = static_cast<graph::node_index>(user_value);
        if (partition_of_[user] == not_delegated || is_const(user) || features(user) == nullptr ||
            features(user)->list_input)
          continue;
        const auto inputs = g_.inputs(user);
        const auto position = std::find(inputs.begin(), inputs.end(), n);
        if (position == inputs.end())
          continue;
        const auto k = static_cast<std::size_t>(position - inputs.begin());
        const graph::attribute* index = g_.attribute_of(user, "index");
        const bool second_getitem = is_getitem(user) && index != nullptr &&
                                    index->as_int() != nullptr && *index->as_int() == 1;
        edges_.push_back(
            {user, partition_of_[user], required_at(user, k), propagates(user, k), second_getitem});
      }
    }
    first_edge_[count] = static_cast<std::uint32_t>(edges_.size());
  }

  repset::repset required_at(graph::node_index n, std::size_t position) const {
    return input_sets_[cached_[n].first_input + position];
  }
  repset::repset initial_output(graph::node_index n, std::size_t k) const {
    return output_sets_[cached_[n].first_output + k];
  }
  /// propagates_to_output of input `position` (list inputs are argument 0).
  bool propagates(graph::node_index n, std::size_t position) const {
    const cached_node& entry = cached_[n];
    const std::size_t arg = features(n)->list_input ? 0 : position;
    return entry.sync_primary_io && (entry.sync_args || arg == entry.primary);
  }

  /// The graph inputs of node n that make up positional argument i.
  std::pair<std::size_t, std::size_t> arg_inputs(graph::node_index n, std::size_t i) const {
    if (features(n)->list_input)
      return {0, g_.inputs(n).size()};
    return {i, i + 1};
  }

  static std::uint64_t boundary_key(graph::node_index source, std::uint32_t partition) {
    return (static_cast<std::uint64_t>(source) << 32) | partition;
  }

  /// The representation a value already has as seen from delegate `partition`.
  std::optional<repset::tensor_repr> current_repr(graph::node_index value,
                                                  std::uint32_t partition) const {
    if (is_valid_op_node(value, partition)) {
      if (own_repr_[value] == no_repr)
        return std::nullopt;
      return plan_.reprs[own_repr_[value]];
    }
    const auto found = boundary_.find(boundary_key(value, partition));
    if (found == boundary_.end())
      return std::nullopt;
    return found->second;
  }

  /// trace_node_users_to_constrain_repset: a breadth-first search of the users
  /// of `origin` that narrows `set` by what each user requires, through users
  /// whose output follows the traced input.
  repset::repset trace_users(graph::node_index origin, repset::repset set,
                             std::uint32_t partition) const {
    std::vector<graph::node_index>& queue = queue_;
    queue.assign(1, origin);
    std::size_t head = 0;
    int budget = options_.max_trace_search_depth;
    while (head < queue.size() && budget > 0 && !set.is_constrained()) {
      const graph::node_index node = queue[head++];
      --budget;
      ++searched_nodes_;
      // A node with several outputs that are not synced is traced only
      // through getitem(1): ExecuTorch's rule.
      const bool only_second_getitem = unsynced_outputs_[node] && partition_of_[node] == partition;
      for (std::uint32_t e = first_edge_[node]; e < first_edge_[node + 1]; ++e) {
        const trace_edge& edge = edges_[e];
        if (edge.partition != partition || (only_second_getitem && !edge.second_getitem))
          continue;
        if (!set.any_in_common(edge.required))
          continue;
        set = set & edge.required;
        if (edge.propagates)
          queue.push_back(edge.user);
      }
    }
    return set;
  }

  /// The repset the producer of argument `value` offers (get_arg_tensor_source_repset).
  repset::repset source_repset(graph::node_index value, std::uint32_t partition) const {
    if (auto repr = current_repr(value, partition)) {
      // A value whose op could hold it nowhere has only the placeholder: no constraint.
      return repr->is_placeholder() ? repset::named::none : repset::repset::of(*repr);
    }
    if (is_valid_op_node(value, partition)) {
      if (is_getitem(value)) {
        const auto index = getitem_index(value);
        if (index && is_valid_op_node(g_.inputs(value)[0], partition))
          return initial_output(g_.inputs(value)[0], *index);
      }
      return initial_output(value, 0);
    }
    return repset::named::any_float_storage;
  }

  void constrain_arg(graph::node_index n, repset::op_repsets& repsets, std::size_t i,
                     std::uint32_t partition) const {
    const auto [begin, end] = arg_inputs(n, i);
    if (begin == end)
      return;
    const auto arg_node = static_cast<graph::node_index>(g_.inputs(n)[begin]);
    if (repsets.arg(i).is_ambiguous()) {
      const repset::repset downstream = trace_users(arg_node, repsets.arg(i), partition);
      repsets.try_constrain_with_arg_repset(i, downstream);
    }
    if (repsets.arg(i).is_ambiguous())
      repsets.try_constrain_with_arg_repset(i, source_repset(arg_node, partition));
  }

  void tag(graph::node_index n) {
    const std::uint32_t partition = scope_(n);
    if (is_getitem(n)) {
      const auto index = getitem_index(n);
      if (!index)
        return;
      const graph::node_index source = g_.inputs(n)[0];
      if (is_valid_op_node(source, partition) &&
          plan_.first_repr[source] + *index < plan_.first_repr[source + 1]) {
        own_repr_[n] = static_cast<std::uint32_t>(plan_.reprs.size());
        plan_.reprs.push_back(plan_.reprs[plan_.first_repr[source] + *index]);
      }
      return;
    }
    repset::op_repsets repsets = initial_repsets(n);
    const auto inputs = g_.inputs(n);
    for (std::size_t i = 0; i < repsets.arg_count(); ++i) {
      const auto [begin, end] = arg_inputs(n, i);
      if (begin < end && inputs[begin] != graph::no_node)
        constrain_arg(n, repsets, i, partition);
    }
    if (repsets.output(0).is_ambiguous()) {
      const repset::repset downstream = trace_users(n, repsets.output(0), partition);
      repsets.try_constrain_with_out_repset(downstream);
    }
    own_repr_[n] = static_cast<std::uint32_t>(plan_.reprs.size());
    for (std::size_t k = 0; k < g_.output_count(n); ++k)
      plan_.reprs.push_back(repsets.output_repr(k));

    // Inputs redirected to a clone while tagging this node read the clone from then on.
    std::array<std::uint32_t, repset::repset_list::capacity> reading{};
    reading.fill(no_repr);
    for (std::size_t i = 0; i < repsets.arg_count(); ++i) {
      const repset::tensor_repr wanted = repsets.arg_repr(i);
      const auto [begin, end] = arg_inputs(n, i);
      for (std::size_t position = begin; position < end; ++position) {
        const graph::node_index value = inputs[position];
        if (value == graph::no_node || is_const(value) || wanted.is_placeholder())
          continue;
        if (position < reading.size() && reading[position] != no_repr)
          continue;
        require(n, value, wanted, partition, begin, end, reading);
      }
    }
  }

  /// set_arg_node_repr_or_transition, for the input positions [begin, end) of one argument.
  void require(graph::node_index user, graph::node_index value, repset::tensor_repr wanted,
               std::uint32_t partition, std::size_t begin, std::size_t end,
               std::array<std::uint32_t, repset::repset_list::capacity>& reading) {
    const std::optional<repset::tensor_repr> current = current_repr(value, partition);
    if (!current) {
      if (is_valid_op_node(value, partition))
        return;  // a getitem of an untagged source: nothing to match
      boundary_.emplace(boundary_key(value, partition), wanted);
      return;
    }
    if (*current == wanted)
      return;
    const transition_key key{
        boundary_key(value, partition),
        static_cast<std::uint16_t>((static_cast<unsigned>(wanted.storage) << 8) |
                                   static_cast<unsigned>(wanted.layout))};
    std::uint32_t transition = 0;
    if (const auto cached = cache_.find(key); cached != cache_.end()) {
      transition = cached->second;
    } else {
      transition = static_cast<std::uint32_t>(plan_.transitions.size());
      plan_.transitions.push_back({value, partition, wanted, user});
      cache_.emplace(key, transition);
    }
    // The clone replaces the value in this argument only. ExecuTorch's
    // replace_input_with replaces it in every argument of the op, so an op
    // reading one value as two arguments with different layouts (a pointwise
    // convolution of x by x) read one of them in the wrong layout: the
    // pipeline fuzzer found it, and vulkan.md does not ask for it.
    const auto inputs = g_.inputs(user);
    for (std::size_t position = begin; position < end && position < inputs.size(); ++position) {
      if (inputs[position] != value)
        continue;
      plan_.uses.push_back({user, static_cast<std::uint32_t>(position), transition});
      if (position < reading.size())
        reading[position] = transition;
    }
  }

  const G& g_;
  Scope scope_;
  tag_layouts_options options_;
  layout_plan plan_;
  std::vector<ops::op_id> ids_;
  std::vector<std::uint32_t> own_repr_;
  struct trace_edge {
    graph::node_index user;
    std::uint32_t partition;
    repset::repset required;
    bool propagates;
    bool second_getitem;
  };

  std::vector<cached_node> cached_;
  std::vector<std::uint32_t> partition_of_;
  std::vector<bool> unsynced_outputs_;
  std::vector<std::uint32_t> first_edge_;
  std::vector<trace_edge> edges_;
  std::vector<repset::repset> input_sets_;
  std::vector<repset::repset> output_sets_;
  mutable std::size_t searched_nodes_ = 0;
  // The search's queue, kept between searches so that a search allocates nothing.
  mutable std::vector<graph::node_index> queue_;
  std::unordered_map<std::uint64_t, repset::tensor_repr> boundary_;
  // (source and delegate, storage and layout) -> transition.
  using transition_key = std::pair<std::uint64_t, std::uint16_t>;
  struct transition_key_hash {
    std::size_t operator()(const transition_key& key) const noexcept {
      return std::hash<std::uint64_t>{}(key.first * 0x9e3779b97f4a7c15ULL ^ key.second);
    }
  };
  std::unordered_map<transition_key, std::uint32_t, transition_key_hash> cache_;
};

}  // namespace detail

/// Chooses a storage type and memory layout for every value a Vulkan delegate
/// computes, and the layout-transition clones to insert where a producer's
/// representation is not one its consumer accepts (ExecuTorch's
/// TagMemoryMetaPass, vulkan.md 5.1): nodes in graph order; each argument
/// narrowed first by what its other consumers downstream accept (a
/// breadth-first search of at most `max_trace_search_depth` nodes), then by
/// what its producer offers; textures before buffers; one clone per (source,
/// storage, layout), shared by every consumer that needs it.
///
/// `scope(n)` names node n's delegate, or `not_delegated`: each delegate is
/// tagged as its own graph, so a value from outside is a delegate input whose
/// representation its first consumer picks. The default tags the whole graph
/// as one delegate. Runs on any model of the graph concept; the plan depends
/// only on the graph, so a foreign IR gets the same plan as plain_graph.
template <class Target = targets::vulkan, graph::graph G, class Scope = whole_graph>
layout_plan tag_layouts(const G& g, Scope scope = {}, const tag_layouts_options& options = {}) {
  return detail::layout_tagger<Target, G, Scope>(g, scope, options).run();
}

/// Inserts the plan's transitions into `g`: each an `aten.clone.default` of
/// its source, placed just before its first user and read by the uses the
/// plan redirects. Node ids of clones are `<source>_to_<layout>`, made unique
/// with a number. Throws qlower::error when the plan was made for another graph.
inline graph::plain_graph apply_layout_plan(const graph::plain_graph& g, const layout_plan& plan) {
  const std::size_t count = g.node_count();
  if (plan.first_repr.size() != count + 1)
    throw error("the layout plan was made for a graph of " +
                std::to_string(plan.first_repr.empty() ? 0 : plan.first_repr.size() - 1) +
                " nodes, not " + std::to_string(count));
  std::vector<std::vector<std::uint32_t>> clones_before(count);
  for (std::uint32_t t = 0; t < plan.transitions.size(); ++t) {
    const layout_transition& transition = plan.transitions[t];
    if (transition.first_user >= count || transition.source >= transition.first_user)
      throw error("transition " + std::to_string(t) + " does not fit the graph");
    clones_before[transition.first_user].push_back(t);
  }
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> redirects(count);
  for (const redirected_use& use : plan.uses) {
    if (use.user >= count || use.input >= g.inputs(use.user).size() ||
        use.transition >= plan.transitions.size())
      throw error("a redirected use does not fit the graph");
    redirects[use.user].emplace_back(use.input, use.transition);
  }
  graph::plain_graph result(g.name());
  std::vector<graph::node_index> new_index(count, graph::no_node);
  std::vector<graph::node_index> clone_index(plan.transitions.size(), graph::no_node);
  for (graph::node_index n = 0; n < count; ++n) {
    for (const std::uint32_t t : clones_before[n]) {
      const layout_transition& transition = plan.transitions[t];
      const graph::node& source = g[transition.source];
      std::string id = source.id + "_to_" + std::string(repset::to_string(transition.repr.layout));
      for (int suffix = 1; g.find(id) || result.find(id); ++suffix)
        id = source.id + "_to_" + std::string(repset::to_string(transition.repr.layout)) + "_" +
             std::to_string(suffix);
      graph::node clone{std::move(id),
                        "aten.clone.default",
                        {new_index[transition.source]},
                        {},
                        {source.outputs.front()},
                        {}};
      clone_index[t] = result.add_node(std::move(clone));
    }
    graph::node copy = g[n];
    for (auto& input : copy.inputs) {
      if (input != graph::no_node)
        input = new_index[input];
    }
    for (const auto& [position, t] : redirects[n])
      copy.inputs[position] = clone_index[t];
    new_index[n] = result.add_node(std::move(copy));
  }
  std::vector<graph::node_index> outputs;
  for (const auto output : g.graph_outputs())
    outputs.push_back(new_index[output]);
  result.set_outputs(std::move(outputs));
  return result;
}

}  // namespace qlower::passes
