// SPDX-License-Identifier: Apache-2.0
#include "reference/targets/ethos_u55.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/targets/rejection.hpp"

// One case per rule of ethos-u55.md, with a value on each side of every limit.

namespace {

using qlower::dtype;
using qlower::shape;
using qlower::graph::attribute;
using qlower::graph::attribute_map;
using qlower::graph::no_node;
using qlower::graph::node;
using qlower::graph::node_index;
using qlower::graph::plain_graph;
using qlower::graph::tensor_type;

constexpr bool u85 = true;

attribute ints(std::initializer_list<std::int64_t> values) {
  attribute::list items;
  for (std::int64_t value : values)
    items.emplace_back(value);
  return attribute(std::move(items));
}

attribute reals(std::initializer_list<double> values) {
  attribute::list items;
  for (double value : values)
    items.emplace_back(value);
  return attribute(std::move(items));
}

/// Builds a plain_graph node by node, naming nodes n0, n1, ...
struct builder {
  plain_graph g{"reference"};

  node_index add(std::string op, std::vector<node_index> inputs, std::vector<tensor_type> outputs,
                 attribute_map attrs = {}) {
    node n;
    n.id = "n" + std::to_string(g.node_count());
    n.op = std::move(op);
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    n.outputs = std::move(outputs);
    return g.add_node(std::move(n));
  }
  node_index add(std::string op, std::vector<node_index> inputs, dtype type, shape dims,
                 attribute_map attrs = {}) {
    return add(std::move(op), std::move(inputs), {tensor_type{type, std::move(dims)}},
               std::move(attrs));
  }
  node_index input(dtype type, shape dims) { return add("input", {}, type, std::move(dims)); }
  node_index constant(dtype type, shape dims) { return add("const", {}, type, std::move(dims)); }
  node_index getitem(node_index source, std::int64_t index) {
    const tensor_type picked = g[source].outputs[static_cast<std::size_t>(index)];
    return add("getitem", {source}, {picked}, {{"index", index}});
  }
};

/// "delegated" or the reason's name, so that a failing CHECK prints something readable.
std::string verdict(const plain_graph& g, node_index n, bool on_u85 = false) {
  const std::optional<qlower::targets::reason> rejected =
      qlower::reference::ethos_u55_reject(g, n, on_u85);
  return rejected ? std::string(qlower::targets::to_string(*rejected)) : "delegated";
}

/// A unary op on an input of `in_type`/`in_shape`, giving `out_type`/`out_shape`.
std::pair<plain_graph, node_index> unary(const std::string& op, dtype in_type, shape in_shape,
                                         dtype out_type, shape out_shape,
                                         attribute_map attrs = {}) {
  builder b;
  const node_index x = b.input(in_type, std::move(in_shape));
  const node_index y = b.add(op, {x}, out_type, std::move(out_shape), std::move(attrs));
  return {std::move(b.g), y};
}

std::string unary_verdict(const std::string& op, dtype type, shape dims, attribute_map attrs = {},
                          bool on_u85 = false) {
  const auto [g, n] = unary(op, type, dims, type, dims, std::move(attrs));
  return verdict(g, n, on_u85);
}

//===--- Step 1 and 2: graph inputs, the positive list, unknown ops ---===//

TEST_CASE("reference U55: graph inputs and constants are never delegated", "[reference]") {
  builder b;
  const node_index x = b.input(dtype::int8, {1, 4});
  const node_index w = b.constant(dtype::int8, {1, 4});
  CHECK(verdict(b.g, x) == "graph_input");
  CHECK(verdict(b.g, w) == "graph_input");
  CHECK(verdict(b.g, w, u85) == "graph_input");
}

TEST_CASE("reference U55: ops outside the INT list and without a check are not in the profile",
          "[reference]") {
  for (const char* op : {"vendor.unknown.default", "aten.ne.Tensor", "aten.clone.default",
                         "aten.permute.default", "aten.gather.default", "aten.relu_.default"}) {
    INFO(op);
    CHECK(unary_verdict(op, dtype::int8, {1, 4}) == "not_in_profile");
    CHECK(unary_verdict(op, dtype::int8, {1, 4}, {}, u85) == "not_in_profile");
  }
}

TEST_CASE("reference U55: listed ops and accepting checks delegate integer nodes", "[reference]") {
  for (const char* op : {"aten.add.Tensor", "aten.relu.default", "aten.copy.default",
                         "aten.view_copy.default", "dim_order_ops._clone_dim_order.default",
                         "aten.concat.default", "aten.alias_copy.default"}) {
    INFO(op);
    CHECK(unary_verdict(op, dtype::int8, {1, 4}) == "delegated");
    CHECK(unary_verdict(op, dtype::int8, {1, 4}, {}, u85) == "delegated");
  }
}

TEST_CASE("reference U55: Q and DQ ops are listed and exempt from the integer rule",
          "[reference]") {
  builder b;
  const node_index x = b.input(dtype::float32, {1, 4});
  const node_index q = b.add("quantized_decomposed.quantize_per_tensor.default", {x}, dtype::int8,
                             {1, 4}, {{"dtype", "int8"}});
  const node_index dq = b.add("quantized_decomposed.dequantize_per_tensor.default", {q},
                              dtype::float32, {1, 4}, {{"dtype", "int8"}});
  const node_index qc = b.add("quantized_decomposed.quantize_per_channel.default", {x}, dtype::int8,
                              {1, 4}, {{"dtype", "int8"}, {"axis", 0}});
  CHECK(verdict(b.g, q) == "delegated");
  CHECK(verdict(b.g, dq) == "delegated");
  CHECK(verdict(b.g, qc) == "delegated");
}

TEST_CASE("reference U55: slice_copy takes int8, int16, int32 and bool values", "[reference]") {
  CHECK(unary_verdict("aten.slice_copy.Tensor", dtype::int32, {4, 4}) == "delegated");
  CHECK(unary_verdict("aten.slice_copy.Tensor", dtype::uint8, {4, 4}) == "not_in_profile");
  CHECK(unary_verdict("aten.slice_copy.Tensor", dtype::bool_, {4, 4}, {}, u85) == "delegated");
  // On the U55, bool passes the slice check and is banned afterwards.
  CHECK(unary_verdict("aten.slice_copy.Tensor", dtype::bool_, {4, 4}) == "dtype_banned");
}

//===--- Step 3: the negative checks of 2.1 ---===//

TEST_CASE("reference U55: rank 6 passes, rank 7 on an input or an output fails", "[reference]") {
  CHECK(unary_verdict("aten.relu.default", dtype::int8, {1, 1, 1, 1, 1, 2}) == "delegated");
  CHECK(unary_verdict("aten.relu.default", dtype::int8, {1, 1, 1, 1, 1, 1, 2}) == "rank");
  CHECK(unary_verdict("aten.relu.default", dtype::int8, {1, 1, 1, 1, 1, 1, 2}, {}, u85) == "rank");
  const auto [g, n] =
      unary("aten.view_copy.default", dtype::int8, {2, 2}, dtype::int8, {1, 1, 1, 1, 1, 1, 4});
  CHECK(verdict(g, n) == "rank");
  const auto [h, m] =
      unary("aten.view_copy.default", dtype::int8, {1, 1, 1, 1, 1, 1, 4}, dtype::int8, {2, 2});
  CHECK(verdict(h, m) == "rank");
}

TEST_CASE("reference U55: argmax users must all be int32 casts", "[reference]") {
  const auto argmax_with_user = [](attribute cast_dtype, dtype cast_type) {
    builder b;
    const node_index x = b.input(dtype::int8, {1, 8});
    const node_index arg = b.add("aten.argmax.default", {x}, dtype::int64, {1}, {{"dim", 1}});
    b.add("dim_order_ops._to_dim_order_copy.default", {arg}, cast_type, {1},
          {{"dtype", std::move(cast_dtype)}});
    return verdict(b.g, arg);
  };
  CHECK(argmax_with_user("int8", dtype::int8) == "argmax_users");
  // An int32 cast passes this rule; the int64 output then fails the next one (2.1.3).
  CHECK(argmax_with_user("int32", dtype::int32) == "int64");
  CHECK(argmax_with_user(3, dtype::int32) == "int64");  // c10 ScalarType 3 is int32
  CHECK(argmax_with_user(1, dtype::int8) == "argmax_users");
}

TEST_CASE("reference U55: int64 only behind getitems or from constants", "[reference]") {
  SECTION("an int64 output") {
    CHECK(unary_verdict("aten.relu.default", dtype::int64, {4}) == "int64");
    CHECK(unary_verdict("aten.relu.default", dtype::int64, {4}, {}, u85) == "int64");
  }
  SECTION("an int64 second output read only through a getitem of the first") {
    builder b;
    const node_index x = b.input(dtype::int8, {1, 1, 4, 4});
    const attribute_map window{{"kernel_size", ints({2, 2})}, {"stride", ints({2, 2})}};
    const node_index pool = b.add(
        "aten.max_pool2d_with_indices.default", {x},
        {tensor_type{dtype::int8, {1, 1, 2, 2}}, tensor_type{dtype::int64, {1, 1, 2, 2}}}, window);
    const node_index values = b.getitem(pool, 0);
    CHECK(verdict(b.g, pool) == "delegated");
    CHECK(verdict(b.g, values) == "delegated");
    const node_index indices = b.getitem(pool, 1);
    CHECK(verdict(b.g, pool) == "int64");
    // Nobody reads the indices: dead code passes the rule, as all() over no users does...
    CHECK(verdict(b.g, indices) == "delegated");
    // ...but a graph output is read, by torch.fx's output node.
    b.g.set_outputs({indices});
    CHECK(verdict(b.g, indices) == "int64");
  }
  SECTION("a graph output is a user that is not a getitem") {
    builder b;
    const node_index x = b.input(dtype::int8, {1, 1, 4, 4});
    const node_index pool =
        b.add("aten.max_pool2d_with_indices.default", {x},
              {tensor_type{dtype::int8, {1, 1, 2, 2}}, tensor_type{dtype::int64, {1, 1, 2, 2}}},
              {{"kernel_size", ints({2, 2})}});
    CHECK(verdict(b.g, pool) == "delegated");
    b.g.set_outputs({pool});
    CHECK(verdict(b.g, pool) == "int64");
  }
  SECTION("an int64 input from a constant, not from a graph input") {
    builder b;
    const node_index x = b.input(dtype::int8, {4});
    const node_index k = b.constant(dtype::int64, {4});
    const node_index i = b.input(dtype::int64, {4});
    const node_index from_const = b.add("aten.add.Tensor", {x, k}, dtype::int8, {4});
    const node_index from_input = b.add("aten.add.Tensor", {x, i}, dtype::int8, {4});
    CHECK(verdict(b.g, from_const) == "delegated");
    CHECK(verdict(b.g, from_input) == "int64");
  }
}

TEST_CASE("reference U55: a float node or a float input is not quantized", "[reference]") {
  CHECK(unary_verdict("aten.relu.default", dtype::float32, {4}) == "not_quantized");
  CHECK(unary_verdict("aten.relu.default", dtype::float16, {4}, {}, u85) == "not_quantized");
  const auto [g, n] = unary("aten.relu.default", dtype::float32, {4}, dtype::int8, {4});
  CHECK(verdict(g, n) == "not_quantized");
  // A DQ output is float, so an op reading it fails here: CheckProperQuantization
  // (improper_quantization) can only see integer inputs after this rule.
  builder b;
  const node_index x = b.input(dtype::int8, {4});
  const node_index dq = b.add("quantized_decomposed.dequantize_per_tensor.default", {x},
                              dtype::float32, {4}, {{"dtype", "int8"}});
  const node_index add = b.add("aten.add.Tensor", {dq, dq}, dtype::float32, {4});
  CHECK(verdict(b.g, add) == "not_quantized");
}

TEST_CASE("reference U55: float64 and bfloat16 always banned, bool on the U55 only",
          "[reference]") {
  builder b;
  const node_index x = b.input(dtype::int8, {4});
  const node_index to_f64 = b.add("quantized_decomposed.dequantize_per_tensor.default", {x},
                                  dtype::float64, {4}, {{"dtype", "int8"}});
  const node_index from_bf16 = b.add("quantized_decomposed.quantize_per_tensor.default",
                                     {b.input(dtype::bfloat16, {4})}, dtype::int8, {4});
  const node_index to_f32 = b.add("quantized_decomposed.dequantize_per_tensor.default", {x},
                                  dtype::float32, {4}, {{"dtype", "int8"}});
  CHECK(verdict(b.g, to_f64) == "dtype_banned");
  CHECK(verdict(b.g, to_f64, u85) == "dtype_banned");
  CHECK(verdict(b.g, from_bf16) == "dtype_banned");
  CHECK(verdict(b.g, from_bf16, u85) == "dtype_banned");
  CHECK(verdict(b.g, to_f32) == "delegated");
  CHECK(unary_verdict("aten.view_copy.default", dtype::bool_, {4}) == "dtype_banned");
  CHECK(unary_verdict("aten.view_copy.default", dtype::bool_, {4}, {}, u85) == "delegated");
}

//===--- U55-only checks of 2.2 ---===//

TEST_CASE("reference U55: the never-supported ops", "[reference]") {
  builder b;
  const node_index x = b.input(dtype::int8, {4});
  const node_index bitwise = b.add("aten.bitwise_and.Tensor", {x, x}, dtype::int8, {4});
  const node_index where = b.add("aten.where.self", {x, x, x}, dtype::int8, {4});
  CHECK(verdict(b.g, bitwise) == "never_supported");
  CHECK(verdict(b.g, bitwise, u85) == "delegated");
  CHECK(verdict(b.g, where) == "never_supported");
  CHECK(verdict(b.g, where, u85) == "delegated");
  // A bool result is banned before the never-supported list is read.
  const node_index eq = b.add("aten.eq.Tensor", {x, x}, dtype::bool_, {4});
  CHECK(verdict(b.g, eq) == "dtype_banned");
  CHECK(verdict(b.g, eq, u85) == "delegated");
}

TEST_CASE("reference U55: resize needs batch 1 and one scale of 2, 4 or 8", "[reference]") {
  const auto resize = [](shape in, shape out, attribute scale_factors, bool on_u85 = false) {
    const auto [g, n] = unary(
        "aten.upsample_nearest2d.vec", dtype::int8, std::move(in), dtype::int8, std::move(out),
        {{"output_size", nullptr}, {"scale_factors", std::move(scale_factors)}});
    return verdict(g, n, on_u85);
  };
  CHECK(resize({1, 4, 8, 8}, {1, 4, 16, 16}, reals({2.0, 2.0})) == "delegated");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 64, 64}, reals({8.0, 8.0})) == "delegated");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 24, 24}, reals({3.0, 3.0})) == "resize");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 16, 32}, reals({2.0, 4.0})) == "resize");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 16, 16}, reals({2.0})) == "resize");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 16, 16}, nullptr) == "delegated");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 24, 24}, nullptr) == "resize");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 16, 32}, nullptr) == "resize");
  CHECK(resize({2, 4, 8, 8}, {2, 4, 16, 16}, reals({2.0, 2.0})) == "resize");
  CHECK(resize({1, 4, 8, 8}, {1, 4, 24, 24}, reals({3.0, 3.0}), u85) == "delegated");
  CHECK(resize({2, 4, 8, 8}, {2, 4, 16, 16}, reals({2.0, 2.0}), u85) == "delegated");
}

