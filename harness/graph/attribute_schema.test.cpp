// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/attribute_schema.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>

#include "qlower/ops/op_table.hpp"

namespace {

using qlower::graph::attribute;
using qlower::graph::attribute_form;
using qlower::graph::matches;

TEST_CASE("schema forms accept exactly their JSON kinds", "[graph][attribute_schema]") {
  CHECK(matches(attribute(attribute::list{0, 2, 1}), attribute_form::int_list));
  CHECK_FALSE(matches(attribute(1), attribute_form::int_list));
  CHECK_FALSE(matches(attribute(attribute::list{0, 1.5}), attribute_form::int_list));
  CHECK(matches(attribute(attribute::list{0, 1.5}), attribute_form::number_list));
  CHECK(matches(attribute(1), attribute_form::number));  // a float argument given as 1
  CHECK_FALSE(matches(attribute(1.5), attribute_form::integer));
  CHECK_FALSE(matches(attribute(true), attribute_form::integer));
  CHECK(matches(attribute(nullptr), attribute_form::int_list | attribute_form::null));
  CHECK_FALSE(matches(attribute(nullptr), attribute_form::int_list));
  CHECK(matches(attribute(attribute::list{}), attribute_form::int_list));
}

TEST_CASE("forms describe themselves for error messages", "[graph][attribute_schema]") {
  CHECK(qlower::graph::describe(attribute_form::integer | attribute_form::int_list) ==
        "int or int[]");
  CHECK(qlower::graph::describe(attribute_form::null) == "null");
}

TEST_CASE("the known schemas answer by op and argument", "[graph][attribute_schema]") {
  using qlower::graph::expected_attribute_form;
  CHECK(expected_attribute_form("aten.permute_copy.default", "dims") == attribute_form::int_list);
  CHECK(expected_attribute_form("aten.moveaxis.int", "source") == attribute_form::integer);
  CHECK(expected_attribute_form("aten.concat.default", "dim") == attribute_form::integer);
  CHECK(expected_attribute_form("aten.max_pool2d.default", "kernel_size") ==
        (attribute_form::int_list | attribute_form::integer));
  CHECK(expected_attribute_form("aten.clone.default", "memory_format") ==
        (attribute_form::string | attribute_form::integer | attribute_form::null));
  CHECK_FALSE(expected_attribute_form("aten.permute_copy.default", "not_an_arg").has_value());
  CHECK_FALSE(expected_attribute_form("vendor.op.default", "dims").has_value());
}

TEST_CASE("every schema entry names an op of the op set", "[graph][attribute_schema]") {
  for (const auto& spec : qlower::graph::detail::known_attribute_specs) {
    CAPTURE(spec.op, spec.name);
    CHECK(qlower::ops::find_op(spec.op) != qlower::ops::unknown_op);
    CHECK(qlower::graph::expected_attribute_form(spec.op, spec.name) == spec.forms);
  }
  CHECK(qlower::graph::detail::known_attribute_specs.size() > 500);
}

TEST_CASE("no (op, argument) pair is declared twice", "[graph][attribute_schema]") {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const auto& spec : qlower::graph::detail::known_attribute_specs) {
    CAPTURE(spec.op, spec.name);
    CHECK(seen.emplace(spec.op, spec.name).second);
  }
}

}  // namespace
