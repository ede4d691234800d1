// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/concept.hpp"

/// How each tracer's spelling of an operation corresponds to qlower's
/// canonical op (lowering.md section 3). A canonicalizer reads one node of the
/// spelling and gives the canonical node's attributes, or throws qlower::error
/// naming the attribute that makes this node a different operation (a batch
/// norm in training mode is not the inference batch norm).

namespace qlower::ops::spellings {

/// What a canonicalizer may read of the node it rewrites.
struct spelling_context {
  const graph::attribute_map& attrs;
  /// The input slots; graph::no_node for an absent optional tensor.
  std::span<const graph::node_index> inputs;
  /// The dimensions of the node's first output.
  std::span<const std::int64_t> output_dims;
};

/// The canonical node: its attributes and how many outputs the canonical op has.
struct canonical_node {
  graph::attribute_map attrs;
  /// When larger than the spelling's, the spelling's one value is output 0 of
  /// the canonical node, read through a getitem that keeps the spelling's id.
  std::size_t output_count = 1;
};

namespace detail {
[[noreturn]] inline void refuse(const std::string& message, const std::string& attribute) {
  throw error(message, error_location{"", "", "attrs." + attribute});
}

inline const graph::attribute& required(const graph::attribute_map& attrs,
                                        const std::string& name) {
  const auto found = attrs.find(name);
  if (found == attrs.end())
    refuse("missing attribute " + name, name);
  return found->second;
}

inline bool read_bool(const graph::attribute_map& attrs, const std::string& name) {
  const graph::attribute& value = required(attrs, name);
  if (value.as_bool() == nullptr)
    refuse(name + " must be a boolean", name);
  return *value.as_bool();
}

/// A per-spatial-dimension attribute as a list: conv2d's `stride=1` is [1, 1].
inline graph::attribute per_spatial_dim(const graph::attribute_map& attrs, const std::string& name,
                                        std::size_t spatial, std::int64_t fallback) {
  const auto found = attrs.find(name);
  std::vector<std::int64_t> values;
  if (found == attrs.end()) {
    values.assign(spatial, fallback);
  } else if (const std::int64_t* single = found->second.as_int()) {
    values.assign(spatial, *single);
  } else if (auto list = found->second.as_int_list()) {
    values = *list;
    if (values.size() == 1)
      values.assign(spatial, values.front());
  } else {
    refuse(name + " must be an int or a list of ints", name);
  }
  if (values.size() != spatial) {
    refuse(name + " has " + std::to_string(values.size()) + " entries for " +
               std::to_string(spatial) + " spatial dimensions",
           name);
  }
  graph::attribute::list items;
  for (std::int64_t value : values)
    items.emplace_back(value);
  return graph::attribute(std::move(items));
}

/// The inference batch norm needs the running statistics (inputs 3 and 4).
inline void require_running_statistics(const spelling_context& node) {
  if (node.inputs.size() != 5 || node.inputs[3] == graph::no_node ||
      node.inputs[4] == graph::no_node) {
    throw error("a batch norm without running statistics is not the inference batch norm",
                error_location{"", "", "inputs"});
  }
}
}  // namespace detail

/// The same attributes under another name (`_unsafe_view` of `view`).
struct same_attributes {
  static canonical_node canonicalize(const spelling_context& node) { return {node.attrs, 1}; }
};

/// conv1d / conv2d (.default) as `convolution`: per-dimension lists, not
/// transposed, no output padding.
struct conv_as_convolution {
  static canonical_node canonicalize(const spelling_context& node) {
    if (node.output_dims.size() < 3) {
      throw error("a convolution output needs rank 3 or more, got rank " +
                  std::to_string(node.output_dims.size()));
    }
    const std::size_t spatial = node.output_dims.size() - 2;
    graph::attribute::list zeros(spatial, graph::attribute(std::int64_t{0}));
    const auto groups = node.attrs.find("groups");
    return {{{"stride", detail::per_spatial_dim(node.attrs, "stride", spatial, 1)},
             {"padding", detail::per_spatial_dim(node.attrs, "padding", spatial, 0)},
             {"dilation", detail::per_spatial_dim(node.attrs, "dilation", spatial, 1)},
             {"transposed", graph::attribute(false)},
             {"output_padding", graph::attribute(std::move(zeros))},
             {"groups",
              groups == node.attrs.end() ? graph::attribute(std::int64_t{1}) : groups->second}},
            1};
  }
};

/// make_fx's `native_batch_norm` and torch.export's `batch_norm` with
/// `training=False` and running statistics: the inference op, whose value is
/// its first output.
struct batch_norm_as_inference {
  static canonical_node canonicalize(const spelling_context& node) {
    if (detail::read_bool(node.attrs, "training"))
      detail::refuse("training is true: a training-mode batch norm is not inference", "training");
    detail::require_running_statistics(node);
    return {{{"momentum", detail::required(node.attrs, "momentum")},
             {"eps", detail::required(node.attrs, "eps")}},
            3};
  }
};

/// torch.export's `layer_norm` as `native_layer_norm`, whose value is its first output.
struct layer_norm_as_native {
  static canonical_node canonicalize(const spelling_context& node) {
    return {{{"normalized_shape", detail::required(node.attrs, "normalized_shape")},
             {"eps", detail::required(node.attrs, "eps")}},
            3};
  }
};

/// `_reshape_alias(size, stride)` with contiguous strides is a view of `size`.
struct reshape_alias_as_view {
  static canonical_node canonicalize(const spelling_context& node) {
    const auto size = detail::required(node.attrs, "size").as_int_list();
    const auto stride = detail::required(node.attrs, "stride").as_int_list();
    if (!size)
      detail::refuse("size must be a list of ints", "size");
    if (!stride || stride->size() != size->size())
      detail::refuse("stride must be a list of ints, one per entry of size", "stride");
    std::int64_t step = 1;
    for (std::size_t i = size->size(); i-- > 0;) {
      if ((*size)[i] != 1 && (*stride)[i] != step) {
        detail::refuse("stride " + std::to_string((*stride)[i]) + " at dimension " +
                           std::to_string(i) + " is not contiguous (" + std::to_string(step) +
                           "): not a view of the same elements in order",
                       "stride");
      }
      step *= (*size)[i] > 0 ? (*size)[i] : 1;
    }
    return {{{"size", detail::required(node.attrs, "size")}}, 1};
  }
};

/// `softmax.int(dim, dtype=None)` as `_softmax(dim, half_to_float=False)`.
struct softmax_as_internal_softmax {
  static canonical_node canonicalize(const spelling_context& node) {
    const auto dtype = node.attrs.find("dtype");
    if (dtype != node.attrs.end() && dtype->second.kind() != graph::attribute_kind::null)
      detail::refuse("a softmax with a dtype casts first; not a plain _softmax", "dtype");
    return {
        {{"dim", detail::required(node.attrs, "dim")}, {"half_to_float", graph::attribute(false)}},
        1};
  }
};

}  // namespace qlower::ops::spellings