TEST_CASE("reference U55: flip reverses one channel or height axis of a 4-D tensor",
          "[reference]") {
  const auto flip = [](shape dims, attribute axes, bool on_u85 = false) {
    return unary_verdict("aten.flip.default", dtype::int8, std::move(dims),
                         {{"dims", std::move(axes)}}, on_u85);
  };
  CHECK(flip({1, 4, 8, 8}, ints({1})) == "delegated");
  CHECK(flip({1, 4, 8, 8}, ints({2})) == "delegated");
  CHECK(flip({1, 4, 8, 8}, ints({-3})) == "delegated");  // -3 mod 4 == 1
  CHECK(flip({1, 4, 8, 8}, ints({0})) == "reverse");
  CHECK(flip({1, 4, 8, 8}, ints({3})) == "reverse");
  CHECK(flip({1, 4, 8, 8}, ints({1, 2})) == "reverse");
  CHECK(flip({4, 8, 8}, ints({1})) == "reverse");
  CHECK(flip({1, 4, 8, 8}, "one") == "reverse");
  CHECK(flip({1, 4, 8, 8}, ints({0}), u85) == "delegated");
}

TEST_CASE("reference U55: the dtype table", "[reference]") {
  SECTION("data movement: int8, int16, int32") {
    for (const char* op : {"aten.permute_copy.default", "aten.view_copy.default",
                           "aten.cat.default", "aten.concat.default", "aten.repeat.default",
                           "aten.expand_copy.default", "aten.constant_pad_nd.default"}) {
      INFO(op);
      CHECK(unary_verdict(op, dtype::int32, {1, 4}) == "delegated");
      CHECK(unary_verdict(op, dtype::uint8, {1, 4}) == "dtype_table");
      CHECK(unary_verdict(op, dtype::uint8, {1, 4}, {}, u85) == "delegated");
    }
  }
  SECTION("table ops, amax and amin: int8, int16") {
    for (const char* op : {"aten.sigmoid.default", "aten.pow.Tensor_Scalar", "aten.amax.default"}) {
      INFO(op);
      CHECK(unary_verdict(op, dtype::int16, {1, 4}) == "delegated");
      CHECK(unary_verdict(op, dtype::int32, {1, 4}) == "dtype_table");
      CHECK(unary_verdict(op, dtype::int32, {1, 4}, {}, u85) == "delegated");
    }
  }
  SECTION("mm and bmm: every input int8") {
    const auto mm = [](dtype type) {
      builder b;
      const node_index x = b.input(type, {4, 4});
      const node_index y = b.input(dtype::int8, {4, 4});
      return std::pair{b.add("aten.mm.default", {x, y}, dtype::int32, {4, 4}), std::move(b.g)};
    };
    const auto [int8_mm, g8] = mm(dtype::int8);
    const auto [int16_mm, g16] = mm(dtype::int16);
    CHECK(verdict(g8, int8_mm) == "delegated");
    CHECK(verdict(g16, int16_mm) == "dtype_table");
    CHECK(verdict(g16, int16_mm, u85) == "delegated");
  }
}

