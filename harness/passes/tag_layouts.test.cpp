// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/tag_layouts.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/graph/soa_graph.hpp"
#include "harness/targets/vulkan_generators.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/targets/vulkan.hpp"
#include "reference/passes/tag_layouts.hpp"

namespace {

using namespace qlower;
using graph::node_index;
using repset::memory_layout;
using repset::storage_type;
using repset::tensor_repr;

node_index add(graph::plain_graph& g, std::string id, std::string op,
               std::vector<node_index> inputs, dtype type = dtype::float32,
               std::vector<std::int64_t> dims = {1, 8, 16, 16}) {
  return g.add_node(
      {std::move(id), std::move(op), std::move(inputs), {}, {{type, shape(dims)}}, {}});
}

constexpr tensor_repr texture(memory_layout layout) {
  return {storage_type::texture_3d, layout};
}
constexpr tensor_repr buffer(memory_layout layout) {
  return {storage_type::buffer, layout};
}

/// The partition of each node as tag_layouts' scope: under the Vulkan check,
/// or, `as_delegate`, every registered op whose tensors have representations
/// (a delegate's graph after fusion, where int8 views are the delegate's own).
struct vulkan_scope {
  explicit vulkan_scope(const graph::plain_graph& g, bool as_delegate = false)
      : plan(passes::partition(
            g,
            [as_delegate](const graph::plain_graph& graph,
                          node_index n) -> targets::support_result {
              if (!as_delegate)
                return targets::vulkan::check(graph, n);
              const auto* features =
                  targets::vulkan_features<targets::vulkan>(ops::find_op(graph.op_name(n)));
              if (graph[n].op == "const" || features == nullptr ||
                  targets::make_op_repsets(graph, n, *features, repset::default_texture_limits)
                      .any_is_empty())
                return targets::rejection{targets::reason::not_registered, {}};
              return std::nullopt;
            })) {}
  std::uint32_t operator()(node_index n) const {
    return plan.delegated(n) ? plan.partition_of(n) : passes::not_delegated;
  }
  passes::partition_plan plan;
};

TEST_CASE("a consumer's requirement reaches back through ops that follow their input",
          "[passes][tag_layouts]") {
  graph::plain_graph g("chain");
  const node_index x = add(g, "x", "input", {});
  const node_index relu = add(g, "relu", "aten.relu.default", {x});
  const node_index pool = add(g, "pool", "aten.avg_pool2d.default", {relu});
  g.set_outputs({pool});
  const passes::layout_plan plan = passes::tag_layouts(g);
  // relu accepts any float storage, but avg_pool2d only a channels-packed
  // texture: the downstream search picks that for relu and for the input.
  CHECK(plan.transitions.empty());
  CHECK(plan.repr_of(relu) == texture(memory_layout::channels_packed));
  CHECK(plan.repr_of(pool) == texture(memory_layout::channels_packed));
  REQUIRE(plan.boundary.size() == 1);
  CHECK(plan.boundary[0].source == x);
  CHECK(plan.boundary[0].repr == texture(memory_layout::channels_packed));
  CHECK(!plan.repr_of(x));
}

TEST_CASE("a value read as a texture and as a buffer gets one transition, shared by its readers",
          "[passes][tag_layouts]") {
  graph::plain_graph g("fan-out");
  const node_index x = add(g, "x", "input", {});
  const node_index permute = add(g, "permute", "aten.permute.default", {x});
  const node_index copy_a = add(g, "copy_a", "dim_order_ops._to_dim_order_copy.default", {x});
  const node_index copy_b = add(g, "copy_b", "dim_order_ops._to_dim_order_copy.default", {x});
  g.set_outputs({permute, copy_a, copy_b});
  const passes::layout_plan plan = passes::tag_layouts(g);
  // permute runs on textures only (first pick: width-packed); the dim-order
  // copies on buffers only.
  REQUIRE(plan.boundary.size() == 1);
  CHECK(plan.boundary[0].repr == texture(memory_layout::width_packed));
  REQUIRE(plan.transitions.size() == 1);
  CHECK(plan.transitions[0].source == x);
  CHECK(plan.transitions[0].repr == buffer(memory_layout::width_packed));
  CHECK(plan.transitions[0].first_user == copy_a);
  REQUIRE(plan.uses.size() == 2);
  CHECK(plan.uses[0] == passes::redirected_use{copy_a, 0, 0});
  CHECK(plan.uses[1] == passes::redirected_use{copy_b, 0, 0});

  const graph::plain_graph applied = passes::apply_layout_plan(g, plan);
  graph::check_graph_laws(applied);
  REQUIRE(applied.node_count() == g.node_count() + 1);
  const node_index clone = *applied.find("x_to_TENSOR_WIDTH_PACKED");
  CHECK(applied[clone].op == "aten.clone.default");
  CHECK(applied[clone].inputs == std::vector<node_index>{*applied.find("x")});
  CHECK(applied[clone].outputs == g[x].outputs);
  CHECK(clone < *applied.find("copy_a"));
  CHECK(applied[*applied.find("copy_a")].inputs == std::vector<node_index>{clone});
  CHECK(applied[*applied.find("copy_b")].inputs == std::vector<node_index>{clone});
  CHECK(applied[*applied.find("permute")].inputs == std::vector<node_index>{*applied.find("x")});
}

TEST_CASE("an identity op between two int8 ops keeps their packed layout",
          "[passes][tag_layouts]") {
  graph::plain_graph g("identity");
  const node_index x = add(g, "x", "input", {}, dtype::int8);
  const node_index relu = add(g, "relu", "et_vk.q8ta_relu.default", {x}, dtype::int8);
  const node_index view = add(g, "view", "aten.view_copy.default", {relu}, dtype::int8);
  const node_index shuffle =
      add(g, "shuffle", "et_vk.q8ta_pixel_shuffle.default", {view}, dtype::int8);
  g.set_outputs({shuffle});
  const passes::layout_plan plan = passes::tag_layouts(g);
  CHECK(plan.transitions.empty());
  CHECK(plan.repr_of(view) == plan.repr_of(relu));
  CHECK(plan.repr_of(view)->storage == storage_type::buffer);
  CHECK(repset::is_quantized(plan.repr_of(view)->layout));
}

TEST_CASE("each delegate is tagged as its own graph", "[passes][tag_layouts]") {
  graph::plain_graph g("two delegates");
  const node_index x = add(g, "x", "input", {});
  const node_index permute = add(g, "permute", "aten.permute.default", {x});
  const node_index copy = add(g, "copy", "dim_order_ops._to_dim_order_copy.default", {x});
  g.set_outputs({permute, copy});
  // Two delegates read x: each has x as its own input, so no transition.
  const passes::layout_plan plan =
      passes::tag_layouts(g, [&](node_index n) { return n == copy ? 1U : 0U; });
  CHECK(plan.transitions.empty());
  REQUIRE(plan.boundary.size() == 2);
  CHECK(plan.boundary[0] == passes::boundary_value{x, 0, texture(memory_layout::width_packed)});
  CHECK(plan.boundary[1] == passes::boundary_value{x, 1, buffer(memory_layout::width_packed)});
  // A host node is never tagged.
  const passes::layout_plan hosted = passes::tag_layouts(
      g, [&](node_index n) { return n == permute ? passes::not_delegated : 0U; });
  CHECK(!hosted.repr_of(permute));
  CHECK(hosted.repr_of(copy) == buffer(memory_layout::width_packed));
}

TEST_CASE("apply_layout_plan rejects a plan made for another graph", "[passes][tag_layouts]") {
  graph::plain_graph g("g");
  add(g, "x", "input", {});
  graph::plain_graph other("other");
  const node_index x = add(other, "x", "input", {});
  add(other, "relu", "aten.relu.default", {x});
  CHECK_THROWS_AS(passes::apply_layout_plan(g, passes::tag_layouts(other)), error);
}

//===--- Properties against the initial repsets and the brute-force minimum ---===//

/// What node n reads at input position i, after the plan's redirections.
std::optional<tensor_repr> read_repr(const graph::plain_graph& g, const passes::layout_plan& plan,
                                     const vulkan_scope& scope, node_index n, std::size_t i) {
  for (const passes::redirected_use& use : plan.uses) {
    if (use.user == n && use.input == i)
      return plan.transitions[use.transition].repr;
  }
  const node_index value = g.inputs(n)[i];
  if (scope(value) == scope(n) && scope(value) != passes::not_delegated &&
      targets::vulkan_features<targets::vulkan>(ops::find_op(g.op_name(value))))
    return plan.repr_of(value);
  for (const passes::boundary_value& entry : plan.boundary) {
    if (entry.source == value && entry.partition == scope(n))
      return entry.repr;
  }
  return std::nullopt;
}

bool is_tagged_op(const graph::plain_graph& g, const vulkan_scope& scope, node_index n) {
  return scope(n) != passes::not_delegated && g[n].op != "const" &&
         targets::vulkan_features<targets::vulkan>(ops::find_op(g[n].op)) != nullptr;
}

int encode(tensor_repr repr) {
  return static_cast<int>(repr.storage) * 16 + static_cast<int>(repr.layout);
}

std::vector<int> members(repset::repset set) {
  std::vector<int> reprs;
  for (unsigned value = 0; value <= repset::max_layout_value; ++value) {
    const auto layout = static_cast<memory_layout>(value);
    if (set.texture_layouts().contains(layout))
      reprs.push_back(encode(texture(layout)));
    if (set.buffer_layouts().contains(layout))
      reprs.push_back(encode(buffer(layout)));
  }
  return reprs;
}

/// The problem the brute force solves: per tagged op, every assignment its
/// initial repsets allow with synced positions sharing one representation;
/// and the assignment tag_layouts chose, if it is one of them.
struct layout_problem_and_choice {
  reference::layout_problem problem;
  std::vector<std::size_t> greedy;
  bool greedy_is_allowed = true;
};

layout_problem_and_choice problem_of(const graph::plain_graph& g, const passes::layout_plan& plan,
                                     const vulkan_scope& scope) {
  layout_problem_and_choice result;
  std::map<std::pair<node_index, std::uint32_t>, int> value_ids;
  auto value_id = [&](node_index source, std::uint32_t partition) {
    const bool own = is_tagged_op(g, scope, source) && scope(source) == partition;
    const auto key = std::pair(source, own ? passes::not_delegated : partition);
    const auto [entry, added] = value_ids.emplace(key, result.problem.value_count);
    result.problem.value_count += added ? 1 : 0;
    return entry->second;
  };
  for (node_index n = 0; n < g.node_count(); ++n) {
    if (!is_tagged_op(g, scope, n))
      continue;
    const targets::op_features& features =
        *targets::vulkan_features<targets::vulkan>(ops::find_op(g[n].op));
    const repset::op_repsets repsets =
        targets::make_op_repsets(g, n, features, repset::default_texture_limits);
    reference::layout_problem::op_node node;
    const auto inputs = g.inputs(n);
    // Classes of positions that must share a representation; the last slot is the output.
    const std::size_t output_slot = inputs.size();
    std::vector<int> class_of(inputs.size() + 1, -1);
    std::vector<repset::repset> class_set;
    auto arg_of = [&](std::size_t position) { return features.list_input ? 0 : position; };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      node.inputs.push_back(inputs[i] == graph::no_node || g[inputs[i]].op == "const"
                                ? -1
                                : value_id(inputs[i], scope(n)));
      if (node.inputs.back() < 0)
        continue;
      const repset::repset set = repsets.arg(arg_of(i));
      const bool shared = repsets.sync_args() || features.list_input;
      int existing = -1;
      for (std::size_t j = 0; j < i && shared; ++j)
        existing = existing < 0 ? class_of[j] : existing;
      if (existing >= 0) {
        class_of[i] = existing;
        class_set[static_cast<std::size_t>(existing)] =
            class_set[static_cast<std::size_t>(existing)] & set;
      } else {
        class_of[i] = static_cast<int>(class_set.size());
        class_set.push_back(set);
      }
    }
    const auto primary = repsets.primary_arg();
    int primary_class = -1;
    for (std::size_t i = 0; i < inputs.size() && primary; ++i) {
      if (arg_of(i) == *primary && class_of[i] >= 0) {
        primary_class = class_of[i];
        break;
      }
    }
    if (repsets.sync_primary_io() && primary_class >= 0) {
      class_of[output_slot] = primary_class;
      class_set[static_cast<std::size_t>(primary_class)] =
          class_set[static_cast<std::size_t>(primary_class)] & repsets.output(0);
    } else {
      class_of[output_slot] = static_cast<int>(class_set.size());
      class_set.push_back(repsets.output(0));
    }
    // Every combination of one representation per class.
    std::vector<std::vector<int>> options;
    for (const repset::repset set : class_set)
      options.push_back(members(set));
    std::vector<std::size_t> odometer(options.size(), 0);
    bool exhausted = std::any_of(options.begin(), options.end(),
                                 [](const std::vector<int>& o) { return o.empty(); });
    while (!exhausted) {
      std::vector<int> choice;
      for (std::size_t slot = 0; slot <= output_slot; ++slot) {
        const int c = class_of[slot];
        choice.push_back(
            c < 0 ? -1
                  : options[static_cast<std::size_t>(c)][odometer[static_cast<std::size_t>(c)]]);
      }
      node.choices.push_back(std::move(choice));
      std::size_t k = 0;
      for (; k < odometer.size(); ++k) {
        if (++odometer[k] < options[k].size())
          break;
        odometer[k] = 0;
      }
      exhausted = k == odometer.size();
    }
    // The assignment tag_layouts made.
    std::vector<int> greedy;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto read = node.inputs[i] < 0 ? std::nullopt : read_repr(g, plan, scope, n, i);
      greedy.push_back(node.inputs[i] < 0 ? -1 : read ? encode(*read) : -2);
    }
    greedy.push_back(plan.repr_of(n) ? encode(*plan.repr_of(n)) : -2);
    std::size_t index = 0;
    for (; index < node.choices.size(); ++index) {
      bool same = true;
      for (std::size_t slot = 0; slot <= output_slot; ++slot)
        same = same && (class_of[slot] < 0 || node.choices[index][slot] == greedy[slot]);
      if (same)
        break;
    }
    result.greedy_is_allowed = result.greedy_is_allowed && index < node.choices.size();
    result.greedy.push_back(index < node.choices.size() ? index : 0);
    node.output = value_id(n, scope(n));
    result.problem.ops.push_back(std::move(node));
  }
  return result;
}

