// SPDX-License-Identifier: Apache-2.0
#pragma once

// The ONNX QuantizeLinear / DequantizeLinear conformance vectors of
// harness/quant/onnx/, read into plain structs, and ONNX's three granularities
// (per tensor, per axis, blocked) turned into full-rank scale dims and block
// sizes, so any implementation (the reference, the kernels) can be checked
// against the same cases. Knows nothing of qlower's qparams: that is under test.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qlower::harness::onnx {

/// A tensor of a vector file: its ONNX dtype name ("float32", "uint8",
/// "int4"), dims and row-major values. Every float32 and every integer up to
/// 32 bits is exact as a double.
struct tensor {
  std::string dtype;
  std::vector<std::int64_t> dims;
  std::vector<double> values;

  std::int64_t element_count() const {
    std::int64_t count = 1;
    for (std::int64_t dim : dims)
      count *= dim;
    return count;
  }
  std::vector<float> as_floats() const { return {values.begin(), values.end()}; }
  std::vector<std::int64_t> as_integers() const {
    std::vector<std::int64_t> result;
    for (double value : values)
      result.push_back(static_cast<std::int64_t>(value));
    return result;
  }
  std::vector<std::int32_t> as_int32() const {
    std::vector<std::int32_t> result;
    for (double value : values)
      result.push_back(static_cast<std::int32_t>(value));
    return result;
  }
};

/// One conformance case: a single QuantizeLinear or DequantizeLinear node.
struct onnx_case {
  std::string name;             ///< "test_quantizelinear_axis"
  std::string op;               ///< "QuantizeLinear" or "DequantizeLinear"
  std::int64_t axis = 1;        ///< as written, possibly negative; the schema default is 1
  std::int64_t block_size = 0;  ///< 0: per tensor or per axis
  tensor x;
  tensor scale;
  std::optional<tensor> zero_point;
  std::string output_dtype;  ///< the expected output's dtype name ("uint8", "float32")
  tensor expected;

  bool is_quantize() const { return op == "QuantizeLinear"; }
  /// The quantized side's dtype: the output of a quantize, the input of a dequantize.
  const std::string& integer_dtype() const { return is_quantize() ? output_dtype : x.dtype; }
};

/// [qmin, qmax] of an ONNX integer dtype name, or empty for any other name.
inline std::optional<std::pair<std::int64_t, std::int64_t>> integer_bounds(std::string_view name) {
  if (name == "int8")
    return std::pair<std::int64_t, std::int64_t>{-128, 127};
  if (name == "uint8")
    return std::pair<std::int64_t, std::int64_t>{0, 255};
  if (name == "int16")
    return std::pair<std::int64_t, std::int64_t>{-32768, 32767};
  if (name == "uint16")
    return std::pair<std::int64_t, std::int64_t>{0, 65535};
  if (name == "int32")
    return std::pair<std::int64_t, std::int64_t>{-2147483648LL, 2147483647LL};
  if (name == "int4")
    return std::pair<std::int64_t, std::int64_t>{-8, 7};
  if (name == "uint4")
    return std::pair<std::int64_t, std::int64_t>{0, 15};
  if (name == "int2")
    return std::pair<std::int64_t, std::int64_t>{-2, 1};
  if (name == "uint2")
    return std::pair<std::int64_t, std::int64_t>{0, 3};
  return std::nullopt;
}

/// Where each element finds its scale, in the full-rank form: element idx uses
/// scale index sum_i (idx_i / block_size[i]) * stride_i over scale_dims.
struct block_geometry {
  std::size_t axis = 0;                  ///< normalised; 0 per tensor
  std::vector<std::int64_t> scale_dims;  ///< the input's rank
  std::vector<std::int64_t> block_size;  ///< the input's rank, each >= 1
  bool per_tensor = false;
  bool blocked = false;
};

namespace detail {

inline std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(dims[i]);
  return text + "]";
}

inline double value_of(const nlohmann::json& value, const std::string& where) {
  if (value.is_number())
    return value.get<double>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text == "nan")
      return std::numeric_limits<double>::quiet_NaN();
    if (text == "inf")
      return std::numeric_limits<double>::infinity();
    if (text == "-inf")
      return -std::numeric_limits<double>::infinity();
  }
  throw std::runtime_error(where + ": value " + value.dump() + " is not a number");
}

