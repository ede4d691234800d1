// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/ops/patterns.hpp"
#include "qlower/passes/graph_edit.hpp"

/// The pipeline's first stage: every node becomes its canonical op, so that no
/// later rule, pass or target check meets a tracer's spelling (lowering.md 3).

namespace qlower::ops::patterns {

/// What a matched pattern becomes: the canonical node's inputs (source node
/// indices, in its schema order) and attributes, and the nodes whose value is
/// now the canonical node's (the getitems a multi-output op was read through).
struct recomposition {
  std::vector<graph::node_index> inputs;
  graph::attribute_map attrs;
  std::vector<graph::node_index> absorbed;
};

namespace detail {
/// addmm's alpha or beta: absent (the default, 1) or 1.
inline bool is_one(const graph::attribute* factor) {
  return factor == nullptr || factor->as_number() == 1.0;
}

/// The 2-D constant `w` when `n` is t(w) read by nothing else.
inline std::optional<graph::node_index> transposed_constant(const graph::plain_graph& g,
                                                            graph::node_index n) {
  if (n == graph::no_node || canonical(find_op(g.op_name(n))) != op_id_of<aten::t_default>())
    return std::nullopt;
  if (g.inputs(n).size() != 1 || g.inputs(n)[0] == graph::no_node)
    return std::nullopt;
  const graph::node_index w = g.inputs(n)[0];
  if (find_op(g.op_name(w)) != op_id_of<graph_const>() || g.output_dims(w, 0).size() != 2)
    return std::nullopt;
  return w;
}
}  // namespace detail

struct addmm_of_transposed_weight {
  static std::optional<recomposition> match(const graph::plain_graph& g, graph::node_index n) {
    const auto inputs = g.inputs(n);
    if (inputs.size() != 3 || inputs[1] == graph::no_node || g.output_count(n) != 1)
      return std::nullopt;
    if (!detail::is_one(g.attribute_of(n, "alpha")) || !detail::is_one(g.attribute_of(n, "beta")))
      return std::nullopt;
    if (g.output_dims(inputs[1], 0).size() != 2)
      return std::nullopt;
    const std::optional<graph::node_index> weight = detail::transposed_constant(g, inputs[2]);
    if (!weight)
      return std::nullopt;
    // linear broadcasts a bias of one value per output feature, as addmm does.
    const graph::node_index bias = inputs[0];
    if (bias != graph::no_node) {
      const auto bias_dims = g.output_dims(bias, 0);
      if (bias_dims.size() != 1 || bias_dims[0] != g.output_dims(*weight, 0)[0])
        return std::nullopt;
    }
    return recomposition{{inputs[1], *weight, bias}, {}, {}};
  }
};

struct mm_of_transposed_weight {
  static std::optional<recomposition> match(const graph::plain_graph& g, graph::node_index n) {
    const auto inputs = g.inputs(n);
    if (inputs.size() != 2 || inputs[0] == graph::no_node || g.output_count(n) != 1 ||
        g.output_dims(inputs[0], 0).size() != 2)
      return std::nullopt;
    const std::optional<graph::node_index> weight = detail::transposed_constant(g, inputs[1]);
    if (!weight)
      return std::nullopt;
    return recomposition{{inputs[0], *weight, graph::no_node}, {}, {}};
  }
};

struct only_first_output_read {
  static std::optional<recomposition> match(const graph::plain_graph& g, graph::node_index n) {
    for (graph::node_index output : g.graph_outputs()) {
      if (output == n)
        return std::nullopt;
    }
    std::vector<graph::node_index> getitems;
    for (graph::node_index user : g.users(n)) {
      const graph::attribute* index = g.attribute_of(user, "index");
      if (find_op(g.op_name(user)) != op_id_of<getitem>() || index == nullptr ||
          index->as_int() == nullptr || *index->as_int() != 0) {
        return std::nullopt;
      }
      getitems.push_back(user);
    }
    return recomposition{{g.inputs(n).begin(), g.inputs(n).end()}, g[n].attrs, std::move(getitems)};
  }
};

struct identity_restride {
  static std::optional<recomposition> match(const graph::plain_graph& g, graph::node_index n) {
    const auto inputs = g.inputs(n);
    if (inputs.size() != 1 || inputs[0] == graph::no_node || g.output_count(n) != 1)
      return std::nullopt;
    const graph::node_index x = inputs[0];
    const op_id producer = find_op(g.op_name(x));
    if (producer == unknown_op || op_table[producer].pure_view ||
        op_table[producer].axis_permutation || g.output_count(x) != 1) {
      return std::nullopt;
    }
    const graph::attribute* size = g.attribute_of(n, "size");
    const graph::attribute* stride = g.attribute_of(n, "stride");
    const graph::attribute* offset = g.attribute_of(n, "storage_offset");
    const auto sizes = size ? size->as_int_list() : std::nullopt;
    const auto strides = stride ? stride->as_int_list() : std::nullopt;
    const auto dims = g.output_dims(x, 0);
    if (!sizes || !strides || strides->size() != dims.size() ||
        !std::equal(sizes->begin(), sizes->end(), dims.begin(), dims.end())) {
      return std::nullopt;
    }
    if (offset != nullptr && !offset->is_null() &&
        (offset->as_int() == nullptr || *offset->as_int() != 0)) {
      return std::nullopt;
    }
    std::int64_t contiguous = 1;
    for (std::size_t i = dims.size(); i-- > 0;) {
      if (dims[i] != 1 && (*strides)[i] != contiguous)
        return std::nullopt;
      contiguous *= dims[i];
    }
    graph::attribute::list view_size;
    for (std::int64_t d : dims)
      view_size.emplace_back(d);
    return recomposition{{x}, {{"size", graph::attribute(std::move(view_size))}}, {}};
  }
};

struct same_operation {
  static std::optional<recomposition> match(const graph::plain_graph& g, graph::node_index n) {
    if (g.output_count(n) != 1)
      return std::nullopt;
    return recomposition{{g.inputs(n).begin(), g.inputs(n).end()}, g[n].attrs, {}};
  }
};

}  // namespace qlower::ops::patterns