TEST_CASE("tagged layouts are accepted by every consumer and transitions change something",
          "[passes][tag_layouts][property]") {
  rc::prop("tag_layouts on random Vulkan graphs", [] {
    const graph::plain_graph g = *harness::any_vulkan_graph(16);
    const vulkan_scope scope(g, *rc::gen::arbitrary<bool>());
    const passes::layout_plan plan = passes::tag_layouts(g, std::cref(scope));
    for (node_index n = 0; n < g.node_count(); ++n) {
      if (!is_tagged_op(g, scope, n)) {
        RC_ASSERT(!plan.repr_of(n));
        continue;
      }
      const targets::op_features& features =
          *targets::vulkan_features<targets::vulkan>(ops::find_op(g[n].op));
      const repset::op_repsets repsets =
          targets::make_op_repsets(g, n, features, repset::default_texture_limits);
      RC_ASSERT(plan.repr_of(n));
      RC_ASSERT(repsets.output(0).is_compatible(*plan.repr_of(n)));
      const auto inputs = g.inputs(n);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (g[inputs[i]].op == "const")
          continue;
        const auto read = read_repr(g, plan, scope, n, i);
        RC_ASSERT(read);
        RC_ASSERT(repsets.arg(features.list_input ? 0 : i).is_compatible(*read));
      }
    }
    std::set<std::tuple<node_index, std::uint32_t, int>> distinct;
    for (const passes::layout_transition& transition : plan.transitions) {
      RC_ASSERT(distinct.emplace(transition.source, transition.partition, encode(transition.repr))
                    .second);
      std::optional<tensor_repr> source_repr;
      if (is_tagged_op(g, scope, transition.source) &&
          scope(transition.source) == transition.partition)
        source_repr = plan.repr_of(transition.source);
      for (const passes::boundary_value& entry : plan.boundary) {
        if (entry.source == transition.source && entry.partition == transition.partition)
          source_repr = entry.repr;
      }
      RC_ASSERT(source_repr);
      RC_ASSERT(*source_repr != transition.repr);
    }
    const graph::plain_graph applied = passes::apply_layout_plan(g, plan);
    graph::check_graph_laws(applied);
    RC_ASSERT(applied.node_count() == g.node_count() + plan.transitions.size());
  });
}