TEST_CASE("reference U55: _to_dim_order_copy casts", "[reference]") {
  const auto cast = [](dtype from, dtype to, bool on_u85 = false) {
    const auto [g, n] = unary("dim_order_ops._to_dim_order_copy.default", from, {4}, to, {4},
                              {{"dtype", std::string(qlower::to_string(to))}});
    return verdict(g, n, on_u85);
  };
  SECTION("the INT-profile table") {
    CHECK(cast(dtype::int8, dtype::int16) == "delegated");
    CHECK(cast(dtype::int16, dtype::int32) == "delegated");
    CHECK(cast(dtype::int32, dtype::int32) == "delegated");
    CHECK(cast(dtype::int8, dtype::uint8) == "cast");
    CHECK(cast(dtype::int8, dtype::uint8, u85) == "cast");
    CHECK(cast(dtype::int8, dtype::float32) == "cast");
    CHECK(cast(dtype::int64, dtype::int32) == "cast");
    CHECK(cast(dtype::bool_, dtype::int8, u85) == "delegated");
    CHECK(cast(dtype::uint8, dtype::uint8) == "delegated");
  }
  SECTION("EthosU55CastCheck: no cast from int32 or bool, none to bool") {
    CHECK(cast(dtype::int32, dtype::int8) == "cast");
    CHECK(cast(dtype::int32, dtype::int8, u85) == "delegated");
    CHECK(cast(dtype::int8, dtype::int32) == "delegated");
    // bool is banned on the U55 before the cast check runs.
    CHECK(cast(dtype::int8, dtype::bool_) == "dtype_banned");
    CHECK(cast(dtype::int8, dtype::bool_, u85) == "delegated");
  }
  SECTION("an unlisted cast feeding only identity quantizes") {
    const auto identity_cast = [](double scale) {
      builder b;
      const node_index x = b.input(dtype::int8, {4});
      const node_index c = b.add("dim_order_ops._to_dim_order_copy.default", {x}, dtype::uint8, {4},
                                 {{"dtype", "uint8"}});
      b.add("quantized_decomposed.quantize_per_tensor.default", {c}, dtype::int8, {4},
            {{"scale", scale}, {"zero_point", 0}, {"dtype", "int8"}});
      return verdict(b.g, c);
    };
    CHECK(identity_cast(1.0) == "delegated");
    CHECK(identity_cast(0.5) == "cast");
  }
}

