// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

#include "qlower/core/type_list.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/spellings.hpp"
#include "qlower/traits/qspec.hpp"

namespace qlower::ops {

/// A dense index into the op set, so a graph loaded at run time looks up
/// traits in arrays, with no strings and no virtual calls.
using op_id = std::uint16_t;

namespace detail {
using all_ops_list =
    decltype(unpack_types(all_ops, []<class... Ops>() { return type_list<Ops...>{}; }));

/// Maps each op type to its index by inheritance: finding T's index is one
/// derived-to-base deduction, where comparing T with every op would make the
/// table quadratic in the op count (100,000 instantiations for 320 ops).
template <std::size_t Index, class T>
struct indexed {};
template <class Indices, class List>
struct index_map;
template <std::size_t... Indices, class... Ts>
struct index_map<std::index_sequence<Indices...>, type_list<Ts...>> : indexed<Indices, Ts>... {};

template <class T, std::size_t Index>
constexpr std::size_t index_of(indexed<Index, T>) {
  return Index;
}

using all_ops_index = index_map<std::make_index_sequence<all_ops_list::size>, all_ops_list>;
}  // namespace detail

/// How many ops the op set holds.
inline constexpr std::size_t op_count = detail::all_ops_list::size;

/// The id of a name the op set does not hold: the node keeps it, has no
/// traits, and is never delegated.
inline constexpr op_id unknown_op = static_cast<op_id>(op_count);

static_assert(op_count < std::numeric_limits<op_id>::max(),
              "op_id must hold every op and unknown_op");

/// The id of op type `Op`; a static_assert names an op missing from the set.
template <class Op>
constexpr op_id op_id_of() {
  constexpr bool listed = requires {
    detail::index_of<Op>(detail::all_ops_index{});
  };
  static_assert(listed, "this op type is not in qlower::ops::all_ops (ops/op_set.hpp)");
  if constexpr (listed) {
    return static_cast<op_id>(detail::index_of<Op>(detail::all_ops_index{}));
  } else {
    return unknown_op;
  }
}

/// Whether `id` is a quantize op the convert step inserts or an exporter
/// writes (per tensor or per channel).
constexpr bool is_quantize(op_id id) noexcept {
  return id == op_id_of<quantized_decomposed::quantize_per_tensor_default>() ||
         id == op_id_of<quantized_decomposed::quantize_per_channel_default>();
}
/// Whether `id` is a dequantize op (per tensor or per channel).
constexpr bool is_dequantize(op_id id) noexcept {
  return id == op_id_of<quantized_decomposed::dequantize_per_tensor_default>() ||
         id == op_id_of<quantized_decomposed::dequantize_per_channel_default>();
}

/// Everything the op set declares about one op, as plain values.
struct op_info {
  /// The attributes of the decomposition's target from the composite's own and its input's rank.
  using rewrite_function = graph::attribute_map (*)(const graph::attribute_map&, std::size_t);
  /// The canonical node of a spelling's node.
  using canonicalize_function = spellings::canonical_node (*)(const spellings::spelling_context&);

  std::string_view name;
  variant_kind kind;
  op_id canonical;      ///< itself for a canonical op
  op_id decomposes_to;  ///< unknown_op for an op lowered as itself
  traits::qspec_rule rule;
  bool axis_permutation;
  bool pure_view;
  bool concatenation;
  rewrite_function rewrite;            ///< null for an op lowered as itself
  canonicalize_function canonicalize;  ///< null unless kind is spelling
  op_id recomposes_to;                 ///< unknown_op unless the op declares recomposes_to<>
};

namespace detail {
template <class Op>
constexpr op_info make_op_info() {
  using target = traits::decomposes_to_t<Op>;
  op_id decomposition = unknown_op;
  op_info::rewrite_function rewrite = nullptr;
  if constexpr (!std::is_void_v<target>) {
    decomposition = op_id_of<target>();
    rewrite = &traits::decomposition_t<Op>::rewrite::attributes;
  }
  op_info::canonicalize_function canonicalize = nullptr;
  if constexpr (is_spelling_v<Op>)
    canonicalize = &Op::canonicalize::canonicalize;
  using recomposition = traits::recomposition_t<Op>;
  op_id recomposed = unknown_op;
  if constexpr (!std::is_void_v<recomposition>)
    recomposed = op_id_of<typename recomposition::target>();
  return op_info{Op::name,
                 Op::kind,
                 op_id_of<canonical_t<Op>>(),
                 decomposition,
                 traits::qspec_rule_v<Op>,
                 has_trait_v<Op, traits::axis_permutation>,
                 has_trait_v<Op, traits::pure_view>,
                 has_trait_v<Op, traits::concatenation>,
                 rewrite,
                 canonicalize,
                 recomposed};
}
}  // namespace detail

/// One row per op, indexed by op_id.
inline constexpr std::array<op_info, op_count> op_table = unpack_types(all_ops, []<class... Ops>() {
  return std::array<op_info, op_count>{detail::make_op_info<Ops>()...};
});

/// The functional `_copy` variant of each canonical op, as the edge dialect
/// writes it (view -> view_copy, permute -> permute_copy), or unknown_op.
inline constexpr std::array<op_id, op_count> copy_variant_table = [] {
  std::array<op_id, op_count> variants{};
  variants.fill(unknown_op);
  for (std::size_t i = 0; i < op_count; ++i) {
    if (op_table[i].kind == variant_kind::copy)
      variants[op_table[i].canonical] = static_cast<op_id>(i);
  }
  return variants;
}();

/// A table of `Policy::rule<Op>` for every op, indexed by op_id: how a
/// quantizer policy treats each op, looked up at run time.
template <class Policy>
inline constexpr std::array<traits::qspec_rule, op_count> rule_table =
    unpack_types(all_ops, []<class... Ops>() {
      return std::array<traits::qspec_rule, op_count>{Policy::template rule<Ops>...};
    });

namespace detail {
inline constexpr std::array<std::pair<std::string_view, op_id>, op_count> ids_by_name = [] {
  std::array<std::pair<std::string_view, op_id>, op_count> sorted{};
  for (std::size_t i = 0; i < op_count; ++i)
    sorted[i] = {op_table[i].name, static_cast<op_id>(i)};
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}();
}  // namespace detail

/// The id of the op named `name` ("aten.concat.default"), or unknown_op.
/// For the I/O boundary only: passes work on ids.
constexpr op_id find_op(std::string_view name) noexcept {
  const auto* found = std::lower_bound(detail::ids_by_name.begin(), detail::ids_by_name.end(), name,
                                       [](const std::pair<std::string_view, op_id>& entry,
                                          std::string_view key) { return entry.first < key; });
  return found != detail::ids_by_name.end() && found->first == name ? found->second : unknown_op;
}

/// The row of `id`; null for unknown_op.
constexpr const op_info* info(op_id id) noexcept {
  return id < op_count ? &op_table[id] : nullptr;
}

/// The canonical id of `id` (unknown_op stays unknown_op).
constexpr op_id canonical(op_id id) noexcept {
  return id < op_count ? op_table[id].canonical : id;
}

}  // namespace qlower::ops
