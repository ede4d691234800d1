// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <type_traits>

/// The one place qlower meets Boost.Hana: lists of types and the means to fold
/// them into constexpr tables. Every other header uses these names only.

namespace qlower {

/// A list of types as a value: a Hana basic_tuple of hana::type.
template <class... Ts>
inline constexpr auto type_list_v = boost::hana::make_basic_tuple(boost::hana::type_c<Ts>...);

/// Whether every value is true. Packs over the op set expand into an array
/// for this instead of a fold expression: compilers cap fold nesting (clang
/// at 256 operands) below the size of the op set.
template <std::size_t N>
constexpr bool all_of(const std::array<bool, N>& values) {
  for (bool value : values) {
    if (!value)
      return false;
  }
  return true;
}

/// The index of the first true value, or N.
template <std::size_t N>
constexpr std::size_t first_true(const std::array<bool, N>& values) {
  for (std::size_t i = 0; i < N; ++i) {
    if (values[i])
      return i;
  }
  return N;
}

/// A list of types as a type, for trait lists written in a declaration.
template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

/// Whether T is among Ts.
template <class T, class List>
inline constexpr bool contains_v = false;
template <class T, class... Ts>
inline constexpr bool contains_v<T, type_list<Ts...>> =
    first_true(std::array<bool, sizeof...(Ts)>{std::is_same_v<T, Ts>...}) < sizeof...(Ts);

/// How many of Ts satisfy Predicate.
template <template <class> class Predicate, class List>
inline constexpr std::size_t count_if_v = 0;
template <template <class> class Predicate, class... Ts>
inline constexpr std::size_t count_if_v<Predicate, type_list<Ts...>> =
    (std::size_t{0} + ... + (Predicate<Ts>::value ? 1 : 0));

/// Calls `f.template operator()<Ts...>()` with the types of a Hana type list:
/// the bridge from a Hana list to a parameter pack that folds into a table.
template <class HanaTypes, class F>
constexpr decltype(auto) unpack_types(HanaTypes types, F&& f) {
  return boost::hana::unpack(types, [&](auto... wrapped) -> decltype(auto) {
    return f.template operator()<typename decltype(wrapped)::type...>();
  });
}

}  // namespace qlower