TEST_CASE("reference U55: the permute quick test", "[reference]") {
  const auto permute = [](shape dims, bool on_u85 = false) {
    std::vector<std::int64_t> identity;
    for (std::size_t axis = 0; axis < dims.rank(); ++axis)
      identity.push_back(static_cast<std::int64_t>(axis));
    attribute::list order(identity.begin(), identity.end());
    return unary_verdict("aten.permute_copy.default", dtype::int8, std::move(dims),
                         {{"dims", attribute(std::move(order))}}, on_u85);
  };
  // Rank 4: every pair of dims.
  CHECK(permute({1, 256, 256, 1}) == "delegated");
  CHECK(permute({1, 256, 257, 1}) == "permute_needs_split");
  CHECK(permute({257, 1, 1, 256}) == "permute_needs_split");
  CHECK(permute({1, 256, 257, 1}, u85) == "delegated");
  // Ranks 2 and 3: every single dim.
  CHECK(permute({65536, 2, 2}) == "delegated");
  CHECK(permute({65537, 1, 1}) == "permute_needs_split");
  CHECK(permute({2, 65537}) == "permute_needs_split");
  // Rank 5: every triple; rank 6: every 4-tuple.
  CHECK(permute({16, 16, 256, 1, 1}) == "delegated");
  CHECK(permute({16, 16, 257, 1, 1}) == "permute_needs_split");
  CHECK(permute({16, 1, 16, 1, 256, 1}) == "delegated");
  CHECK(permute({16, 1, 16, 2, 256, 1}) == "permute_needs_split");
}

