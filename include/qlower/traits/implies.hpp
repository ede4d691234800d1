// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "qlower/core/type_list.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/traits/qspec.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/tags.hpp"

/// Every "must" of the op set, checked at compile time over the whole list.
/// A failing check names the op in the compiler's "in instantiation of
/// verify_op<...>" line. The same predicates are constexpr functions that
/// `qlower lint` runs on user rule sets.

namespace qlower::traits {

//===--- Predicates ---===//

/// An alias answers every trait query through its canonical op, so it may declare none.
template <class Op>
constexpr bool alias_declares_no_traits() {
  if constexpr (ops::is_alias_v<Op>) {
    return !requires {
      typename Op::trait_list;
    };
  } else {
    return true;
  }
}

/// An in-place or `_copy` variant is named from its base by the ATen convention.
template <class Op>
constexpr bool variant_is_named_from_its_base() {
  if constexpr (Op::kind == ops::variant_kind::inplace || Op::kind == ops::variant_kind::copy) {
    return ops::follows_variant_convention(Op::canonical::name, Op::name, Op::kind);
  } else {
    return true;
  }
}

/// At most one explicit qspec<> tag: exactly one rule per op.
template <class Op>
constexpr bool has_at_most_one_explicit_rule() {
  return explicit_rule_count_v<Op> <= 1;
}

/// At most one qspec_v2<> tag, and only where V2 departs from V1's rule as V2
/// applies it: a tag that repeats what v2_rule_of_v1 gives states a fact twice.
template <class Op>
constexpr bool v2_rule_is_a_departure() {
  if constexpr (explicit_v2_rule_count_v<Op> == 0) {
    return true;
  } else {
    return explicit_v2_rule_count_v<Op> == 1 &&
           qspec_v2_rule_v<Op> != v2_rule_of_v1(qspec_rule_v<Op>);
  }
}

/// An explicit rule never contradicts the op's semantics: a concatenation
/// shares across inputs, a permutation or view passes its spec through.
template <class Op>
constexpr bool rule_agrees_with_semantics() {
  constexpr qspec_rule rule = qspec_rule_v<Op>;
  if constexpr (ops::has_trait_v<Op, concatenation>) {
    return rule == qspec_rule::shared_across_inputs;
  } else if constexpr (ops::has_trait_v<Op, axis_permutation> || ops::has_trait_v<Op, pure_view>) {
    return is_pass_through(rule);
  } else {
    return true;
  }
}

/// A composite that decomposes to a pass-through op is pass-through itself:
/// otherwise it stays float and lowers to a float copy of a pass-through op.
template <class Op>
constexpr bool composite_keeps_pass_through() {
  using target = decomposes_to_t<Op>;
  if constexpr (std::is_void_v<target>) {
    return true;
  } else {
    return !is_pass_through(qspec_rule_v<target>) || is_pass_through(qspec_rule_v<Op>);
  }
}

/// A layout-agnostic op computes nothing, so it is a pure view: its values
/// are its input's.
template <class Op>
constexpr bool layout_agnostic_is_pure_view() {
  return !ops::has_trait_v<Op, layout_agnostic> || ops::has_trait_v<Op, pure_view>;
}

/// Checks every predicate on one op; each static_assert names the rule, and
/// the instantiation names the op.
template <class Op>
constexpr bool verify_op() {
  static_assert(alias_declares_no_traits<Op>(),
                "an alias or variant declares traits of its own: declare them on its canonical op");
  static_assert(variant_is_named_from_its_base<Op>(),
                "an in-place or _copy variant is not named from its base by the ATen convention");
  static_assert(has_at_most_one_explicit_rule<Op>(),
                "an op lists more than one qspec<> rule: exactly one rule per op");
  static_assert(v2_rule_is_a_departure<Op>(),
                "an op lists more than one qspec_v2<> rule, or one that V1's rule already gives");
  static_assert(rule_agrees_with_semantics<Op>(),
                "an op's explicit qspec<> rule contradicts its semantic traits");
  static_assert(composite_keeps_pass_through<Op>(),
                "a composite decomposes to a pass-through op but is not pass-through itself");
  static_assert(
      layout_agnostic_is_pure_view<Op>(),
      "a layout_agnostic op is not a pure_view: an op that computes cannot keep any layout");
  return true;
}

/// verify_op over a whole list of ops.
template <class HanaTypes>
constexpr bool verify_ops(HanaTypes types) {
  return unpack_types(types, []<class... Ops>() {
    return all_of(std::array<bool, sizeof...(Ops)>{verify_op<Ops>()...});
  });
}

/// No two ops of the set share a name, so name lookup is a function.
constexpr bool op_names_are_unique() {
  for (std::size_t i = 1; i < ops::op_count; ++i) {
    if (ops::detail::ids_by_name[i - 1].first == ops::detail::ids_by_name[i].first)
      return false;
  }
  return true;
}

//===--- The library's own op set ---===//

static_assert(verify_ops(ops::all_ops));
static_assert(op_names_are_unique(), "two ops of qlower::ops::all_ops share a name");

}  // namespace qlower::traits