/// Reads one tensor, checking its values against its dims and dtype.
inline tensor tensor_of(const nlohmann::json& node, const std::string& where) {
  tensor result;
  result.dtype = node.at("dtype").get<std::string>();
  result.dims = node.at("dims").get<std::vector<std::int64_t>>();
  const nlohmann::json& values = node.at("values");
  for (std::size_t i = 0; i < values.size(); ++i)
    result.values.push_back(value_of(values[i], where + ".values[" + std::to_string(i) + "]"));
  if (static_cast<std::int64_t>(result.values.size()) != result.element_count())
    throw std::runtime_error(where + ": " + std::to_string(result.values.size()) +
                             " values for dims " + dims_text(result.dims));
  const auto bounds = integer_bounds(result.dtype);
  for (std::size_t i = 0; i < result.values.size(); ++i) {
    const double value = result.values[i];
    const bool fits =
        bounds ? value == std::nearbyint(value) && value >= bounds->first && value <= bounds->second
        : result.dtype == "float32"
            ? std::isnan(value) || static_cast<double>(static_cast<float>(value)) == value
            : false;
    if (!fits)
      throw std::runtime_error(where + ".values[" + std::to_string(i) + "] = " +
                               std::to_string(value) + " is not a " + result.dtype + " value");
  }
  return result;
}

inline std::int64_t product(const std::vector<std::int64_t>& dims) {
  std::int64_t count = 1;
  for (std::int64_t dim : dims)
    count *= dim;
  return count;
}

/// The elements of row-major `values` (of shape `dims`) whose index along
/// `axis` is below `length`, in row-major order.
inline std::vector<double> prefix_along(const std::vector<double>& values,
                                        const std::vector<std::int64_t>& dims, std::size_t axis,
                                        std::int64_t length) {
  std::vector<double> kept;
  std::vector<std::int64_t> idx(dims.size(), 0);
  for (double value : values) {
    if (idx[axis] < length)
      kept.push_back(value);
    for (std::size_t i = dims.size(); i-- > 0;) {
      if (++idx[i] < dims[i])
        break;
      idx[i] = 0;
    }
  }
  return kept;
}

}  // namespace detail

/// Reads one vector file's JSON; `name` is used in error messages. Throws
/// std::runtime_error for anything outside the format of onnx/README.md.
inline onnx_case parse_case(const nlohmann::json& document, const std::string& name) {
  onnx_case result;
  result.name = document.at("case").get<std::string>();
  result.op = document.at("op").get<std::string>();
  if (result.op != "QuantizeLinear" && result.op != "DequantizeLinear")
    throw std::runtime_error(name + ": op " + result.op +
                             " is not QuantizeLinear/DequantizeLinear");
  const nlohmann::json& attributes = document.at("attributes_effective");
  result.axis = attributes.value("axis", std::int64_t{1});
  result.block_size = attributes.value("block_size", std::int64_t{0});
  bool have_x = false;
  bool have_scale = false;
  for (const nlohmann::json& input : document.at("inputs")) {
    const std::string role = input.at("role").get<std::string>();
    const std::string where = name + ": input " + role;
    if (role == "x") {
      result.x = detail::tensor_of(input, where);
      have_x = true;
    } else if (role.ends_with("scale")) {
      result.scale = detail::tensor_of(input, where);
      have_scale = true;
    } else if (role.ends_with("zero_point")) {
      result.zero_point = detail::tensor_of(input, where);
    } else {
      throw std::runtime_error(where + ": unknown role");
    }
  }
  if (!have_x || !have_scale)
    throw std::runtime_error(name + ": no x or no scale input");
  result.expected = detail::tensor_of(document.at("expected_output"), name + ": expected_output");
  result.output_dtype = result.expected.dtype;
  if (result.expected.dims != result.x.dims)
    throw std::runtime_error(name + ": output dims " + detail::dims_text(result.expected.dims) +
                             " differ from x dims " + detail::dims_text(result.x.dims));
  if (result.scale.dtype != "float32")
    throw std::runtime_error(name + ": scale dtype " + result.scale.dtype + " is not float32");
  const std::string& float_side = result.is_quantize() ? result.x.dtype : result.output_dtype;
  if (float_side != "float32")
    throw std::runtime_error(name + ": float side dtype " + float_side + " is not float32");
  if (!integer_bounds(result.integer_dtype()))
    throw std::runtime_error(name + ": " + result.integer_dtype() + " is not an integer dtype");
  if (result.zero_point && result.zero_point->dtype != result.integer_dtype())
    throw std::runtime_error(name + ": zero point dtype " + result.zero_point->dtype +
                             " differs from " + result.integer_dtype());
  if (attributes.contains("output_dtype_name") &&
      attributes.at("output_dtype_name").get<std::string>() != result.output_dtype)
    throw std::runtime_error(name + ": output_dtype_name " +
                             attributes.at("output_dtype_name").get<std::string>() +
                             " differs from the output's " + result.output_dtype);
  return result;
}

/// Every *.json case in `directory`, sorted by file name.
inline std::vector<onnx_case> load_cases(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<onnx_case> cases;
  for (const auto& file : files) {
    std::ifstream stream(file);
    if (!stream)
      throw std::runtime_error("cannot open " + file.string());
    cases.push_back(parse_case(nlohmann::json::parse(stream), file.filename().string()));
  }
  return cases;
}