//===--- Registered checks: convolution ---===//

struct conv_case {
  shape input{1, 16, 32, 32};
  shape weight{16, 16, 3, 3};
  shape output{1, 16, 32, 32};
  dtype input_type = dtype::int8;
  dtype weight_type = dtype::int8;
  std::optional<dtype> bias_type = dtype::int32;
  attribute_map attrs{{"stride", ints({1, 1})},         {"padding", ints({1, 1})},
                      {"dilation", ints({1, 1})},       {"transposed", false},
                      {"output_padding", ints({0, 0})}, {"groups", 1}};
  std::string weight_op = "const";

  std::string verdict_on(bool on_u85 = false) const {
    builder b;
    const node_index x = b.input(input_type, input);
    node_index w = b.constant(weight_type, weight);
    if (weight_op != "const")
      w = b.add(weight_op, {w}, weight_type, weight, {{"axis", 0}, {"dtype", "int8"}});
    const node_index bias = bias_type ? b.constant(*bias_type, {weight[0]}) : no_node;
    const node_index conv =
        b.add("aten.convolution.default", {x, w, bias}, dtype::int8, output, attrs);
    return verdict(b.g, conv, on_u85);
  }
};

TEST_CASE("reference U55: convolution stride, padding and dilation", "[reference]") {
  conv_case conv;
  CHECK(conv.verdict_on() == "delegated");
  conv.attrs["stride"] = ints({3, 3});
  CHECK(conv.verdict_on() == "delegated");
  conv.attrs["stride"] = ints({4, 4});
  CHECK(conv.verdict_on() == "convolution");
  CHECK(conv.verdict_on(u85) == "delegated");
  conv.attrs["padding"] = ints({0, 0});
  CHECK(conv.verdict_on() == "delegated");
  conv.attrs["dilation"] = ints({2, 2});
  CHECK(conv.verdict_on() == "convolution");
  conv.attrs["dilation"] = ints({1});  // broadcast to both axes
  CHECK(conv.verdict_on() == "delegated");
  conv.attrs["stride"] = ints({0});
  conv.attrs["padding"] = ints({1});
  CHECK(conv.verdict_on() == "convolution");
}

