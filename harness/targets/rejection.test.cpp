// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/rejection.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string_view>

namespace {

using namespace qlower::targets;

TEST_CASE("every reason has one distinct stable name", "[targets][rejection]") {
  std::set<std::string_view> names;
  for (const auto& [code, name] : reason_names) {
    CHECK(to_string(code) == name);
    CHECK(!name.empty());
    names.insert(name);
  }
  CHECK(names.size() == reason_names.size());
  CHECK(to_string(reason::permute_needs_split) == "permute_needs_split");
}

TEST_CASE("post-processing reasons are told apart from capability checks", "[targets][rejection]") {
  CHECK(is_post_processing(reason::boundary_quantize));
  CHECK(is_post_processing(reason::no_op_partition));
  CHECK(!is_post_processing(reason::not_quantized));
  CHECK(!is_post_processing(reason::permute_needs_split));
  CHECK(rejection{reason::rank, "a"} != rejection{reason::rank, "b"});
}

}  // namespace
