// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naive annotator: the Arm V1 decision table of arm-quantizer.md 1.1, and
// the composable V2 quantizer of 1.2 (its support dict and shared-qspec list),
// written as name sets and if-chains, independent of qlower's op types and
// traits. Groups are labels; a shared spec copies a label to an unlabelled point.

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "qlower/core/dtype.hpp"

namespace qlower::reference {

struct ref_node {
  std::string op;
  std::vector<int> inputs;  ///< -1 for an absent optional input
  std::vector<dtype> output_types;
};

/// Group labels numbered by first appearance (outputs of all nodes, then the
/// input slots node by node); -1 where a point stays float.
struct ref_plan {
  std::vector<int> output_group;
  std::vector<std::vector<int>> input_group;
  std::vector<bool> runs_quantized;
};

namespace detail {

inline const std::set<std::string> set_a{"abs",
                                         "ceil",
                                         "erf",
                                         "erfinv",
                                         "exp",
                                         "expm1",
                                         "elu",
                                         "selu",
                                         "celu",
                                         "floor",
                                         "round",
                                         "log",
                                         "reciprocal",
                                         "rsqrt",
                                         "sigmoid",
                                         "cos",
                                         "sin",
                                         "tanh",
                                         "sum.dim_IntList",
                                         "sum",
                                         "hardsigmoid",
                                         "hardswish",
                                         "hardswish_",
                                         "leaky_relu",
                                         "leaky_relu_",
                                         "full_like",
                                         "zeros_like",
                                         "pow.Tensor_Scalar",
                                         "gelu",
                                         "silu",
                                         "silu_",
                                         "sinh",
                                         "atan",
                                         "log1p",
                                         "log10",
                                         "acosh",
                                         "sign",
                                         "asinh",
                                         "cosh",
                                         "cumsum",
                                         "remainder.Scalar",
                                         "tan"};
inline const std::set<std::string> set_d{"squeeze",
                                         "squeeze_copy",
                                         "squeeze_copy.dim",
                                         "squeeze_.dim",
                                         "squeeze.dim",
                                         "squeeze.dims",
                                         "unbind.int",
                                         "unsqueeze",
                                         "unsqueeze_copy",
                                         "reshape",
                                         "repeat",
                                         "repeat_interleave.self_int",
                                         "expand_copy",
                                         "expand",
                                         "view",
                                         "view_as",
                                         "view_copy",
                                         "_unsafe_view",
                                         "select.int",
                                         "select_copy.int",
                                         "slice.Tensor",
                                         "slice_copy.Tensor",
                                         "split.Tensor",
                                         "split_with_sizes",
                                         "split_copy.Tensor",
                                         "transpose.int",
                                         "transpose_copy.int",
                                         "moveaxis.int",
                                         "moveaxis.intlist",
                                         "movedim.int",
                                         "movedim.intlist",
                                         "t_copy",
                                         "tile",
                                         "flip",
                                         "chunk",
                                         "contiguous",
                                         "upsample_bilinear2d.vec",
                                         "upsample_nearest2d.vec",
                                         "pad",
                                         "amax",
                                         "amin",
                                         "clamp",
                                         "clamp.Tensor",
                                         "unflatten.int",
                                         "gather",
                                         "unfold_copy",
                                         "index_select",
                                         "index.Tensor",
                                         "as_strided_copy",
                                         "neg",
                                         "detach_copy"};
inline const std::set<std::string> set_e{"alias",
                                         "clone",
                                         "hardtanh",
                                         "hardtanh_",
                                         "relu",
                                         "relu_",
                                         "mean",
                                         "mean.dim",
                                         "permute",
                                         "permute_copy",
                                         "avg_pool2d",
                                         "max_pool2d",
                                         "flatten.using_ints",
                                         "dropout",
                                         "dropout_",
                                         "adaptive_avg_pool2d",
                                         "alias_copy",
                                         "pixel_shuffle",
                                         "pixel_unshuffle"};
inline const std::set<std::string> cat_like{"cat", "concat", "concatenate", "stack"};
inline const std::set<std::string> binary{"add.Tensor", "sub.Tensor", "mm",     "bmm",
                                          "mul.Tensor", "minimum",    "maximum"};
inline const std::set<std::string> convs{
    "conv1d", "conv2d", "conv2d.padding", "conv_transpose2d.input", "conv3d", "conv3d.padding"};
inline const std::set<std::string> comparisons{"eq.Tensor", "ge.Tensor", "gt.Tensor", "le.Tensor",
                                               "lt.Tensor"};
inline const std::set<std::string> fixed_input{"acos", "asin", "atanh"};
inline const std::set<std::string> constants{"full", "zeros", "ones", "fill_.Scalar",
                                             "scalar_tensor"};

/// "aten.relu.default" -> "relu", "aten.sum.dim_IntList" -> "sum.dim_IntList": the
/// spec's spelling, where `.default` is left out.
inline std::string spec_name(const std::string& op) {
  std::string rest = op.rfind("aten.", 0) == 0 ? op.substr(5) : op;
  const std::string suffix = ".default";
  if (rest.size() > suffix.size() &&
      rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
    rest = rest.substr(0, rest.size() - suffix.size());
  }
  return rest;
}

enum class row {
  none,
  a,
  d,
  e,
  cat,
  binary,
  weighted,
  comparison,
  fixed,
  constant,
  getitem,
  where,
  index_put,
  to_dtype,
  grid_sampler,
  copy,
  every_input,     ///< V2 single-op pattern: each floating-point input its own spec
  shared_cluster,  ///< V2 SharedQspecQuantizer: one spec over a connected cluster
};

inline row row_of_spec_name(const std::string& name) {
  if (name == "getitem")
    return row::getitem;
  if (convs.count(name) || name == "linear" || name == "convolution")
    return row::weighted;
  if (binary.count(name))
    return row::binary;
  if (name == "grid_sampler")
    return row::grid_sampler;
  if (name == "where.self")
    return row::where;
  if (cat_like.count(name))
    return row::cat;
  if (name == "index_put" || name == "index_put_")
    return row::index_put;
  if (set_a.count(name))
    return row::a;
  if (fixed_input.count(name))
    return row::fixed;
  if (set_d.count(name))
    return row::d;
  if (comparisons.count(name))
    return row::comparison;
  if (constants.count(name))
    return row::constant;
  if (name == "to.dtype")
    return row::to_dtype;
  if (name == "copy_")
    return row::copy;
  if (set_e.count(name))
    return row::e;
  return row::none;
}

/// The row `row_of_spec_name` gives `name`, or else its base's: a variant's
/// name with `_copy` or `_` stripped from the operator part.
inline row row_of_name_or_base(const std::string& name,
                               row (*row_of_spec_name)(const std::string&)) {
  if (const row direct = row_of_spec_name(name); direct != row::none)
    return direct;
  const std::size_t dot = name.find('.');
  const std::string op_part = name.substr(0, dot);
  const std::string overload = dot == std::string::npos ? "" : name.substr(dot);
  for (const std::string suffix : {"_copy", "_"}) {
    if (op_part.size() > suffix.size() &&
        op_part.compare(op_part.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const row base =
          row_of_spec_name(op_part.substr(0, op_part.size() - suffix.size()) + overload);
      if (base != row::none)
        return base;
    }
  }
  return row::none;
}

/// The V1 row, extended as qlower documents (arm-quantizer.md "What qlower
/// implements" and the README): an in-place `_` or `_copy` variant, or an
/// alias, takes its base's row; a few ops take the row their semantics give.
inline row row_of(const std::string& op) {
  static const std::map<std::string, row> qlower_extensions{
      {"t", row::d},  // t_copy is in set D
      {"transpose.Dimname", row::d},
      {"constant_pad_nd", row::d},  // stranded on the U55 otherwise
      {"dim_order_ops._clone_dim_order", row::e},
      {"detach", row::d},  // base of detach_copy (set D)
      {"detach_", row::d},
      {"unfold", row::d},  // base of unfold_copy (set D)
      {"as_strided", row::d},
      {"as_strided_", row::d},          // in-place as_strided
      {"_reshape_alias", row::d},       // make_fx's spelling of view
      {"_reshape_alias_copy", row::d},  // make_fx's spelling of view_copy
      {"unbind_copy.int", row::d},
      {"split_with_sizes_copy", row::d},
      {"squeeze_copy.dims", row::d},
      {"expand_copy", row::d},
      // V1's _conv_ops has conv2d.padding and conv3d.padding but not conv1d.padding;
      // V2's PARAMETER_TARGETS has it.
      {"conv1d.padding", row::weighted},
      {"copy", row::copy},  // the functional form of copy_
  };
  const std::string name = spec_name(op);
  if (const auto found = qlower_extensions.find(name); found != qlower_extensions.end()) {
    return found->second;
  }
  return row_of_name_or_base(name, row_of_spec_name);
}

// ExecuTorch's composable quantizer (V2, arm-quantizer.md 1.2), by the lists
// of its support dict, in its precedence: patterns first, then the shared list.
inline const std::set<std::string> v2_binary{
    "add.Tensor", "add_.Tensor", "sub.Tensor",  "sub_.Tensor", "matmul", "mm",
    "bmm",        "mul.Tensor",  "mul_.Tensor", "minimum",     "maximum"};
inline const std::set<std::string> v2_comparisons{
    "lt.Tensor", "le.Tensor", "gt.Tensor", "ge.Tensor", "eq.Tensor", "ne.Tensor",
    "lt.Scalar", "le.Scalar", "gt.Scalar", "ge.Scalar", "eq.Scalar", "ne.Scalar"};
/// Output-act shared with arg0.
inline const std::set<std::string> v2_shared_output{"adaptive_avg_pool2d",
                                                    "upsample_bilinear2d.vec",
                                                    "upsample_nearest2d.vec",
                                                    "avg_pool2d",
                                                    "max_pool2d",
                                                    "mean",
                                                    "mean.dim"};
/// Listed single-op patterns with one tensor input: input-act, output-act.
inline const std::set<std::string> v2_single{"hardswish",
                                             "hardswish_",
                                             "batch_norm",
                                             "_softmax",
                                             "softmax.int",
                                             "div.Scalar",
                                             "floor",
                                             "logit",
                                             "glu",
                                             "sqrt",
                                             "silu",
                                             "silu_",
                                             "var.dim",
                                             "var.correction",
                                             "leaky_relu",
                                             "leaky_relu_",
                                             "linalg_vector_norm",
                                             "log_softmax.int",
                                             "round",
                                             "embedding",
                                             "sigmoid",
                                             "remainder.Scalar",
                                             "neg",
                                             "abs",
                                             "moveaxis.int",
                                             "moveaxis.intlist",
                                             "movedim.int",
                                             "movedim.intlist",
                                             "zeros_like",
                                             "fill_.Scalar"};
/// Listed single-op patterns with several tensor inputs.
inline const std::set<std::string> v2_every_input{"div.Tensor",
                                                  "div_.Tensor",
                                                  "div.Tensor_mode",
                                                  "floor_divide",
                                                  "addmm",
                                                  "layer_norm",
                                                  "group_norm",
                                                  "prelu",
                                                  "remainder.Tensor",
                                                  "cosine_similarity",
                                                  "scaled_dot_product_attention",
                                                  "einsum",
                                                  "lstm.input",
                                                  "gru.input",
                                                  "rnn_tanh.input",
                                                  "rnn_relu.input"};
/// Patterns with no tensor input: an output-act only.
inline const std::set<std::string> v2_constants{
    "full", "zeros", "ones", "scalar_tensor", "arange.start_step", "linspace", "eye"};
/// SharedQspecQuantizer.SHARED_QSPEC_OPS_DEFAULT.
inline const std::set<std::string> v2_shared{"clone",
                                             "lift_fresh_copy",
                                             "detach_",
                                             "alias",
                                             "alias_copy",
                                             "copy_",
                                             "detach_copy",
                                             "unfold_copy",
                                             "unbind.int",
                                             "min.dim",
                                             "max.dim",
                                             "amin",
                                             "amax",
                                             "permute",
                                             "permute_copy",
                                             "transpose.int",
                                             "transpose_copy.int",
                                             "t_copy",
                                             "t",
                                             "repeat",
                                             "repeat_interleave.self_int",
                                             "expand_copy",
                                             "expand",
                                             "select.int",
                                             "select_copy.int",
                                             "slice.Tensor",
                                             "slice_copy.Tensor",
                                             "split.Tensor",
                                             "split_with_sizes",
                                             "split_copy.Tensor",
                                             "tile",
                                             "flip",
                                             "index_select",
                                             "index_put",
                                             "index_put_",
                                             "index_copy",
                                             "index_copy_",
                                             "contiguous",
                                             "as_strided_copy",
                                             "pixel_shuffle",
                                             "pixel_unshuffle",
                                             "cat",
                                             "concat",
                                             "concatenate",
                                             "stack",
                                             "dropout",
                                             "dropout_",
                                             "chunk",
                                             "index.Tensor",
                                             "gather",
                                             "squeeze",
                                             "squeeze_copy",
                                             "squeeze_copy.dim",
                                             "squeeze.dim",
                                             "squeeze.dims",
                                             "squeeze_.dim",
                                             "unsqueeze",
                                             "unsqueeze_copy",
                                             "reshape",
                                             "view",
                                             "view_as",
                                             "view_copy",
                                             "_unsafe_view",
                                             "unflatten.int",
                                             "flatten.using_ints",
                                             "pad",
                                             "constant_pad_nd",
                                             "clamp",
                                             "clamp.Tensor",
                                             "hardtanh",
                                             "hardtanh_",
                                             "relu",
                                             "relu_",
                                             "where.self",
                                             "where"};
// higher_order.while_loop and higher_order.cond are on the list too; qlower
// models control flow under neither quantizer (nor V1 row 20).

inline row v2_row_of_spec_name(const std::string& name) {
  // Listed as shared; a getitem's cluster takes its producer's spec (qspec.hpp).
  if (name == "getitem")
    return row::getitem;
  if (convs.count(name) || name == "conv1d.padding" || name == "linear" || name == "convolution")
    return row::weighted;
  if (v2_binary.count(name))
    return row::binary;
  if (v2_comparisons.count(name))
    return row::comparison;
  if (fixed_input.count(name))
    return row::fixed;
  if (name == "grid_sampler")
    return row::grid_sampler;
  if (name == "to.dtype")
    return row::to_dtype;
  if (v2_constants.count(name))
    return row::constant;
  if (v2_shared_output.count(name))
    return row::d;
  if (set_a.count(name) || v2_single.count(name))
    return row::a;
  if (v2_every_input.count(name))
    return row::every_input;
  if (v2_shared.count(name))
    return row::shared_cluster;
  return row::none;
}

/// The V2 row, extended as qlower documents: a tracer's spelling takes its
/// canonical op's row, an in-place `_` or `_copy` variant or an alias its
/// base's, and the base ops of listed `_copy` forms their row.
inline row v2_row_of(const std::string& op) {
  static const std::map<std::string, std::string> same_as{
      // spellings (lowering.md 3)
      {"native_batch_norm", "batch_norm"},
      {"_native_batch_norm_legit_no_training", "batch_norm"},
      {"native_layer_norm", "layer_norm"},
      {"native_group_norm", "group_norm"},
      {"_reshape_alias", "view"},
      {"_reshape_alias_copy", "view_copy"},
      {"dim_order_ops._clone_dim_order", "clone"},
      // base ops and variants of listed forms
      {"detach", "detach_copy"},
      {"unfold", "unfold_copy"},
      {"as_strided", "as_strided_copy"},
      {"as_strided_", "as_strided_copy"},
      {"unbind_copy.int", "unbind.int"},
      {"split_with_sizes_copy", "split_with_sizes"},
      {"squeeze_copy.dims", "squeeze.dims"},
      {"transpose.Dimname", "transpose.int"},
      {"copy", "copy_"},
  };
  std::string name = spec_name(op);
  if (const auto found = same_as.find(name); found != same_as.end())
    name = found->second;
  return row_of_name_or_base(name, v2_row_of_spec_name);
}

}  // namespace detail

/// Which of ExecuTorch's Arm quantizers the model follows.
enum class arm_quantizer_version { v1, v2 };

/// Annotates `graph` (nodes in topological order) by the decision table.
/// `int16_activations` selects the a16w8 config (no 16-bit grid_sampler entry).
inline ref_plan annotate(const std::vector<ref_node>& graph, bool int16_activations = false,
                         arm_quantizer_version version = arm_quantizer_version::v1) {
  using detail::row;
  auto row_of = [version](const std::string& op) {
    return version == arm_quantizer_version::v1 ? detail::row_of(op) : detail::v2_row_of(op);
  };
  const std::size_t count = graph.size();
  // Labels: 0 = float; merged by relabelling.
  std::vector<int> out_label(count, 0);
  std::vector<std::vector<int>> in_label(count);
  for (std::size_t n = 0; n < count; ++n)
    in_label[n].assign(graph[n].inputs.size(), 0);
  int next_label = 1;
  auto is_float32 = [&](int producer) {
    if (producer < 0)
      return true;
    for (dtype type : graph[static_cast<std::size_t>(producer)].output_types) {
      if (type != dtype::float32)
        return false;
    }
    return true;
  };
  std::vector<bool> done(count, false);

  for (std::size_t n = 0; n < count; ++n) {
    if (done[n])
      continue;
    const ref_node& node = graph[n];
    const row r = row_of(node.op);
    auto input = [&](std::size_t k) { return k < node.inputs.size() ? node.inputs[k] : -1; };
    if (r == row::none || r == row::shared_cluster)
      continue;
    if (r == row::getitem) {
      const int p = input(0);
      if (p >= 0 && out_label[static_cast<std::size_t>(p)] != 0) {
        in_label[n][0] = out_label[static_cast<std::size_t>(p)];
        out_label[n] = out_label[static_cast<std::size_t>(p)];
      }
      done[n] = true;
      continue;
    }
    // Which inputs the row annotates.
    std::vector<std::size_t> slots;
    if (r == row::binary || r == row::comparison || r == row::copy) {
      for (std::size_t k = 0; k < 2; ++k) {
        if (input(k) >= 0)
          slots.push_back(k);
      }
    } else if (r == row::weighted) {
      for (std::size_t k = 0; k < 3; ++k) {
        if (input(k) >= 0)
          slots.push_back(k);
      }
    } else if (r == row::cat || r == row::where || r == row::index_put || r == row::every_input) {
      for (std::size_t k = 0; k < node.inputs.size(); ++k) {
        const int p = input(k);
        if (p >= 0 && is_floating_point(graph[static_cast<std::size_t>(p)].output_types[0])) {
          slots.push_back(k);
        }
      }
    } else if (r == row::to_dtype) {
      const int p = input(0);
      const dtype type =
          p >= 0 ? graph[static_cast<std::size_t>(p)].output_types[0] : dtype::float32;
      if (type != dtype::int8 && type != dtype::int16 && type != dtype::int32)
        continue;
    } else if (r != row::constant) {
      if (input(0) >= 0)
        slots.push_back(0);
    }
    bool ok = true;
    if (r != row::comparison) {
      for (dtype type : node.output_types)
        ok = ok && type == dtype::float32;
    }
    for (std::size_t k : slots)
      ok = ok && is_float32(input(k));
    if (!ok)
      continue;
    if (r == row::grid_sampler && int16_activations)
      continue;

    auto fresh = [&] { return next_label++; };
    switch (r) {
      case row::a:
      case row::binary:
      case row::every_input:
      case row::constant:
      case row::fixed:
      case row::grid_sampler:
      case row::to_dtype:
        for (std::size_t k : slots)
          in_label[n][k] = fresh();
        out_label[n] = fresh();
        break;
      case row::d:
        if (slots.empty())
          break;
        in_label[n][0] = fresh();
        out_label[n] = in_label[n][0];
        break;
      case row::e: {
        if (slots.empty())
          break;
        const int p = input(0);
        const int producer_label = out_label[static_cast<std::size_t>(p)];
        in_label[n][0] = producer_label != 0 ? producer_label : fresh();
        out_label[n] = in_label[n][0];
        break;
      }
      case row::cat:
      case row::where:
      case row::index_put:
        if (slots.empty())
          break;
        in_label[n][slots[0]] = fresh();
        for (std::size_t k : slots)
          in_label[n][k] = in_label[n][slots[0]];
        out_label[n] = in_label[n][slots[0]];
        break;
      case row::copy:
        for (std::size_t k : slots)
          in_label[n][k] = fresh();
        out_label[n] = input(1) >= 0 ? in_label[n][1] : fresh();
        break;
      case row::comparison:
        if (slots.empty())
          break;
        in_label[n][slots[0]] = fresh();
        if (slots.size() > 1)
          in_label[n][1] = input(0) == input(1) ? fresh() : in_label[n][0];
        break;
      case row::weighted: {
        for (std::size_t k : slots) {
          in_label[n][k] = fresh();
          const auto p = static_cast<std::size_t>(input(k));
          if (k > 0 && graph[p].op == "const" && out_label[p] == 0) {
            out_label[p] = in_label[n][k];
            done[p] = true;
          }
        }
        out_label[n] = fresh();
        // Rows 1-2: the batch_norm after a conv takes the conv's output spec.
        const std::string name = detail::spec_name(node.op);
        if (name != "linear") {
          for (std::size_t u = n + 1; u < count; ++u) {
            bool uses = false;
            for (int i : graph[u].inputs)
              uses = uses || i == static_cast<int>(n);
            if (!uses)
              continue;
            bool float_out = true;
            for (dtype type : graph[u].output_types)
              float_out = float_out && type == dtype::float32;
            if (detail::spec_name(graph[u].op) == "batch_norm" &&
                graph[u].inputs[0] == static_cast<int>(n) && float_out) {
              in_label[u][0] = out_label[n];
              out_label[u] = out_label[n];
              done[u] = true;
            }
            break;  // only the first user
          }
        }
        break;
      }
      case row::none:
      case row::getitem:
      case row::shared_cluster:
        break;
    }
    done[n] = true;
  }

  // V2's SharedQspecQuantizer, after every pattern: each connected cluster of
  // shared-list nodes takes one spec, the first annotated one next to it (a
  // producer's output, else a reader's input, members in graph order); with
  // none next to it the cluster stays float. A node with neither a float
  // input nor a float output joins no cluster.
  auto float_input = [&](std::size_t n, std::size_t k) {
    const int p = graph[n].inputs[k];
    return p >= 0 && is_floating_point(graph[static_cast<std::size_t>(p)].output_types[0]);
  };
  auto member = [&](std::size_t n) {
    if (done[n] || row_of(graph[n].op) != row::shared_cluster)
      return false;
    bool any_float = is_floating_point(graph[n].output_types[0]);
    for (std::size_t k = 0; k < graph[n].inputs.size(); ++k)
      any_float = any_float || float_input(n, k);
    return any_float;
  };
  std::vector<bool> in_cluster(count, false);
  for (std::size_t root = 0; root < count; ++root) {
    if (in_cluster[root] || !member(root))
      continue;
    // The cluster by repeated sweeps over the edges, smallest index first.
    std::vector<std::size_t> cluster{root};
    in_cluster[root] = true;
    for (bool grew = true; grew;) {
      grew = false;
      for (std::size_t u = 0; u < count; ++u) {
        for (int p : graph[u].inputs) {
          if (p < 0)
            continue;
          const auto producer = static_cast<std::size_t>(p);
          const bool joins_reader = in_cluster[producer] && !in_cluster[u] && member(u);
          const bool joins_producer = in_cluster[u] && !in_cluster[producer] && member(producer);
          if (joins_reader || joins_producer) {
            const std::size_t joined = joins_reader ? u : producer;
            in_cluster[joined] = true;
            cluster.push_back(joined);
            grew = true;
          }
        }
      }
    }
    std::sort(cluster.begin(), cluster.end());
    int label = 0;
    for (std::size_t m : cluster) {
      for (std::size_t k = 0; k < graph[m].inputs.size() && label == 0; ++k) {
        const int p = graph[m].inputs[k];
        if (p >= 0 && !in_cluster[static_cast<std::size_t>(p)])
          label = out_label[static_cast<std::size_t>(p)];
      }
      for (std::size_t u = 0; u < count && label == 0; ++u) {
        if (in_cluster[u])
          continue;
        for (std::size_t k = 0; k < graph[u].inputs.size() && label == 0; ++k) {
          if (graph[u].inputs[k] == static_cast<int>(m))
            label = in_label[u][k];
        }
      }
      if (label != 0)
        break;
    }
    for (std::size_t m : cluster) {
      done[m] = true;
      if (label == 0)
        continue;
      for (std::size_t k = 0; k < graph[m].inputs.size(); ++k) {
        if (float_input(m, k))
          in_label[m][k] = label;
      }
      bool float_out = true;
      for (dtype type : graph[m].output_types)
        float_out = float_out && type == dtype::float32;
      if (float_out)
        out_label[m] = label;
    }
  }

  // A getitem whose producer a cluster labelled takes the producer's label.
  for (std::size_t n = 0; n < count; ++n) {
    if (row_of(graph[n].op) != row::getitem || graph[n].inputs.empty())
      continue;
    const int p = graph[n].inputs[0];
    if (p >= 0 && out_label[static_cast<std::size_t>(p)] != 0 && out_label[n] == 0) {
      in_label[n][0] = out_label[static_cast<std::size_t>(p)];
      out_label[n] = out_label[static_cast<std::size_t>(p)];
    }
  }

  // Number labels by first appearance: outputs first, then input slots.
  std::map<int, int> number;
  auto canonical = [&](int label) {
    if (label == 0)
      return -1;
    const auto found = number.find(label);
    if (found != number.end())
      return found->second;
    const int id = static_cast<int>(number.size());
    number[label] = id;
    return id;
  };
  ref_plan plan;
  for (std::size_t n = 0; n < count; ++n)
    plan.output_group.push_back(canonical(out_label[n]));
  plan.input_group.resize(count);
  for (std::size_t n = 0; n < count; ++n) {
    for (int label : in_label[n])
      plan.input_group[n].push_back(canonical(label));
  }
  for (std::size_t n = 0; n < count; ++n) {
    bool quantized = plan.output_group[n] >= 0;
    if (row_of(graph[n].op) == row::comparison) {
      for (int group : plan.input_group[n])
        quantized = quantized || group >= 0;
    }
    plan.runs_quantized.push_back(quantized);
  }
  return plan;
}

}  // namespace qlower::reference
