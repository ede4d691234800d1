// SPDX-License-Identifier: Apache-2.0
#include "qlower/passes/canonicalize.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/passes/builder.hpp"
#include "harness/passes/generators.hpp"

namespace {

using namespace qlower;
using harness::graph_builder;
using harness::ints;

bool mentions(const std::vector<passes::pass_note>& notes, const std::string& node,
              const std::string& text) {
  for (const passes::pass_note& note : notes) {
    if (note.node == node && note.message.find(text) != std::string::npos)
      return true;
  }
  return false;
}

TEST_CASE("conv2d becomes convolution with per-dimension lists", "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", {4, 3, 3, 3});
  const auto conv = b.op("conv", "aten.conv2d.default", {x, w, graph::no_node},
                         {{"stride", std::int64_t{2}},
                          {"padding", ints({1, 1})},
                          {"dilation", ints({1})},
                          {"groups", std::int64_t{1}}},
                         {1, 4, 4, 4});
  const auto g = passes::canonicalize(b.done({conv}));
  const graph::node& made = g[*g.find("conv")];
  CHECK(made.op == "aten.convolution.default");
  CHECK(*made.attrs.at("stride").as_int_list() == std::vector<std::int64_t>{2, 2});
  CHECK(*made.attrs.at("dilation").as_int_list() == std::vector<std::int64_t>{1, 1});
  CHECK(*made.attrs.at("output_padding").as_int_list() == std::vector<std::int64_t>{0, 0});
  CHECK(*made.attrs.at("transposed").as_bool() == false);
  CHECK(made.outputs == g[*g.find("conv")].outputs);
}

TEST_CASE("batch_norm becomes the inference op read through a getitem that keeps its id",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 2, 2});
  const auto bn =
      b.op("bn", "aten.batch_norm.default", b.batch_norm_inputs(x, "", 4),
           {{"training", false}, {"momentum", 0.1}, {"eps", 1e-5}, {"cudnn_enabled", true}},
           {1, 4, 2, 2});
  const auto relu = b.op("relu", "aten.relu.default", {bn}, {}, {1, 4, 2, 2});
  const auto g = passes::canonicalize(b.done({relu}));
  const graph::node& value = g[*g.find("bn")];
  CHECK(value.op == "getitem");
  const graph::node& native = g[value.inputs[0]];
  CHECK(native.op == "aten._native_batch_norm_legit_no_training.default");
  CHECK(native.outputs.size() == 3);
  CHECK(native.attrs.size() == 2);
  CHECK(g[*g.find("relu")].inputs[0] == *g.find("bn"));
}

TEST_CASE("a spelling that is another operation stays, with a note naming the attribute",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 2, 2});
  const auto bn = b.op("bn", "aten.native_batch_norm.default", b.batch_norm_inputs(x, "", 4),
                       {{"training", true}, {"momentum", 0.1}, {"eps", 1e-5}}, {1, 4, 2, 2}, 3);
  const auto first = b.getitem("first", bn, 0);
  const auto reshaped = b.op("r", "aten._reshape_alias.default", {first},
                             {{"size", ints({4, 4})}, {"stride", ints({1, 4})}}, {4, 4});
  std::vector<passes::pass_note> notes;
  const auto g = passes::canonicalize(b.done({reshaped}), &notes);
  CHECK(g[*g.find("bn")].op == "aten.native_batch_norm.default");
  CHECK(mentions(notes, "bn", "training"));
  CHECK(g[*g.find("r")].op == "aten._reshape_alias.default");
  CHECK(mentions(notes, "r", "stride 4 at dimension 1 is not contiguous (1)"));
}

TEST_CASE("a contiguous _reshape_alias(_copy) is a view (decompose gives view_copy)",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {2, 3, 4});
  const auto r = b.op("r", "aten._reshape_alias_copy.default", {x},
                      {{"size", ints({6, 4})}, {"stride", ints({4, 1})}}, {6, 4});
  const auto g = passes::canonicalize(b.done({r}));
  CHECK(g[*g.find("r")].op == "aten.view.default");
  CHECK(g[*g.find("r")].attrs.count("stride") == 0);
}

