// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>

#include "qlower/core/type_list.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/tags.hpp"

namespace qlower::traits {

namespace detail {
/// The rule a tag of kind Tag (qspec or qspec_v2) states, or none for any other tag.
template <template <qspec_rule> class Tag, class T>
inline constexpr std::optional<qspec_rule> rule_of_tag = std::nullopt;
template <template <qspec_rule> class Tag, qspec_rule Rule>
inline constexpr std::optional<qspec_rule> rule_of_tag<Tag, Tag<Rule>> = Rule;

template <class T>
struct is_qspec_tag : std::bool_constant<rule_of_tag<qspec, T>.has_value()> {};
template <class T>
struct is_qspec_v2_tag : std::bool_constant<rule_of_tag<qspec_v2, T>.has_value()> {};

/// The rule of the first tag of kind Tag in a trait list.
template <template <qspec_rule> class Tag, class... Ts>
constexpr std::optional<qspec_rule> first_explicit_rule(type_list<Ts...>) {
  std::optional<qspec_rule> found;
  ((found = found ? found : rule_of_tag<Tag, Ts>), ...);
  return found;
}

template <class T>
struct is_decomposition : std::false_type {};
template <class Target, class Rewrite>
struct is_decomposition<decomposes_to<Target, Rewrite>> : std::true_type {};

/// The first tag of List for which Is<tag> holds, or void.
template <template <class> class Is, class List>
struct first_tag {
  using type = void;
};
template <template <class> class Is, class T, class... Ts>
struct first_tag<Is, type_list<T, Ts...>> {
  using type = std::conditional_t<Is<T>::value, T, typename first_tag<Is, type_list<Ts...>>::type>;
};

template <class Decomposition>
struct target_of {
  using type = typename Decomposition::target;
};
template <>
struct target_of<void> {
  using type = void;
};

template <class Op>
using traits_of = typename ops::declared_traits<ops::canonical_t<Op>>::type;
}  // namespace detail

/// How many explicit qspec<> tags the canonical op of `Op` lists (at most one is legal).
template <class Op>
inline constexpr std::size_t explicit_rule_count_v =
    count_if_v<detail::is_qspec_tag, detail::traits_of<Op>>;

/// The rule the semantic traits of `Op` imply, ignoring any explicit tag.
template <class Op>
constexpr qspec_rule semantic_rule() {
  if constexpr (ops::has_trait_v<Op, concatenation>) {
    return qspec_rule::shared_across_inputs;
  } else if constexpr (ops::has_trait_v<Op, axis_permutation> || ops::has_trait_v<Op, pure_view>) {
    return qspec_rule::pass_through;
  } else {
    return qspec_rule::none;
  }
}

/// The quantization-spec rule of `Op` under the Arm V1 table: its explicit
/// tag if it lists one, else the rule its semantic traits imply. Aliases
/// answer for their canonical op.
template <class Op>
inline constexpr qspec_rule qspec_rule_v =
    detail::first_explicit_rule<qspec>(detail::traits_of<Op>{}).value_or(semantic_rule<Op>());

/// How many explicit qspec_v2<> tags the canonical op of `Op` lists (at most one is legal).
template <class Op>
inline constexpr std::size_t explicit_v2_rule_count_v =
    count_if_v<detail::is_qspec_v2_tag, detail::traits_of<Op>>;

/// V1's rule `rule` as V2 applies it to an op V2 does not list on its own:
/// every rule by which V1 shares a neighbour's spec (sets D and E, cat-like,
/// copy_) is V2's SharedQspecQuantizer list, whose clusters take the spec
/// next to them; the others are V2's patterns of the same shape. A getitem
/// keeps its rule: it reads one output of a tuple, where no quantize can go
/// between, so it takes its producer's spec or none (V2 lists it as shared,
/// and its cluster's spec is then its producer's).
constexpr qspec_rule v2_rule_of_v1(qspec_rule rule) noexcept {
  switch (rule) {
    case qspec_rule::pass_through:
    case qspec_rule::pass_through_or_input_act:
    case qspec_rule::shared_across_inputs:
    case qspec_rule::copy:
      return qspec_rule::shared_cluster;
    default:
      return rule;
  }
}

/// The quantization-spec rule of `Op` under ExecuTorch's composable quantizer
/// (V2, the default since 2026-07): its explicit qspec_v2 tag if it lists
/// one, else its V1 rule as V2 applies it (v2_rule_of_v1).
template <class Op>
inline constexpr qspec_rule qspec_v2_rule_v =
    detail::first_explicit_rule<qspec_v2>(detail::traits_of<Op>{})
        .value_or(v2_rule_of_v1(qspec_rule_v<Op>));

/// The decomposes_to<> tag of `Op`'s canonical op, or void for an op lowered as itself.
template <class Op>
using decomposition_t =
    typename detail::first_tag<detail::is_decomposition, detail::traits_of<Op>>::type;

/// The op `Op` decomposes to, or void.
template <class Op>
using decomposes_to_t = typename detail::target_of<decomposition_t<Op>>::type;

namespace detail {
template <class T>
struct is_recomposition : std::false_type {};
template <class Target, class Pattern>
struct is_recomposition<recomposes_to<Target, Pattern>> : std::true_type {};
}  // namespace detail

/// The recomposes_to<> tag of `Op`'s canonical op, or void.
template <class Op>
using recomposition_t =
    typename detail::first_tag<detail::is_recomposition, detail::traits_of<Op>>::type;

}  // namespace qlower::traits
