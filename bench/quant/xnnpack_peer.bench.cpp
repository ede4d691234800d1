// SPDX-License-Identifier: Apache-2.0
// The peer: XNNPACK's f32 -> qs8 and qs8 -> f32 convert operators (Debian's
// libxnnpack-dev, the 2022 snapshot API), per tensor, single-threaded, on the
// same sizes and inputs as qlower's rows, so the ratio to the best peer comes
// from one run. Built only when XNNPACK is found (bench/CMakeLists.txt).
//
// The operator is created and set up once, and each iteration runs it, as
// XNNPACK's own benchmarks do; the small-tensor rows also time setup + run
// per call, which is what a caller pays for a new tensor.

#include <benchmark/benchmark.h>
#include <xnnpack.h>

#include <cstdint>
#include <string>

#include "bench/quant/kernel_bench.hpp"

namespace {

namespace quant = qlower::quant;
using namespace qlower::bench::quant;

/// XNNPACK once per process; false when the CPU or library refuses.
bool xnnpack_ready() {
  static const bool ready = xnn_initialize(nullptr) == xnn_status_success;
  return ready;
}

/// An operator that is deleted with its owner.
class xnn_operator_owner {
 public:
  xnn_operator_owner() = default;
  xnn_operator_owner(const xnn_operator_owner&) = delete;
  xnn_operator_owner& operator=(const xnn_operator_owner&) = delete;
  ~xnn_operator_owner() {
    if (op != nullptr)
      xnn_delete_operator(op);
  }
  xnn_operator_t op = nullptr;
};

/// qlower's per-tensor int8 parameters, so both libraries compute the same
/// values from the same input.
quant::affine_qparams same_qparams(std::int64_t n) {
  return qparams_for(granularity::per_tensor, matrix_shape(n), quant::quant_dtype::int8);
}

void f32_qs8_convert(benchmark::State& state, bool setup_every_call) {
  const std::int64_t n = elements_of(state);
  if (!xnnpack_ready()) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  const quant::affine_qparams qparams = same_qparams(n);
  const aligned_buffer<float>& input = float_input(n);
  aligned_buffer<std::int8_t> output(n);
  xnn_operator_owner convert;
  if (xnn_create_convert_nc_f32_qs8(1, 1, 1, qparams.scale()[0],
                                    static_cast<std::int8_t>(qparams.zero_point()[0]), -128, 127, 0,
                                    &convert.op) != xnn_status_success ||
      xnn_setup_convert_nc_f32_qs8(convert.op, static_cast<std::size_t>(n), input.data(),
                                   output.data(), nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_create/setup_convert_nc_f32_qs8 failed");
    return;
  }
  for (auto _ : state) {
    if (setup_every_call)
      xnn_setup_convert_nc_f32_qs8(convert.op, static_cast<std::size_t>(n), input.data(),
                                   output.data(), nullptr);
    xnn_run_operator(convert.op, nullptr);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

void qs8_f32_convert(benchmark::State& state, bool setup_every_call) {
  const std::int64_t n = elements_of(state);
  if (!xnnpack_ready()) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  const quant::affine_qparams qparams = same_qparams(n);
  const aligned_buffer<std::int8_t>& input =
      quantized_input<std::int8_t>(quant::quant_dtype::int8, n);
  aligned_buffer<float> output(n);
  xnn_operator_owner convert;
  if (xnn_create_convert_nc_qs8_f32(1, 1, 1, qparams.scale()[0],
                                    static_cast<std::int8_t>(qparams.zero_point()[0]), 0,
                                    &convert.op) != xnn_status_success ||
      xnn_setup_convert_nc_qs8_f32(convert.op, static_cast<std::size_t>(n), input.data(),
                                   output.data(), nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_create/setup_convert_nc_qs8_f32 failed");
    return;
  }
  for (auto _ : state) {
    if (setup_every_call)
      xnn_setup_convert_nc_qs8_f32(convert.op, static_cast<std::size_t>(n), input.data(),
                                   output.data(), nullptr);
    xnn_run_operator(convert.op, nullptr);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

[[maybe_unused]] const bool registered = [] {
  with_sizes(
      benchmark::RegisterBenchmark("f32_qs8_convert/per_tensor/xnnpack",
                                   [](benchmark::State& state) { f32_qs8_convert(state, false); })
          ->Arg(small_tensor_bytes));
  with_sizes(
      benchmark::RegisterBenchmark("qs8_f32_convert/per_tensor/xnnpack",
                                   [](benchmark::State& state) { qs8_f32_convert(state, false); })
          ->Arg(small_tensor_bytes));
  // per call on a new tensor: setup binds the pointers, then run
  constexpr std::int64_t small[] = {small_tensor_bytes};
  with_sizes(
      benchmark::RegisterBenchmark("f32_qs8_convert/per_tensor_setup_run/xnnpack",
                                   [](benchmark::State& state) { f32_qs8_convert(state, true); }),
      small);
  with_sizes(
      benchmark::RegisterBenchmark("qs8_f32_convert/per_tensor_setup_run/xnnpack",
                                   [](benchmark::State& state) { qs8_f32_convert(state, true); }),
      small);
  return true;
}();

}  // namespace