TEST_CASE("reference U55: convolution channels and depthwise dims", "[reference]") {
  conv_case conv;
  conv.weight = {16, 65536, 1, 1};
  conv.input = {1, 65536, 1, 1};
  conv.output = {1, 16, 1, 1};
  CHECK(conv.verdict_on() == "delegated");
  conv.weight = {16, 65537, 1, 1};
  conv.input = {1, 65537, 1, 1};
  CHECK(conv.verdict_on() == "convolution");
  CHECK(conv.verdict_on(u85) == "delegated");

  conv_case depthwise;
  depthwise.attrs["groups"] = 16;
  depthwise.weight = {16, 1, 1, 1};
  depthwise.attrs["padding"] = ints({0, 0});
  depthwise.input = {1, 16, 1, 65536};
  depthwise.output = {1, 16, 1, 65536};
  CHECK(depthwise.verdict_on() == "delegated");
  depthwise.input = {1, 16, 1, 65537};
  depthwise.output = {1, 16, 1, 65537};
  CHECK(depthwise.verdict_on() == "convolution");
  // The same wide input in a non-depthwise conv: only C_in is limited.
  conv_case plain;
  plain.weight = {16, 16, 1, 1};
  plain.attrs["padding"] = ints({0, 0});
  plain.input = {1, 16, 1, 65537};
  plain.output = {1, 16, 1, 65537};
  CHECK(plain.verdict_on() == "delegated");
}

TEST_CASE("reference U55: convolution kernel limits", "[reference]") {
  conv_case conv;
  conv.attrs["padding"] = ints({0, 0});
  conv.weight = {16, 16, 1, 64};  // weight[3] (the code's kernel_h) at most 64
  CHECK(conv.verdict_on() == "delegated");
  conv.weight = {16, 16, 1, 65};
  CHECK(conv.verdict_on() == "convolution");
  conv.weight = {16, 16, 4096, 1};  // kH·kW at most 4096
  CHECK(conv.verdict_on() == "delegated");
  conv.weight = {16, 16, 4097, 1};
  CHECK(conv.verdict_on() == "convolution");
  CHECK(conv.verdict_on(u85) == "delegated");
  conv.weight = {16, 16, 65, 64};
  CHECK(conv.verdict_on() == "convolution");
}

TEST_CASE("reference U55: 3-D convolution", "[reference]") {
  conv_case conv;
  conv.input = {1, 16, 4, 4, 4};
  conv.output = {1, 16, 4, 4, 4};
  conv.weight = {16, 16, 1, 1, 1};
  conv.attrs["stride"] = ints({1, 1, 1});
  conv.attrs["padding"] = ints({0, 0, 0});
  conv.attrs["dilation"] = ints({1, 1, 1});
  conv.attrs["output_padding"] = ints({0, 0, 0});
  CHECK(conv.verdict_on() == "delegated");
  conv.attrs["stride"] = ints({1, 1, 2});
  CHECK(conv.verdict_on() == "convolution");
  conv.attrs["stride"] = ints({1, 1, 1});
  conv.weight = {16, 16, 1, 1, 2};
  CHECK(conv.verdict_on() == "convolution");
  CHECK(conv.verdict_on(u85) == "delegated");
}

TEST_CASE("reference U55: convolution output padding, attributes and dtypes", "[reference]") {
  conv_case conv;
  conv.attrs["output_padding"] = ints({1, 0});
  CHECK(conv.verdict_on() == "convolution");
  CHECK(conv.verdict_on(u85) == "convolution");

  conv_case missing;
  missing.attrs.erase("stride");
  CHECK(missing.verdict_on() == "convolution");
  CHECK(missing.verdict_on(u85) == "convolution");
  conv_case ill_typed;
  ill_typed.attrs["groups"] = "one";
  CHECK(ill_typed.verdict_on() == "convolution");

  conv_case types;
  types.input_type = dtype::int16;
  CHECK(types.verdict_on() == "delegated");
  types.input_type = dtype::int32;
  CHECK(types.verdict_on() == "dtype_table");
  CHECK(types.verdict_on(u85) == "delegated");
  types.input_type = dtype::int8;
  types.weight_type = dtype::int16;
  CHECK(types.verdict_on() == "dtype_table");
  types.weight_type = dtype::int8;
  types.bias_type = dtype::int8;
  CHECK(types.verdict_on() == "dtype_table");
  types.bias_type = std::nullopt;
  CHECK(types.verdict_on() == "delegated");
}

