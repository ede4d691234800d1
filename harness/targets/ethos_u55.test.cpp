// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/ethos_u55.hpp"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/targets/generators.hpp"
#include "qlower/ops/op_table.hpp"
#include "reference/targets/ethos_u55.hpp"

namespace {

using namespace qlower;

std::string dtypes_of(std::string_view op) {
  const auto& entry = targets::dtype_table<targets::ethos_u55>[ops::find_op(op)];
  return entry ? entry->to_string() : "unrestricted";
}

TEST_CASE("the U55 dtype table of ethos-u55.md 2.2, answered for aliases and variants too",
          "[targets][ethos_u55]") {
  for (const char* op :
       {"aten.permute.default", "aten.permute_copy.default", "aten.cat.default",
        "aten.concat.default", "aten.view.default", "aten.view_copy.default",
        "aten.expand_copy.default", "aten.repeat.default", "aten.constant_pad_nd.default"}) {
    CAPTURE(op);
    CHECK(dtypes_of(op) == "int8, int16, int32");
  }
  for (const char* op : {"aten.sigmoid.default", "aten.tanh.default", "aten.gelu.default",
                         "aten.amax.default", "aten.convolution.default"}) {
    CAPTURE(op);
    CHECK(dtypes_of(op) == "int8, int16");
  }
  CHECK(dtypes_of("aten.mm.default") == "int8");
  CHECK(dtypes_of("aten.add.Tensor") == "unrestricted");
}

}  // namespace

namespace {

using graph::node_index;
using targets::reason;

/// A graph whose last node is `op` on inputs of the given dtypes and dims; returns its index.
struct one_op {
  graph::plain_graph g{"one op"};
  node_index n = 0;

  one_op(std::string op, std::vector<std::pair<dtype, std::vector<std::int64_t>>> inputs,
         dtype out_type, std::vector<std::int64_t> out_dims, graph::attribute_map attrs = {}) {
    std::vector<node_index> ids;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      ids.push_back(g.add_node(graph::node{"in" + std::to_string(k),
                                           k == 0 ? "input" : "const",
                                           {},
                                           {},
                                           {{inputs[k].first, shape(inputs[k].second)}},
                                           {}}));
    }
    n = g.add_node(graph::node{
        "op", std::move(op), ids, std::move(attrs), {{out_type, shape(std::move(out_dims))}}, {}});
    g.set_outputs({n});
  }

  template <class Target = targets::ethos_u55>
  std::optional<reason> rejected() const {
    const auto result = Target::check(g, n);
    return result ? std::optional(result->code) : std::nullopt;
  }
};

graph::attribute ints(std::vector<std::int64_t> values) {
  graph::attribute::list items;
  for (auto v : values)
    items.emplace_back(v);
  return items;
}

graph::attribute_map conv_attrs(std::vector<std::int64_t> stride, std::vector<std::int64_t> padding,
                                bool transposed = false, std::int64_t groups = 1) {
  return {{"stride", ints(stride)},   {"padding", ints(padding)},       {"dilation", ints({1, 1})},
          {"transposed", transposed}, {"output_padding", ints({0, 0})}, {"groups", groups}};
}

constexpr dtype i8 = dtype::int8;

TEST_CASE("the INT list, the registered checks and unknown ops", "[targets][ethos_u55]") {
  CHECK(one_op("aten.relu.default", {{i8, {1, 8}}}, i8, {1, 8}).rejected() == std::nullopt);
  CHECK(one_op("aten.softmax.int", {{i8, {1, 8}}}, i8, {1, 8}).rejected() ==
        reason::not_in_profile);
  CHECK(one_op("vendor.op.default", {{i8, {1, 8}}}, i8, {1, 8}).rejected() == reason::unknown_op);
  // permute.default is not an edge op: only permute_copy is on the list.
  CHECK(one_op("aten.permute.default", {{i8, {1, 8}}}, i8, {8, 1}).rejected() ==
        reason::not_in_profile);
  one_op input("aten.relu.default", {{i8, {1, 8}}}, i8, {1, 8});
  CHECK(targets::ethos_u55::check(input.g, 0)->code == reason::graph_input);
}

