// SPDX-License-Identifier: Apache-2.0
// dequantize_affine, run-time dispatched, int8 / uint8 / int16 / int4
// (unpacked) -> f32, on [rows, cols] tensors of 16 KiB to 256 MiB of float32
// output, in GB/s of the bytes read and written (sizeof(storage) + 4 per
// element). In the same run: the streaming limits of the traffic (read 1 B,
// write 4 B) with ordinary and with non-temporal stores, a plain scalar loop
// and the reference model.
//
// Rows (thinned as in quantize.bench.cpp): int8 at every granularity, and
// per tensor with non-temporal stores turned off (what they are worth);
// uint8 and int16 per tensor and in groups of 32; int4 per tensor and in
// groups of 32 and 128.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "bench/quant/kernel_bench.hpp"
#include "bench/quant/stream_limit.hpp"
#include "qlower/quant/kernels/dispatch.hpp"
#include "reference/quant/affine.hpp"

namespace {

namespace quant = qlower::quant;
using namespace qlower::bench::quant;

/// One dispatched dequantize_affine call per iteration.
template <quant::quantized_storage Q>
void quantized_dequantize(benchmark::State& state, granularity g, quant::quant_dtype type,
                          quant::dequantize_options options) {
  const std::int64_t n = elements_of(state);
  try {
    const qlower::shape shape = matrix_shape(n);
    const quant::affine_qparams qparams = qparams_for(g, shape, type);
    const aligned_buffer<Q>& input = quantized_input<Q>(type, n);
    aligned_buffer<float> output(n);
    for (auto _ : state) {
      quant::dispatched::dequantize_affine(input.span(), shape, qparams, output.span(), options);
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  set_traffic(state, n, static_cast<double>(sizeof(Q)) + 4.0);
}

/// The streaming limit of 8-bit -> f32 traffic: read 1 B, write 4 B.
void qs8_f32_stream_limit(benchmark::State& state, store_kind kind) {
  const std::int64_t n = elements_of(state);
  const aligned_buffer<std::int8_t>& input =
      quantized_input<std::int8_t>(quant::quant_dtype::int8, n);
  aligned_buffer<float> output(n);
  for (auto _ : state) {
    stream_8bit_to_f32(input.data(), output.data(), n, kind);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

/// The formula one element at a time into a caller's buffer.
void qs8_f32_naive_scalar(benchmark::State& state) {
  const std::int64_t n = elements_of(state);
  const qlower::shape shape = matrix_shape(n);
  const quant::affine_qparams qparams =
      qparams_for(granularity::per_tensor, shape, quant::quant_dtype::int8);
  const float scale = qparams.scale()[0];
  const float zero_point = static_cast<float>(qparams.zero_point()[0]);
  const aligned_buffer<std::int8_t>& input =
      quantized_input<std::int8_t>(quant::quant_dtype::int8, n);
  aligned_buffer<float> output(n);
  for (auto _ : state) {
    const std::int8_t* q = input.data();
    float* y = output.data();
    for (std::int64_t i = 0; i < n; ++i)
      y[i] = (static_cast<float>(q[i]) - zero_point) * scale;
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

/// The reference model, per tensor: the test oracle, allocating its result.
void qs8_f32_reference(benchmark::State& state) {
  const std::int64_t n = elements_of(state);
  const qlower::shape shape = matrix_shape(n);
  const quant::affine_qparams qparams =
      qparams_for(granularity::per_tensor, shape, quant::quant_dtype::int8);
  qlower::reference::quant::params p;
  p.input_dims = {shape[0], shape[1]};
  p.scale_dims = {1, 1};
  p.block_size = {shape[0], shape[1]};
  p.scale = {qparams.scale()[0]};
  p.zero_point = {qparams.zero_point()[0]};
  p.qmin = qparams.qmin();
  p.qmax = qparams.qmax();
  const aligned_buffer<std::int8_t>& buffer =
      quantized_input<std::int8_t>(quant::quant_dtype::int8, n);
  const std::vector<std::int8_t> input(buffer.data(), buffer.data() + n);
  for (auto _ : state) {
    std::vector<float> y = qlower::reference::quant::dequantize(p, input);
    benchmark::DoNotOptimize(y.data());
  }
  set_traffic(state, n, 5.0);
}

template <quant::quantized_storage Q>
void register_dequantize(std::string_view token, quant::quant_dtype type,
                         std::span<const granularity> granularities, const std::string& isa) {
  const std::string family = std::string(token) + "_f32_dequantize";
  for (granularity g : granularities) {
    auto* rows = benchmark::RegisterBenchmark(
        row_name(family, name_of(g), isa).c_str(), [g, type](benchmark::State& state) {
          quantized_dequantize<Q>(state, g, type, quant::dequantize_options{});
        });
    // the small-tensor target: 1,024 elements per tensor, timed per call
    if (g == granularity::per_tensor && type == quant::quant_dtype::int8)
      rows->Arg(small_tensor_bytes);
    with_sizes(rows);
  }
}

[[maybe_unused]] const bool registered = [] {
  const std::string isa(quant::dispatched::active_isa());
  constexpr granularity per_tensor_and_group32[] = {granularity::per_tensor, granularity::group32};
  constexpr granularity weight_layouts[] = {granularity::per_tensor, granularity::group32,
                                            granularity::group128};
  register_dequantize<std::int8_t>("qs8", quant::quant_dtype::int8, all_granularities, isa);
  register_dequantize<std::uint8_t>("qu8", quant::quant_dtype::uint8, per_tensor_and_group32, isa);
  register_dequantize<std::int16_t>("qs16", quant::quant_dtype::int16, per_tensor_and_group32, isa);
  register_dequantize<std::int8_t>("qs4", quant::quant_dtype::int4, weight_layouts, isa);
  // the same kernel with ordinary stores at every size: the worth of streaming
  with_sizes(benchmark::RegisterBenchmark(
      row_name("qs8_f32_dequantize", "per_tensor_no_stream", isa).c_str(),
      [](benchmark::State& state) {
        quantized_dequantize<std::int8_t>(state, granularity::per_tensor, quant::quant_dtype::int8,
                                          quant::dequantize_options{0});
      }));

  const std::string limit_isa(name_of(best_stream_isa()));
  for (store_kind kind : {store_kind::temporal, store_kind::non_temporal})
    with_sizes(benchmark::RegisterBenchmark(
        row_name("qs8_f32_stream_limit", name_of(kind), limit_isa).c_str(),
        [kind](benchmark::State& state) { qs8_f32_stream_limit(state, kind); }));
  with_sizes(benchmark::RegisterBenchmark("qs8_f32_dequantize/per_tensor/naive_scalar",
                                          qs8_f32_naive_scalar));
  with_sizes(
      benchmark::RegisterBenchmark("qs8_f32_dequantize/per_tensor/reference", qs8_f32_reference),
      reference_tensor_bytes);
  return true;
}();

}  // namespace