TEST_CASE("reference U55: transposed convolution", "[reference]") {
  conv_case conv;
  conv.attrs["transposed"] = true;
  conv.attrs["stride"] = ints({2, 2});
  conv.attrs["padding"] = ints({2, 2});
  conv.weight = {16, 16, 3, 3};
  conv.output = {1, 16, 61, 61};
  CHECK(conv.verdict_on() == "delegated");
  SECTION("all profiles: padding below the kernel") {
    conv.attrs["padding"] = ints({3, 3});
    CHECK(conv.verdict_on() == "convolution");
    CHECK(conv.verdict_on(u85) == "convolution");
    conv.attrs["padding"] = ints({2, 2});
    conv.attrs["output_padding"] = ints({-1, 0});  // -pad + out_pad == -kernel
    CHECK(conv.verdict_on(u85) == "convolution");
  }
  SECTION("all profiles: dilation 1, 4-D weight, no grouped per-channel weight") {
    conv.attrs["dilation"] = ints({2, 2});
    CHECK(conv.verdict_on(u85) == "convolution");
    conv.attrs["dilation"] = ints({1, 1});
    conv.weight = {16, 16, 3};
    CHECK(conv.verdict_on(u85) == "convolution");
    conv.weight = {16, 8, 3, 3};
    conv.attrs["groups"] = 2;
    CHECK(conv.verdict_on(u85) == "delegated");
    conv.weight_op = "quantized_decomposed.quantize_per_channel.default";
    CHECK(conv.verdict_on(u85) == "convolution");
  }
  SECTION("U55: strides (1,1) and (2,2), (1,2) only for a one-row input and kernel") {
    conv.attrs["stride"] = ints({3, 3});
    CHECK(conv.verdict_on() == "convolution");
    CHECK(conv.verdict_on(u85) == "delegated");
    conv.attrs["stride"] = ints({1, 2});
    CHECK(conv.verdict_on() == "convolution");
    conv.input = {1, 16, 1, 32};
    conv.weight = {16, 16, 1, 3};
    conv.attrs["padding"] = ints({0, 0});
    CHECK(conv.verdict_on() == "delegated");
  }
  SECTION("U55: kernel and input dims") {
    conv.attrs["padding"] = ints({0, 0});
    conv.weight = {16, 16, 64, 64};
    CHECK(conv.verdict_on() == "delegated");
    conv.weight = {16, 16, 65, 1};
    CHECK(conv.verdict_on() == "convolution");
    conv.weight = {16, 16, 64, 65};
    CHECK(conv.verdict_on() == "convolution");
    conv.weight = {65537, 16, 1, 1};
    conv.input = {1, 65537, 1, 1};
    CHECK(conv.verdict_on() == "convolution");
    CHECK(conv.verdict_on(u85) == "delegated");
  }
}

//===--- Registered checks: pooling and sum ---===//

std::string pool_verdict(const std::string& op, shape in, shape out, attribute_map attrs,
                         bool on_u85 = false) {
  const auto [g, n] =
      unary(op, dtype::int8, std::move(in), dtype::int8, std::move(out), std::move(attrs));
  return verdict(g, n, on_u85);
}

TEST_CASE("reference U55: avg_pool2d stride, batch and dims", "[reference]") {
  const auto avg = [](std::int64_t stride, shape in = {1, 16, 32, 32}, bool on_u85 = false) {
    return pool_verdict("aten.avg_pool2d.default", std::move(in), {1, 16, 8, 8},
                        {{"kernel_size", ints({2, 2})}, {"stride", ints({stride, stride})}},
                        on_u85);
  };
  CHECK(avg(3) == "delegated");
  CHECK(avg(4) == "pooling");
  CHECK(avg(4, {1, 16, 32, 32}, u85) == "delegated");
  CHECK(avg(0) == "pooling");
  CHECK(avg(2, {2, 16, 32, 32}) == "pooling");
  CHECK(avg(2, {2, 16, 32, 32}, u85) == "delegated");
  CHECK(avg(2, {1, 1, 65536, 8}) == "delegated");
  CHECK(avg(2, {1, 1, 65537, 8}) == "pooling");
  CHECK(avg(2, {16, 32, 32}) == "pooling");  // Vela pools are 4-D
}

TEST_CASE("reference U55: pool stride defaults to the kernel", "[reference]") {
  const auto avg = [](attribute_map attrs) {
    return pool_verdict("aten.avg_pool2d.default", {1, 16, 32, 32}, {1, 16, 8, 8},
                        std::move(attrs));
  };
  CHECK(avg({{"kernel_size", ints({3, 3})}, {"stride", ints({})}}) == "delegated");
  CHECK(avg({{"kernel_size", ints({4, 4})}, {"stride", ints({})}}) == "pooling");
  CHECK(avg({{"kernel_size", ints({4, 4})}}) == "pooling");
  CHECK(avg({{"kernel_size", 3}}) == "delegated");      // int[2] takes one int
  CHECK(avg({{"stride", ints({1, 1})}}) == "pooling");  // kernel_size has no default
  CHECK(avg({{"kernel_size", ints({2, 2})}, {"padding", "none"}}) == "pooling");
}

TEST_CASE("reference U55: pool kernel limits", "[reference]") {
  const auto avg = [](std::int64_t kh, std::int64_t kw) {
    return pool_verdict("aten.avg_pool2d.default", {1, 1, 300, 300}, {1, 1, 1, 1},
                        {{"kernel_size", ints({kh, kw})}, {"stride", ints({1, 1})}});
  };
  CHECK(avg(1, 256) == "delegated");
  CHECK(avg(1, 257) == "pooling");
  CHECK(avg(256, 256) == "delegated");
  CHECK(avg(257, 256) == "pooling");
  CHECK(avg(0, 2) == "pooling");
}