TEST_CASE("the negative checks of 2.1, in order", "[targets][ethos_u55]") {
  const std::vector<std::int64_t> rank7{1, 1, 1, 1, 1, 1, 2};
  CHECK(one_op("aten.relu.default", {{i8, rank7}}, i8, rank7).rejected() == reason::rank);
  CHECK(one_op("aten.relu.default", {{dtype::float32, {4}}}, i8, {4}).rejected() ==
        reason::not_quantized);
  CHECK(one_op("aten.relu.default", {{i8, {4}}}, dtype::float32, {4}).rejected() ==
        reason::not_quantized);
  // int64 from a graph input is refused; the same value as a constant is allowed.
  CHECK(one_op("aten.add.Tensor", {{dtype::int64, {4}}, {i8, {4}}}, i8, {4}).rejected() ==
        reason::int64);
  CHECK(one_op("aten.add.Tensor", {{i8, {4}}, {dtype::int64, {4}}}, i8, {4}).rejected() ==
        std::nullopt);
  // The graph's output node is a user of argmax that is no int32 cast.
  CHECK(one_op("aten.argmax.default", {{i8, {4}}}, dtype::int64, {1}).rejected() ==
        reason::argmax_users);
  {
    // argmax as the index of an int32 cast is fine as far as its users go (its
    // int64 output is still refused).
    one_op argmax("aten.argmax.default", {{i8, {4}}}, i8, {1});
    const node_index cast = argmax.g.add_node({"cast",
                                               "dim_order_ops._to_dim_order_copy.default",
                                               {argmax.n},
                                               {{"dtype", "int32"}},
                                               {{dtype::int32, {1}}},
                                               {}});
    argmax.g.set_outputs({cast});
    CHECK(argmax.rejected() == std::nullopt);
    argmax.g.add_node({"other", "aten.relu.default", {argmax.n}, {}, {{i8, {1}}}, {}});
    CHECK(argmax.rejected() == reason::argmax_users);
  }
  CHECK(one_op("aten.abs.default", {{dtype::bool_, {4}}}, dtype::bool_, {4}).rejected() ==
        reason::dtype_banned);
  CHECK(one_op("aten.abs.default", {{dtype::bool_, {4}}}, dtype::bool_, {4})
            .rejected<targets::ethos_u85>() == std::nullopt);
  CHECK(one_op("quantized_decomposed.quantize_per_tensor.default", {{dtype::float64, {4}}}, i8, {4})
            .rejected() == reason::dtype_banned);
}