/// ONNX's granularity of `c` in the full-rank form: a scalar or one-element
/// 1-D scale is per tensor; a 1-D scale without block_size is per axis (its
/// length must be x.dims[axis]); with block_size B, the scale has x's rank,
/// x's dims except ceil(x.dims[axis] / B) on the axis, and the last block may
/// be partial. A negative axis counts from the end. Throws std::runtime_error
/// naming the case for anything else.
inline block_geometry geometry_of(const onnx_case& c) {
  const std::size_t rank = c.x.dims.size();
  const std::int64_t scales = c.scale.element_count();
  block_geometry g;
  g.scale_dims.assign(rank, 1);
  g.block_size.assign(rank, 1);
  if (c.zero_point && c.zero_point->element_count() != scales)
    throw std::runtime_error(c.name + ": " + std::to_string(c.zero_point->element_count()) +
                             " zero points for " + std::to_string(scales) + " scales");
  if (c.block_size == 0 && scales == 1 && c.scale.dims.size() <= 1) {
    g.per_tensor = true;
    for (std::size_t i = 0; i < rank; ++i)
      g.block_size[i] = std::max<std::int64_t>(c.x.dims[i], 1);
    return g;
  }
  const auto signed_rank = static_cast<std::int64_t>(rank);
  if (c.axis < -signed_rank || c.axis >= signed_rank)
    throw std::runtime_error(c.name + ": axis " + std::to_string(c.axis) +
                             " is out of range for rank " + std::to_string(rank));
  g.axis = static_cast<std::size_t>(c.axis < 0 ? c.axis + signed_rank : c.axis);
  if (c.block_size < 0)
    throw std::runtime_error(c.name + ": block_size " + std::to_string(c.block_size) +
                             " is negative");
  if (c.block_size == 0) {
    if (c.scale.dims.size() != 1 || c.scale.dims[0] != c.x.dims[g.axis])
      throw std::runtime_error(c.name + ": per-axis scale dims " + detail::dims_text(c.scale.dims) +
                               " do not match x dims " + detail::dims_text(c.x.dims) + " on axis " +
                               std::to_string(g.axis));
    g.scale_dims[g.axis] = c.x.dims[g.axis];
    for (std::size_t i = 0; i < rank; ++i)
      g.block_size[i] = i == g.axis ? 1 : std::max<std::int64_t>(c.x.dims[i], 1);
    return g;
  }
  g.blocked = true;
  const std::int64_t size = c.x.dims[g.axis];
  const std::int64_t needed = (size + c.block_size - 1) / c.block_size;
  bool fits = c.scale.dims.size() == rank;
  for (std::size_t i = 0; fits && i < rank; ++i)
    fits = c.scale.dims[i] == (i == g.axis ? needed : c.x.dims[i]);
  if (!fits)
    throw std::runtime_error(c.name + ": blocked scale dims " + detail::dims_text(c.scale.dims) +
                             " do not fit x dims " + detail::dims_text(c.x.dims) +
                             " in blocks of " + std::to_string(c.block_size) + " on axis " +
                             std::to_string(g.axis));
  g.scale_dims = c.scale.dims;
  g.block_size[g.axis] = c.block_size;
  return g;
}

/// `c` with its axis written as a negative number (axis - rank); same expected
/// output. The conformance set has no negative axis.
inline onnx_case with_negative_axis(onnx_case c) {
  if (c.axis >= 0)
    c.axis -= static_cast<std::int64_t>(c.x.dims.size());
  c.name += " [axis " + std::to_string(c.axis) + "]";
  return c;
}

/// A blocked case cut to x.dims[axis] - 1 along its axis, so its last block is
/// partial while the scale keeps its shape; the expected output is cut the
/// same way (each element depends only on itself and its block's parameters).
/// Throws std::runtime_error when `c` is not blocked or the cut would drop a
/// whole block.
inline onnx_case with_partial_last_block(onnx_case c) {
  const block_geometry g = geometry_of(c);
  const std::int64_t length = c.x.dims[g.axis] - 1;
  if (!g.blocked || length < 1 || length % c.block_size == 0 ||
      (length + c.block_size - 1) / c.block_size != g.scale_dims[g.axis])
    throw std::runtime_error(c.name + ": has no block to cut into a partial one");
  c.x.values = detail::prefix_along(c.x.values, c.x.dims, g.axis, length);
  c.expected.values = detail::prefix_along(c.expected.values, c.expected.dims, g.axis, length);
  c.x.dims[g.axis] = length;
  c.expected.dims[g.axis] = length;
  c.name += " [axis " + std::to_string(g.axis) + " cut to " + std::to_string(length) + "]";
  return c;
}

}  // namespace qlower::harness::onnx