TEST_CASE("reference U55: avg_pool2d padding needs a kernel of at most 8", "[reference]") {
  const auto avg = [](std::int64_t kernel, std::int64_t stride, std::int64_t size,
                      attribute_map extra) {
    extra["kernel_size"] = ints({kernel, kernel});
    extra["stride"] = ints({stride, stride});
    return pool_verdict("aten.avg_pool2d.default", {1, 4, size, size}, {1, 4, 4, 4},
                        std::move(extra));
  };
  const attribute_map padded{{"padding", ints({1, 1})}, {"count_include_pad", false}};
  CHECK(avg(8, 1, 32, padded) == "delegated");
  CHECK(avg(9, 1, 32, padded) == "pooling");
  // count_include_pad (the default) or a divisor pads by concatenation instead.
  CHECK(avg(9, 1, 32, {{"padding", ints({1, 1})}}) == "delegated");
  CHECK(avg(9, 1, 32,
            {{"padding", ints({1, 1})}, {"count_include_pad", false}, {"divisor_override", 2}}) ==
        "delegated");
  // No padding, but the adjusted post-pad is not zero: (32 - 9) % 2 != 0 gives -1.
  const attribute_map unpadded{{"padding", ints({0, 0})}, {"count_include_pad", false}};
  CHECK(avg(9, 2, 33, unpadded) == "delegated");
  CHECK(avg(9, 2, 32, unpadded) == "pooling");
  attribute_map ceil = unpadded;
  ceil["ceil_mode"] = true;
  CHECK(avg(9, 2, 33, ceil) == "delegated");
  CHECK(avg(9, 2, 32, ceil) == "pooling");  // ceil gives +1
}

TEST_CASE("reference U55: max_pool2d limits and the dilation rule", "[reference]") {
  const auto max_pool = [](std::int64_t stride, std::int64_t dilation, shape out,
                           bool on_u85 = false, const std::string& op = "aten.max_pool2d.default") {
    return pool_verdict(op, {2, 16, 32, 32}, std::move(out),
                        {{"kernel_size", ints({2, 2})},
                         {"stride", ints({stride, stride})},
                         {"dilation", ints({dilation, dilation})}},
                        on_u85);
  };
  // N == 2 is fine: max_pool2d has no batch check.
  CHECK(max_pool(3, 1, {2, 16, 11, 11}) == "delegated");
  // Stride 4 is past Vela's limit, but the large-stride decomposition takes a
  // 2x2 kernel that fits the 32x32 input.
  CHECK(max_pool(4, 1, {2, 16, 8, 8}) == "delegated");
  CHECK(max_pool(4, 1, {2, 16, 8, 8}, u85) == "delegated");
  CHECK(max_pool(1, 2, {2, 16, 30, 30}) == "delegated");
  CHECK(max_pool(2, 2, {2, 16, 15, 15}) == "pooling");
  CHECK(max_pool(2, 2, {2, 16, 15, 15}, u85) == "pooling");
  CHECK(max_pool(2, 2, {2, 16, 1, 1}, u85) == "delegated");
  CHECK(max_pool(4, 1, {2, 16, 8, 8}, false, "aten.max_pool2d_with_indices.default") ==
        "delegated");
  // A kernel larger than the input cannot be decomposed.
  CHECK(pool_verdict("aten.max_pool2d.default", {1, 16, 2, 2}, {1, 16, 1, 1},
                     {{"kernel_size", ints({3, 3})}, {"stride", ints({4, 4})}},
                     false) == "pooling");
}

TEST_CASE("reference U55: sum limits on the reduced dim and the dims around it", "[reference]") {
  const auto sum = [](shape in, attribute dim, bool on_u85 = false) {
    return pool_verdict("aten.sum.dim_IntList", std::move(in), {1},
                        {{"dim", std::move(dim)}, {"keepdim", false}}, on_u85);
  };
  CHECK(sum({1, 65536, 2}, ints({1})) == "delegated");
  CHECK(sum({1, 65537, 2}, ints({1})) == "reduction");
  CHECK(sum({1, 65537, 2}, ints({1}), u85) == "delegated");
  CHECK(sum({65536, 2, 2}, ints({1})) == "delegated");
  CHECK(sum({65537, 2, 2}, ints({1})) == "reduction");
  CHECK(sum({2, 2, 65536}, ints({1})) == "delegated");
  CHECK(sum({2, 2, 65537}, ints({1})) == "reduction");
  CHECK(sum({2, 2, 65537}, ints({-2})) == "reduction");
  CHECK(sum({2, 2, 65537}, ints({0})) == "reduction");  // after it: 2 * 65537
  CHECK(sum({2, 0, 2}, ints({1})) == "reduction");
  CHECK(sum({2, 2}, ints({2})) == "reduction");
  CHECK(sum({2, 65537}, nullptr) == "reduction");  // null reduces every dim
  CHECK(sum({2, 2}, nullptr) == "delegated");
  CHECK(pool_verdict("aten.sum.dim_IntList", {2, 2}, {1}, {}) == "reduction");
}

}  // namespace