TEST_CASE("the U55 checks of 2.2 and what U85 drops", "[targets][ethos_u55]") {
  CHECK(one_op("aten.eq.Tensor", {{i8, {4}}, {i8, {4}}}, dtype::int8, {4}).rejected() ==
        reason::never_supported);
  CHECK(one_op("aten.eq.Tensor", {{i8, {4}}, {i8, {4}}}, dtype::int8, {4})
            .rejected<targets::ethos_u85>() == std::nullopt);
  // The dtype table: int32 permutes, not int32 sigmoids; mm only in int8.
  const graph::attribute_map perm{{"dims", ints({1, 0})}};
  CHECK(one_op("aten.permute_copy.default", {{dtype::int32, {4, 8}}}, dtype::int32, {8, 4}, perm)
            .rejected() == std::nullopt);
  CHECK(one_op("aten.sigmoid.default", {{dtype::int32, {4}}}, dtype::int32, {4}).rejected() ==
        reason::dtype_table);
  CHECK(one_op("aten.mm.default", {{dtype::int16, {4, 4}}, {i8, {4, 4}}}, i8, {4, 4}).rejected() ==
        reason::dtype_table);
  // Reverse: one channel or height axis of a rank-4 tensor.
  CHECK(one_op("aten.flip.default", {{i8, {1, 2, 3, 4}}}, i8, {1, 2, 3, 4}, {{"dims", ints({1})}})
            .rejected() == std::nullopt);
  CHECK(one_op("aten.flip.default", {{i8, {1, 2, 3, 4}}}, i8, {1, 2, 3, 4}, {{"dims", ints({3})}})
            .rejected() == reason::reverse);
  CHECK(one_op("aten.flip.default", {{i8, {1, 2, 3, 4}}}, i8, {1, 2, 3, 4}, {{"dims", ints({-2})}})
            .rejected() == std::nullopt);
  // Casts: not from int32 on U55; float is not in the INT cast table at all.
  const char* cast = "dim_order_ops._to_dim_order_copy.default";
  CHECK(one_op(cast, {{dtype::int32, {4}}}, i8, {4}).rejected() == reason::cast);
  CHECK(one_op(cast, {{dtype::int32, {4}}}, i8, {4}).rejected<targets::ethos_u85>() ==
        std::nullopt);
  CHECK(one_op(cast, {{i8, {4}}}, dtype::int16, {4}).rejected() == std::nullopt);
  CHECK(one_op(cast, {{dtype::float32, {4}}}, i8, {4}).rejected<targets::ethos_u85>() ==
        reason::cast);
}

TEST_CASE("the permute quick test: any r - 2 input dims multiply to at most 65536",
          "[targets][ethos_u55]") {
  const graph::attribute_map perm{{"dims", ints({0, 2, 1, 3})}};
  const char* permute = "aten.permute_copy.default";
  CHECK(one_op(permute, {{i8, {1, 256, 256, 1}}}, i8, {1, 256, 256, 1}, perm).rejected() ==
        std::nullopt);
  CHECK(one_op(permute, {{i8, {1, 256, 257, 1}}}, i8, {1, 257, 256, 1}, perm).rejected() ==
        reason::permute_needs_split);
  CHECK(one_op(permute, {{i8, {1, 256, 257, 1}}}, i8, {1, 257, 256, 1}, perm)
            .rejected<targets::ethos_u85>() == std::nullopt);
  CHECK(one_op(permute, {{i8, {65537, 2}}}, i8, {2, 65537}, {{"dims", ints({1, 0})}}).rejected() ==
        reason::permute_needs_split);
  const auto message =
      *targets::ethos_u55::check(one_op(permute, {{i8, {65537, 2}}}, i8, {2, 65537}).g, 1);
  CHECK(message.message.find("65536") != std::string::npos);
}

TEST_CASE("convolution limits: stride, kernel, channels, transposed strides",
          "[targets][ethos_u55]") {
  const char* conv = "aten.convolution.default";
  auto conv_node = [&](std::vector<std::int64_t> weight, graph::attribute_map attrs,
                       std::vector<std::int64_t> input = {1, 8, 16, 16}, dtype weight_type = i8) {
    return one_op(conv, {{i8, input}, {weight_type, weight}}, i8, {1, 8, 8, 8}, std::move(attrs));
  };
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({3, 3}, {1, 1})).rejected() == std::nullopt);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({4, 4}, {1, 1})).rejected() == reason::convolution);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({4, 4}, {0, 0})).rejected() == std::nullopt);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({4, 4}, {1, 1})).rejected<targets::ethos_u85>() ==
        std::nullopt);
  CHECK(conv_node({8, 8, 1, 65}, conv_attrs({1, 1}, {0, 0})).rejected() == reason::convolution);
  CHECK(conv_node({8, 8, 65, 64}, conv_attrs({1, 1}, {0, 0})).rejected() == reason::convolution);
  CHECK(conv_node({8, 8, 65, 64}, conv_attrs({1, 1}, {0, 0})).rejected<targets::ethos_u85>() ==
        std::nullopt);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({1, 1}, {1, 1}), {1, 8, 16, 16}, dtype::int16)
            .rejected() == reason::dtype_table);
  // Output padding only on transposed convolutions.
  auto padded = conv_attrs({1, 1}, {0, 0});
  padded["output_padding"] = ints({1, 0});
  CHECK(conv_node({8, 8, 3, 3}, padded).rejected<targets::ethos_u85>() == reason::convolution);
  // Transposed: (2, 2) is fine, (3, 3) is not on U55.
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({2, 2}, {1, 1}, true)).rejected() == std::nullopt);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({3, 3}, {1, 1}, true)).rejected() ==
        reason::convolution);
  CHECK(conv_node({8, 8, 3, 3}, conv_attrs({3, 3}, {1, 1}, true)).rejected<targets::ethos_u85>() ==
        std::nullopt);
  // aten.convolution has no defaults: a missing argument is an error of the node.
  auto bad = conv_attrs({1, 1}, {0, 0});
  bad.erase("groups");
  CHECK(conv_node({8, 8, 3, 3}, bad).rejected<targets::ethos_u85>() == reason::convolution);
}

