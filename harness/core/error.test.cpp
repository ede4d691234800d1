// SPDX-License-Identifier: Apache-2.0
#include "qlower/core/error.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

TEST_CASE("an error names where its value came from", "[core][error]") {
  const qlower::error full("negative dimension -3", {"model.json", "m0", "shape[2]"});
  CHECK(std::string(full.what()) ==
        "model.json: node 'm0': field 'shape[2]': negative dimension -3");
  CHECK(full.message() == "negative dimension -3");
  CHECK(full.location().node == "m0");

  CHECK(std::string(qlower::error("bad", {"", "", "version"}).what()) == "field 'version': bad");
  CHECK(std::string(qlower::error("bad").what()) == "bad");
}

TEST_CASE("every qlower error is a qlower::error and a std::exception", "[core][error]") {
  CHECK_THROWS_AS(throw qlower::shape_error("x"), qlower::error);
  CHECK_THROWS_AS(throw qlower::graph_error(qlower::graph_errc::cycle, "x"), qlower::error);
  CHECK_THROWS_AS(throw qlower::graph_error(qlower::graph_errc::cycle, "x"), std::runtime_error);
}

TEST_CASE("graph_error carries its error class", "[core][error]") {
  try {
    throw qlower::graph_error(qlower::graph_errc::duplicate_id, "duplicate id", {"f", "a", "id"});
  } catch (const qlower::graph_error& failure) {
    CHECK(failure.code() == qlower::graph_errc::duplicate_id);
    CHECK(qlower::to_string(failure.code()) == "duplicate_id");
  }
}

}  // namespace