namespace qlower::passes {

namespace detail {
using recompose_function =
    std::optional<ops::patterns::recomposition> (*)(const graph::plain_graph&, graph::node_index);

template <class Op>
constexpr recompose_function recompose_function_of() {
  using recomposition = traits::recomposition_t<Op>;
  if constexpr (std::is_void_v<recomposition>) {
    return nullptr;
  } else {
    return &recomposition::pattern::match;
  }
}

/// The pattern of each op's recomposes_to<>, indexed by op_id.
inline constexpr std::array<recompose_function, ops::op_count> recompose_table =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<recompose_function, ops::op_count>{recompose_function_of<Ops>()...};
    });

inline bool reads_after(const graph::plain_graph& g, graph::node_index value,
                        graph::node_index mutator) {
  for (graph::node_index user : g.users(value)) {
    if (user > mutator)
      return true;
  }
  for (graph::node_index output : g.graph_outputs()) {
    if (output == value)
      return true;
  }
  return false;
}
}  // namespace detail

/// The canonical form of `g`: each spelling becomes its canonical op (conv2d
/// -> convolution, native_batch_norm -> _native_batch_norm_legit_no_training,
/// _reshape_alias -> view), each in-place op its functional base (relu_ ->
/// relu) when nothing reads its input after it, and each recomposes_to<>
/// pattern its op (t + addmm -> linear). Ids, dtypes and shapes of every value
/// a user reads stay; the nodes a pattern absorbed go. A node that cannot take
/// its canonical form (a batch norm in training mode) stays as it is, with a
/// note in `notes` saying why.
inline graph::plain_graph canonicalize(const graph::plain_graph& g,
                                       std::vector<pass_note>* notes = nullptr) {
  edit_plan plan(g);
  auto note = [&](graph::node_index n, std::string message) {
    if (notes != nullptr)
      notes->push_back({"canonicalize", g[n].id, std::move(message)});
  };
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    const ops::op_id id = ops::find_op(g.op_name(n));
    if (id == ops::unknown_op || plan.edited(n))
      continue;
    const ops::op_info& row = ops::op_table[id];
    const graph::node& source = g[n];
    if (row.kind == ops::variant_kind::spelling) {
      const ops::spellings::spelling_context context{source.attrs, source.inputs,
                                                     source.outputs.front().dims.dims()};
      ops::spellings::canonical_node canonical;
      try {
        canonical = row.canonicalize(context);
      } catch (const error& refused) {
        note(n, "stays " + source.op + " (" + std::string(ops::op_table[row.canonical].name) +
                    " only when " + refused.message() +
                    " does not hold: " + refused.location().field + ")");
        continue;
      }
      graph::node made = source;
      made.op = std::string(ops::op_table[row.canonical].name);
      made.attrs = std::move(canonical.attrs);
      replacement with;
      if (canonical.output_count > source.outputs.size() && source.outputs.size() == 1) {
        // The canonical op has outputs the spelling hides (batch_norm's saved
        // statistics): its first output, through a getitem, is the spelling's value.
        made.id = plan.fresh_id(source.id + ".native");
        while (made.outputs.size() < canonical.output_count)
          made.outputs.push_back(
              {source.outputs.front().type, shape{std::vector<std::int64_t>{0}}});
        graph::node first{source.id,
                          "getitem",
                          {replacement_value(0)},
                          {{"index", std::int64_t{0}}},
                          {source.outputs.front()},
                          {}};
        with.nodes = {std::move(made), std::move(first)};
        with.value = 1;
      } else if (canonical.output_count != source.outputs.size()) {
        note(n, "stays " + source.op + ": it has " + std::to_string(source.outputs.size()) +
                    " outputs where " + std::string(ops::op_table[row.canonical].name) + " has " +
                    std::to_string(canonical.output_count));
        continue;
      } else {
        with.nodes = {std::move(made)};
      }
      plan.replace(n, std::move(with));
      continue;
    }
    if (row.kind == ops::variant_kind::inplace) {
      const graph::node_index self = source.inputs.empty() ? graph::no_node : source.inputs[0];
      if (self != graph::no_node && detail::reads_after(g, self, n)) {
        note(n,
             "stays " + source.op + ": '" + g[self].id + "' is read after it changes it in place");
        continue;
      }
      graph::node made = source;
      made.op = std::string(ops::op_table[row.canonical].name);
      plan.replace(n, {{std::move(made)}, 0});
      // The functional op may recompose in turn (as_strided_ -> as_strided -> view).
    }
    if (const detail::recompose_function recompose = detail::recompose_table[id]) {
      const std::optional<ops::patterns::recomposition> match = recompose(g, n);
      if (!match)
        continue;
      graph::node made = source;
      made.op = std::string(ops::op_table[row.recomposes_to].name);
      made.inputs = match->inputs;
      made.attrs = match->attrs;
      made.outputs.resize(1);
      for (graph::node_index absorbed : match->absorbed)
        plan.forward(absorbed, n);
      plan.replace(n, {{std::move(made)}, 0});
    }
  }
  return plan.apply(g);
}

}  // namespace qlower::passes