TEST_CASE("extreme attribute and shape values are rejected, never overflowed",
          "[targets][ethos_u55]") {
  constexpr std::int64_t huge = std::int64_t{1} << 31;
  CHECK(one_op("aten.permute_copy.default", {{i8, {huge, huge, 1, 1}}}, i8, {1, 1, huge, huge},
               {{"dims", ints({2, 3, 0, 1})}})
            .rejected() == reason::permute_needs_split);
  auto transposed = conv_attrs({1, 1}, {0, 0}, true);
  transposed["padding"] = ints({std::numeric_limits<std::int64_t>::min(), 0});
  transposed["output_padding"] = ints({1, 0});
  CHECK(one_op("aten.convolution.default", {{i8, {1, 8, 4, 4}}, {i8, {8, 8, 3, 3}}}, i8,
               {1, 8, 4, 4}, transposed)
            .rejected<targets::ethos_u85>() == reason::convolution);
  const graph::attribute_map zero_stride{{"kernel_size", ints({2, 2})}, {"stride", ints({0, 0})}};
  CHECK(one_op("aten.max_pool2d.default", {{i8, {1, 8, 8, 8}}}, i8, {1, 8, 4, 4}, zero_stride)
            .rejected() == reason::pooling);
  CHECK(one_op("aten.upsample_nearest2d.vec", {{dtype::float32, {1, 8, 4, 4}}}, dtype::float32,
               {1, 8, 12, 12}, {{"scale_factors", nullptr}})
            .rejected() == reason::not_quantized);  // resize runs with the U55 checks, later
}

