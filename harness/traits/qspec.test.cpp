// SPDX-License-Identifier: Apache-2.0
#include "qlower/traits/qspec.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/ops/op_table.hpp"

namespace {

using qlower::ops::find_op;
using qlower::ops::op_table;
using qlower::ops::unknown_op;
using qlower::traits::qspec_rule;

/// The rows of the Arm V1 decision table (arm-quantizer.md 1.1), transcribed
/// name by name from the spec: sets A (42), D (51) and E (19), the cat-like,
/// binary and min/max, weighted, comparison, fixed, constant and getitem rows.
struct row {
  qspec_rule rule;
  std::vector<std::string_view> names;
};
const std::vector<row> v1_rows{
    {qspec_rule::binary,
     {"aten.add.Tensor", "aten.bmm.default", "aten.maximum.default", "aten.minimum.default",
      "aten.mm.default", "aten.mul.Tensor", "aten.sub.Tensor"}},
    {qspec_rule::comparison,
     {"aten.eq.Tensor", "aten.ge.Tensor", "aten.gt.Tensor", "aten.le.Tensor", "aten.lt.Tensor"}},
    {qspec_rule::fixed,
     {"aten.acos.default", "aten.asin.default", "aten.atanh.default", "aten.grid_sampler.default",
      "aten.to.dtype"}},
    {qspec_rule::getitem, {"getitem"}},
    {qspec_rule::copy, {"aten.copy_.default"}},
    {qspec_rule::independent,
     {"aten.abs.default",         "aten.acosh.default",      "aten.asinh.default",
      "aten.atan.default",        "aten.ceil.default",       "aten.celu.default",
      "aten.cos.default",         "aten.cosh.default",       "aten.cumsum.default",
      "aten.elu.default",         "aten.erf.default",        "aten.erfinv.default",
      "aten.exp.default",         "aten.expm1.default",      "aten.floor.default",
      "aten.full_like.default",   "aten.gelu.default",       "aten.hardsigmoid.default",
      "aten.hardswish.default",   "aten.hardswish_.default", "aten.leaky_relu.default",
      "aten.leaky_relu_.default", "aten.log.default",        "aten.log10.default",
      "aten.log1p.default",       "aten.pow.Tensor_Scalar",  "aten.reciprocal.default",
      "aten.remainder.Scalar",    "aten.round.default",      "aten.rsqrt.default",
      "aten.selu.default",        "aten.sigmoid.default",    "aten.sign.default",
      "aten.silu.default",        "aten.silu_.default",      "aten.sin.default",
      "aten.sinh.default",        "aten.sum.default",        "aten.sum.dim_IntList",
      "aten.tan.default",         "aten.tanh.default",       "aten.zeros_like.default"}},
    {qspec_rule::output_only,
     {"aten.fill_.Scalar", "aten.full.default", "aten.ones.default", "aten.scalar_tensor.default",
      "aten.zeros.default"}},
    {qspec_rule::pass_through,
     {"aten._unsafe_view.default",
      "aten.amax.default",
      "aten.amin.default",
      "aten.as_strided_copy.default",
      "aten.chunk.default",
      "aten.clamp.Tensor",
      "aten.clamp.default",
      "aten.contiguous.default",
      "aten.detach_copy.default",
      "aten.expand.default",
      "aten.expand_copy.default",
      "aten.flip.default",
      "aten.gather.default",
      "aten.index.Tensor",
      "aten.index_select.default",
      "aten.moveaxis.int",
      "aten.moveaxis.intlist",
      "aten.movedim.int",
      "aten.movedim.intlist",
      "aten.neg.default",
      "aten.pad.default",
      "aten.repeat.default",
      "aten.repeat_interleave.self_int",
      "aten.reshape.default",
      "aten.select.int",
      "aten.select_copy.int",
      "aten.slice.Tensor",
      "aten.slice_copy.Tensor",
      "aten.split.Tensor",
      "aten.split_copy.Tensor",
      "aten.split_with_sizes.default",
      "aten.squeeze.default",
      "aten.squeeze.dim",
      "aten.squeeze.dims",
      "aten.squeeze_.dim",
      "aten.squeeze_copy.default",
      "aten.squeeze_copy.dim",
      "aten.t_copy.default",
      "aten.tile.default",
      "aten.transpose.int",
      "aten.transpose_copy.int",
      "aten.unbind.int",
      "aten.unflatten.int",
      "aten.unfold_copy.default",
      "aten.unsqueeze.default",
      "aten.unsqueeze_copy.default",
      "aten.upsample_bilinear2d.vec",
      "aten.upsample_nearest2d.vec",
      "aten.view.default",
      "aten.view_as.default",
      "aten.view_copy.default"}},
    {qspec_rule::pass_through_or_input_act,
     {"aten.adaptive_avg_pool2d.default", "aten.alias.default", "aten.alias_copy.default",
      "aten.avg_pool2d.default", "aten.clone.default", "aten.dropout.default",
      "aten.dropout_.default", "aten.flatten.using_ints", "aten.hardtanh.default",
      "aten.hardtanh_.default", "aten.max_pool2d.default", "aten.mean.default", "aten.mean.dim",
      "aten.permute.default", "aten.permute_copy.default", "aten.pixel_shuffle.default",
      "aten.pixel_unshuffle.default", "aten.relu.default", "aten.relu_.default"}},
    {qspec_rule::shared_across_inputs,
     {"aten.cat.default", "aten.concat.default", "aten.concatenate.default",
      "aten.index_put.default", "aten.index_put_.default", "aten.stack.default",
      "aten.where.self"}},
    {qspec_rule::weighted,
     {"aten.conv1d.default", "aten.conv2d.default", "aten.conv2d.padding", "aten.conv3d.default",
      "aten.conv3d.padding", "aten.conv_transpose2d.input", "aten.linear.default"}},
};

TEST_CASE("every op of every V1 row has that row's rule", "[traits][qspec]") {
  std::size_t checked = 0;
  for (const row& expected : v1_rows) {
    for (std::string_view name : expected.names) {
      CAPTURE(name, qlower::traits::to_string(expected.rule));
      const auto id = find_op(name);
      REQUIRE(id != unknown_op);
      CHECK(qlower::traits::to_string(op_table[id].rule) ==
            qlower::traits::to_string(expected.rule));
      ++checked;
    }
  }
  CHECK(checked == 42 + 51 + 19 + 7 + 7 + 7 + 5 + 5 + 5 + 1 + 1);
}

TEST_CASE("the ops V1 never annotates stay float", "[traits][qspec]") {
  for (std::string_view name : {"aten._softmax.default",
                                "aten.addmm.default",
                                "aten.arange.start_step",
                                "aten.batch_norm.default",
                                "aten.div.Scalar",
                                "aten.div.Tensor",
                                "aten.div.Tensor_mode",
                                "aten.einsum.default",
                                "aten.embedding.default",
                                "aten.eq.Scalar",
                                "aten.eye.default",
                                "aten.ge.Scalar",
                                "aten.glu.default",
                                "aten.group_norm.default",
                                "aten.gru.input",
                                "aten.gt.Scalar",
                                "aten.index_copy.default",
                                "aten.layer_norm.default",
                                "aten.le.Scalar",
                                "aten.lift_fresh_copy.default",
                                "aten.linspace.default",
                                "aten.log_softmax.int",
                                "aten.logit.default",
                                "aten.lstm.input",
                                "aten.lt.Scalar",
                                "aten.matmul.default",
                                "aten.max.dim",
                                "aten.min.dim",
                                "aten.ne.Scalar",
                                "aten.ne.Tensor",
                                "aten.prelu.default",
                                "aten.rnn_relu.input",
                                "aten.rnn_tanh.input",
                                "aten.scaled_dot_product_attention.default",
                                "aten.softmax.int",
                                "aten.sqrt.default",
                                "aten.var.correction",
                                "aten.var.dim"}) {
    CAPTURE(name);
    REQUIRE(find_op(name) != unknown_op);
    CHECK(op_table[find_op(name)].rule == qspec_rule::none);
  }
}

TEST_CASE("where qlower departs from V1, it does so by derivation", "[traits][qspec]") {
  auto rule = [](std::string_view name) { return op_table[find_op(name)].rule; };
  // t.default: V1 leaves it float although t_copy is in set D; a variant takes its base's rule.
  CHECK(rule("aten.t.default") == qspec_rule::pass_through);
  // transpose.Dimname was dropped from V1 in 2026-08; it is an axis permutation like transpose.int.
  CHECK(rule("aten.transpose.Dimname") == qspec_rule::pass_through);
  // The edge-dialect forms take their front-end op's rule.
  CHECK(rule("dim_order_ops._clone_dim_order.default") == rule("aten.clone.default"));
  CHECK(rule("aten.convolution.default") == qspec_rule::weighted);
  // V1's _conv_ops lists conv2d.padding and conv3d.padding but not conv1d.padding.
  CHECK(rule("aten.conv1d.padding") == qspec_rule::weighted);
  // constant_pad_nd: V1 leaves it float, the Ethos-U55 runs it only in integers (found by the
  // lint).
  CHECK(rule("aten.constant_pad_nd.default") == qspec_rule::pass_through);
}

}  // namespace
