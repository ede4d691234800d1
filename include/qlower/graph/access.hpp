// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/concept.hpp"

/// Typed reads of a node's inputs, shape and attributes through the graph
/// concept, for rule sets that inspect nodes: each returns an empty optional
/// (or no_node) instead of throwing on a missing or malformed value, so the
/// caller can name what it expected.

namespace qlower::graph {

/// Input `k` of node `n`, or no_node when the node has fewer inputs.
template <graph G>
node_index input_of(const G& g, node_index n, std::size_t k) {
  const auto inputs = g.inputs(n);
  return k < inputs.size() ? static_cast<node_index>(inputs[k]) : no_node;
}

/// The dims of node `n`'s first output, as a vector.
template <graph G>
std::vector<std::int64_t> dims_of(const G& g, node_index n) {
  const auto dims = g.output_dims(n, 0);
  return {dims.begin(), dims.end()};
}

/// "'name'": a node as messages quote it.
template <graph G>
std::string node_text(const G& g, node_index n) {
  return "'" + std::string(g.node_name(n)) + "'";
}

/// "[1, 256, 257, 1]": dims or other integers as messages print them.
template <class Values>
std::string list_text(const Values& values) {
  std::string text = "[";
  bool first = true;
  for (const auto value : values) {
    text += (first ? "" : ", ") + std::to_string(static_cast<std::int64_t>(value));
    first = false;
  }
  return text + "]";
}

/// In torch.fx the graph's output node uses every graph output: a graph output
/// has a user that is none of the ops a "every user is ..." rule asks for.
template <graph G>
bool is_graph_output(const G& g, node_index n) {
  for (const auto output : g.graph_outputs()) {
    if (static_cast<node_index>(output) == n)
      return true;
  }
  return false;
}

/// A ScalarType attribute: PyTorch's name ("int32") or c10's ScalarType code.
template <graph G>
std::optional<dtype> dtype_attribute(const G& g, node_index n, std::string_view name) {
  const attribute* value = g.attribute_of(n, name);
  if (value == nullptr)
    return std::nullopt;
  if (const std::string* text = value->as_string())
    return dtype_from_name(*text);
  if (const std::int64_t* code = value->as_int()) {
    constexpr std::array<std::pair<std::int64_t, dtype>, 10> codes{{{0, dtype::uint8},
                                                                    {1, dtype::int8},
                                                                    {2, dtype::int16},
                                                                    {3, dtype::int32},
                                                                    {4, dtype::int64},
                                                                    {5, dtype::float16},
                                                                    {6, dtype::float32},
                                                                    {7, dtype::float64},
                                                                    {11, dtype::bool_},
                                                                    {15, dtype::bfloat16}}};
    for (const auto& [number, type] : codes) {
      if (number == *code)
        return type;
    }
  }
  return std::nullopt;
}

/// An `int[]` attribute: a list of ints, or one int as a one-entry list;
/// `fallback` when the node has no such attribute; no value when it has the wrong form.
template <graph G>
std::optional<std::vector<std::int64_t>> int_list(
    const G& g, node_index n, std::string_view name,
    std::optional<std::vector<std::int64_t>> fallback) {
  const attribute* value = g.attribute_of(n, name);
  if (value == nullptr)
    return fallback;
  if (const std::int64_t* single = value->as_int())
    return std::vector<std::int64_t>{*single};
  return value->as_int_list();
}

/// A bool attribute; `fallback` when absent; no value when it is not a bool.
template <graph G>
std::optional<bool> bool_attribute(const G& g, node_index n, std::string_view name,
                                   std::optional<bool> fallback) {
  const attribute* value = g.attribute_of(n, name);
  if (value == nullptr)
    return fallback;
  if (const bool* flag = value->as_bool())
    return *flag;
  return std::nullopt;
}

}  // namespace qlower::graph
