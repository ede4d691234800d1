// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/decompose.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>

#include "harness/passes/generators.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/passes/convert.hpp"

namespace {

using namespace qlower;

const std::string examples = QLOWER_EXAMPLES_DIR;

TEST_CASE("moveaxis becomes permute_copy and concat becomes cat", "[passes][decompose]") {
  const auto g =
      passes::decompose(graph::io::read_json_file(examples + "/graphs/convnext_block.json"));
  const auto& m0 = g[*g.find("m0")];
  CHECK(m0.op == "aten.permute_copy.default");
  CHECK(*m0.attrs.at("dims").as_int_list() == std::vector<std::int64_t>{0, 2, 3, 1});
  const auto h =
      passes::decompose(graph::io::read_json_file(examples + "/graphs/concat_fusion.json"));
  CHECK(h[*h.find("fused")].op == "aten.cat.default");
  CHECK(*h[*h.find("fused")].attrs.at("dim").as_int() == 1);
}

TEST_CASE("after annotate and convert, moveaxis decomposes to an int8 permute_copy",
          "[passes][decompose]") {
  const auto g = graph::io::read_json_file(examples + "/graphs/convnext_block.json");
  const auto lowered = passes::decompose(passes::convert(g, passes::annotate(g)));
  const auto& m0 = lowered[*lowered.find("m0")];
  CHECK(m0.op == "aten.permute_copy.default");
  CHECK(m0.outputs[0].type == dtype::int8);
}

TEST_CASE("bad composite attributes are errors naming node and attribute", "[passes][decompose]") {
  const auto g = graph::io::read_json(R"({"format": "qlower-graph", "version": 1, "nodes": [
      {"id": "x", "op": "input", "dtype": "float32", "shape": [1, 2]},
      {"id": "m", "op": "aten.moveaxis.int", "inputs": ["x"], "attrs": {"source": 5, "destination": 0},
       "dtype": "float32", "shape": [2, 1]}], "outputs": ["m"]})");
  try {
    passes::decompose(g);
    FAIL("accepted");
  } catch (const qlower::error& failure) {
    CHECK(failure.location().node == "m");
    CHECK(failure.location().field == "attrs.source");
  }
}

TEST_CASE("decompose keeps every node and every dtype", "[passes][decompose][property]") {
  rc::prop("same ids, inputs, dtypes and shapes; no alias or composite left", [] {
    // Composites get valid attributes: the rewrite of a random moveaxis is tested in ops/.
    auto g = *harness::any_lowering_graph();
    graph::plain_graph valid(g.name());
    for (const auto& original : g.nodes()) {
      graph::node n = original;
      const auto id = ops::find_op(n.op);
      if (id != ops::unknown_op && ops::op_table[id].rewrite != nullptr) {
        n.op = "aten.relu.default";  // keep the graph valid for the rewrite-free comparison below
      }
      valid.add_node(std::move(n));
    }
    valid.set_outputs({valid.graph_outputs().begin(), valid.graph_outputs().end()});
    const auto decomposed = passes::decompose(valid);
    RC_ASSERT(decomposed.node_count() == valid.node_count());
    for (graph::node_index n = 0; n < valid.node_count(); ++n) {
      RC_ASSERT(decomposed[n].id == valid[n].id);
      RC_ASSERT(decomposed[n].inputs == valid[n].inputs);
      RC_ASSERT(decomposed[n].outputs == valid[n].outputs);
      const auto id = ops::find_op(decomposed[n].op);
      if (id != ops::unknown_op) {
        RC_ASSERT(ops::op_table[id].kind != ops::variant_kind::alias);
        RC_ASSERT(ops::op_table[id].rewrite == nullptr);
        RC_ASSERT(ops::canonical(id) == ops::canonical(ops::find_op(valid[n].op)));
      }
    }
  });
  rc::prop("every composite becomes a permute_copy with a permutation of its input's axes", [] {
    const auto rank = *rc::gen::inRange<std::int64_t>(1, 6);
    const std::int64_t source = *rc::gen::inRange<std::int64_t>(-rank, rank);
    const std::int64_t destination = *rc::gen::inRange<std::int64_t>(-rank, rank);
    const auto op = *rc::gen::element<std::string>("aten.moveaxis.int", "aten.movedim.int");
    graph::plain_graph g;
    const auto x = g.add_node(
        {"x", "input", {}, {}, {{dtype::int8, shape(std::vector<std::int64_t>(rank, 3))}}, {}});
    g.add_node({"m",
                op,
                {x},
                {{"source", source}, {"destination", destination}},
                {{dtype::int8, shape(std::vector<std::int64_t>(rank, 3))}},
                {}});
    const auto decomposed = passes::decompose(g);
    RC_ASSERT(decomposed[1].op == "aten.permute_copy.default");
    auto dims = *decomposed[1].attrs.at("dims").as_int_list();
    RC_ASSERT(dims[static_cast<std::size_t>((destination + rank) % rank)] ==
              (source + rank) % rank);
    RC_ASSERT(decomposed[1].outputs[0].type == dtype::int8);
  });
}

}  // namespace
