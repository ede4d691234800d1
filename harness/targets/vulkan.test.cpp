// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/vulkan.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/core/shape.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/repset/named.hpp"

// A second reading of vulkan.md: every expectation below is written from the
// spec (3.1-3.3 for the sets, 4.2 for the registry and the storage picks, the
// partitioner's node checks of 4), not from vulkan.hpp's code.

namespace {

using namespace qlower;
using graph::node_index;
using targets::reason;
using rs = repset::repset;
using dset = targets::dtype_set;

//===--- 3.3's named sets and 3.1's dtype sets, spelled out from the spec ---===//

namespace spec {
using enum repset::memory_layout;

constexpr repset::layout_set float_layouts{width_packed, height_packed, channels_packed};
constexpr repset::layout_set quantized_layouts{packed_int8_4w4c, packed_int8_4h4w, packed_int8_4w,
                                               packed_int8_4c1w, packed_int8_conv2d};

constexpr rs CONTIGUOUS_ANY{{width_packed}, {width_packed}};
constexpr rs CONTIGUOUS_BUFFER{{width_packed}, {}};
constexpr rs WIDTH_PACKED_TEXTURE{{}, {width_packed}};
constexpr rs HEIGHT_PACKED_TEXTURE{{}, {height_packed}};
constexpr rs CHANNELS_PACKED_TEXTURE{{}, {channels_packed}};
constexpr rs CHANNELS_PACKED_ANY{{channels_packed}, {channels_packed}};
constexpr rs CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER{{width_packed}, {channels_packed}};
constexpr rs ANY_TEXTURE{{}, float_layouts};
constexpr rs ANY_BUFFER{float_layouts, {}};
constexpr rs ANY_STORAGE{float_layouts, float_layouts};
constexpr rs PACKED_INT8_BUFFER{quantized_layouts, {}};
constexpr rs PACKED_INT8_4W4C_BUFFER{{packed_int8_4w4c}, {}};
constexpr rs PACKED_INT8_4H4W_BUFFER{{packed_int8_4h4w}, {}};
constexpr rs PACKED_INT8_4W_BUFFER{{packed_int8_4w}, {}};
constexpr rs PACKED_INT8_4C1W_BUFFER{{packed_int8_4c1w}, {}};
constexpr rs PACKED_INT8_CONV2D_BUFFER{{packed_int8_conv2d}, {}};
constexpr rs PACKED_INT8_CHANNELS_PACKED_BUFFER{
    {packed_int8_4w4c, packed_int8_4c1w, packed_int8_conv2d}, {}};
constexpr rs NO_STORAGE{};
/// The texture side is float only: there is no quantized texture.
constexpr rs ANY_STORAGE_INCL_PACKED_INT8{float_layouts | quantized_layouts, float_layouts};

constexpr dset FP_T{dtype::float16, dtype::float32};
constexpr dset INT_T{dtype::int32, dtype::int64};
constexpr dset BOOL_T{dtype::bool_};
constexpr dset ALL_T{dtype::bool_, dtype::uint8,   dtype::int8,    dtype::int32,
                     dtype::int64, dtype::float16, dtype::float32, dtype::float64};
constexpr dset NONE_T{};
constexpr dset FP_INT_T{dtype::float16, dtype::float32, dtype::int32, dtype::int64};
constexpr dset FP_INT_BOOL_T{dtype::float16, dtype::float32, dtype::int32, dtype::int64,
                             dtype::bool_};

// Short names for the table of 4.2.
constexpr rs AS = ANY_STORAGE;
constexpr rs AT = ANY_TEXTURE;
constexpr rs AB = ANY_BUFFER;
constexpr rs CA = CONTIGUOUS_ANY;
constexpr rs CB = CONTIGUOUS_BUFFER;
constexpr rs CT = CHANNELS_PACKED_TEXTURE;
constexpr rs WT = WIDTH_PACKED_TEXTURE;
constexpr rs NO = NO_STORAGE;
constexpr rs CTCB = CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER;
constexpr rs PI8 = PACKED_INT8_BUFFER;
constexpr rs PI8CP = PACKED_INT8_CHANNELS_PACKED_BUFFER;
constexpr rs ALL = ANY_STORAGE_INCL_PACKED_INT8;
}  // namespace spec

/// "ANY_STORAGE {buffer: {...}, texture: {...}}": equal texts are equal sets.
std::string text(rs set) {
  const std::string_view name = repset::named::name_of(set);
  return (name.empty() ? std::string() : std::string(name) + " ") + set.to_string();
}

TEST_CASE("vulkan: the test's sets are the named sets of vulkan.md 3.3", "[targets][vulkan]") {
  using namespace spec;
  const std::vector<std::pair<std::string_view, rs>> table{
      {"CONTIGUOUS_ANY", CONTIGUOUS_ANY},
      {"CONTIGUOUS_BUFFER", CONTIGUOUS_BUFFER},
      {"WIDTH_PACKED_TEXTURE", WIDTH_PACKED_TEXTURE},
      {"HEIGHT_PACKED_TEXTURE", HEIGHT_PACKED_TEXTURE},
      {"CHANNELS_PACKED_TEXTURE", CHANNELS_PACKED_TEXTURE},
      {"CHANNELS_PACKED_ANY", CHANNELS_PACKED_ANY},
      {"CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER",
       CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER},
      {"ANY_TEXTURE", ANY_TEXTURE},
      {"ANY_BUFFER", ANY_BUFFER},
      {"ANY_STORAGE", ANY_STORAGE},
      {"PACKED_INT8_BUFFER", PACKED_INT8_BUFFER},
      {"PACKED_INT8_4W4C_BUFFER", PACKED_INT8_4W4C_BUFFER},
      {"PACKED_INT8_4H4W_BUFFER", PACKED_INT8_4H4W_BUFFER},
      {"PACKED_INT8_4W_BUFFER", PACKED_INT8_4W_BUFFER},
      {"PACKED_INT8_4C1W_BUFFER", PACKED_INT8_4C1W_BUFFER},
      {"PACKED_INT8_CONV2D_BUFFER", PACKED_INT8_CONV2D_BUFFER},
      {"PACKED_INT8_CHANNELS_PACKED_BUFFER", PACKED_INT8_CHANNELS_PACKED_BUFFER},
      {"NO_STORAGE", NO_STORAGE},
      {"ANY_STORAGE_INCL_PACKED_INT8", ANY_STORAGE_INCL_PACKED_INT8},
  };
  for (const auto& [name, set] : table) {
    CAPTURE(std::string(name));
    CHECK(repset::named::name_of(set) == name);
  }
  // PACKED_INT8_4C is in no set; the universal set's texture half is float only.
  CHECK(!ANY_STORAGE_INCL_PACKED_INT8.buffer_layouts().contains(packed_int8_4c));
  CHECK(ANY_STORAGE_INCL_PACKED_INT8.texture_layouts() == float_layouts);
  CHECK(repset::named::universal == ANY_STORAGE_INCL_PACKED_INT8);
}

//===--- The registry of 4.2 ---===//

struct spec_flags {
  bool resize;
  bool highdim;
  bool prepack;
};
constexpr spec_flags none_{false, false, false};
constexpr spec_flags R{true, false, false};
constexpr spec_flags RH{true, true, false};
constexpr spec_flags RP{true, false, true};
constexpr spec_flags P{false, false, true};
constexpr spec_flags H{false, true, false};

enum extra : unsigned {
  plain = 0,
  with_pick = 1,   ///< a pick_io_storage_fn overrides the lists per node
  with_check = 2,  ///< an are_node_inputs_supported_fn
  list_arg = 4,    ///< the tensors are one list argument (cat)
};

struct registry_row {
  std::string op;
  std::vector<rs> inputs;
  /// With the default of 4.1 applied: "= input" is [inputs[0]].
  std::vector<rs> outputs;
  std::vector<dset> input_dtypes;
  /// With the default applied: [input_dtypes[0]].
  std::vector<dset> output_dtypes;
  /// Empty where 4.2 leaves the flags open.
  std::optional<spec_flags> flags;
  unsigned extras;
};

/// `first` then `count` copies of NO_STORAGE: [C_TEX, NO x 10].
std::vector<rs> then_none(rs first, std::size_t count) {
  std::vector<rs> list{first};
  list.insert(list.end(), count, spec::NO);
  return list;
}

void add_rows(std::vector<registry_row>& rows, std::initializer_list<const char*> ops,
              std::vector<rs> inputs, std::vector<rs> outputs, std::vector<dset> in_dtypes,
              std::vector<dset> out_dtypes, std::optional<spec_flags> flags,
              unsigned extras = plain) {
  for (const char* op : ops)
    rows.push_back({op, inputs, outputs, in_dtypes, out_dtypes, flags, extras});
}

/// Table 4.2, row by row. Op names are the op set's (edge names without "edge.").
std::vector<registry_row> registry_table() {
  using namespace spec;
  std::vector<registry_row> rows;
  // Ephemeral ops: no kernel.
  add_rows(
      rows,
      {"getitem", "aten.sym_size.int", "operator.add", "operator.sub", "operator.floordiv",
       "operator.mul", "operator.lt", "operator.gt", "operator.ge", "operator.le", "operator.eq",
       "aten._assert_scalar.default", "aten.sym_constrain_range_for_size.default"},
      {AS}, {AS}, {ALL_T}, {ALL_T}, R);
  // copy.default: the table gives no flags, only the no-op condition.
  add_rows(rows, {"aten.copy.default"}, {AS}, {AS}, {ALL_T}, {ALL_T}, std::nullopt, with_check);
  add_rows(rows,
           {"aten.abs.default", "aten.cos.default", "aten.exp.default", "aten.gelu.default",
            "aten.hardshrink.default", "aten.hardswish.default", "aten.hardtanh.default",
            "aten.neg.default", "aten.relu.default", "aten.sigmoid.default", "aten.sin.default",
            "aten.sqrt.default", "aten.rsqrt.default", "aten.tanh.default", "aten.round.default",
            "aten.leaky_relu.default", "aten.log10.default"},
           {AS}, {AS}, {FP_T}, {FP_T}, R);
  add_rows(rows, {"aten.clamp.default"}, {AS}, {AS}, {FP_INT_T}, {FP_INT_T}, R);
  // Binary ops: one repset synced over every arg and the output.
  add_rows(rows,
           {"aten.add.Tensor", "aten.sub.Tensor", "aten.minimum.default", "aten.mul.Tensor",
            "aten.div.Tensor", "aten.div.Tensor_mode", "aten.pow.Tensor_Tensor"},
           {AS}, {AS}, {FP_INT_T}, {FP_INT_T}, RH);
  // Comparisons: numbers in, bool out.
  add_rows(rows,
           {"aten.eq.Tensor", "aten.lt.Tensor", "aten.le.Tensor", "aten.gt.Tensor",
            "aten.ge.Tensor", "aten.eq.Scalar", "aten.ne.Scalar", "aten.lt.Scalar",
            "aten.le.Scalar", "aten.ge.Scalar", "aten.gt.Scalar"},
           {AS}, {AS}, {FP_INT_T}, {BOOL_T}, RH);
  add_rows(rows,
           {"aten.bitwise_and.Tensor", "aten.bitwise_or.Tensor", "aten.bitwise_not.default",
            "aten.logical_and.default", "aten.logical_or.default", "aten.logical_not.default"},
           {AS}, {AS}, {BOOL_T}, {BOOL_T}, RH);
  add_rows(rows, {"aten.pow.Tensor_Scalar"}, {AS}, {AS}, {FP_T}, {FP_T}, RH);
  add_rows(rows, {"aten._to_copy.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, R,
           with_pick);
  add_rows(rows, {"aten._softmax.default", "aten._log_softmax.default"}, {AS}, {AS}, {FP_T}, {FP_T},
           R);
  add_rows(rows,
           {"aten.bmm.default", "aten.mm.default", "aten.addmm.default", "aten.linear.default",
            "aten._weight_int8pack_mm.default", "et_vk.linear_qcs4w.default"},
           {CA}, {CA}, {FP_T}, {FP_T}, RP);
  add_rows(rows,
           {"et_vk.linear_q8ta_q8csw.default", "et_vk.linear_q4gsw.default",
            "et_vk.linear_q4gsw_backward.default"},
           {CA}, {CA}, {FP_T}, {FP_T}, P);
  // A per-arg list: the args are not synced.
  add_rows(rows, {"et_vk.linear_dq8ca_q4gsw.default"}, {CA, WT, WT, NO, NO, NO, NO, NO}, {CA},
           {FP_T}, {FP_T}, P);
  add_rows(rows,
           {"quantized_decomposed.quantize_per_channel.default",
            "quantized_decomposed.dequantize_per_channel.default",
            "quantized_decomposed.quantize_per_token.default",
            "quantized_decomposed.dequantize_per_token.default", "torchao.quantize_affine.default",
            "torchao.dequantize_affine.default"},
           {CB}, {CB}, {ALL_T}, {ALL_T}, R);
  // Q and DQ per tensor: a float storage on one side, packed int8 on the other.
  add_rows(rows,
           {"quantized_decomposed.quantize_per_tensor.default",
            "quantized_decomposed.quantize_per_tensor.tensor"},
           {CTCB}, {PI8}, {ALL_T}, {ALL_T}, H);
  add_rows(rows,
           {"quantized_decomposed.dequantize_per_tensor.default",
            "quantized_decomposed.dequantize_per_tensor.tensor"},
           {PI8}, {CTCB}, {ALL_T}, {ALL_T}, H);
  add_rows(rows,
           {"quantized_decomposed.choose_qparams.tensor",
            "quantized_decomposed.choose_qparams_per_token_asymmetric.default"},
           {CB}, {CB}, {ALL_T}, {ALL_T}, R);
  add_rows(rows, {"torchao.choose_qparams_affine.default"}, {CA}, {WT, WT}, {ALL_T}, {ALL_T}, R);
  add_rows(rows, {"et_vk.q8ta_add.default"}, {PI8}, {PI8}, {ALL_T}, {ALL_T}, none_);
  add_rows(rows, {"et_vk.q8ta_relu.default"}, {PI8}, {PI8}, {ALL_T}, {ALL_T}, R);
  add_rows(rows, {"et_vk.q8ta_pixel_shuffle.default"}, {PI8CP}, {PI8CP}, {ALL_T}, {ALL_T}, R);
  add_rows(rows,
           {"aten.mean.dim", "aten.sum.dim_IntList", "aten.amax.default", "aten.amin.default"},
           {AT}, {AT}, {FP_T}, {FP_T}, RH, with_pick | with_check);
  add_rows(rows, {"aten.argmax.default", "aten.argmin.default"}, {AS}, {AS}, {FP_T}, {INT_T}, RH,
           with_pick);
  add_rows(rows, {"aten.avg_pool2d.default", "aten.max_pool2d.default"}, {CT}, {CT}, {FP_T}, {FP_T},
           R);
  // One output repset shared by both outputs; their dtypes differ.
  add_rows(rows, {"aten.max_pool2d_with_indices.default"}, {CT}, {CT}, {FP_T}, {FP_T, INT_T}, R);
  add_rows(rows, {"aten.convolution.default", "et_vk.conv_with_clamp.default"}, then_none(CT, 10),
           {CT}, {FP_T}, {FP_T}, RP, with_pick | with_check);
  add_rows(rows, {"et_vk.q8ta_conv2d_pw.default"}, then_none(PACKED_INT8_4W4C_BUFFER, 14), {PI8CP},
           {ALL_T}, {ALL_T}, P);
  add_rows(rows, {"et_vk.q8ta_conv2d.default", "et_vk.q8ta_conv2d_dw.default"},
           then_none(PACKED_INT8_CONV2D_BUFFER, 14), {PI8CP}, {ALL_T}, {ALL_T}, P);
  add_rows(rows, {"et_vk.q8ta_conv2d_transposed.default"}, then_none(PACKED_INT8_CONV2D_BUFFER, 15),
           {PI8CP}, {ALL_T}, {ALL_T}, P);
  add_rows(rows, {"et_vk.q8ta_linear.default"}, then_none(PACKED_INT8_4H4W_BUFFER, 9),
           {PACKED_INT8_4H4W_BUFFER}, {ALL_T}, {ALL_T}, P);
  add_rows(rows, {"et_vk.q8ta_linear_gemv.default"}, then_none(PACKED_INT8_4W_BUFFER, 9),
           {PACKED_INT8_4W_BUFFER}, {ALL_T}, {ALL_T}, P);
  add_rows(rows, {"llama.sdpa_with_kv_cache.default"}, {CA}, {CA}, {FP_T}, {FP_T}, RP);
  add_rows(rows, {"llama.update_cache.default", "llama.custom_sdpa.default", "et_vk.sdpa.default"},
           {CA}, {CA}, {FP_T}, {FP_T}, R);
  add_rows(rows, {"et_vk.apply_rotary_emb.default", "et_vk.apply_rotary_emb_hf.default"}, {CA},
           {CA}, {FP_T}, {FP_T}, RH);
  add_rows(rows, {"et_vk.apply_rotary_emb_interleaved.default"}, {CA, CB}, {CA}, {FP_T}, {FP_T},
           RH);
  // permute and permute_copy are registered apart, and differently.
  add_rows(rows, {"aten.permute.default"}, {AT}, {AT}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, R);
  add_rows(rows, {"aten.permute_copy.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, RH);
  // The identity-like ops.
  add_rows(rows,
           {"aten.view_copy.default", "aten.clone.default",
            "dim_order_ops._clone_dim_order.default", "aten.alias_copy.default"},
           {ALL}, {ALL}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, RH);
  add_rows(rows, {"dim_order_ops._to_dim_order_copy.default"}, {AB}, {AB}, {FP_INT_BOOL_T},
           {FP_INT_BOOL_T}, RH);
  add_rows(rows, {"aten.squeeze_copy.dims", "aten.unsqueeze_copy.default"}, {AS}, {AS},
           {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, RH);
  add_rows(rows, {"aten.unfold_copy.default"}, {AB}, {AB}, {FP_T}, {FP_T}, RH);
  add_rows(rows, {"aten.gather.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, RH);
  add_rows(rows, {"aten.expand_copy.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, H);
  // cat: one list argument, every element and the output share one repset; no bool, no highdim.
  add_rows(rows, {"aten.cat.default"}, {AS}, {AS}, {FP_INT_T}, {FP_INT_T}, R, list_arg);
  add_rows(rows,
           {"aten.select_copy.int", "aten.slice_copy.Tensor", "aten.split_with_sizes_copy.default"},
           {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, RH);
  add_rows(rows, {"aten.t_copy.default", "aten.flip.default", "aten.index_select.default"}, {CT},
           {CT}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, none_);
  add_rows(rows, {"aten.where.self"}, {AS}, {AS}, {BOOL_T, FP_T, FP_T}, {FP_T}, R);
  add_rows(rows, {"aten.index.Tensor"}, {AS}, {AS}, {FP_INT_T}, {FP_INT_T}, R,
           with_pick | with_check);
  add_rows(rows, {"aten.arange.start_step"}, {AS}, {AS}, {FP_INT_T}, {FP_INT_T}, none_);
  add_rows(rows, {"aten.constant_pad_nd.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, R);
  add_rows(rows,
           {"aten.full.default", "aten.full_like.default", "aten.ones.default",
            "aten.ones_like.default", "aten.zeros.default", "aten.zeros_like.default"},
           {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, none_);
  add_rows(rows, {"aten.scalar_tensor.default"}, {CT}, {CT}, {FP_INT_T}, {FP_INT_T}, R);
  add_rows(rows, {"aten.upsample_nearest2d.vec", "aten.upsample_bilinear2d.vec"}, {CT}, {CT},
           {FP_T}, {FP_T}, none_);
  add_rows(rows, {"aten.pixel_shuffle.default"}, {AS}, {AS}, {FP_T}, {FP_T}, R);
  add_rows(rows, {"et_vk.grid_priors.default"}, {CT}, {CT}, {FP_T}, {FP_T}, none_);
  add_rows(rows, {"aten.grid_sampler_2d.default"}, {CT, CB}, {CT}, {FP_T}, {FP_T}, R, with_check);
  add_rows(rows, {"aten.repeat.default"}, {AS}, {AS}, {FP_INT_BOOL_T}, {FP_INT_BOOL_T}, none_);
  add_rows(rows, {"aten.embedding.default"}, {AS}, {AS}, {FP_T, INT_T}, {FP_T}, RP, with_check);
  add_rows(rows, {"quantized_decomposed.embedding_4bit.dtype"}, {AB}, {AB}, {ALL_T}, {ALL_T}, RP,
           with_check);
  add_rows(rows, {"et_vk.embedding_q4gsw.default"}, {CA}, {CA}, {ALL_T}, {ALL_T}, RP);
  add_rows(rows, {"aten._native_batch_norm_legit_no_training.default"}, {CT}, {CT}, {FP_T}, {FP_T},
           RP);
  // Three outputs with their own repsets: the outputs are not synced.
  add_rows(rows, {"aten.native_group_norm.default"}, {CT}, {CT, CB, CB}, {FP_T}, {FP_T}, P);
  add_rows(rows, {"aten.native_layer_norm.default"}, {AS}, {AS}, {FP_T}, {FP_T}, RP);
  add_rows(rows, {"et_vk.rms_norm.default"}, {CA}, {CA}, {FP_T}, {FP_T}, RP);
  add_rows(rows, {"et_vk.fused_ce.default"}, {CA}, {CA}, {FP_T, INT_T, NONE_T}, {FP_T, FP_T},
           none_);
  add_rows(rows, {"et_vk.adamw_step.default", "et_vk.q4gsw_requant.default"}, {CA}, {CA}, {FP_T},
           {FP_T}, none_);
  add_rows(rows, {"et_vk.linear_dW.default"}, {CA}, {CA}, {FP_T}, {FP_T}, P);
  return rows;
}

/// Ops of the op set that 4.2 does not list: aliases ExecuTorch keys apart,
/// non-edge forms, overloads next to listed ones, and ops Vulkan lacks.
const std::vector<const char*>& unregistered_ops() {
  static const std::vector<const char*> ops{
      "aten.softmax.int",
      "aten.log_softmax.int",
      "aten.conv2d.default",
      "aten.conv1d.default",
      "aten.layer_norm.default",
      "aten.group_norm.default",
      "aten.batch_norm.default",
      "aten.max.dim",
      "aten.min.dim",
      "aten.mean.default",
      "aten.sum.default",
      "aten.concat.default",
      "aten.ne.Tensor",
      "aten.maximum.default",
      "aten.view.default",
      "aten.alias.default",
      "aten.squeeze_copy.dim",
      "aten.lift_fresh_copy.default",
      "aten.expand.default",
      "aten.select.int",
      "aten.t.default",
      "aten.clamp.Tensor",
      "aten.div.Scalar",
      "aten.log.default",
      "aten.silu.default",
      "aten.hardsigmoid.default",
      "aten.bitwise_xor.Tensor",
      "aten.mul_.Tensor",
      "aten.upsample_nearest2d.default",
      "aten.where.default",
      "aten.matmul.default",
      "aten.adaptive_avg_pool2d.default",
  };
  return ops;
}

template <class T>
T element(const std::vector<T>& list, std::size_t i) {
  return i < list.size() ? list[i] : T{};
}

void check_against_registry(const registry_row& row) {
  CAPTURE(row.op);
  const ops::op_id id = ops::find_op(row.op);
  if (id == ops::unknown_op) {
    WARN("the op set does not hold " << row.op << "; its row of 4.2 is not checked");
    return;
  }
  const targets::op_features* features = targets::vulkan_features<targets::vulkan>(id);
  REQUIRE(features != nullptr);

  CHECK(features->inputs_storage.size() == row.inputs.size());
  for (std::size_t i = 0; i < std::max(features->inputs_storage.size(), row.inputs.size()); ++i) {
    CAPTURE(i);
    CHECK(text(features->inputs_storage[i]) == text(element(row.inputs, i)));
  }
  const repset::repset_list outputs = features->output_storage();
  CHECK(outputs.size() == row.outputs.size());
  for (std::size_t k = 0; k < std::max(outputs.size(), row.outputs.size()); ++k) {
    CAPTURE(k);
    CHECK(text(outputs[k]) == text(element(row.outputs, k)));
  }

  CHECK(features->inputs_dtypes.size() == row.input_dtypes.size());
  for (std::size_t i = 0; i < std::max(features->inputs_dtypes.size(), row.input_dtypes.size());
       ++i) {
    CAPTURE(i);
    CHECK(features->inputs_dtypes[i].to_string() == element(row.input_dtypes, i).to_string());
  }
  const targets::dtype_list output_dtypes = features->output_dtypes();
  CHECK(output_dtypes.size() == row.output_dtypes.size());
  for (std::size_t k = 0; k < std::max(output_dtypes.size(), row.output_dtypes.size()); ++k) {
    CAPTURE(k);
    CHECK(output_dtypes[k].to_string() == element(row.output_dtypes, k).to_string());
  }

  if (row.flags) {
    CHECK(features->flags.resizes == row.flags->resize);
    CHECK(features->flags.high_rank == row.flags->highdim);
    CHECK(features->flags.prepacks == row.flags->prepack);
  }
  CHECK((features->pick != targets::storage_pick::registered) == ((row.extras & with_pick) != 0));
  CHECK((features->check != targets::input_check::none) == ((row.extras & with_check) != 0));
  CHECK(features->list_input == ((row.extras & list_arg) != 0));
}

TEST_CASE("vulkan: the registry answers table 4.2 row by row", "[targets][vulkan]") {
  const std::vector<registry_row> rows = registry_table();
  REQUIRE(rows.size() >= 40);
  for (const registry_row& row : rows)
    check_against_registry(row);
}

TEST_CASE("vulkan: ops absent from 4.2 are not registered", "[targets][vulkan]") {
  for (const char* op : unregistered_ops()) {
    CAPTURE(std::string(op));
    const ops::op_id id = ops::find_op(op);
    if (id == ops::unknown_op) {
      WARN("the op set does not hold " << op);
      continue;
    }
    CHECK(targets::vulkan_features<targets::vulkan>(id) == nullptr);
  }
  CHECK(targets::vulkan_features<targets::vulkan>(ops::unknown_op) == nullptr);
}

TEST_CASE("vulkan: every registered op is a row of 4.2", "[targets][vulkan]") {
  const std::vector<registry_row> rows = registry_table();
  std::size_t registered = 0;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    if (targets::vulkan_features<targets::vulkan>(static_cast<ops::op_id>(id)) == nullptr)
      continue;
    ++registered;
    const std::string name(ops::op_table[id].name);
    CAPTURE(name);
    CHECK(std::any_of(rows.begin(), rows.end(),
                      [&](const registry_row& row) { return row.op == name; }));
  }
  CHECK(registered > 0);
}

//===--- Graphs of one op ---===//

graph::tensor_type tensor(dtype type, std::vector<std::int64_t> dims) {
  return {type, shape(std::move(dims))};
}

graph::attribute ints(std::vector<std::int64_t> values) {
  graph::attribute::list items;
  for (auto v : values)
    items.emplace_back(v);
  return items;
}

constexpr dtype f32 = dtype::float32;
constexpr dtype i32 = dtype::int32;
constexpr dtype i64 = dtype::int64;

/// A graph whose last node "op" runs `op` on a graph input ("in0") and
/// constants ("in1", ...).
struct one_op {
  graph::plain_graph g{"vulkan"};
  node_index n = 0;

  one_op(std::string op, std::vector<graph::tensor_type> inputs,
         std::vector<graph::tensor_type> outputs, graph::attribute_map attrs = {}) {
    std::vector<node_index> ids;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      ids.push_back(g.add_node(graph::node{
          "in" + std::to_string(k), k == 0 ? "input" : "const", {}, {}, {inputs[k]}, {}}));
    }
    n = g.add_node(
        graph::node{"op", std::move(op), std::move(ids), std::move(attrs), std::move(outputs), {}});
    g.set_outputs({n});
  }

  /// "accepted", or the rejection's reason.
  template <class Target = targets::vulkan>
  std::string verdict(node_index m) const {
    const targets::support_result result = Target::check(g, m);
    return result ? std::string(targets::to_string(result->code)) : std::string("accepted");
  }
  template <class Target = targets::vulkan>
  std::string verdict() const {
    return verdict<Target>(n);
  }
  std::string message(node_index m) const {
    const targets::support_result result = targets::vulkan::check(g, m);
    return result ? result->message : std::string();
  }
  std::string message() const { return message(n); }

  template <class Target = targets::vulkan>
  repset::op_repsets repsets() const {
    const targets::op_features* features =
        targets::vulkan_features<Target>(ops::find_op(g.op_name(n)));
    REQUIRE(features != nullptr);
    return targets::make_op_repsets(g, n, *features, repset::default_texture_limits);
  }
};

bool mentions(const std::string& message, std::string_view part) {
  return message.find(part) != std::string::npos;
}

/// A one-input unary graph of `type` and `dims` in and out.
one_op unary(std::string op, dtype type, std::vector<std::int64_t> dims) {
  return one_op(std::move(op), {tensor(type, dims)}, {tensor(type, dims)});
}

graph::attribute_map reduce_attrs(std::vector<std::int64_t> dims, bool keepdim) {
  return {{"dim", ints(std::move(dims))}, {"keepdim", keepdim}};
}

graph::attribute_map conv_attrs(bool transposed, std::int64_t groups, std::size_t spatial) {
  const std::vector<std::int64_t> ones(spatial, 1);
  const std::vector<std::int64_t> zeros(spatial, 0);
  return {{"stride", ints(ones)},     {"padding", ints(zeros)},        {"dilation", ints(ones)},
          {"transposed", transposed}, {"output_padding", ints(zeros)}, {"groups", groups}};
}

/// A convolution of `input` by `weight` with a bias, giving `output`.
one_op convolution(std::vector<std::int64_t> input, std::vector<std::int64_t> weight,
                   std::vector<std::int64_t> output, std::int64_t groups = 1,
                   bool transposed = false) {
  const std::size_t spatial = input.size() - 2;
  const std::int64_t out_channels = weight[0];
  return one_op(
      "aten.convolution.default",
      {tensor(f32, std::move(input)), tensor(f32, std::move(weight)), tensor(f32, {out_channels})},
      {tensor(f32, std::move(output))}, conv_attrs(transposed, groups, spatial));
}

//===--- The partitioner's node checks ---===//

TEST_CASE("vulkan: graph inputs and constants are never the delegate's own nodes",
          "[targets][vulkan]") {
  const one_op add("aten.add.Tensor", {tensor(f32, {4}), tensor(f32, {4})}, {tensor(f32, {4})});
  CHECK(add.verdict(0) == "graph_input");
  CHECK(add.verdict(1) == "graph_input");
  CHECK(add.verdict() == "accepted");
  CHECK(mentions(add.message(0), "input"));
  CHECK(mentions(add.message(1), "const"));
}

TEST_CASE("vulkan: a null element in a cat's tensor list is skipped, not read (fuzzing)",
          "[targets][vulkan]") {
  // The pipeline fuzzer's SEGV: the list filter read the shape of the null element.
  const qlower::graph::plain_graph g = qlower::graph::io::read_json(R"({
    "format": "qlower-graph", "version": 1,
    "nodes": [
      {"id": "x", "op": "input", "dtype": "float32", "shape": [2, 3]},
      {"id": "joined", "op": "aten.cat.default", "inputs": ["x", null, "x"],
       "attrs": {"dim": 0}, "dtype": "float32", "shape": [4, 3]}],
    "outputs": ["joined"]})");
  const std::optional<qlower::targets::rejection> verdict = qlower::targets::vulkan::check(g, 1);
  CHECK_FALSE(verdict.has_value());  // the two real elements fit every layout of cat
}

TEST_CASE("vulkan: an op must be registered (check 5)", "[targets][vulkan]") {
  const one_op softmax("aten.softmax.int", {tensor(f32, {1, 8})}, {tensor(f32, {1, 8})},
                       {{"dim", -1}});
  CHECK(softmax.verdict() == "not_registered");
  CHECK(mentions(softmax.message(), "aten.softmax.int"));
  // An alias the registry does not key: concat is not cat.
  const one_op concat("aten.concat.default", {tensor(f32, {2}), tensor(f32, {2})},
                      {tensor(f32, {4})}, {{"dim", 0}});
  CHECK(concat.verdict() == "not_registered");
  // permute.default is registered (unlike on the Arm side).
  CHECK(unary("aten.permute.default", f32, {2, 2}).verdict() == "accepted");
  // A name the op set does not hold at all.
  const one_op vendor = unary("vendor.op.default", f32, {4});
  CHECK(vendor.verdict() == "unknown_op");
  CHECK(mentions(vendor.message(), "vendor.op.default"));
}

TEST_CASE("vulkan: IO dtypes must be Vulkan dtypes, before anything else (check 1)",
          "[targets][vulkan]") {
  const one_op add("aten.add.Tensor", {tensor(dtype::int16, {4}), tensor(dtype::int16, {4})},
                   {tensor(dtype::int16, {4})});
  CHECK(add.verdict() == "dtype_unsupported");
  CHECK(mentions(add.message(), "int16"));
  const one_op bf16 = unary("aten.relu.default", dtype::bfloat16, {4});
  CHECK(bf16.verdict() == "dtype_unsupported");
  CHECK(mentions(bf16.message(), "bfloat16"));
  // Check 1 comes before the registry's checks.
  CHECK(unary("aten.softmax.int", dtype::int16, {4}).verdict() == "dtype_unsupported");
  CHECK(unary("vendor.op.default", dtype::int16, {4}).verdict() == "dtype_unsupported");
  // An output outside ALL_T.
  const one_op to_copy("aten._to_copy.default", {tensor(f32, {4})}, {tensor(dtype::int16, {4})});
  CHECK(to_copy.verdict() == "dtype_unsupported");
  CHECK(mentions(to_copy.message(), "int16"));
}

TEST_CASE("vulkan: each op's dtype sets (check 6)", "[targets][vulkan]") {
  // relu is FP_T only.
  const one_op relu = unary("aten.relu.default", i32, {4});
  CHECK(relu.verdict() == "dtype_unsupported");
  CHECK(mentions(relu.message(), "int32"));
  CHECK(unary("aten.relu.default", dtype::float16, {4}).verdict() == "accepted");
  // clamp takes FP_INT_T.
  CHECK(unary("aten.clamp.default", i32, {4}).verdict() == "accepted");
  CHECK(unary("aten.clamp.default", dtype::bool_, {4}).verdict() == "dtype_unsupported");
  // Binary ops: FP_INT_T, not bool.
  CHECK(one_op("aten.add.Tensor", {tensor(i64, {4}), tensor(i64, {4})}, {tensor(i64, {4})})
            .verdict() == "accepted");
  CHECK(one_op("aten.add.Tensor", {tensor(dtype::bool_, {4}), tensor(dtype::bool_, {4})},
               {tensor(dtype::bool_, {4})})
            .verdict() == "dtype_unsupported");

  // Comparisons: FP_INT_T in, BOOL_T out.
  CHECK(one_op("aten.eq.Tensor", {tensor(f32, {4}), tensor(f32, {4})}, {tensor(dtype::bool_, {4})})
            .verdict() == "accepted");
  CHECK(one_op("aten.lt.Tensor", {tensor(i32, {4}), tensor(i32, {4})}, {tensor(dtype::bool_, {4})})
            .verdict() == "accepted");
  const one_op float_out("aten.eq.Tensor", {tensor(f32, {4}), tensor(f32, {4})},
                         {tensor(f32, {4})});
  CHECK(float_out.verdict() == "dtype_unsupported");
  CHECK(mentions(float_out.message(), "float32"));
  CHECK(one_op("aten.eq.Tensor", {tensor(dtype::bool_, {4}), tensor(dtype::bool_, {4})},
               {tensor(dtype::bool_, {4})})
            .verdict() == "dtype_unsupported");

  // Logical ops: bool only.
  CHECK(one_op("aten.logical_and.default", {tensor(dtype::bool_, {4}), tensor(dtype::bool_, {4})},
               {tensor(dtype::bool_, {4})})
            .verdict() == "accepted");
  CHECK(unary("aten.logical_not.default", f32, {4}).verdict() == "dtype_unsupported");

  // where.self: [BOOL, FP, FP] in, FP out.
  CHECK(one_op("aten.where.self", {tensor(dtype::bool_, {4}), tensor(f32, {4}), tensor(f32, {4})},
               {tensor(f32, {4})})
            .verdict() == "accepted");
  CHECK(one_op("aten.where.self", {tensor(f32, {4}), tensor(f32, {4}), tensor(f32, {4})},
               {tensor(f32, {4})})
            .verdict() == "dtype_unsupported");
  CHECK(one_op("aten.where.self", {tensor(dtype::bool_, {4}), tensor(i32, {4}), tensor(i32, {4})},
               {tensor(i32, {4})})
            .verdict() == "dtype_unsupported");

  // argmax: FP in, INT out.
  CHECK(one_op("aten.argmax.default", {tensor(f32, {1, 4, 6, 8})}, {tensor(i64, {1, 4, 6})},
               {{"dim", 3}, {"keepdim", false}})
            .verdict() == "accepted");
  CHECK(one_op("aten.argmax.default", {tensor(f32, {1, 4, 6, 8})}, {tensor(f32, {1, 4, 6})},
               {{"dim", 3}, {"keepdim", false}})
            .verdict() == "dtype_unsupported");

  // cat: FP_INT_T, so no bool.
  CHECK(one_op("aten.cat.default", {tensor(dtype::bool_, {2}), tensor(dtype::bool_, {2})},
               {tensor(dtype::bool_, {4})}, {{"dim", 0}})
            .verdict() == "dtype_unsupported");

  // embedding: [FP, INT]: float weights, integer indices.
  CHECK(one_op("aten.embedding.default", {tensor(f32, {16, 4}), tensor(i64, {3})},
               {tensor(f32, {3, 4})})
            .verdict() == "accepted");
  CHECK(one_op("aten.embedding.default", {tensor(f32, {16, 4}), tensor(f32, {3})},
               {tensor(f32, {3, 4})})
            .verdict() == "dtype_unsupported");
}

TEST_CASE("vulkan: rank above 4 needs high-dim support (check 8)", "[targets][vulkan]") {
  const std::vector<std::int64_t> rank5{1, 2, 3, 4, 5};
  const one_op relu = unary("aten.relu.default", f32, rank5);
  CHECK(relu.verdict() == "high_rank");
  CHECK(mentions(relu.message(), "5"));
  CHECK(one_op("aten.add.Tensor", {tensor(f32, rank5), tensor(f32, rank5)}, {tensor(f32, rank5)})
            .verdict() == "accepted");
  // permute is texture-only and low-rank; permute_copy takes any storage and high rank.
  CHECK(unary("aten.permute.default", f32, rank5).verdict() == "high_rank");
  CHECK(unary("aten.permute_copy.default", f32, rank5).verdict() == "accepted");
  CHECK(unary("aten.view_copy.default", f32, rank5).verdict() == "accepted");
  CHECK(one_op("aten.cat.default", {tensor(f32, rank5), tensor(f32, rank5)},
               {tensor(f32, {2, 2, 3, 4, 5})}, {{"dim", 0}})
            .verdict() == "high_rank");
  CHECK(unary("aten.relu.default", f32, {1, 2, 3, 4}).verdict() == "accepted");
}

TEST_CASE("vulkan: a convolution's input check", "[targets][vulkan]") {
  const one_op batch2 = convolution({2, 3, 8, 8}, {4, 3, 3, 3}, {2, 4, 6, 6});
  CHECK(batch2.verdict() == "inputs_unsupported");
  CHECK(mentions(batch2.message(), "batch"));
  CHECK(mentions(batch2.message(), "2"));
  CHECK(convolution({1, 3, 8, 8}, {4, 3, 3, 3}, {1, 4, 6, 6}).verdict() == "accepted");
  // A 3-D input must not be transposed.
  CHECK(convolution({1, 8, 16}, {8, 16, 3}, {1, 16, 18}, 1, true).verdict() ==
        "inputs_unsupported");
  CHECK(convolution({1, 8, 16}, {16, 8, 3}, {1, 16, 14}).verdict() == "accepted");
}

TEST_CASE("vulkan: a reduction needs the per-row or the general implementation",
          "[targets][vulkan]") {
  const std::vector<std::int64_t> in{1, 4, 6, 8};
  const one_op three_dims("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1})},
                          reduce_attrs({1, 2, 3}, false));
  CHECK(three_dims.verdict() == "inputs_unsupported");
  CHECK(mentions(three_dims.message(), "keepdim"));
  // Per-row: only the last dim, with or without keepdim.
  CHECK(one_op("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 4, 6})},
               reduce_attrs({-1}, false))
            .verdict() == "accepted");
  CHECK(one_op("aten.sum.dim_IntList", {tensor(f32, in)}, {tensor(f32, {1, 4, 6, 1})},
               reduce_attrs({3}, true))
            .verdict() == "accepted");
  // General: at most 2 dims, keepdim true.
  CHECK(one_op("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 1, 1, 8})},
               reduce_attrs({1, 2}, true))
            .verdict() == "accepted");
  CHECK(
      one_op("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 8})}, reduce_attrs({1, 2}, false))
          .verdict() == "inputs_unsupported");
  CHECK(one_op("aten.amax.default", {tensor(f32, in)}, {tensor(f32, {1, 1, 1, 1})},
               reduce_attrs({1, 2, 3}, true))
            .verdict() == "inputs_unsupported");
  // The general implementation is texture-only: a rank-5 input leaves it no
  // representation, while the per-row one has its contiguous buffer.
  const std::vector<std::int64_t> rank5{1, 2, 3, 4, 5};
  const one_op general5("aten.mean.dim", {tensor(f32, rank5)}, {tensor(f32, {1, 1, 3, 4, 5})},
                        reduce_attrs({1}, true));
  CHECK(general5.verdict() == "no_valid_representation");
  CHECK(mentions(general5.message(), "no valid representations"));
  CHECK(one_op("aten.mean.dim", {tensor(f32, rank5)}, {tensor(f32, {1, 2, 3, 4, 1})},
               reduce_attrs({4}, true))
            .verdict() == "accepted");
}

TEST_CASE("vulkan: copy.default only as a no-op", "[targets][vulkan]") {
  CHECK(
      one_op("aten.copy.default", {tensor(f32, {2, 4}), tensor(f32, {2, 4})}, {tensor(f32, {2, 4})})
          .verdict() == "accepted");
  const one_op reshaping("aten.copy.default", {tensor(f32, {2, 4}), tensor(f32, {4})},
                         {tensor(f32, {2, 4})});
  CHECK(reshaping.verdict() == "inputs_unsupported");
  CHECK(mentions(reshaping.message(), "shape"));
  CHECK(
      one_op("aten.copy.default", {tensor(f32, {2, 4}), tensor(i32, {2, 4})}, {tensor(f32, {2, 4})})
          .verdict() == "inputs_unsupported");
}

TEST_CASE("vulkan: a tensor too large for every layout has no valid representation (check 10)",
          "[targets][vulkan]") {
  // Channels-packed textures only: a width of 20000 exceeds 16384 and there is no buffer half.
  const one_op pool("aten.avg_pool2d.default", {tensor(f32, {1, 1, 1, 20000})},
                    {tensor(f32, {1, 1, 1, 20000})},
                    {{"kernel_size", ints({1, 1})}, {"stride", ints({1, 1})}});
  CHECK(pool.verdict() == "no_valid_representation");
  CHECK(mentions(pool.message(), "no valid representations"));
  // The limits themselves are valid extents.
  CHECK(one_op("aten.avg_pool2d.default", {tensor(f32, {1, 1, 1, 16384})},
               {tensor(f32, {1, 1, 1, 16384})},
               {{"kernel_size", ints({1, 1})}, {"stride", ints({1, 1})}})
            .verdict() == "accepted");
  // Channels: 8192 / 4 = 2048 fits the depth limit, 8200 / 4 = 2050 does not.
  CHECK(unary("aten.avg_pool2d.default", f32, {1, 8192, 1, 1}).verdict() == "accepted");
  CHECK(unary("aten.avg_pool2d.default", f32, {1, 8200, 1, 1}).verdict() ==
        "no_valid_representation");
  const one_op transpose("aten.t_copy.default", {tensor(f32, {1, 20000})},
                         {tensor(f32, {20000, 1})});
  CHECK(transpose.verdict() == "no_valid_representation");
  CHECK(one_op("aten.t_copy.default", {tensor(f32, {4, 8})}, {tensor(f32, {8, 4})}).verdict() ==
        "accepted");
  // An op with a buffer half keeps it.
  CHECK(one_op("aten.add.Tensor", {tensor(f32, {1, 1, 1, 20000}), tensor(f32, {1, 1, 1, 20000})},
               {tensor(f32, {1, 1, 1, 20000})})
            .verdict() == "accepted");
}

//===--- The identity-like ops and the layout_agnostic trait (seed 003) ---===//

/// ExecuTorch before it let identity ops accept PACKED_INT8: no op is layout-agnostic.
struct vulkan_no_layout_agnostic : targets::vulkan {
  template <class Op>
  static constexpr bool is_layout_agnostic = false;

  template <graph::graph G>
  static targets::support_result check(const G& g, node_index n) {
    return targets::vulkan_check<vulkan_no_layout_agnostic>(g, n);
  }
};

constexpr std::array<const char*, 4> identity_ops{"aten.view_copy.default", "aten.clone.default",
                                                  "dim_order_ops._clone_dim_order.default",
                                                  "aten.alias_copy.default"};

TEST_CASE("vulkan: identity-like ops accept every layout, packed int8 included",
          "[targets][vulkan]") {
  for (const char* op : identity_ops) {
    CAPTURE(std::string(op));
    const ops::op_id id = ops::find_op(op);
    if (id == ops::unknown_op) {
      WARN("the op set does not hold " << op);
      continue;
    }
    const auto* agnostic = targets::vulkan_features<targets::vulkan>(id);
    const auto* before = targets::vulkan_features<vulkan_no_layout_agnostic>(id);
    REQUIRE(agnostic != nullptr);
    REQUIRE(before != nullptr);
    REQUIRE(agnostic->inputs_storage.size() == 1);
    CHECK(text(agnostic->inputs_storage[0]) == text(spec::ANY_STORAGE_INCL_PACKED_INT8));
    CHECK(text(agnostic->output_storage()[0]) == text(spec::ANY_STORAGE_INCL_PACKED_INT8));
    // Without the trait they fall back to ANY_STORAGE, float layouts only.
    REQUIRE(before->inputs_storage.size() == 1);
    CHECK(text(before->inputs_storage[0]) == text(spec::ANY_STORAGE));
    CHECK(text(before->output_storage()[0]) == text(spec::ANY_STORAGE));
    // Nothing else about them changes.
    CHECK(agnostic->inputs_dtypes[0] == before->inputs_dtypes[0]);
    CHECK(agnostic->flags == before->flags);

    // On a node: a float tensor; output = input (primary io synced).
    const one_op node = unary(op, f32, {1, 8, 4, 4});
    const repset::op_repsets now = node.repsets();
    const repset::op_repsets then = node.repsets<vulkan_no_layout_agnostic>();
    CHECK(now.sync_primary_io());
    CHECK(text(now.arg(0)) == text(spec::ALL));
    CHECK(text(now.output(0)) == text(spec::ALL));
    CHECK(text(then.arg(0)) == text(spec::AS));
    CHECK(text(then.output(0)) == text(spec::AS));
    // Between two q8ta ops: shares layouts with their packed int8 buffers only with the trait.
    CHECK(now.arg(0).any_in_common(spec::PI8));
    CHECK(!then.arg(0).any_in_common(spec::PI8));
    CHECK(node.verdict() == "accepted");
    CHECK(node.verdict<vulkan_no_layout_agnostic>() == "accepted");
  }
  CHECK(targets::vulkan::is_layout_agnostic<ops::aten::clone_default>);
  CHECK(targets::vulkan::is_layout_agnostic<ops::aten::view_copy_default>);
  CHECK(!targets::vulkan::is_layout_agnostic<ops::aten::permute_copy_default>);
  CHECK(!targets::vulkan::is_layout_agnostic<ops::dim_order_ops::_to_dim_order_copy_default>);
}

TEST_CASE("vulkan: the trait changes the identity-like ops and nothing else", "[targets][vulkan]") {
  std::size_t compared = 0;
  for (std::size_t id = 0; id < ops::op_count; ++id) {
    const auto* agnostic = targets::vulkan_features<targets::vulkan>(static_cast<ops::op_id>(id));
    const auto* before =
        targets::vulkan_features<vulkan_no_layout_agnostic>(static_cast<ops::op_id>(id));
    CHECK((agnostic == nullptr) == (before == nullptr));
    if (agnostic == nullptr || before == nullptr)
      continue;
    const std::string name(ops::op_table[id].name);
    const bool identity = std::any_of(identity_ops.begin(), identity_ops.end(),
                                      [&](const char* op) { return name == op; });
    CAPTURE(name);
    CHECK((agnostic->inputs_storage == before->inputs_storage) == !identity);
    CHECK(agnostic->flags == before->flags);
    ++compared;
  }
  CHECK(compared > 0);
}

TEST_CASE("vulkan: shape filtering of an identity op with and without the trait",
          "[targets][vulkan]") {
  using namespace spec;
  // A width of 20000 leaves only the width-packed texture (20000 / 4 = 5000).
  const one_op wide = unary("aten.view_copy.default", f32, {1, 1, 1, 20000});
  const rs w_texture_only{{}, {width_packed}};
  CHECK(text(wide.repsets().arg(0)) ==
        text(rs{float_layouts | quantized_layouts, {}} | w_texture_only));
  CHECK(text(wide.repsets<vulkan_no_layout_agnostic>().arg(0)) ==
        text(rs{float_layouts, {width_packed}}));
  // Rank 5: buffers only.
  const one_op deep = unary("aten.clone.default", f32, {1, 2, 3, 4, 5});
  CHECK(text(deep.repsets().arg(0)) == text(rs{float_layouts | quantized_layouts, {}}));
  CHECK(text(deep.repsets<vulkan_no_layout_agnostic>().arg(0)) == text(ANY_BUFFER));
}

TEST_CASE("vulkan: an int8 identity op fails its FP_INT_BOOL dtype set", "[targets][vulkan]") {
  // 4.2 gives view_copy and clone FP_INT_BOOL_T, which holds no int8, so the
  // partitioner's dtype check refuses an int8 node whatever layouts it accepts.
  CHECK(unary("aten.view_copy.default", dtype::int8, {1, 8, 4, 4}).verdict() ==
        "dtype_unsupported");
  CHECK(unary("aten.clone.default", dtype::int8, {1, 8, 4, 4}).verdict() == "dtype_unsupported");
  CHECK(unary("aten.view_copy.default", dtype::int8, {1, 8, 4, 4})
            .verdict<vulkan_no_layout_agnostic>() == "dtype_unsupported");
}

//===--- make_op_repsets: the storage picks and the sync rules ---===//

TEST_CASE("vulkan: the reduce storage pick", "[targets][vulkan][repsets]") {
  using namespace spec;
  const std::vector<std::int64_t> in{1, 4, 6, 8};
  SECTION("per-row on the last dim with keepdim: ANY_TEXTURE and CONTIGUOUS_BUFFER") {
    const one_op node("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 4, 6, 1})},
                      reduce_attrs({-1}, true));
    const auto sets = node.repsets();
    const rs expected = ANY_TEXTURE | CONTIGUOUS_BUFFER;
    CHECK(text(sets.arg(0)) == text(expected));
    CHECK(text(sets.output(0)) == text(expected));
  }
  SECTION("per-row without keepdim: the contiguous buffer only") {
    const one_op node("aten.sum.dim_IntList", {tensor(f32, in)}, {tensor(f32, {1, 4, 6})},
                      reduce_attrs({3}, false));
    const auto sets = node.repsets();
    CHECK(text(sets.arg(0)) == text(CONTIGUOUS_BUFFER));
    CHECK(text(sets.output(0)) == text(CONTIGUOUS_BUFFER));
  }
  SECTION("general: one inner dim with keepdim gives ANY_TEXTURE") {
    const one_op node("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 1, 6, 8})},
                      reduce_attrs({1}, true));
    const auto sets = node.repsets();
    CHECK(text(sets.arg(0)) == text(ANY_TEXTURE));
    CHECK(text(sets.output(0)) == text(ANY_TEXTURE));
  }
  SECTION("two dims without keepdim: the texture packed along the remaining WHCN dim") {
    // H and W reduced: channels-packed.
    const one_op hw("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 4})},
                    reduce_attrs({-2, -1}, false));
    CHECK(text(hw.repsets().arg(0)) == text(CHANNELS_PACKED_TEXTURE));
    CHECK(text(hw.repsets().output(0)) == text(CHANNELS_PACKED_TEXTURE));
    // C and W reduced: height-packed.
    const one_op cw("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1, 6})},
                    reduce_attrs({1, 3}, false));
    CHECK(text(cw.repsets().arg(0)) == text(HEIGHT_PACKED_TEXTURE));
    CHECK(text(cw.repsets().output(0)) == text(HEIGHT_PACKED_TEXTURE));
    // C and H reduced: width-packed.
    const one_op ch("aten.amax.default", {tensor(f32, in)}, {tensor(f32, {1, 8})},
                    reduce_attrs({1, 2}, false));
    CHECK(text(ch.repsets().arg(0)) == text(WIDTH_PACKED_TEXTURE));
    CHECK(text(ch.repsets().output(0)) == text(WIDTH_PACKED_TEXTURE));
  }
  SECTION("three dims without keepdim: no storage at all") {
    const one_op node("aten.mean.dim", {tensor(f32, in)}, {tensor(f32, {1})},
                      reduce_attrs({1, 2, 3}, false));
    CHECK(node.repsets().any_is_empty());
  }
  SECTION("argmax takes the same pick") {
    const one_op node("aten.argmax.default", {tensor(f32, in)}, {tensor(i64, {1, 4, 6})},
                      {{"dim", 3}, {"keepdim", false}});
    CHECK(text(node.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
  }
}

TEST_CASE("vulkan: the _to_copy storage pick", "[targets][vulkan][repsets]") {
  using namespace spec;
  const std::vector<std::int64_t> dims{1, 4, 8, 8};
  const one_op narrowing("aten._to_copy.default", {tensor(f32, dims)},
                         {tensor(dtype::float16, dims)});
  CHECK(text(narrowing.repsets().arg(0)) == text(ANY_STORAGE));
  CHECK(text(narrowing.repsets().output(0)) == text(ANY_STORAGE));
  const one_op to_int("aten._to_copy.default", {tensor(f32, dims)}, {tensor(i32, dims)});
  CHECK(text(to_int.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
  CHECK(text(to_int.repsets().output(0)) == text(CONTIGUOUS_BUFFER));
  const one_op from_int("aten._to_copy.default", {tensor(i32, dims)}, {tensor(f32, dims)});
  CHECK(text(from_int.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
}

TEST_CASE("vulkan: the convolution storage pick", "[targets][vulkan][repsets]") {
  using namespace spec;
  SECTION("a pointwise 1-D convolution runs on height-packed textures") {
    const auto sets = convolution({1, 8, 16}, {16, 8, 1}, {1, 16, 16}).repsets();
    CHECK(text(sets.arg(0)) == text(HEIGHT_PACKED_TEXTURE));
    CHECK(text(sets.output(0)) == text(HEIGHT_PACKED_TEXTURE));
    CHECK(!sets.sync_args());
    CHECK(sets.sync_primary_io());
    // The weight and bias are registered NO_STORAGE: anything.
    CHECK(text(sets.arg(1)) == text(ALL));
    CHECK(text(sets.arg(2)) == text(ALL));
  }
  SECTION("a depthwise 1-D convolution too") {
    const auto sets = convolution({1, 8, 16}, {8, 1, 3}, {1, 8, 14}, 8).repsets();
    CHECK(text(sets.arg(0)) == text(HEIGHT_PACKED_TEXTURE));
    CHECK(text(sets.output(0)) == text(HEIGHT_PACKED_TEXTURE));
  }
  SECTION("a general 1-D convolution is channels-packed") {
    const auto sets = convolution({1, 8, 16}, {16, 8, 3}, {1, 16, 14}).repsets();
    CHECK(text(sets.arg(0)) == text(CHANNELS_PACKED_TEXTURE));
    CHECK(text(sets.output(0)) == text(CHANNELS_PACKED_TEXTURE));
  }
  SECTION("a 2-D convolution is channels-packed, pointwise or not") {
    const auto sets = convolution({1, 8, 16, 16}, {16, 8, 1, 1}, {1, 16, 16, 16}).repsets();
    CHECK(text(sets.arg(0)) == text(CHANNELS_PACKED_TEXTURE));
    CHECK(text(sets.output(0)) == text(CHANNELS_PACKED_TEXTURE));
  }
}

TEST_CASE("vulkan: cat's list argument takes one repset for every element",
          "[targets][vulkan][repsets]") {
  using namespace spec;
  const one_op small("aten.cat.default", {tensor(f32, {1, 1, 2, 4}), tensor(f32, {1, 1, 2, 4})},
                     {tensor(f32, {1, 1, 4, 4})}, {{"dim", 2}});
  CHECK(small.repsets().sync_args());
  CHECK(text(small.repsets().arg(0)) == text(ANY_STORAGE));
  // One wide element narrows the shared repset: only W-packing fits a width of 20000.
  const one_op wide(
      "aten.cat.default",
      {tensor(f32, {1, 1, 1, 20000}), tensor(f32, {1, 1, 1, 4}), tensor(f32, {1, 1, 1, 4})},
      {tensor(f32, {1, 1, 1, 20008})}, {{"dim", 3}});
  const auto sets = wide.repsets();
  const rs expected{float_layouts, {width_packed}};
  CHECK(sets.sync_args());
  CHECK(sets.sync_primary_io());
  CHECK(text(sets.arg(0)) == text(expected));
  CHECK(text(sets.arg(1)) == text(expected));
  CHECK(text(sets.output(0)) == text(expected));
}

TEST_CASE("vulkan: a binary op syncs its args and its output", "[targets][vulkan][repsets]") {
  using namespace spec;
  const one_op add("aten.add.Tensor", {tensor(f32, {1, 1, 1, 20000}), tensor(f32, {1, 1, 1, 1})},
                   {tensor(f32, {1, 1, 1, 20000})});
  const auto sets = add.repsets();
  const rs expected{float_layouts, {width_packed}};
  CHECK(sets.sync_args());
  CHECK(sets.sync_outputs());
  CHECK(sets.sync_primary_io());
  CHECK(text(sets.arg(0)) == text(expected));
  CHECK(text(sets.arg(1)) == text(expected));
  CHECK(text(sets.output(0)) == text(expected));
}

TEST_CASE("vulkan: quantize and dequantize per tensor: args synced, no primary sync",
          "[targets][vulkan][repsets]") {
  using namespace spec;
  const graph::attribute_map qparams{{"scale", 0.5},
                                     {"zero_point", 0},
                                     {"quant_min", -128},
                                     {"quant_max", 127},
                                     {"dtype", "int8"}};
  const std::vector<std::int64_t> dims{1, 3, 8, 8};
  const one_op quantize("quantized_decomposed.quantize_per_tensor.default", {tensor(f32, dims)},
                        {tensor(dtype::int8, dims)}, qparams);
  const auto q = quantize.repsets();
  CHECK(q.sync_args());
  CHECK(q.sync_outputs());
  CHECK(!q.sync_primary_io());
  CHECK(text(q.arg(0)) == text(CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER));
  CHECK(text(q.output(0)) == text(PACKED_INT8_BUFFER));
  CHECK(quantize.verdict() == "accepted");

  // A width of 20000 drops the channels-packed texture; the output is untouched.
  const one_op wide("quantized_decomposed.quantize_per_tensor.default",
                    {tensor(f32, {1, 1, 1, 20000})}, {tensor(dtype::int8, {1, 1, 1, 20000})},
                    qparams);
  CHECK(text(wide.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
  CHECK(text(wide.repsets().output(0)) == text(PACKED_INT8_BUFFER));
  // High rank is supported: buffers only.
  const one_op deep("quantized_decomposed.quantize_per_tensor.default",
                    {tensor(f32, {1, 2, 3, 4, 5})}, {tensor(dtype::int8, {1, 2, 3, 4, 5})},
                    qparams);
  CHECK(text(deep.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
  CHECK(deep.verdict() == "accepted");

  const one_op dequantize("quantized_decomposed.dequantize_per_tensor.default",
                          {tensor(dtype::int8, dims)}, {tensor(f32, dims)}, qparams);
  const auto d = dequantize.repsets();
  CHECK(d.sync_args());
  CHECK(!d.sync_primary_io());
  CHECK(text(d.arg(0)) == text(PACKED_INT8_BUFFER));
  CHECK(text(d.output(0)) == text(CHANNELS_PACKED_TEXTURE_OR_CONTIGUOUS_BUFFER));
}

TEST_CASE("vulkan: a q8ta convolution's per-arg list", "[targets][vulkan][repsets]") {
  using namespace spec;
  const one_op conv("et_vk.q8ta_conv2d.default",
                    {tensor(dtype::int8, {1, 8, 16, 16}), tensor(dtype::int8, {16, 8, 3, 3})},
                    {tensor(dtype::int8, {1, 16, 14, 14})});
  const auto sets = conv.repsets();
  CHECK(!sets.sync_args());
  CHECK(!sets.sync_primary_io());
  CHECK(text(sets.arg(0)) == text(PACKED_INT8_CONV2D_BUFFER));
  CHECK(text(sets.arg(1)) == text(ALL));
  CHECK(text(sets.output(0)) == text(PACKED_INT8_CHANNELS_PACKED_BUFFER));
}

TEST_CASE("vulkan: native_group_norm's three outputs are not synced",
          "[targets][vulkan][repsets]") {
  using namespace spec;
  const one_op norm("aten.native_group_norm.default",
                    {tensor(f32, {1, 8, 4, 4}), tensor(f32, {8}), tensor(f32, {8})},
                    {tensor(f32, {1, 8, 4, 4}), tensor(f32, {1, 2}), tensor(f32, {1, 2})},
                    {{"N", 1}, {"C", 8}, {"HxW", 16}, {"group", 2}, {"eps", 1e-5}});
  const auto sets = norm.repsets();
  CHECK(sets.sync_args());
  CHECK(!sets.sync_outputs());
  CHECK(sets.sync_primary_io());
  CHECK(sets.output_count() == 3);
  CHECK(text(sets.arg(0)) == text(CHANNELS_PACKED_TEXTURE));
  CHECK(text(sets.output(0)) == text(CHANNELS_PACKED_TEXTURE));
  CHECK(text(sets.output(1)) == text(CONTIGUOUS_BUFFER));
  CHECK(text(sets.output(2)) == text(CONTIGUOUS_BUFFER));
  CHECK(norm.verdict() == "accepted");
}

TEST_CASE("vulkan: the index.Tensor storage pick", "[targets][vulkan][repsets]") {
  using namespace spec;
  const one_op rank2("aten.index.Tensor", {tensor(f32, {4, 8}), tensor(i64, {3})},
                     {tensor(f32, {3, 8})});
  CHECK(text(rank2.repsets().arg(0)) == text(CONTIGUOUS_BUFFER));
  CHECK(text(rank2.repsets().output(0)) == text(CONTIGUOUS_BUFFER));
  const one_op rank1("aten.index.Tensor", {tensor(f32, {8}), tensor(i64, {3})}, {tensor(f32, {3})});
  CHECK(text(rank1.repsets().arg(0)) == text(ANY_STORAGE));
}

//===--- Messages that name the value ---===//

// The messages above name the op, the dtype, the rank and the batch. These
// ask more: the width, the dims, the shapes or the node. vulkan.md does not
// prescribe message text; rejection.hpp asks for "the limit and the value".
TEST_CASE("vulkan: every rejection message names the offending value", "[targets][vulkan]") {
  const one_op pool("aten.avg_pool2d.default", {tensor(f32, {1, 1, 1, 20000})},
                    {tensor(f32, {1, 1, 1, 20000})});
  CHECK(mentions(pool.message(), "20000"));
  const one_op reduce("aten.mean.dim", {tensor(f32, {1, 4, 6, 8})}, {tensor(f32, {1})},
                      reduce_attrs({1, 2, 3}, false));
  const std::string reduce_message = reduce.message();
  CHECK((mentions(reduce_message, "3 dims") || mentions(reduce_message, "1, 2, 3")));
  const one_op copy("aten.copy.default", {tensor(f32, {2, 4}), tensor(f32, {4})},
                    {tensor(f32, {2, 4})});
  CHECK(mentions(copy.message(), shape({4}).to_string()));
  CHECK(mentions(copy.message(), shape({2, 4}).to_string()));
  const one_op relu = unary("aten.relu.default", f32, {4});
  CHECK(mentions(relu.message(0), "in0"));
}

}  // namespace
