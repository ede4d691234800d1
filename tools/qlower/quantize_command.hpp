// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qlower::tool {

struct quantize_options {
  std::string input;       ///< a .npy file: float32/float64 to quantize, integers to dequantize
  std::string output;      ///< the .npy to write; optional with --choose
  std::string dtype;       ///< a quant_dtype name; for --dequantize by default the input's
  std::string scale;       ///< a number or a .npy file
  std::string zero_point;  ///< a number or a .npy file; empty: no zero point (NONE domain)
  std::optional<std::int64_t> qmin;
  std::optional<std::int64_t> qmax;
  std::optional<std::int64_t> axis;  ///< lays a 1-D scale along this axis (ONNX's per-axis form)
  std::vector<std::int64_t> block_size;  ///< --choose: the block of one scale
  std::string arithmetic = "torchao";    ///< or "onnx": division instead of a reciprocal
  bool dequantize = false;
  std::string choose;  ///< a mapping_type name: choose the qparams instead of taking them
  std::string scale_out;
  std::string zero_point_out;
};

/// `qlower quantize`: 0 on success, 1 when an input or parameter is invalid.
int run_quantize(const quantize_options& options);

}  // namespace qlower::tool
