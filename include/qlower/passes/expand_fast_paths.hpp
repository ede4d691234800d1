// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/passes/fuse_batch_norm.hpp"
#include "qlower/passes/graph_edit.hpp"

/// Fused "fast path" ops that a tracer emits where torch.export writes the
/// math (lowering.md 3, attention), expanded into that math so that both the
/// Ethos-U and the Vulkan flows see what ExecuTorch's would. Each is stated on
/// its op type as a specialisation of fast_path_expansion<Op>.

namespace qlower::passes {

/// `static std::variant<replacement, std::string> decompose(g, n, plan)`: the
/// math `n` fuses, or why `n` stays. The primary template declares none.
template <class Op>
struct fast_path_expansion {};

/// torchvision's eval fast path of nn.MultiheadAttention, as the math that
/// torch.export writes and DecomposeScaledDotProductAttention leaves: for
/// self-attention on [B, L, E] with H heads of D = E / H,
/// qkv = linear(x), q, k, v = slices of qkv split into heads ([B*H, L, D]),
/// y = linear(bmm(softmax(bmm(q, k^T) / sqrt(D)), v) joined back to [B, L, E]).
/// The softmax stays one op (Vulkan runs it; the Arm quantizer decomposes it).
template <>
struct fast_path_expansion<ops::aten::_native_multi_head_attention_default> {
  static std::variant<replacement, std::string> decompose(const graph::plain_graph& g,
                                                          graph::node_index n, edit_plan& plan) {
    const auto readers = detail::first_output_readers(g, n);
    if (const auto* why = std::get_if<std::string>(&readers))
      return *why;
    const auto inputs = g.inputs(n);
    if (inputs.size() < 7 || inputs.size() > 8)
      return "it takes " + std::to_string(inputs.size()) + " inputs, not 7 or 8";
    for (std::size_t k = 0; k < 7; ++k) {
      if (inputs[k] == graph::no_node)
        return "input " + std::to_string(k) + " is absent";
    }
    if (inputs[1] != inputs[0] || inputs[2] != inputs[0])
      return std::string("its query, key and value are not one tensor (not self-attention)");
    if (inputs.size() == 8 && inputs[7] != graph::no_node)
      return std::string("it has an attention mask");
    const graph::node& source = g[n];
    const graph::tensor_type value = source.outputs.front();
    if (!is_floating_point(value.type))
      return "its output is " + std::string(to_string(value.type)) + ", not floating point";
    const auto dims = g.output_dims(inputs[0], 0);
    if (dims.size() != 3)
      return "its query has rank " + std::to_string(dims.size()) +
             ", not 3 ([batch, length, embed])";
    const std::int64_t batch = dims[0];
    const std::int64_t length = dims[1];
    const std::int64_t embed = dims[2];
    auto integer = [&](const char* name) -> std::optional<std::int64_t> {
      const graph::attribute* found = g.attribute_of(n, name);
      const std::int64_t* v = found ? found->as_int() : nullptr;
      return v ? std::optional<std::int64_t>(*v) : std::nullopt;
    };
    const auto embed_dim = integer("embed_dim");
    const auto heads = integer("num_head");
    if (!embed_dim || *embed_dim != embed) {
      return "embed_dim " + (embed_dim ? std::to_string(*embed_dim) : std::string("(missing)")) +
             " is not the query's last dimension " + std::to_string(embed);
    }
    if (!heads || *heads <= 0 || embed % *heads != 0) {
      return "num_head " + (heads ? std::to_string(*heads) : std::string("(missing)")) +
             " does not divide embed_dim " + std::to_string(embed);
    }
    const std::int64_t head_dim = embed / *heads;
    const std::vector<std::vector<std::int64_t>> parameter_dims{
        {3 * embed, embed}, {3 * embed}, {embed, embed}, {embed}};
    for (std::size_t k = 0; k < parameter_dims.size(); ++k) {
      const auto found = g.output_dims(inputs[3 + k], 0);
      if (!std::equal(found.begin(), found.end(), parameter_dims[k].begin(),
                      parameter_dims[k].end())) {
        return "'" + g[inputs[3 + k]].id + "' has shape " +
               shape{{found.begin(), found.end()}}.to_string() + ", not " +
               shape{parameter_dims[k]}.to_string();
      }
    }

    const dtype type = value.type;
    auto typed = [type](std::vector<std::int64_t> d) { return graph::tensor_type{type, shape{d}}; };
    auto ints = [](std::initializer_list<std::int64_t> values) {
      graph::attribute::list list;
      for (std::int64_t v : values)
        list.emplace_back(v);
      return graph::attribute(std::move(list));
    };
    const std::int64_t h = *heads;
    replacement_builder with(plan, source.id);
    const auto x = inputs[0];
    const auto qkv = with.add("qkv", "aten.linear.default", {x, inputs[3], inputs[4]}, {},
                              typed({batch, length, 3 * embed}));
    // q, k and v as [B*H, L, D]; k transposed to [B*H, D, L].
    std::array<graph::node_index, 3> split{};
    const char* names[3] = {"q", "k", "v"};
    for (std::int64_t part = 0; part < 3; ++part) {
      const std::string name = names[part];
      const auto slice = with.add(name, "aten.slice.Tensor", {qkv},
                                  {{"dim", std::int64_t{2}},
                                   {"start", part * embed},
                                   {"end", (part + 1) * embed},
                                   {"step", std::int64_t{1}}},
                                  typed({batch, length, embed}));
      const auto by_head = with.add(name + "_heads", "aten.view.default", {slice},
                                    {{"size", ints({batch, length, h, head_dim})}},
                                    typed({batch, length, h, head_dim}));
      const bool transposed = part == 1;
      const auto moved = with.add(
          name + "_permute", "aten.permute.default", {by_head},
          {{"dims", transposed ? ints({0, 2, 3, 1}) : ints({0, 2, 1, 3})}},
          transposed ? typed({batch, h, head_dim, length}) : typed({batch, h, length, head_dim}));
      split[static_cast<std::size_t>(part)] = with.add(
          name + "_batched", "aten.view.default", {moved},
          {{"size", transposed ? ints({batch * h, head_dim, length})
                               : ints({batch * h, length, head_dim})}},
          transposed ? typed({batch * h, head_dim, length}) : typed({batch * h, length, head_dim}));
    }
    const auto scores = with.add("scores", "aten.bmm.default", {split[0], split[1]}, {},
                                 typed({batch * h, length, length}));
    const auto scale = with.constant(
        "scale", typed({1}),
        std::vector<double>{static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)))});
    const auto scaled = with.add("scaled", "aten.mul.Tensor", {scores, scale}, {},
                                 typed({batch * h, length, length}));
    const auto weights = with.add("softmax", "aten._softmax.default", {scaled},
                                  {{"dim", std::int64_t{-1}}, {"half_to_float", false}},
                                  typed({batch * h, length, length}));
    const auto context = with.add("context", "aten.bmm.default", {weights, split[2]}, {},
                                  typed({batch * h, length, head_dim}));
    const auto by_head = with.add("context_heads", "aten.view.default", {context},
                                  {{"size", ints({batch, h, length, head_dim})}},
                                  typed({batch, h, length, head_dim}));
    const auto moved =
        with.add("context_permute", "aten.permute.default", {by_head},
                 {{"dims", ints({0, 2, 1, 3})}}, typed({batch, length, h, head_dim}));
    const auto joined =
        with.add("context_joined", "aten.view.default", {moved},
                 {{"size", ints({batch, length, embed})}}, typed({batch, length, embed}));
    with.add("out", "aten.linear.default", {joined, inputs[5], inputs[6]}, {}, value);
    for (graph::node_index reader : std::get<std::vector<graph::node_index>>(readers))
      plan.forward(reader, n);
    return std::move(with).finish();
  }
};

/// Expands every fast-path op of `g` that fast_path_expansion covers; one that
/// cannot be expanded stays, with a note in `notes` saying why.
inline graph::plain_graph expand_fast_paths(const graph::plain_graph& g,
                                            std::vector<pass_note>* notes = nullptr) {
  return decompose_until_settled(g, decompose_table<fast_path_expansion>, "expand_fast_paths",
                                 "not expanded: ", notes);
}

}  // namespace qlower::passes
