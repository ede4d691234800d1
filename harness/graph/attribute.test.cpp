// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/attribute.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using qlower::graph::attribute;
using qlower::graph::attribute_kind;

TEST_CASE("an attribute knows its JSON kind", "[graph][attribute]") {
  CHECK(attribute().kind() == attribute_kind::null);
  CHECK(attribute(nullptr).is_null());
  CHECK(attribute(true).kind() == attribute_kind::boolean);
  CHECK(attribute(3).kind() == attribute_kind::integer);
  CHECK(attribute(std::int64_t{-1}).kind() == attribute_kind::integer);
  CHECK(attribute(1.0).kind() == attribute_kind::number);
  CHECK(attribute("dims").kind() == attribute_kind::string);
  CHECK(attribute(attribute::list{1, 2}).kind() == attribute_kind::list);
}

TEST_CASE("an int is not a float and a bool is not an int", "[graph][attribute]") {
  CHECK(attribute(1) != attribute(1.0));
  CHECK(attribute(true) != attribute(1));
  CHECK(attribute(true).as_int() == nullptr);
  CHECK(*attribute(7).as_int() == 7);
  CHECK(*attribute(0.5).as_double() == 0.5);
  CHECK(*attribute("x").as_string() == "x");
}

TEST_CASE("as_number reads an int or a float, and nothing else", "[graph][attribute]") {
  CHECK(attribute(std::int64_t{2}).as_number() == 2.0);
  CHECK(attribute(0.5).as_number() == 0.5);
  CHECK_FALSE(attribute(true).as_number().has_value());
  CHECK_FALSE(attribute("1").as_number().has_value());
  CHECK_FALSE(attribute(nullptr).as_number().has_value());
}

TEST_CASE("as_int_list reads only lists of ints", "[graph][attribute]") {
  CHECK(attribute(attribute::list{0, 2, 1}).as_int_list() == std::vector<std::int64_t>{0, 2, 1});
  CHECK(attribute(attribute::list{}).as_int_list() == std::vector<std::int64_t>{});
  CHECK_FALSE(attribute(attribute::list{0, 2.0}).as_int_list().has_value());
  CHECK_FALSE(attribute(attribute::list{attribute(attribute::list{1})}).as_int_list().has_value());
  CHECK_FALSE(attribute(1).as_int_list().has_value());
}

TEST_CASE("nested lists compare deeply", "[graph][attribute]") {
  const attribute a(attribute::list{1, attribute::list{2, "x"}, nullptr});
  const attribute b(attribute::list{1, attribute::list{2, "x"}, nullptr});
  const attribute c(attribute::list{1, attribute::list{2, "y"}, nullptr});
  CHECK(a == b);
  CHECK(a != c);
}

}  // namespace
