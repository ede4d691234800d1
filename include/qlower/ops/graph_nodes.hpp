// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qlower/ops/op.hpp"
#include "qlower/traits/tags.hpp"

/// The nodes of graph-format.md that are not operators, and the quantize /
/// dequantize ops that the convert step inserts.

namespace qlower::ops {

/// A graph input (graph-format.md's "input").
struct graph_input : op<"input"> {};
/// A constant tensor such as a weight (graph-format.md's "const").
struct graph_const : op<"const"> {};
/// Element `index` of a node with several outputs; V1 row 18.
struct getitem : op<"getitem", traits::qspec<traits::qspec_rule::getitem>> {};

namespace quantized_decomposed {
struct quantize_per_tensor_default : op<"quantized_decomposed.quantize_per_tensor.default"> {};
struct dequantize_per_tensor_default : op<"quantized_decomposed.dequantize_per_tensor.default"> {};
struct quantize_per_channel_default : op<"quantized_decomposed.quantize_per_channel.default"> {};
struct dequantize_per_channel_default : op<"quantized_decomposed.dequantize_per_channel.default"> {
};
}  // namespace quantized_decomposed

}  // namespace qlower::ops
