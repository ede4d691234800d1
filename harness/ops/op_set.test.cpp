// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/op_set.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "qlower/ops/op_table.hpp"

namespace {

namespace fs = std::filesystem;

/// Every schema name declared with op<>, alias_of<> or variant_of<> in the op headers.
std::set<std::string> declared_names() {
  const std::regex declaration(R"(struct\s+\w+\s*:\s*(?:op|alias_of|variant_of)<[^"]*"([^"]+)\")");
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(QLOWER_INCLUDE_DIR) / "qlower" / "ops")) {
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    const std::string source = text.str();
    for (auto match = std::sregex_iterator(source.begin(), source.end(), declaration);
         match != std::sregex_iterator(); ++match) {
      names.insert((*match)[1].str());
    }
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
  for (const char* name : {"aten.moveaxis.int", "aten.movedim.int", "aten.moveaxis.intlist",
                           "aten.movedim.intlist", "aten.permute_copy.default", "aten.cat.default",
                           "aten.concat.default", "aten.concatenate.default", "aten.stack.default",
                           "aten.view_copy.default", "aten.clone.default",
                           "aten.pixel_shuffle.default"}) {
    CAPTURE(name);
    CHECK(qlower::ops::find_op(name) != qlower::ops::unknown_op);
  }
}

}  // namespace
