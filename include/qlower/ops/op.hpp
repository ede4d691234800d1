// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "qlower/core/type_list.hpp"

namespace qlower::ops {

/// A string usable as a template argument, so an op's schema name is part of its type.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};

  constexpr fixed_string(const char (&text)[N]) { std::copy_n(text, N, chars); }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

/// How an op that carries no traits of its own relates to its canonical op.
enum class variant_kind : unsigned char {
  canonical,  ///< an op with its own traits
  alias,      ///< another name for the same overload (concat of cat, movedim of moveaxis)
  inplace,    ///< the in-place `_` form (relu_ of relu)
  copy,       ///< the functional `_copy` form (permute_copy of permute)
  spelling,   ///< the same operation as another tracer writes it (conv2d of convolution)
};

/// An op with its own traits: `struct relu_default : op<"aten.relu.default", ...traits> {};`.
template <fixed_string Name, class... Traits>
struct op {
  static constexpr std::string_view name = Name.view();
  static constexpr variant_kind kind = variant_kind::canonical;
  using trait_list = type_list<Traits...>;
};

/// Another name for `Canonical`, with no traits of its own: every trait query
/// goes through canonical_t, so an alias cannot disagree with its op.
///
/// Rationale: ExecuTorch listed `cat` and forgot `concat`; an alias here has no
/// list to forget.
template <class Canonical, fixed_string Name, variant_kind Kind = variant_kind::alias>
struct alias_of {
  static_assert(Kind != variant_kind::canonical, "an alias_of is never canonical");
  static constexpr std::string_view name = Name.view();
  static constexpr variant_kind kind = Kind;
  using canonical = Canonical;
};

/// The in-place `_` or functional `_copy` form of `Base`: an alias whose name
/// must be derived from Base's by the ATen convention (checked in traits/implies.hpp).
template <class Base, variant_kind Kind, fixed_string Name>
using variant_of = alias_of<Base, Name, Kind>;

/// The same operation as `Canonical`, in the name another tracer writes
/// (torch.export's training IR, make_fx of torch 1.13), possibly with other
/// attributes or outputs. `Canonicalize` states the correspondence:
/// `static canonical_node canonicalize(const spelling_context&)` (ops/spellings.hpp)
/// gives the canonical node's attributes, or the reason this node is not the
/// canonical op. The pipeline's first stage rewrites every spelling, so no
/// rule, pass or target check meets one; a spelling carries no traits and no
/// target fact of its own (checked in traits/implies.hpp and by each target).
///
/// Rationale: ExecuTorch's partitioner sees `convolution` where torch.export
/// wrote `conv2d`; a list keyed on one misses the other.
template <class Canonical, fixed_string Name, class Canonicalize>
struct spelling_of {
  static constexpr std::string_view name = Name.view();
  static constexpr variant_kind kind = variant_kind::spelling;
  using canonical = Canonical;
  using canonicalize = Canonicalize;
};

//===--- Queries ---===//

template <class Op>
concept op_type = requires {
  { Op::name } -> std::convertible_to<std::string_view>;
  { Op::kind } -> std::convertible_to<variant_kind>;
};

template <class Op>
inline constexpr bool is_alias_v = Op::kind != variant_kind::canonical;

template <class Op>
inline constexpr bool is_spelling_v = Op::kind == variant_kind::spelling;

namespace detail {
template <class Op, bool = is_alias_v<Op>>
struct canonical {
  using type = Op;
};
template <class Op>
struct canonical<Op, true> {
  using type = typename canonical<typename Op::canonical>::type;
};
}  // namespace detail

/// The op whose traits `Op` has: Op itself, or the end of its alias chain.
template <class Op>
using canonical_t = typename detail::canonical<Op>::type;

/// The traits declared on `Op` itself (empty for an alias that declares none).
template <class Op>
struct declared_traits {
  using type = type_list<>;
};
template <class Op>
requires requires {
  typename Op::trait_list;
}
struct declared_traits<Op> {
  using type = typename Op::trait_list;
};

/// Whether the canonical op of `Op` carries trait `Trait`.
template <class Op, class Trait>
inline constexpr bool has_trait_v =
    contains_v<Trait, typename declared_traits<canonical_t<Op>>::type>;

//===--- Names ---===//

/// "aten.relu.default" -> "relu": the operator part of an overload name.
constexpr std::string_view operator_part(std::string_view name) {
  const std::size_t first = name.find('.');
  const std::size_t last = name.rfind('.');
  if (first == std::string_view::npos || first == last)
    return name;
  return name.substr(first + 1, last - first - 1);
}

/// Whether `variant_name` is `base_name` made in-place (`relu` -> `relu_`) or
/// functional (`permute` -> `permute_copy`) by the ATen convention, with the
/// namespace and the overload kept.
constexpr bool follows_variant_convention(std::string_view base_name, std::string_view variant_name,
                                          variant_kind kind) {
  const std::string_view suffix = kind == variant_kind::inplace ? "_" : "_copy";
  const std::string_view base_operator = operator_part(base_name);
  const std::string_view variant_operator = operator_part(variant_name);
  if (variant_operator.size() != base_operator.size() + suffix.size())
    return false;
  if (variant_operator.substr(0, base_operator.size()) != base_operator)
    return false;
  if (variant_operator.substr(base_operator.size()) != suffix)
    return false;
  const std::size_t base_dot = base_name.find('.');
  const std::size_t variant_dot = variant_name.find('.');
  return base_name.substr(0, base_dot) == variant_name.substr(0, variant_dot) &&
         base_name.substr(base_name.rfind('.')) == variant_name.substr(variant_name.rfind('.'));
}

}  // namespace qlower::ops
