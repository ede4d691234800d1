// SPDX-License-Identifier: Apache-2.0
// quantize_affine_packed and dequantize_affine_packed, run-time dispatched:
// f32 <-> int4 packed two per byte (qs4x2), on [rows, cols] tensors of 16 KiB
// to 256 MiB of float32, in GB/s of the bytes read and written (4.5 per
// element). In the same run, the streaming limits of that traffic: read 4 B
// and write 0.5 B; read 0.5 B and write 4 B, with ordinary and with
// non-temporal stores.
//
// Granularities: the layouts int4 weights come in (per tensor, per output
// channel, groups of 32 and of 128 along the input channels).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <string>

#include "bench/quant/kernel_bench.hpp"
#include "bench/quant/stream_limit.hpp"
#include "qlower/quant/kernels/dispatch.hpp"

namespace {

namespace quant = qlower::quant;
using namespace qlower::bench::quant;

constexpr granularity int4_weight_layouts[] = {granularity::per_tensor,
                                               granularity::per_channel_axis0, granularity::group32,
                                               granularity::group128};

/// Bytes per element of f32 <-> packed int4: 4 for the float, half a byte.
constexpr double packed_traffic = 4.5;

/// One dispatched quantize_affine_packed call per iteration.
void f32_qs4x2_quantize(benchmark::State& state, granularity g) {
  const std::int64_t n = elements_of(state);
  try {
    const qlower::shape shape = matrix_shape(n);
    const quant::affine_qparams qparams = qparams_for(g, shape, quant::quant_dtype::int4);
    const aligned_buffer<float>& input = float_input(n);
    aligned_buffer<std::uint8_t> packed((n + 1) / 2);
    for (auto _ : state) {
      quant::dispatched::quantize_affine_packed(input.span(), shape, qparams, packed.span());
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  set_traffic(state, n, packed_traffic);
}

/// One dispatched dequantize_affine_packed call per iteration.
void qs4x2_f32_dequantize(benchmark::State& state, granularity g) {
  const std::int64_t n = elements_of(state);
  try {
    const qlower::shape shape = matrix_shape(n);
    const quant::affine_qparams qparams = qparams_for(g, shape, quant::quant_dtype::int4);
    const aligned_buffer<std::uint8_t>& packed = packed_input(n);
    aligned_buffer<float> output(n);
    for (auto _ : state) {
      quant::dispatched::dequantize_affine_packed(packed.span(), shape, qparams, output.span());
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  set_traffic(state, n, packed_traffic);
}

/// The streaming limit of f32 -> packed int4 traffic: read 4 B, write 0.5 B.
void f32_qs4x2_stream_limit(benchmark::State& state) {
  const std::int64_t n = elements_of(state);
  const aligned_buffer<float>& input = float_input(n);
  aligned_buffer<std::uint8_t> packed((n + 1) / 2);
  for (auto _ : state) {
    stream_f32_to_4bit_packed(input.data(), packed.data(), n);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, packed_traffic);
}

/// The streaming limit of packed int4 -> f32 traffic: read 0.5 B, write 4 B.
void qs4x2_f32_stream_limit(benchmark::State& state, store_kind kind) {
  const std::int64_t n = elements_of(state);
  const aligned_buffer<std::uint8_t>& packed = packed_input(n);
  aligned_buffer<float> output(n);
  for (auto _ : state) {
    stream_4bit_packed_to_f32(packed.data(), output.data(), n, kind);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, packed_traffic);
}

[[maybe_unused]] const bool registered = [] {
  const std::string isa(quant::dispatched::active_isa());
  for (granularity g : int4_weight_layouts) {
    with_sizes(benchmark::RegisterBenchmark(
        row_name("f32_qs4x2_quantize", name_of(g), isa).c_str(),
        [g](benchmark::State& state) { f32_qs4x2_quantize(state, g); }));
    with_sizes(benchmark::RegisterBenchmark(
        row_name("qs4x2_f32_dequantize", name_of(g), isa).c_str(),
        [g](benchmark::State& state) { qs4x2_f32_dequantize(state, g); }));
  }
  const std::string limit_isa(name_of(best_stream_isa()));
  with_sizes(benchmark::RegisterBenchmark(
      row_name("f32_qs4x2_stream_limit", name_of(store_kind::temporal), limit_isa).c_str(),
      f32_qs4x2_stream_limit));
  for (store_kind kind : {store_kind::temporal, store_kind::non_temporal})
    with_sizes(benchmark::RegisterBenchmark(
        row_name("qs4x2_f32_stream_limit", name_of(kind), limit_isa).c_str(),
        [kind](benchmark::State& state) { qs4x2_f32_stream_limit(state, kind); }));
  return true;
}();

}  // namespace
