// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/op_set.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>

#include "harness/ops/declarations.hpp"
#include "qlower/ops/op_table.hpp"

namespace {

namespace fs = std::filesystem;

std::set<std::string> declared_names() {
  std::set<std::string> names;
  for (const auto& entry :
       fs::directory_iterator(fs::path(QLOWER_INCLUDE_DIR) / "qlower" / "ops")) {
    names.merge(qlower::harness::declared_in(entry.path()));
  }
  return names;
}

TEST_CASE("every op declared in ops/ is in the op set", "[ops][op_set]") {
  const std::set<std::string> names = declared_names();
  CHECK(names.size() == qlower::ops::op_count);
  for (const std::string& name : names) {
    CAPTURE(name);
    CHECK(qlower::ops::find_op(name) != qlower::ops::unknown_op);
  }
}

TEST_CASE("the op set holds the overloads the seeds are about", "[ops][op_set]") {
  for (const char* name :
       {"aten.moveaxis.int", "aten.movedim.int", "aten.moveaxis.intlist", "aten.movedim.intlist",
        "aten.permute_copy.default", "aten.cat.default", "aten.concat.default",
        "aten.concatenate.default", "aten.stack.default", "aten.view_copy.default",
        "aten.clone.default", "aten.pixel_shuffle.default"}) {
    CAPTURE(name);
    CHECK(qlower::ops::find_op(name) != qlower::ops::unknown_op);
  }
}

}  // namespace