TEST_CASE("pooling, reduction and resize limits", "[targets][ethos_u55]") {
  const char* avg = "aten.avg_pool2d.default";
  const auto pool = [](std::vector<std::int64_t> kernel, std::vector<std::int64_t> stride,
                       std::vector<std::int64_t> padding, bool include_pad) {
    return graph::attribute_map{{"kernel_size", ints(std::move(kernel))},
                                {"stride", ints(std::move(stride))},
                                {"padding", ints(std::move(padding))},
                                {"count_include_pad", include_pad}};
  };
  CHECK(one_op(avg, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 16, 16}, pool({2, 2}, {2, 2}, {0, 0}, true))
            .rejected() == std::nullopt);
  CHECK(one_op(avg, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 8, 8}, pool({4, 4}, {4, 4}, {0, 0}, true))
            .rejected() == reason::pooling);
  CHECK(one_op(avg, {{i8, {2, 8, 32, 32}}}, i8, {2, 8, 16, 16}, pool({2, 2}, {2, 2}, {0, 0}, true))
            .rejected() == reason::pooling);
  // Padding counts only when it is excluded from the average: then kernels stop at 8.
  CHECK(one_op(avg, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 32, 32}, pool({9, 9}, {1, 1}, {1, 1}, true))
            .rejected() == std::nullopt);
  CHECK(one_op(avg, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 32, 32}, pool({9, 9}, {1, 1}, {1, 1}, false))
            .rejected() == reason::pooling);
  // max_pool2d with a large stride is rescued by the decomposition when the kernel fits.
  const char* max = "aten.max_pool2d.default";
  CHECK(one_op(max, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 8, 8}, pool({4, 4}, {4, 4}, {0, 0}, true))
            .rejected() == std::nullopt);
  CHECK(one_op(max, {{i8, {1, 8, 2, 2}}}, i8, {1, 8, 1, 1}, pool({3, 3}, {4, 4}, {0, 0}, true))
            .rejected() == reason::pooling);
  auto dilated = pool({2, 2}, {2, 2}, {0, 0}, true);
  dilated["dilation"] = ints({2, 2});
  CHECK(one_op(max, {{i8, {1, 8, 32, 32}}}, i8, {1, 8, 8, 8}, dilated)
            .rejected<targets::ethos_u85>() == reason::pooling);

  const char* sum = "aten.sum.dim_IntList";
  CHECK(one_op(sum, {{i8, {1, 256, 256, 2}}}, i8, {1, 256, 256, 1}, {{"dim", ints({3})}})
            .rejected() == std::nullopt);
  CHECK(one_op(sum, {{i8, {1, 256, 257, 2}}}, i8, {1, 256, 257, 1}, {{"dim", ints({3})}})
            .rejected() == reason::reduction);

  const char* resize = "aten.upsample_nearest2d.vec";
  CHECK(one_op(resize, {{i8, {1, 8, 4, 4}}}, i8, {1, 8, 8, 8}, {{"scale_factors", nullptr}})
            .rejected() == std::nullopt);
  CHECK(one_op(resize, {{i8, {1, 8, 4, 4}}}, i8, {1, 8, 12, 12}, {{"scale_factors", nullptr}})
            .rejected() == reason::resize);
  CHECK(one_op(resize, {{i8, {1, 8, 4, 4}}}, i8, {1, 8, 12, 12}, {{"scale_factors", nullptr}})
            .rejected<targets::ethos_u85>() == std::nullopt);
  CHECK(one_op(resize, {{i8, {1, 8, 4, 4}}}, i8, {1, 8, 8, 16},
               {{"scale_factors", graph::attribute::list{2.0, 4.0}}})
            .rejected() == reason::resize);
}

TEST_CASE("the fast checker agrees with the reference if-chains, rule for rule",
          "[targets][ethos_u55][property]") {
  const auto agree = [](bool u85) {
    const auto g = *harness::any_u55_graph(40);
    for (node_index n = 0; n < g.node_count(); ++n) {
      const auto fast = u85 ? targets::ethos_u85::check(g, n) : targets::ethos_u55::check(g, n);
      const auto slow = reference::ethos_u55_reject(g, n, u85);
      const auto fold = [](reason r) {
        return r == reason::unknown_op ? reason::not_in_profile : r;
      };
      const std::optional<reason> fast_code = fast ? std::optional(fold(fast->code)) : std::nullopt;
      const std::optional<reason> slow_code = slow ? std::optional(fold(*slow)) : std::nullopt;
      if (fast_code != slow_code) {
        RC_FAIL("node " + g[n].id + " (" + g[n].op + "): qlower " +
                (fast ? std::string(targets::to_string(fast->code)) + " (" + fast->message + ")"
                      : std::string("supported")) +
                ", reference " + (slow ? std::string(targets::to_string(*slow)) : "supported"));
      }
      RC_TAG(fast_code ? std::string(targets::to_string(*fast_code)) : "supported");
    }
  };
  rc::prop("Ethos-U55", [&] { agree(false); });
  rc::prop("Ethos-U85", [&] { agree(true); });
}

}  // namespace
