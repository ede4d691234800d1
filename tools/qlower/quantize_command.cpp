// SPDX-License-Identifier: Apache-2.0
#include "quantize_command.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/io/npy.hpp"
#include "qlower/quant/kernels/choose_qparams.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::tool {
namespace {

using io::npy_array;
using io::npy_dtype;
using quant::affine_qparams;
using quant::quant_dtype;

/// A parameter given as a number or as a .npy file.
template <class T>
std::optional<T> as_number(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const std::from_chars_result parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc{} || parsed.ptr != end)
    return std::nullopt;
  return value;
}

struct parameter {
  qlower::shape dims;  ///< {} for a number
  std::string origin;  ///< "--scale 0.5" or the file name, for messages
};

std::pair<std::vector<float>, parameter> read_scale(const std::string& text) {
  if (const auto number = as_number<float>(text))
    return {{*number}, {qlower::shape{}, "--scale " + text}};
  const npy_array array = io::read_npy_file(text);
  return {array.floats_as<float>(), {array.shape(), text}};
}

std::pair<std::vector<std::int32_t>, parameter> read_zero_point(const std::string& text) {
  if (text.empty())
    return {{}, {qlower::shape{}, "no zero point"}};
  if (const auto number = as_number<std::int32_t>(text))
    return {{*number}, {qlower::shape{}, "--zero-point " + text}};
  const npy_array array = io::read_npy_file(text);
  return {array.integers_as<std::int32_t>(), {array.shape(), text}};
}

/// The parameters of the command line for a tensor of `input` shape: a
/// scalar is per tensor, a full-rank scale is its own block layout, and a
/// 1-D scale needs --axis (the layout is then [1, .., C, .., 1]).
affine_qparams make_qparams(const quantize_options& options, const qlower::shape& input,
                            quant_dtype type) {
  auto [scale, scale_from] = read_scale(options.scale);
  auto [zero_point, zero_point_from] = read_zero_point(options.zero_point);
  if (!zero_point.empty() && zero_point_from.dims != scale_from.dims && zero_point.size() != 1) {
    throw config_error("the zero point (" + zero_point_from.origin + ") has shape " +
                       zero_point_from.dims.to_string() + " but the scale (" + scale_from.origin +
                       ") has shape " + scale_from.dims.to_string() + ": they must agree");
  }
  if (!zero_point.empty() && zero_point.size() == 1 && scale.size() > 1)
    zero_point.assign(scale.size(), zero_point.front());  // one zero point for every block
  if (options.axis) {
    if (scale_from.dims.rank() != 1) {
      throw config_error("--axis " + std::to_string(*options.axis) +
                         " lays a 1-D scale along an axis, but the scale (" + scale_from.origin +
                         ") has shape " + scale_from.dims.to_string());
    }
    const auto rank = static_cast<std::int64_t>(input.rank());
    if (*options.axis < -rank || *options.axis >= rank) {
      throw config_error("--axis " + std::to_string(*options.axis) +
                         " is out of range for an input of rank " + std::to_string(rank));
    }
    const auto axis =
        static_cast<std::size_t>(*options.axis < 0 ? *options.axis + rank : *options.axis);
    return affine_qparams::per_channel(std::move(scale), std::move(zero_point), axis, input.rank(),
                                       type, options.qmin, options.qmax);
  }
  if (scale_from.dims.rank() != 0 && scale_from.dims.rank() != input.rank()) {
    throw config_error("the scale (" + scale_from.origin + ") has shape " +
                       scale_from.dims.to_string() + " but the input has rank " +
                       std::to_string(input.rank()) +
                       ": give a scale of the input's rank (its shape is the block layout, e.g. "
                       "[C, 1] per output channel) or a 1-D scale with --axis");
  }
  if (scale_from.dims.rank() == 0)
    return affine_qparams(scale.front(),
                          zero_point.empty() ? std::nullopt : std::optional(zero_point.front()),
                          type, options.qmin, options.qmax);
  return affine_qparams(scale_from.dims, std::move(scale), std::move(zero_point), type,
                        options.qmin, options.qmax);
}