TEST_CASE("an in-place op becomes functional unless its input is read after it",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {4});
  const auto y = b.op("y", "aten.relu.default", {x}, {}, {4});
  const auto safe = b.op("safe", "aten.relu_.default", {y}, {}, {4});
  const auto z = b.op("z", "aten.add.Tensor", {safe, x}, {}, {4});
  const auto unsafe = b.op("unsafe", "aten.relu_.default", {z}, {}, {4});
  const auto later = b.op("later", "aten.mul.Tensor", {unsafe, z}, {}, {4});
  std::vector<passes::pass_note> notes;
  const auto g = passes::canonicalize(b.done({later}), &notes);
  CHECK(g[*g.find("safe")].op == "aten.relu.default");
  CHECK(g[*g.find("unsafe")].op == "aten.relu_.default");
  CHECK(mentions(notes, "unsafe", "'z' is read after it changes it in place"));
}

TEST_CASE("t + addmm of a constant weight is a linear; the t goes", "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 8});
  const auto w = b.constant("w", {10, 8});
  const auto bias = b.constant("bias", {10});
  const auto t = b.op("t", "aten.t.default", {w}, {}, {8, 10});
  const auto fc = b.op("fc", "aten.addmm.default", {bias, x, t},
                       {{"beta", std::int64_t{1}}, {"alpha", std::int64_t{1}}}, {1, 10});
  const auto scaled = b.op("scaled", "aten.addmm.default", {bias, x, t},
                           {{"beta", std::int64_t{1}}, {"alpha", 2.0}}, {1, 10});
  const auto g = passes::canonicalize(b.done({fc, scaled}));
  const graph::node& linear = g[*g.find("fc")];
  CHECK(linear.op == "aten.linear.default");
  CHECK(linear.inputs ==
        std::vector<graph::node_index>{*g.find("x"), *g.find("w"), *g.find("bias")});
  CHECK(linear.attrs.empty());
  // alpha = 2 is no linear: that addmm keeps reading the t.
  CHECK(g[*g.find("scaled")].op == "aten.addmm.default");
  CHECK(g.find("t").has_value());

  graph_builder only;
  const auto x2 = only.input("x", {1, 8});
  const auto w2 = only.constant("w", {10, 8});
  const auto t2 = only.op("t", "aten.t_copy.default", {w2}, {}, {8, 10});
  const auto fc2 = only.op("fc", "aten.addmm.default", {graph::no_node, x2, t2}, {}, {1, 10});
  const auto h = passes::canonicalize(only.done({fc2}));
  CHECK(h[*h.find("fc")].op == "aten.linear.default");
  CHECK_FALSE(h.find("t").has_value());
  CHECK(h.node_count() == 3);

  // Without a bias make_fx writes t + mm.
  graph_builder no_bias;
  const auto x3 = no_bias.input("x", {2, 8});
  const auto w3 = no_bias.constant("w", {10, 8});
  const auto t3 = no_bias.op("t", "aten.t.default", {w3}, {}, {8, 10});
  const auto mm = no_bias.op("fc", "aten.mm.default", {x3, t3}, {}, {2, 10});
  const auto activations = no_bias.op("aa", "aten.mm.default", {x3, x3}, {}, {2, 2});
  const auto k = passes::canonicalize(no_bias.done({mm, activations}));
  CHECK(k[*k.find("fc")].op == "aten.linear.default");
  CHECK(k[*k.find("fc")].inputs ==
        std::vector<graph::node_index>{*k.find("x"), *k.find("w"), graph::no_node});
  CHECK(k[*k.find("aa")].op == "aten.mm.default");
}

TEST_CASE("max_pool2d_with_indices read only at output 0 is a max_pool2d",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 8, 8});
  const graph::attribute_map window{{"kernel_size", ints({2, 2})}, {"stride", ints({2, 2})}};
  const auto pool =
      b.op("pool", "aten.max_pool2d_with_indices.default", {x}, window, {1, 4, 4, 4}, 2);
  const auto first = b.getitem("first", pool, 0);
  const auto relu = b.op("relu", "aten.relu.default", {first}, {}, {1, 4, 4, 4});
  const auto kept =
      b.op("kept", "aten.max_pool2d_with_indices.default", {relu}, window, {1, 4, 2, 2}, 2);
  const auto values = b.getitem("values", kept, 0);
  const auto indices = b.getitem("indices", kept, 1);
  const auto g = passes::canonicalize(b.done({values, indices}));
  CHECK(g[*g.find("pool")].op == "aten.max_pool2d.default");
  CHECK(g[*g.find("pool")].outputs.size() == 1);
  CHECK_FALSE(g.find("first").has_value());
  CHECK(g[*g.find("relu")].inputs[0] == *g.find("pool"));
  CHECK(g[*g.find("kept")].op == "aten.max_pool2d_with_indices.default");
}