TEST_CASE("tag_layouts gives the same plan on a foreign graph type",
          "[passes][tag_layouts][property]") {
  rc::prop("plain_graph and soa_graph", [] {
    const graph::plain_graph g = *harness::any_vulkan_graph(16);
    const harness::soa_graph foreign(g);
    const vulkan_scope scope(g, *rc::gen::arbitrary<bool>());
    RC_ASSERT(passes::tag_layouts(foreign, std::cref(scope)) ==
              passes::tag_layouts(g, std::cref(scope)));
  });
}

TEST_CASE("tag_layouts' transitions against the brute-force minimum",
          "[passes][tag_layouts][property]") {
  std::size_t compared = 0;
  std::size_t greedy_total = 0;
  std::size_t minimum_total = 0;
  std::size_t above_minimum = 0;
  std::size_t outside_model = 0;
  rc::prop("the minimum is never above tag_layouts' count", [&] {
    const graph::plain_graph g = *harness::any_vulkan_graph(7);
    const vulkan_scope scope(g, *rc::gen::arbitrary<bool>());
    const passes::layout_plan plan = passes::tag_layouts(g, std::cref(scope));
    const layout_problem_and_choice model = problem_of(g, plan, scope);
    if (!model.greedy_is_allowed) {
      ++outside_model;
      return;
    }
    // The model counts tag_layouts' own assignment as tag_layouts does.
    RC_ASSERT(reference::transitions_of(model.problem, model.greedy) ==
              static_cast<int>(plan.transitions.size()));
    const auto minimum = reference::minimum_transitions(model.problem);
    if (!minimum)
      return;
    RC_ASSERT(*minimum <= static_cast<int>(plan.transitions.size()));
    ++compared;
    greedy_total += plan.transitions.size();
    minimum_total += static_cast<std::size_t>(*minimum);
    above_minimum += static_cast<int>(plan.transitions.size()) > *minimum ? 1 : 0;
  });
  std::cout << "tag_layouts vs brute-force minimum: " << compared << " graphs compared, "
            << greedy_total << " transitions vs a minimum of " << minimum_total << "; "
            << above_minimum << " graphs above the minimum; " << outside_model
            << " graphs with picks outside the model (synced positions in different layouts)\n";
  CHECK(compared > 0);
}

}  // namespace
