// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "qlower/graph/attribute.hpp"

namespace qlower::graph {

/// The JSON forms an attribute may take, as a set of bits; a schema `int[]`
/// is `int_list`, `int?` is `integer | null` and so on.
enum class attribute_form : std::uint8_t {
  null = 1U << 0U,
  boolean = 1U << 1U,
  integer = 1U << 2U,
  number = 1U << 3U,  ///< an int or a float: a schema `float` accepts `1` as well as `1.0`
  string = 1U << 4U,
  int_list = 1U << 5U,
  number_list = 1U << 6U,
};

constexpr attribute_form operator|(attribute_form a, attribute_form b) noexcept {
  return static_cast<attribute_form>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool allows(attribute_form set, attribute_form form) noexcept {
  return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(form)) != 0;
}

/// Whether `value` takes one of the forms in `set`.
inline bool matches(const attribute& value, attribute_form set) {
  using enum attribute_kind;
  switch (value.kind()) {
    case null:
      return allows(set, attribute_form::null);
    case boolean:
      return allows(set, attribute_form::boolean);
    case integer:
      return allows(set, attribute_form::integer) || allows(set, attribute_form::number);
    case number:
      return allows(set, attribute_form::number);
    case string:
      return allows(set, attribute_form::string);
    case list: {
      bool all_int = true;
      bool all_number = true;
      for (const attribute& item : *value.as_list()) {
        all_int = all_int && item.kind() == integer;
        all_number = all_number && (item.kind() == integer || item.kind() == number);
      }
      return (allows(set, attribute_form::int_list) && all_int) ||
             (allows(set, attribute_form::number_list) && all_number);
    }
  }
  return false;
}

/// A readable name for a set of forms: "int or int[]".
inline std::string describe(attribute_form set) {
  constexpr std::array<std::pair<attribute_form, std::string_view>, 7> names{{
      {attribute_form::null, "null"},
      {attribute_form::boolean, "bool"},
      {attribute_form::integer, "int"},
      {attribute_form::number, "float"},
      {attribute_form::string, "string"},
      {attribute_form::int_list, "int[]"},
      {attribute_form::number_list, "float[]"},
  }};
  std::string text;
  for (const auto& [form, name] : names) {
    if (!allows(set, form))
      continue;
    if (!text.empty())
      text += " or ";
    text += name;
  }
  return text;
}

/// One argument of an operator's schema, as graph-format.md writes it in `attrs`.
struct attribute_spec {
  std::string_view op;
  std::string_view name;
  attribute_form forms;
};

namespace detail {
using enum attribute_form;
// The non-tensor arguments of the ATen schemas that the specs and examples name.
// An attribute missing here is not checked; an op missing here has no checked attributes.
// TODO(#3): derive this table from the typed ops once they declare their schemas.
inline constexpr std::array known_attribute_specs{
    attribute_spec{"aten.permute_copy.default", "dims", int_list},
    attribute_spec{"aten.permute.default", "dims", int_list},
    attribute_spec{"aten.moveaxis.int", "source", integer},
    attribute_spec{"aten.moveaxis.int", "destination", integer},
    attribute_spec{"aten.movedim.int", "source", integer},
    attribute_spec{"aten.movedim.int", "destination", integer},
    attribute_spec{"aten.moveaxis.intlist", "source", int_list},
    attribute_spec{"aten.moveaxis.intlist", "destination", int_list},
    attribute_spec{"aten.movedim.intlist", "source", int_list},
    attribute_spec{"aten.movedim.intlist", "destination", int_list},
    attribute_spec{"aten.transpose.int", "dim0", integer},
    attribute_spec{"aten.transpose.int", "dim1", integer},
    attribute_spec{"aten.transpose_copy.int", "dim0", integer},
    attribute_spec{"aten.transpose_copy.int", "dim1", integer},
    attribute_spec{"aten.cat.default", "dim", integer},
    attribute_spec{"aten.concat.default", "dim", integer},
    attribute_spec{"aten.concatenate.default", "dim", integer},
    attribute_spec{"aten.stack.default", "dim", integer},
    attribute_spec{"aten.convolution.default", "stride", int_list},
    attribute_spec{"aten.convolution.default", "padding", int_list},
    attribute_spec{"aten.convolution.default", "dilation", int_list},
    attribute_spec{"aten.convolution.default", "transposed", boolean},
    attribute_spec{"aten.convolution.default", "output_padding", int_list},
    attribute_spec{"aten.convolution.default", "groups", integer},
    attribute_spec{"aten.view_copy.default", "size", int_list},
    attribute_spec{"aten.view.default", "size", int_list},
    attribute_spec{"aten.reshape.default", "shape", int_list},
    attribute_spec{"aten.squeeze.dim", "dim", integer},
    attribute_spec{"aten.squeeze.dims", "dim", int_list},
    attribute_spec{"aten.squeeze_copy.dims", "dim", int_list},
    attribute_spec{"aten.unsqueeze.default", "dim", integer},
    attribute_spec{"aten.unsqueeze_copy.default", "dim", integer},
    attribute_spec{"aten.pixel_shuffle.default", "upscale_factor", integer},
    attribute_spec{"aten.pixel_unshuffle.default", "downscale_factor", integer},
    attribute_spec{"aten.add.Tensor", "alpha", number | boolean},
    attribute_spec{"aten.sub.Tensor", "alpha", number | boolean},
    attribute_spec{"aten.mean.dim", "dim", int_list | null},
    attribute_spec{"aten.mean.dim", "keepdim", boolean},
    attribute_spec{"aten.sum.dim_IntList", "dim", int_list | null},
    attribute_spec{"aten.sum.dim_IntList", "keepdim", boolean},
    attribute_spec{"aten._softmax.default", "dim", integer},
    attribute_spec{"aten._softmax.default", "half_to_float", boolean},
    attribute_spec{"aten.softmax.int", "dim", integer},
    attribute_spec{"aten.avg_pool2d.default", "kernel_size", int_list},
    attribute_spec{"aten.avg_pool2d.default", "stride", int_list},
    attribute_spec{"aten.avg_pool2d.default", "padding", int_list},
    attribute_spec{"aten.avg_pool2d.default", "ceil_mode", boolean},
    attribute_spec{"aten.avg_pool2d.default", "count_include_pad", boolean},
    attribute_spec{"aten.avg_pool2d.default", "divisor_override", integer | null},
    attribute_spec{"aten.max_pool2d.default", "kernel_size", int_list},
    attribute_spec{"aten.max_pool2d.default", "stride", int_list},
    attribute_spec{"aten.max_pool2d.default", "padding", int_list},
    attribute_spec{"aten.max_pool2d.default", "dilation", int_list},
    attribute_spec{"aten.max_pool2d.default", "ceil_mode", boolean},
    attribute_spec{"aten.hardtanh.default", "min_val", number},
    attribute_spec{"aten.hardtanh.default", "max_val", number},
    attribute_spec{"aten.clamp.default", "min", number | null},
    attribute_spec{"aten.clamp.default", "max", number | null},
    attribute_spec{"aten.clone.default", "memory_format", string | null},
    attribute_spec{"aten.layer_norm.default", "normalized_shape", int_list},
    attribute_spec{"aten.layer_norm.default", "eps", number},
    attribute_spec{"getitem", "index", integer},
    attribute_spec{"quantized_decomposed.quantize_per_tensor.default", "scale", number},
    attribute_spec{"quantized_decomposed.quantize_per_tensor.default", "zero_point", integer},
    attribute_spec{"quantized_decomposed.quantize_per_tensor.default", "quant_min", integer},
    attribute_spec{"quantized_decomposed.quantize_per_tensor.default", "quant_max", integer},
    attribute_spec{"quantized_decomposed.quantize_per_tensor.default", "dtype", string},
    attribute_spec{"quantized_decomposed.dequantize_per_tensor.default", "scale", number},
    attribute_spec{"quantized_decomposed.dequantize_per_tensor.default", "zero_point", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_tensor.default", "quant_min", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_tensor.default", "quant_max", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_tensor.default", "dtype", string},
    attribute_spec{"quantized_decomposed.quantize_per_channel.default", "axis", integer},
    attribute_spec{"quantized_decomposed.quantize_per_channel.default", "quant_min", integer},
    attribute_spec{"quantized_decomposed.quantize_per_channel.default", "quant_max", integer},
    attribute_spec{"quantized_decomposed.quantize_per_channel.default", "dtype", string},
    attribute_spec{"quantized_decomposed.dequantize_per_channel.default", "axis", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_channel.default", "quant_min", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_channel.default", "quant_max", integer},
    attribute_spec{"quantized_decomposed.dequantize_per_channel.default", "dtype", string},
};
}  // namespace detail

/// The forms the schema of `op` allows for its argument `name`; empty when
/// qlower does not know that argument, which is then not checked.
constexpr std::optional<attribute_form> expected_attribute_form(std::string_view op,
                                                                std::string_view name) noexcept {
  for (const attribute_spec& spec : detail::known_attribute_specs) {
    if (spec.op == op && spec.name == name)
      return spec.forms;
  }
  return std::nullopt;
}

}  // namespace qlower::graph