TEST_CASE("make_fx's _adaptive_avg_pool2d is the adaptive_avg_pool2d the quantizer annotates",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 6, 6});
  const auto relu = b.op("relu", "aten.relu.default", {x}, {}, {1, 4, 6, 6});
  const auto pool = b.op("pool", "aten._adaptive_avg_pool2d.default", {relu},
                         {{"output_size", ints({3, 3})}}, {1, 4, 3, 3});
  const auto g = passes::canonicalize(b.done({pool}));
  const graph::node& made = g[*g.find("pool")];
  CHECK(made.op == "aten.adaptive_avg_pool2d.default");
  CHECK(*made.attrs.at("output_size").as_int_list() == std::vector<std::int64_t>{3, 3});
  CHECK(made.inputs == std::vector<graph::node_index>{*g.find("relu")});
}

TEST_CASE("an as_strided_ that restrides only size-1 axes is a view; any other stays",
          "[passes][canonicalize]") {
  graph_builder b;
  const auto x = b.input("x", {1, 4, 3, 3});
  const auto mean = b.op("mean", "aten.mean.dim", {x}, {{"dim", ints({-1, -2})}, {"keepdim", true}},
                         {1, 4, 1, 1});
  // convnext_tiny under make_fx: contiguous strides are [4, 1, 1, 1].
  const auto restride = b.op(
      "restride", "aten.as_strided_.default", {mean},
      {{"size", ints({1, 4, 1, 1})}, {"stride", ints({4, 1, 4, 4})}, {"storage_offset", nullptr}},
      {1, 4, 1, 1});
  const auto moved =
      b.op("moved", "aten.as_strided.default", {x},
           {{"size", ints({1, 4, 3, 3})}, {"stride", ints({36, 1, 12, 4})}}, {1, 4, 3, 3});
  const auto offset = b.op("offset", "aten.as_strided.default", {x},
                           {{"size", ints({1, 4, 3, 3})},
                            {"stride", ints({36, 9, 3, 1})},
                            {"storage_offset", std::int64_t{1}}},
                           {1, 4, 3, 3});
  const auto permuted =
      b.op("permuted", "aten.permute.default", {x}, {{"dims", ints({0, 2, 3, 1})}}, {1, 3, 3, 4});
  const auto of_view =
      b.op("of_view", "aten.as_strided.default", {permuted},
           {{"size", ints({1, 3, 3, 4})}, {"stride", ints({36, 12, 4, 1})}}, {1, 3, 3, 4});
  const auto g = passes::canonicalize(b.done({restride, moved, offset, of_view}));
  const graph::node& view = g[*g.find("restride")];
  CHECK(view.op == "aten.view.default");
  CHECK(*view.attrs.at("size").as_int_list() == std::vector<std::int64_t>{1, 4, 1, 1});
  CHECK(view.inputs == std::vector<graph::node_index>{*g.find("mean")});
  // Axes longer than 1 out of order, a storage offset, an input that is a view: as_strided.
  CHECK(g[*g.find("moved")].op == "aten.as_strided.default");
  CHECK(g[*g.find("offset")].op == "aten.as_strided.default");
  CHECK(g[*g.find("of_view")].op == "aten.as_strided.default");
}

TEST_CASE("no spelling is left that canonicalize could rewrite",
          "[passes][canonicalize][property]") {
  rc::prop("the graph outputs keep their dtypes and shapes, in order", [] {
    const graph::plain_graph g = *harness::any_lowering_graph(60);
    std::vector<passes::pass_note> notes;
    const graph::plain_graph canonical = passes::canonicalize(g, &notes);
    RC_ASSERT(canonical.graph_outputs().size() == g.graph_outputs().size());
    for (std::size_t k = 0; k < g.graph_outputs().size(); ++k) {
      RC_ASSERT(canonical[canonical.graph_outputs()[k]].outputs.front() ==
                g[g.graph_outputs()[k]].outputs.front());
    }
    // Every node left a spelling or an in-place op was given a reason.
    for (const graph::node& n : canonical.nodes()) {
      const ops::op_id id = ops::find_op(n.op);
      if (id == ops::unknown_op)
        continue;
      const auto kind = ops::op_table[id].kind;
      if (kind == ops::variant_kind::spelling || kind == ops::variant_kind::inplace) {
        bool explained = false;
        for (const passes::pass_note& note : notes)
          explained = explained || note.node == n.id;
        RC_ASSERT(explained);
      }
    }
  });
}

}  // namespace
