// SPDX-License-Identifier: Apache-2.0
#include "qlower/ops/spellings.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "qlower/ops/op_table.hpp"
#include "qlower/traits/implies.hpp"

namespace {

using namespace qlower;
using namespace qlower::ops;

TEST_CASE("every spelling names a canonical op with the same traits and a canonicalizer",
          "[ops][spellings]") {
  std::size_t spellings_seen = 0;
  for (const op_info& row : op_table) {
    if (row.kind != variant_kind::spelling) {
      CHECK(row.canonicalize == nullptr);
      continue;
    }
    CAPTURE(row.name);
    ++spellings_seen;
    CHECK(row.canonicalize != nullptr);
    CHECK(op_table[row.canonical].kind != variant_kind::spelling);
    CHECK(row.rule == op_table[row.canonical].rule);
  }
  // lowering.md section 3's table: conv1d, conv2d, batch_norm, native_batch_norm,
  // layer_norm, softmax.int, _unsafe_view, _reshape_alias, _reshape_alias_copy.
  CHECK(spellings_seen == 9);
  CHECK(op_table[find_op("aten.conv2d.default")].canonical ==
        op_id_of<aten::convolution_default>());
  CHECK(canonical(find_op("aten.native_batch_norm.default")) ==
        op_id_of<aten::_native_batch_norm_legit_no_training_default>());
  CHECK(canonical(find_op("aten._reshape_alias_copy.default")) == op_id_of<aten::view_default>());
}

TEST_CASE("canonicalizers refuse a node that is another operation, naming the attribute",
          "[ops][spellings]") {
  const std::vector<graph::node_index> five{0, 1, 2, 3, 4};
  const std::vector<graph::node_index> no_stats{0, 1, 2, graph::no_node, graph::no_node};
  const std::vector<std::int64_t> dims{1, 4, 2, 2};
  graph::attribute_map training{{"training", true}, {"momentum", 0.1}, {"eps", 1e-5}};
  try {
    spellings::batch_norm_as_inference::canonicalize({training, five, dims});
    FAIL("a training batch norm was canonicalized");
  } catch (const error& refused) {
    CHECK(refused.location().field == "attrs.training");
  }
  graph::attribute_map inference{{"training", false}, {"momentum", 0.1}, {"eps", 1e-5}};
  CHECK_THROWS_AS(spellings::batch_norm_as_inference::canonicalize({inference, no_stats, dims}),
                  error);
  const auto canonical = spellings::batch_norm_as_inference::canonicalize({inference, five, dims});
  CHECK(canonical.output_count == 3);
  CHECK(canonical.attrs.count("training") == 0);
  graph::attribute_map softmax{{"dim", std::int64_t{1}}, {"dtype", "float16"}};
  CHECK_THROWS_AS(spellings::softmax_as_internal_softmax::canonicalize({softmax, five, dims}),
                  error);
}

}  // namespace