quant_dtype dtype_named(const std::string& name) {
  if (const auto type = quant::quant_dtype_from_name(name))
    return *type;
  std::string known;
  for (const quant_dtype type : quant::all_quant_dtypes)
    known += (known.empty() ? "" : ", ") + std::string(quant::to_string(type));
  throw config_error("--dtype '" + name + "' is not a quantized dtype; expected one of " + known);
}

/// The quantized dtype a dequantize input holds: --dtype, else the one its
/// .npy dtype stores without loss of meaning (int8 -> int8, ...).
quant_dtype dequantize_dtype(const quantize_options& options, const npy_array& input) {
  if (!options.dtype.empty())
    return dtype_named(options.dtype);
  for (const quant_dtype type : {quant_dtype::int8, quant_dtype::uint8, quant_dtype::int16,
                                 quant_dtype::uint16, quant_dtype::int32}) {
    if (io::npy_storage_dtype(type) == input.dtype())
      return type;
  }
  throw config_error(std::string("a ") + std::string(io::to_string(input.dtype())) +
                         " array holds no quantized dtype: dequantize reads int8, uint8, int16, "
                         "uint16 or int32 (int4/int2 unpacked in int8/uint8 with --dtype)",
                     {input.source(), {}, "descr"});
}

/// Calls `body` with a value of the storage type of `type` (int8_t for int4 ...).
template <class Body>
decltype(auto) with_storage_of(quant_dtype type, Body&& body) {
  switch (io::npy_storage_dtype(type)) {
    case npy_dtype::int8:
      return body(std::int8_t{});
    case npy_dtype::uint8:
      return body(std::uint8_t{});
    case npy_dtype::int16:
      return body(std::int16_t{});
    case npy_dtype::uint16:
      return body(std::uint16_t{});
    default:
      return body(std::int32_t{});
  }
}

template <class Q>
npy_array quantize_to(const npy_array& input, const affine_qparams& qparams, bool onnx) {
  const std::vector<float> values = input.floats_as<float>();
  std::vector<Q> quantized(values.size());
  if (onnx) {
    quant::quantize_affine<quant::onnx_arithmetic>(std::span<const float>(values), input.shape(),
                                                   qparams, std::span<Q>(quantized));
  } else {
    quant::quantize_affine(std::span<const float>(values), input.shape(), qparams,
                           std::span<Q>(quantized));
  }
  return npy_array::from_values(input.shape(), quantized);
}

template <class Q>
npy_array dequantize_from(const npy_array& input, const affine_qparams& qparams) {
  const std::vector<Q> values = input.values_as<Q>();
  std::vector<float> restored(values.size());
  quant::dequantize_affine(std::span<const Q>(values), input.shape(), qparams,
                           std::span<float>(restored));
  return npy_array::from_values(input.shape(), restored);
}

quant::mapping_type mapping_named(const std::string& name) {
  if (name == "symmetric")
    return quant::mapping_type::symmetric;
  if (name == "symmetric_no_clipping_err")
    return quant::mapping_type::symmetric_no_clipping_err;
  if (name == "asymmetric")
    return quant::mapping_type::asymmetric;
  throw config_error("--choose '" + name +
                     "' is not a mapping; expected symmetric, symmetric_no_clipping_err or "
                     "asymmetric");
}

void report_written(const std::string& what, const std::string& file, const npy_array& array) {
  std::cout << "wrote " << what << ' ' << file << ": " << io::to_string(array.dtype()) << ' '
            << array.shape().to_string() << '\n';
}

