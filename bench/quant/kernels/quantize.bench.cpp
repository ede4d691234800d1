// SPDX-License-Identifier: Apache-2.0
// quantize_affine, run-time dispatched, f32 -> int8 / uint8 / int16 / int4
// (unpacked), on [rows, cols] tensors of 16 KiB to 256 MiB, in GB/s of the
// bytes read and written (4 + sizeof(storage) per element). In the same run,
// what every row is measured against: the streaming limit of its traffic
// (read 4 B, write 1 B), a plain scalar loop over the formula and the
// reference model.
//
// Rows (thinned where the issue needs no product): int8 at every
// granularity; uint8 and int16 per tensor and in groups of 32; int4 per
// tensor and in groups of 32 and 128 (the weight layouts). The packed int4
// rows are in pack_int4.bench.cpp.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
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

/// One dispatched quantize_affine call per iteration.
template <quant::quantized_storage Q>
void f32_quantize(benchmark::State& state, granularity g, quant::quant_dtype type) {
  const std::int64_t n = elements_of(state);
  try {
    const qlower::shape shape = matrix_shape(n);
    const quant::affine_qparams qparams = qparams_for(g, shape, type);
    const aligned_buffer<float>& input = float_input(n);
    aligned_buffer<Q> output(n);
    for (auto _ : state) {
      quant::dispatched::quantize_affine(input.span(), shape, qparams, output.span());
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  set_traffic(state, n, 4.0 + static_cast<double>(sizeof(Q)));
}

/// The streaming limit of f32 -> 8-bit traffic: read 4 B, write 1 B.
void f32_qs8_stream_limit(benchmark::State& state, store_kind kind) {
  const std::int64_t n = elements_of(state);
  const aligned_buffer<float>& input = float_input(n);
  aligned_buffer<std::uint8_t> output(n);
  for (auto _ : state) {
    stream_f32_to_8bit(input.data(), output.data(), n, kind);
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

/// What a straightforward implementation does: the formula, one element at
/// a time, into a caller's buffer (no vectorization beyond the compiler's).
void f32_qs8_naive_scalar(benchmark::State& state) {
  const std::int64_t n = elements_of(state);
  const qlower::shape shape = matrix_shape(n);
  const quant::affine_qparams qparams =
      qparams_for(granularity::per_tensor, shape, quant::quant_dtype::int8);
  const float inverse_scale = 1.0f / qparams.scale()[0];
  const float zero_point = static_cast<float>(qparams.zero_point()[0]);
  const aligned_buffer<float>& input = float_input(n);
  aligned_buffer<std::int8_t> output(n);
  for (auto _ : state) {
    const float* x = input.data();
    std::int8_t* q = output.data();
    // the inputs are finite, so the clamp needs no NaN rule here
    for (std::int64_t i = 0; i < n; ++i)
      q[i] = static_cast<std::int8_t>(
          std::clamp(std::nearbyint(x[i] * inverse_scale) + zero_point, -128.0f, 127.0f));
    benchmark::ClobberMemory();
  }
  set_traffic(state, n, 5.0);
}

/// The reference model (reference/quant/affine.hpp): the test oracle, a loop
/// over multi-indices that allocates its result, per tensor.
void f32_qs8_reference(benchmark::State& state) {
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
  const aligned_buffer<float>& buffer = float_input(n);
  const std::vector<float> input(buffer.data(), buffer.data() + n);
  for (auto _ : state) {
    std::vector<std::int64_t> q = qlower::reference::quant::quantize(p, input);
    benchmark::DoNotOptimize(q.data());
  }
  set_traffic(state, n, 5.0);
}

template <quant::quantized_storage Q>
void register_quantize(std::string_view token, quant::quant_dtype type,
                       std::span<const granularity> granularities, const std::string& isa) {
  const std::string family = "f32_" + std::string(token) + "_quantize";
  for (granularity g : granularities) {
    auto* rows = benchmark::RegisterBenchmark(
        row_name(family, name_of(g), isa).c_str(),
        [g, type](benchmark::State& state) { f32_quantize<Q>(state, g, type); });
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
  register_quantize<std::int8_t>("qs8", quant::quant_dtype::int8, all_granularities, isa);
  register_quantize<std::uint8_t>("qu8", quant::quant_dtype::uint8, per_tensor_and_group32, isa);
  register_quantize<std::int16_t>("qs16", quant::quant_dtype::int16, per_tensor_and_group32, isa);
  register_quantize<std::int8_t>("qs4", quant::quant_dtype::int4, weight_layouts, isa);

  const std::string limit_isa(name_of(best_stream_isa()));
  for (store_kind kind : {store_kind::temporal, store_kind::non_temporal})
    with_sizes(benchmark::RegisterBenchmark(
        row_name("f32_qs8_stream_limit", name_of(kind), limit_isa).c_str(),
        [kind](benchmark::State& state) { f32_qs8_stream_limit(state, kind); }));
  with_sizes(benchmark::RegisterBenchmark("f32_qs8_quantize/per_tensor/naive_scalar",
                                          f32_qs8_naive_scalar));
  with_sizes(
      benchmark::RegisterBenchmark("f32_qs8_quantize/per_tensor/reference", f32_qs8_reference),
      reference_tensor_bytes);
  return true;
}();

}  // namespace
