// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "qlower/core/dtype.hpp"
#include "qlower/core/type_list.hpp"
#include "qlower/ops/op.hpp"
#include "qlower/ops/op_set.hpp"
#include "qlower/ops/op_table.hpp"

namespace qlower::targets {

/// A set of dtypes, as a constexpr bitmask.
class dtype_set {
 public:
  constexpr dtype_set() = default;
  constexpr dtype_set(std::initializer_list<dtype> types) {
    for (dtype type : types)
      bits_ |= bit(type);
  }

  /// `set` with `type` added.
  static constexpr dtype_set with(dtype_set set, dtype type) noexcept {
    set.bits_ |= bit(type);
    return set;
  }

  constexpr bool contains(dtype type) const noexcept { return (bits_ & bit(type)) != 0; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  /// Non-empty and without a floating-point dtype: a float op is always rejected.
  constexpr bool integer_only() const noexcept {
    if (empty())
      return false;
    for (dtype type : all_dtypes) {
      if (contains(type) && is_floating_point(type))
        return false;
    }
    return true;
  }
  /// "int8, int16, int32"
  std::string to_string() const {
    std::string text;
    for (dtype type : all_dtypes) {
      if (!contains(type))
        continue;
      if (!text.empty())
        text += ", ";
      text += qlower::to_string(type);
    }
    return text;
  }
  friend constexpr bool operator==(dtype_set, dtype_set) = default;

 private:
  static constexpr std::uint16_t bit(dtype type) {
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(type));
  }
  std::uint16_t bits_ = 0;
};
static_assert(all_dtypes.size() <= 16, "dtype_set holds a bit per dtype in 16 bits");

/// The dtypes `Target` runs canonical op `Op` in: specialise with a `value`
/// member for each op a target restricts. Unspecialised: no restriction known.
template <class Target, class Op>
struct supported_dtypes {};

/// Whether `Target` declares a dtype restriction for `Op` itself.
template <class Target, class Op>
inline constexpr bool declares_dtypes_v = requires {
  { supported_dtypes<Target, Op>::value } -> std::convertible_to<dtype_set>;
};

/// A target rule set: a type with a name, whose per-op facts are specialisations.
template <class Target>
concept target = requires {
  { Target::name } -> std::convertible_to<std::string_view>;
};

namespace detail {
template <class Target, class Op>
constexpr std::optional<dtype_set> declared_dtypes() {
  using canonical = ops::canonical_t<Op>;
  if constexpr (declares_dtypes_v<Target, canonical>) {
    return supported_dtypes<Target, canonical>::value;
  } else {
    return std::nullopt;
  }
}
}  // namespace detail

/// The dtype restriction of every op under `Target`, indexed by op_id and
/// answered through each op's canonical op; empty where none is declared.
template <target Target>
inline constexpr std::array<std::optional<dtype_set>, ops::op_count> dtype_table =
    unpack_types(ops::all_ops, []<class... Ops>() {
      return std::array<std::optional<dtype_set>, ops::op_count>{
          detail::declared_dtypes<Target, Ops>()...};
    });

/// Restrictions are declared on canonical ops only, so an alias cannot be
/// given a second, different answer (one declaration per (target, op)).
template <target Target>
constexpr bool declares_only_canonical_ops() {
  return unpack_types(ops::all_ops, []<class... Ops>() {
    return all_of(std::array<bool, sizeof...(Ops)>{
        (!ops::is_alias_v<Ops> || !declares_dtypes_v<Target, Ops>)...});
  });
}

}  // namespace qlower::targets
