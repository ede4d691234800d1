// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/concept.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace {

using qlower::graph::node_index;

/// A foreign IR as another compiler might hold it, adapted to the concept with
/// nothing but index arithmetic; `broken_user` lets a test break a law.
struct foreign_ir {
  struct op_record {
    std::string kind;
    std::vector<node_index> operands;
    std::vector<node_index> consumers;
    std::vector<std::int64_t> dims;
  };
  std::vector<op_record> ops;
  std::vector<node_index> results;

  std::size_t node_count() const { return ops.size(); }
  std::span<const node_index> inputs(node_index n) const { return ops[n].operands; }
  std::span<const node_index> users(node_index n) const { return ops[n].consumers; }
  std::string_view op_name(node_index n) const { return ops[n].kind; }
  std::string_view node_name(node_index n) const { return ops[n].kind; }
  std::size_t output_count(node_index) const { return 1; }
  qlower::dtype output_dtype(node_index, std::size_t) const { return qlower::dtype::int8; }
  std::span<const std::int64_t> output_dims(node_index n, std::size_t) const { return ops[n].dims; }
  const qlower::graph::attribute* attribute_of(node_index, std::string_view) const {
    return nullptr;
  }
  std::span<const node_index> graph_outputs() const { return results; }
};
static_assert(qlower::graph::graph<foreign_ir>);
static_assert(!qlower::graph::graph<int>);

foreign_ir chain() {
  foreign_ir ir;
  ir.ops = {{"in", {}, {1}, {4}}, {"neg", {0}, {2}, {4}}, {"abs", {1}, {}, {4}}};
  ir.results = {2};
  return ir;
}

TEST_CASE("a lawful adaptor passes check_graph_laws", "[graph][concept]") {
  CHECK_NOTHROW(qlower::graph::check_graph_laws(chain()));
}

TEST_CASE("check_graph_laws names each broken law", "[graph][concept]") {
  using qlower::graph_errc;
  auto code_of = [](const foreign_ir& ir) {
    try {
      qlower::graph::check_graph_laws(ir);
    } catch (const qlower::graph_error& failure) {
      return failure.code();
    }
    FAIL("no law broken");
    return graph_errc::malformed_json;
  };
  foreign_ir forward = chain();
  forward.ops[0].operands = {2};  // an input after its user
  forward.ops[2].consumers = {0};
  CHECK(code_of(forward) == graph_errc::cycle);

  foreign_ir missing_user = chain();
  missing_user.ops[1].consumers.clear();
  CHECK(code_of(missing_user) == graph_errc::bad_structure);

  foreign_ir extra_user = chain();
  extra_user.ops[2].consumers = {1};
  CHECK(code_of(extra_user) == graph_errc::bad_structure);

  foreign_ir negative = chain();
  negative.ops[1].dims = {-4};
  CHECK(code_of(negative) == graph_errc::bad_dimension);

  foreign_ir dangling = chain();
  dangling.results = {7};
  CHECK(code_of(dangling) == graph_errc::dangling_reference);
}

}  // namespace
