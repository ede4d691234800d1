// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

/// A law checker for bounded lattices, reusable over any model: a type with
/// `&` (meet), `|` (join), `<=` (order) and `==`, and given top and bottom.
/// It runs in constant expressions, so a static_assert checks it over every
/// named constant, and at run time, so RapidCheck checks it over random values.

namespace qlower::repset {

/// The first lattice law that `a`, `b`, `c` break, by name; empty when all
/// hold. `top` is checked as the identity of `&` only for values below it,
/// since a model may hold values outside the lattice it names.
///
/// Laws: commutative, associative and idempotent meet and join; absorption;
/// `bottom` is the identity of `|` and absorbs `&`; `top` is the identity of
/// `&` on every value below it; `a <= b` exactly when `(a & b) == a`, and
/// exactly when `(a | b) == b`.
template <class T>
constexpr std::optional<std::string_view> broken_lattice_law(const T& a, const T& b, const T& c,
                                                             const T& top, const T& bottom) {
  if ((a & b) != (b & a))
    return "meet is commutative";
  if ((a | b) != (b | a))
    return "join is commutative";
  if (((a & b) & c) != (a & (b & c)))
    return "meet is associative";
  if (((a | b) | c) != (a | (b | c)))
    return "join is associative";
  if ((a & a) != a)
    return "meet is idempotent";
  if ((a | a) != a)
    return "join is idempotent";
  if ((a & (a | b)) != a)
    return "meet absorbs join";
  if ((a | (a & b)) != a)
    return "join absorbs meet";
  if ((a | bottom) != a)
    return "bottom is the identity of join";
  if ((a & bottom) != bottom)
    return "bottom absorbs meet";
  if (a <= top && (a & top) != a)
    return "top is the identity of meet";
  if (a <= top && (a | top) != top)
    return "top absorbs join";
  if ((a <= b) != ((a & b) == a))
    return "order agrees with meet";
  if ((a <= b) != ((a | b) == b))
    return "order agrees with join";
  if (!(bottom <= a))
    return "bottom is below everything";
  return std::nullopt;
}

/// The first law broken by `a` with any pair drawn from `values`; empty when
/// all hold. One call per `a` keeps each constant evaluation within the
/// compilers' step limits.
template <class T, class Range>
constexpr std::optional<std::string_view> broken_lattice_law_over(const T& a, const Range& values,
                                                                  const T& top, const T& bottom) {
  for (const T& b : values) {
    for (const T& c : values) {
      if (auto broken = broken_lattice_law(a, b, c, top, bottom))
        return broken;
    }
  }
  return std::nullopt;
}

}  // namespace qlower::repset
