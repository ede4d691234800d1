// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/graph/attribute.hpp"

/// Attribute rewrites of decompositions: from a composite op's attributes and
/// its input's rank, the attributes of the op it decomposes to. Each throws
/// qlower::error naming the attribute when the composite's own are invalid.

namespace qlower::ops::rewrites {

namespace detail {
inline std::int64_t read_int(const graph::attribute_map& attrs, const std::string& name) {
  const auto found = attrs.find(name);
  if (found == attrs.end() || found->second.as_int() == nullptr) {
    throw error("expected an int attribute", error_location{"", "", "attrs." + name});
  }
  return *found->second.as_int();
}

inline std::vector<std::int64_t> read_ints(const graph::attribute_map& attrs,
                                           const std::string& name) {
  const auto found = attrs.find(name);
  if (found != attrs.end()) {
    if (const std::int64_t* single = found->second.as_int())
      return {*single};
    if (auto list = found->second.as_int_list())
      return *list;
  }
  throw error("expected an int or a list of ints", error_location{"", "", "attrs." + name});
}

/// `dim` wrapped into [0, rank), as ATen's maybe_wrap_dim does.
inline std::size_t wrap_dim(std::int64_t dim, std::size_t rank, const std::string& name) {
  const auto signed_rank = static_cast<std::int64_t>(rank);
  const std::int64_t wrapped = dim < 0 ? dim + signed_rank : dim;
  if (wrapped < 0 || wrapped >= signed_rank) {
    throw error(
        "dimension " + std::to_string(dim) + " out of range for rank " + std::to_string(rank),
        error_location{"", "", "attrs." + name});
  }
  return static_cast<std::size_t>(wrapped);
}

inline graph::attribute_map permutation(const std::vector<std::size_t>& order) {
  graph::attribute::list dims;
  for (std::size_t axis : order)
    dims.emplace_back(static_cast<std::int64_t>(axis));
  return {{"dims", graph::attribute(std::move(dims))}};
}
}  // namespace detail

/// Keeps the attributes as they are (an alias's rename).
struct same_attributes {
  static graph::attribute_map attributes(const graph::attribute_map& attrs, std::size_t) {
    return attrs;
  }
};

/// moveaxis / movedim (.int and .intlist) to permute_copy: the source axes go
/// to the destination positions, the other axes keep their relative order,
/// exactly as ATen's movedim builds its permutation.
struct moveaxis_to_permute {
  static graph::attribute_map attributes(const graph::attribute_map& attrs, std::size_t rank) {
    const std::vector<std::int64_t> sources = detail::read_ints(attrs, "source");
    const std::vector<std::int64_t> destinations = detail::read_ints(attrs, "destination");
    if (sources.size() != destinations.size()) {
      throw error("source has " + std::to_string(sources.size()) + " axes, destination " +
                      std::to_string(destinations.size()),
                  error_location{"", "", "attrs.destination"});
    }
    constexpr std::size_t unset = static_cast<std::size_t>(-1);
    std::vector<std::size_t> order(rank, unset);
    std::vector<bool> source_used(rank, false);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const std::size_t source = detail::wrap_dim(sources[i], rank, "source");
      const std::size_t destination = detail::wrap_dim(destinations[i], rank, "destination");
      if (source_used[source] || order[destination] != unset) {
        throw error("repeated axis in moveaxis", error_location{"", "", "attrs.source"});
      }
      source_used[source] = true;
      order[destination] = source;
    }
    std::size_t next_source = 0;
    for (std::size_t& slot : order) {
      if (slot != unset)
        continue;
      while (source_used[next_source])
        ++next_source;
      slot = next_source++;
    }
    return detail::permutation(order);
  }
};

/// transpose / transpose_copy (.int) to permute_copy: dim0 and dim1 swap.
struct transpose_to_permute {
  static graph::attribute_map attributes(const graph::attribute_map& attrs, std::size_t rank) {
    std::vector<std::size_t> order(rank);
    for (std::size_t i = 0; i < rank; ++i)
      order[i] = i;
    if (rank == 0)
      return detail::permutation(order);
    const std::size_t dim0 = detail::wrap_dim(detail::read_int(attrs, "dim0"), rank, "dim0");
    const std::size_t dim1 = detail::wrap_dim(detail::read_int(attrs, "dim1"), rank, "dim1");
    std::swap(order[dim0], order[dim1]);
    return detail::permutation(order);
  }
};

/// t / t_copy to permute_copy: [1, 0] for a matrix, the identity below rank 2.
struct t_to_permute {
  static graph::attribute_map attributes(const graph::attribute_map&, std::size_t rank) {
    if (rank > 2) {
      throw error("t expects a tensor of rank <= 2, got rank " + std::to_string(rank));
    }
    return detail::permutation(rank == 2 ? std::vector<std::size_t>{1, 0}
                                         : std::vector<std::size_t>(rank, 0));
  }
};

/// clone(memory_format) to the edge dialect's _clone_dim_order(non_blocking,
/// dim_order), as ExecuTorch's MemoryFormatOpsPass maps it: preserve_format
/// (or none) keeps the input's order (dim_order null), contiguous_format is
/// 0..rank-1, channels_last [0, 2, 3, 1] and channels_last_3d [0, 2, 3, 4, 1].
struct clone_to_dim_order {
  static graph::attribute_map attributes(const graph::attribute_map& attrs, std::size_t rank) {
    std::string format = "preserve_format";
    if (const auto found = attrs.find("memory_format"); found != attrs.end()) {
      // torch's MemoryFormat enum: Contiguous, Preserve, ChannelsLast, ChannelsLast3d.
      constexpr const char* by_value[] = {"contiguous_format", "preserve_format", "channels_last",
                                          "channels_last_3d"};
      if (const std::string* name = found->second.as_string()) {
        format = name->rfind("torch.", 0) == 0 ? name->substr(6) : *name;
      } else if (const std::int64_t* value = found->second.as_int();
                 value && *value >= 0 && *value < 4) {
        format = by_value[*value];
      } else if (!found->second.is_null()) {
        throw error("expected a memory format", error_location{"", "", "attrs.memory_format"});
      }
    }
    graph::attribute dim_order(nullptr);
    auto order = [](const std::vector<std::size_t>& axes) {
      graph::attribute::list items;
      for (std::size_t axis : axes)
        items.emplace_back(static_cast<std::int64_t>(axis));
      return graph::attribute(std::move(items));
    };
    if (format == "contiguous_format") {
      std::vector<std::size_t> axes(rank);
      for (std::size_t i = 0; i < rank; ++i)
        axes[i] = i;
      dim_order = order(axes);
    } else if (format == "channels_last" || format == "channels_last_3d") {
      const std::size_t wanted = format == "channels_last" ? 4 : 5;
      if (rank != wanted) {
        throw error(
            format + " needs rank " + std::to_string(wanted) + ", got rank " + std::to_string(rank),
            error_location{"", "", "attrs.memory_format"});
      }
      dim_order = order(wanted == 4 ? std::vector<std::size_t>{0, 2, 3, 1}
                                    : std::vector<std::size_t>{0, 2, 3, 4, 1});
    } else if (format != "preserve_format") {
      throw error("unknown memory format '" + format + "'",
                  error_location{"", "", "attrs.memory_format"});
    }
    return {{"non_blocking", graph::attribute(false)}, {"dim_order", std::move(dim_order)}};
  }
};

}  // namespace qlower::ops::rewrites
