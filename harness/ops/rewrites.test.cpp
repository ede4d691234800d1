// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/rewrites.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <vector>

#include "harness/shuffle.hpp"

namespace {

using qlower::graph::attribute;
using qlower::graph::attribute_map;
namespace rewrites = qlower::ops::rewrites;

std::vector<std::int64_t> dims_of(const attribute_map& attrs) {
  return *attrs.at("dims").as_int_list();
}

TEST_CASE("moveaxis becomes the permutation torch.movedim uses", "[ops][rewrites]") {
  // torch.moveaxis(x, 1, -1) on NCHW gives NHWC: permute(0, 2, 3, 1).
  CHECK(dims_of(rewrites::moveaxis_to_permute::attributes(
            {{"source", 1}, {"destination", -1}}, 4)) == std::vector<std::int64_t>{0, 2, 3, 1});
  CHECK(dims_of(rewrites::moveaxis_to_permute::attributes(
            {{"source", -1}, {"destination", 1}}, 4)) == std::vector<std::int64_t>{0, 3, 1, 2});
  CHECK(dims_of(rewrites::moveaxis_to_permute::attributes(
            {{"source", attribute::list{0, 1}}, {"destination", attribute::list{2, 0}}}, 3)) ==
        std::vector<std::int64_t>{1, 2, 0});
}

TEST_CASE("bad moveaxis attributes are errors naming the attribute", "[ops][rewrites]") {
  using rewrites::moveaxis_to_permute;
  CHECK_THROWS_WITH(moveaxis_to_permute::attributes({{"source", 4}, {"destination", 0}}, 4),
                    Catch::Contains("attrs.source") && Catch::Contains("dimension 4 out of range"));
  CHECK_THROWS_WITH(moveaxis_to_permute::attributes({{"destination", 0}}, 4),
                    Catch::Contains("attrs.source"));
  CHECK_THROWS_WITH(
      moveaxis_to_permute::attributes(
          {{"source", attribute::list{0, 0}}, {"destination", attribute::list{1, 2}}}, 3),
      Catch::Contains("repeated axis"));
  CHECK_THROWS_WITH(
      moveaxis_to_permute::attributes(
          {{"source", attribute::list{0, 1}}, {"destination", attribute::list{1}}}, 3),
      Catch::Contains("attrs.destination"));
}

TEST_CASE("moveaxis permutations move exactly the named axes", "[ops][rewrites][property]") {
  rc::prop("dims[destination[i]] == source[i]; other axes keep their order", [] {
    const auto rank = *rc::gen::inRange<std::size_t>(1, 7);
    std::vector<std::int64_t> axes(rank);
    std::iota(axes.begin(), axes.end(), 0);
    const auto count = *rc::gen::inRange<std::size_t>(1, rank + 1);
    auto sources = qlower::harness::shuffled(axes);  // distinct source axes
    auto destinations = qlower::harness::shuffled(axes);
    sources.resize(count);
    destinations.resize(count);
    attribute::list source_list;
    attribute::list destination_list;
    for (std::size_t i = 0; i < count; ++i) {
      // Negative spellings of the same axis must give the same permutation.
      source_list.emplace_back(
          *rc::gen::arbitrary<bool>() ? sources[i] - static_cast<std::int64_t>(rank) : sources[i]);
      destination_list.emplace_back(destinations[i]);
    }
    const auto dims = dims_of(rewrites::moveaxis_to_permute::attributes(
        {{"source", attribute(source_list)}, {"destination", attribute(destination_list)}}, rank));
    RC_ASSERT(dims.size() == rank);
    for (std::size_t i = 0; i < count; ++i)
      RC_ASSERT(dims[destinations[i]] == sources[i]);
    std::vector<std::int64_t> rest;
    for (std::size_t position = 0; position < rank; ++position) {
      if (std::find(destinations.begin(), destinations.end(), position) == destinations.end()) {
        rest.push_back(dims[position]);
      }
    }
    RC_ASSERT(std::is_sorted(rest.begin(), rest.end()));
    auto sorted = dims;
    std::sort(sorted.begin(), sorted.end());
    RC_ASSERT(sorted == axes);
  });
}

std::vector<std::int64_t> dims_of_order(const qlower::graph::attribute_map& attrs) {
  return *attrs.at("dim_order").as_int_list();
}

TEST_CASE("transpose and t swap two axes", "[ops][rewrites]") {
  CHECK(dims_of(rewrites::transpose_to_permute::attributes({{"dim0", 1}, {"dim1", -1}}, 3)) ==
        std::vector<std::int64_t>{0, 2, 1});
  CHECK(dims_of(rewrites::transpose_to_permute::attributes({{"dim0", 0}, {"dim1", 0}}, 2)) ==
        std::vector<std::int64_t>{0, 1});
  CHECK_THROWS_WITH(rewrites::transpose_to_permute::attributes({{"dim0", 0}, {"dim1", 2}}, 2),
                    Catch::Contains("attrs.dim1"));
  CHECK(dims_of(rewrites::t_to_permute::attributes({}, 2)) == std::vector<std::int64_t>{1, 0});
  CHECK(dims_of(rewrites::t_to_permute::attributes({}, 1)) == std::vector<std::int64_t>{0});
  CHECK_THROWS(rewrites::t_to_permute::attributes({}, 3));
}

TEST_CASE("clone becomes _clone_dim_order with its memory format's dim order", "[ops][rewrites]") {
  using rewrites::clone_to_dim_order;
  CHECK(clone_to_dim_order::attributes({}, 4).at("dim_order").is_null());
  CHECK(clone_to_dim_order::attributes({{"memory_format", "torch.preserve_format"}}, 4)
            .at("dim_order")
            .is_null());
  CHECK(dims_of_order(clone_to_dim_order::attributes({{"memory_format", "contiguous_format"}},
                                                     3)) == std::vector<std::int64_t>{0, 1, 2});
  CHECK(dims_of_order(clone_to_dim_order::attributes({{"memory_format", 2}}, 4)) ==
        std::vector<std::int64_t>{0, 2, 3, 1});
  CHECK(*clone_to_dim_order::attributes({}, 2).at("non_blocking").as_bool() == false);
  CHECK_THROWS_WITH(clone_to_dim_order::attributes({{"memory_format", "channels_last"}}, 3),
                    Catch::Contains("channels_last needs rank 4, got rank 3"));
  CHECK_THROWS_WITH(clone_to_dim_order::attributes({{"memory_format", "sparse"}}, 3),
                    Catch::Contains("unknown memory format 'sparse'"));
}

}  // namespace
