// SPDX-License-Identifier: Apache-2.0
#include "qlower/core/type_list.hpp"

#include <catch2/catch.hpp>
#include <type_traits>

namespace {

using qlower::type_list;

static_assert(qlower::contains_v<int, type_list<char, int>>);
static_assert(!qlower::contains_v<long, type_list<char, int>>);
static_assert(!qlower::contains_v<int, type_list<>>);
static_assert(qlower::count_if_v<std::is_integral, type_list<int, float, char, double>> == 2);
static_assert(type_list<int, int>::size == 2);

TEST_CASE("unpack_types hands a Hana type list to a template lambda as a pack",
          "[core][type_list]") {
  constexpr auto types = qlower::type_list_v<char, short, int>;
  constexpr std::size_t total =
      qlower::unpack_types(types, []<class... Ts>() { return (sizeof(Ts) + ...); });
  static_assert(total == sizeof(char) + sizeof(short) + sizeof(int));
  const auto as_list =
      qlower::unpack_types(types, []<class... Ts>() { return type_list<Ts...>{}; });
  CHECK(std::is_same_v<std::remove_const_t<decltype(as_list)>, type_list<char, short, int>>);
}

}  // namespace