int quantize_or_dequantize(const quantize_options& options) {
  const npy_array input = io::read_npy_file(options.input);
  const bool onnx = options.arithmetic == "onnx";
  if (options.dequantize) {
    const quant_dtype type = dequantize_dtype(options, input);
    const affine_qparams qparams = make_qparams(options, input.shape(), type);
    const npy_array output =
        with_storage_of(type, [&]<class Q>(Q) { return dequantize_from<Q>(input, qparams); });
    io::write_npy_file(options.output, output);
    report_written("float32", options.output, output);
    return 0;
  }
  const quant_dtype type = dtype_named(options.dtype.empty() ? "int8" : options.dtype);
  const affine_qparams qparams = make_qparams(options, input.shape(), type);
  const npy_array output =
      with_storage_of(type, [&]<class Q>(Q) { return quantize_to<Q>(input, qparams, onnx); });
  io::write_npy_file(options.output, output);
  report_written(std::string(quant::to_string(type)), options.output, output);
  return 0;
}

int choose(const quantize_options& options) {
  const npy_array input = io::read_npy_file(options.input);
  const quant_dtype type = dtype_named(options.dtype.empty() ? "int8" : options.dtype);
  const std::vector<float> values = input.floats_as<float>();
  std::vector<std::int64_t> block = options.block_size;
  if (block.empty())
    block = std::vector<std::int64_t>(input.shape().dims().begin(), input.shape().dims().end());
  quant::choose_qparams_options limits;
  limits.qmin = options.qmin;
  limits.qmax = options.qmax;
  const affine_qparams qparams =
      quant::choose_qparams_affine(std::span<const float>(values), input.shape(), block,
                                   mapping_named(options.choose), type, limits);
  const std::span<const float> scale = qparams.scale();
  const std::span<const std::int32_t> zero_point = qparams.zero_point();
  if (!qparams.is_per_tensor() && options.scale_out.empty()) {
    throw config_error("chose a scale of shape " + qparams.scale_shape().to_string() +
                       ": give --scale-out FILE.npy (and --zero-point-out) to keep it");
  }
  std::cout << "chose "
            << (qparams.is_per_tensor() ? "per tensor"
                                        : "a scale of shape " + qparams.scale_shape().to_string())
            << " for " << quant::to_string(type) << '\n';
  if (!options.scale_out.empty()) {
    const npy_array array = npy_array::from_values(qparams.scale_shape(), scale);
    io::write_npy_file(options.scale_out, array);
    report_written("scale", options.scale_out, array);
  }
  if (!options.zero_point_out.empty()) {
    const npy_array array = npy_array::from_values(qparams.scale_shape(), zero_point);
    io::write_npy_file(options.zero_point_out, array);
    report_written("zero point", options.zero_point_out, array);
  }
  if (!options.output.empty()) {
    const bool onnx = options.arithmetic == "onnx";
    const npy_array output =
        with_storage_of(type, [&]<class Q>(Q) { return quantize_to<Q>(input, qparams, onnx); });
    io::write_npy_file(options.output, output);
    report_written(std::string(quant::to_string(type)), options.output, output);
  }
  if (qparams.is_per_tensor() && options.scale_out.empty())
    std::cout << "scale " << quant::float_text(scale.front()) << " zero point "
              << (zero_point.empty() ? std::string("none") : std::to_string(zero_point.front()))
              << '\n';
  return 0;
}

}  // namespace

int run_quantize(const quantize_options& options) {
  try {
    if (!options.choose.empty()) {
      if (!options.scale.empty() || !options.zero_point.empty() || options.dequantize)
        throw config_error(
            "--choose computes the scale and zero point: it takes neither "
            "--scale, --zero-point nor --dequantize");
      return choose(options);
    }
    if (options.scale.empty())
      throw config_error("--scale is required (a number or a .npy file), or --choose MAPPING");
    if (options.output.empty())
      throw config_error("-o OUTPUT.npy is required");
    if (!options.block_size.empty())
      throw config_error("--block-size applies to --choose; a given scale's shape is its layout");
    return quantize_or_dequantize(options);
  } catch (const qlower::error& failure) {
    std::cerr << "qlower quantize: " << failure.what() << '\n';
    return 1;
  }
}

}  // namespace qlower::tool
